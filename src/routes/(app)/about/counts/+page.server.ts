import { GENERAL_ROW, NEAR_THRESHOLD_ROW } from '$lib/server/disclosure/perturbation.ts';
import { requestPolicy, serverPolicy } from '$lib/server/http/policy.ts';
import type { PageServerLoad } from './$types';

/**
 * How counts are protected, in words for the people who read them (docs/disclosure.md has the
 * method in full): the threshold in force and the perturbation table's rows for it.
 */
export const load: PageServerLoad = async ({ locals }) => {
	const threshold = serverPolicy().threshold;
	return {
		threshold,
		adjusted: requestPolicy(locals).cellKey === true,
		nearRow: NEAR_THRESHOLD_ROW.map(([p, keys]) => ({ p, keys })),
		generalRow: GENERAL_ROW.map(([p, keys]) => ({ p, keys })),
		filtersIgnored: 'this page explains how every figure is protected'
	};
};
