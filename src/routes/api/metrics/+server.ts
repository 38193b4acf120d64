/**
 * GET /api/metrics?period=…|from=…&to=…[&area=…][&agency=…][&by=…]: every metric for the
 * filters, after disclosure control (the same registry as the command line; the command line
 * prints unsuppressed figures, this never does). Bad filters: 400 with {error}.
 */
import { json } from '@sveltejs/kit';
import { filterOptions } from '$lib/server/dashboard/filters.ts';
import { suppressGroups, suppressMetricSet } from '$lib/server/disclosure/index.ts';
import { FilterError, parseFilters } from '$lib/server/http/filters.ts';
import { requestPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { computeMetrics, DIMENSIONS, MetricQueryError, type Dimension } from '$lib/server/metrics/compute.ts';
import { METRICS_VERSION } from '$lib/server/metrics/keys.ts';
import type { RequestHandler } from './$types';

const bad = (message: string) => json({ error: message }, { status: 400 });

export const GET: RequestHandler = async ({ url, locals }) => {
	const warehouse = await serverWarehouse();
	const params = new URLSearchParams(url.searchParams);
	const by = params.get('by');
	params.delete('by');
	for (const name of params.keys()) {
		if (!['period', 'from', 'to', 'area', 'agency'].includes(name)) return bad(`unknown parameter "${name}"`);
	}
	if (by !== null && !(DIMENSIONS as readonly string[]).includes(by)) return bad(`by: must be one of ${DIMENSIONS.join(', ')}`);
	let filters;
	try {
		filters = parseFilters(params, await filterOptions(warehouse), { customDates: requestPolicy(locals).profile === 'unsuppressed' });
	} catch (e) {
		if (e instanceof FilterError) return bad(e.message);
		throw e;
	}
	const policy = requestPolicy(locals);
	const q = { from: filters.period.from, to: filters.period.to, area: filters.area, agency: filters.agency };
	try {
		// The whole and its groups from the same committed data (an import may commit between them).
		return await warehouse.snapshot((view) => answer(view));
	} catch (e) {
		if (e instanceof MetricQueryError) return bad(e.message);
		throw e;
	}

	async function answer(view: typeof warehouse): Promise<Response> {
		const whole = await computeMetrics(view, q);
		if (whole.by !== null) throw new Error('unexpected breakdown');
		const head = {
			period: whole.period,
			filters: whole.filters,
			metrics_version: METRICS_VERSION,
			disclosure: { profile: policy.profile, threshold: policy.threshold }
		};
		if (by === null) return json({ ...head, metrics: suppressMetricSet(whole.metrics, policy) });
		const grouped = await computeMetrics(view, { ...q, by: by as Dimension });
		if (grouped.by === null) throw new Error('expected a breakdown');
		const shown = suppressGroups(grouped, whole, policy);
		return json({ ...head, by, metrics: shown.total, groups: shown.groups });
	}
};
