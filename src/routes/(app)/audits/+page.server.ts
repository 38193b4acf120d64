import { auditsPage } from '$lib/server/dashboard/audits.ts';
import { benchmarksFor } from '$lib/server/dashboard/settings.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentAudits } from '$lib/server/present/audits.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, locals }) => {
	const { filters, options } = await parent();
	const warehouse = await serverWarehouse();
	const period = { from: filters.period.from, to: filters.period.to };
	const [data, benchmarks] = await Promise.all([
		auditsPage(warehouse, { ...period, area: filters.area, agency: filters.agency }),
		benchmarksFor(warehouse, null, period)
	]);
	return presentAudits(data, requestPolicy(locals), { benchmarks, agencies: options.agencies });
};
