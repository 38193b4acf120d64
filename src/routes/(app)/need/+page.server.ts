import { needPage } from '$lib/server/dashboard/need.ts';
import { benchmarksFor } from '$lib/server/dashboard/settings.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentNeed } from '$lib/server/present/need.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, locals }) => {
	const { filters } = await parent();
	const warehouse = await serverWarehouse();
	const period = { from: filters.period.from, to: filters.period.to };
	const [data, benchmarks] = await Promise.all([
		needPage(warehouse, { ...period, area: filters.area, agency: filters.agency }),
		benchmarksFor(warehouse, null, period)
	]);
	return { need: presentNeed(data, requestPolicy(locals), benchmarks), threshold: requestPolicy(locals).threshold };
};
