import { error } from '@sveltejs/kit';
import { filterOptions } from '$lib/server/dashboard/filters.ts';
import { FilterError, filterSearch, parseFilters } from '$lib/server/http/filters.ts';
import { requestPolicy, serverPolicy } from '$lib/server/http/policy.ts';
import { isDemo, serverWarehouse } from '$lib/server/http/warehouse.ts';
import type { LayoutServerLoad } from './$types';

/**
 * Every dashboard page: the filters from the URL, checked against the warehouse's own areas
 * and agencies (a bad one is a 400 with its reason), the options of the filter bar, and the
 * disclosure threshold in force (counts from 1 to it are shown as c) and whether counts are
 * slightly adjusted (the cell key method, rule 7: not in the unsuppressed view). Custom dates are
 * offered and accepted only in an analyst's unsuppressed view; anyone else's is a 400 naming
 * the fixed periods.
 */
export const load: LayoutServerLoad = async ({ url, locals }) => {
	const warehouse = await serverWarehouse();
	const options = await filterOptions(warehouse);
	// Custom dates only in an analyst's unsuppressed view (rule 7: fixed periods for shown figures).
	const customDates = requestPolicy(locals).profile === 'unsuppressed';
	let filters;
	try {
		filters = parseFilters(url.searchParams, options, { customDates });
	} catch (e) {
		if (e instanceof FilterError) error(400, e.message);
		throw e;
	}
	return {
		demo: isDemo(),
		filters: { ...filters, search: filterSearch(filters), customDates },
		options,
		threshold: serverPolicy().threshold,
		// Rule 7: whether this person's counts are perturbed by their cell keys (the footnote says so).
		adjusted: requestPolicy(locals).cellKey === true
	};
};
