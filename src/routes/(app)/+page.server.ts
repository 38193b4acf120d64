import { driftPanel } from '$lib/server/dashboard/drift.ts';
import { overviewPage } from '$lib/server/dashboard/overview.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentDrift } from '$lib/server/present/drift.ts';
import { presentOverview } from '$lib/server/present/overview.ts';
import type { PageServerLoad } from './$types';

/**
 * The priorities' scorecard (each priority has its own period and is the whole partnership's,
 * so no filter applies) and the drift panel (the whole partnership's, at the end of the last
 * 12 whole months).
 */
export const load: PageServerLoad = async ({ locals }) => {
	const policy = requestPolicy(locals);
	const warehouse = await serverWarehouse();
	const [overview, drift] = await Promise.all([overviewPage(warehouse), driftPanel(warehouse)]);
	return {
		...presentOverview(overview, policy),
		drift: drift && presentDrift(drift, policy),
		threshold: policy.threshold,
		filtersIgnored: "each priority's figure is the whole partnership's, over the priority's own period; drift is the whole partnership's at the end of the last 12 months"
	};
};
