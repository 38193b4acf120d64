import { meetingsPage } from '$lib/server/dashboard/meetings.ts';
import { benchmarksFor } from '$lib/server/dashboard/settings.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentMeetings } from '$lib/server/present/meetings.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, locals }) => {
	const { filters, options } = await parent();
	const warehouse = await serverWarehouse();
	const period = { from: filters.period.from, to: filters.period.to };
	const [data, benchmarks] = await Promise.all([
		meetingsPage(warehouse, { ...period, area: filters.area, agency: filters.agency }),
		benchmarksFor(warehouse, null, period)
	]);
	return presentMeetings(data, requestPolicy(locals), { benchmarks, agencies: options.agencies });
};
