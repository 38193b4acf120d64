import { overviewPage } from '$lib/server/dashboard/overview.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentOverview } from '$lib/server/present/overview.ts';
import type { PageServerLoad } from './$types';

/** The priorities' scorecard: each priority has its own period and is the whole partnership's, so no filter applies. */
export const load: PageServerLoad = async ({ locals }) => {
	const policy = requestPolicy(locals);
	return {
		...presentOverview(await overviewPage(await serverWarehouse()), policy),
		threshold: policy.threshold,
		filtersIgnored: "each priority's figure is the whole partnership's, over the priority's own period"
	};
};
