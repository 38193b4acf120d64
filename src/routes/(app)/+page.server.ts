import { overviewPage } from '$lib/server/dashboard/overview.ts';
import { serverPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentOverview } from '$lib/server/present/overview.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	return presentOverview(await overviewPage(await serverWarehouse()), serverPolicy());
};
