import { error } from '@sveltejs/kit';
import { metricPage } from '$lib/server/dashboard/metric.ts';
import { metricInfo } from '$lib/server/dashboard/metrics.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { isMetricKey } from '$lib/server/metrics/registry.ts';
import { BreakdownError, parseBreakdowns, presentMetric } from '$lib/server/present/metric.ts';
import type { PageServerLoad } from './$types';

/**
 * One metric: an unknown key is a 404; `by` (the breakdowns to show, the metric's own only)
 * is this page's parameter, a bad one a 400. The filters come from the layout.
 */
export const load: PageServerLoad = async ({ params, url, parent, locals }) => {
	const key = params.key;
	if (!isMetricKey(key)) error(404, `There is no metric "${key}".`);
	const info = metricInfo(key);
	const { filters } = await parent();
	let by;
	try {
		by = parseBreakdowns(info, url.searchParams.getAll('by'), filters);
	} catch (e) {
		if (e instanceof BreakdownError) error(400, e.message);
		throw e;
	}
	const data = await metricPage(
		await serverWarehouse(),
		key,
		{ from: filters.period.from, to: filters.period.to, area: filters.area, agency: filters.agency },
		{ by: by.shown }
	);
	return { view: presentMetric(data, requestPolicy(locals), by), byAsked: by.asked, threshold: requestPolicy(locals).threshold };
};
