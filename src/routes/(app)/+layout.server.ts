import { error } from '@sveltejs/kit';
import { filterOptions } from '$lib/server/dashboard/filters.ts';
import { FilterError, filterSearch, parseFilters } from '$lib/server/http/filters.ts';
import { serverPolicy } from '$lib/server/http/policy.ts';
import { isDemo, serverWarehouse } from '$lib/server/http/warehouse.ts';
import type { LayoutServerLoad } from './$types';

/**
 * Every dashboard page: the filters from the URL, checked against the warehouse's own areas
 * and agencies (a bad one is a 400 with its reason), the options of the filter bar, and the
 * disclosure threshold in force (counts from 1 to it are shown as c).
 */
export const load: LayoutServerLoad = async ({ url }) => {
	const warehouse = await serverWarehouse();
	const options = await filterOptions(warehouse);
	let filters;
	try {
		filters = parseFilters(url.searchParams, options);
	} catch (e) {
		if (e instanceof FilterError) error(400, e.message);
		throw e;
	}
	return {
		demo: isDemo(),
		filters: { ...filters, search: filterSearch(filters) },
		options,
		threshold: serverPolicy().threshold
	};
};
