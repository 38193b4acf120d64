import { responsePage } from '$lib/server/dashboard/response.ts';
import { benchmarksFor } from '$lib/server/dashboard/settings.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentResponse } from '$lib/server/present/response.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, locals }) => {
	const { filters } = await parent();
	const warehouse = await serverWarehouse();
	const period = { from: filters.period.from, to: filters.period.to };
	const [data, benchmarks] = await Promise.all([
		responsePage(warehouse, { ...period, area: filters.area, agency: filters.agency }),
		benchmarksFor(warehouse, null, period)
	]);
	return { response: presentResponse(data, requestPolicy(locals), benchmarks), threshold: requestPolicy(locals).threshold };
};
