import { dataPage } from '$lib/server/dashboard/data.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { presentData } from '$lib/server/present/data.ts';
import type { PageServerLoad } from './$types';

/** The import history and each supplier's freshness: no period or filter applies. */
export const load: PageServerLoad = async ({ locals }) => {
	const policy = requestPolicy(locals);
	return {
		view: presentData(await dataPage(await serverWarehouse()), policy),
		threshold: policy.threshold,
		filtersIgnored: 'it shows every import and every table, whatever the period, area or agency'
	};
};
