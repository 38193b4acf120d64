/**
 * One metric (`/metrics/[key]`): its definition, its figure for the period and filters, its
 * monthly series, its breakdowns, the benchmarks overlapping the period, and the priorities
 * set on it.
 *
 * ## Choices
 * - **Series**: by month over the 24 months ending with `to`'s month, or over the period when
 *   it is longer, so that a chart (and its XmR limits, computed after disclosure control) has
 *   enough points whatever the period; the page can mark the period within it.
 * - **Breakdowns**: those asked for (all of the metric's breakdowns but `month` by default),
 *   each a `computeMetrics` run; a breakdown the metric has no meaning for is left out.
 * - **Priorities**: every priority on the metric, retired ones included (`retired_on` says),
 *   each with its figure and status for the partnership (unfiltered, over its own period).
 */
import type { MetricValue } from '../metrics/compute.ts';
import type { Dimension } from '../metrics/dimensions.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { latestEventDate } from '../metrics/priorities.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { listAgencies, listAreas } from './filters.ts';
import { MetricCache, metricInfo, seriesOf, type MetricInfo, type SeriesPoint } from './metrics.ts';
import { trendWindow, type Period } from './period.ts';
import { pageScope, validQuery, type DashboardQuery, type PageScope } from './query.ts';
import { evaluatePriorities, type PriorityFigure } from './scorecard.ts';
import { benchmarksFor, listPriorities, type Benchmark } from './settings.ts';

export interface BreakdownGroup {
	/** The group's code (`YYYY-MM` for a month). */
	group: string;
	/** For people: an area's or agency's name, otherwise the code. */
	label: string;
	value: MetricValue;
}

export interface Breakdown {
	by: Dimension;
	/**
	 * Every group of the dimension (metrics.md's breakdowns; see compute.ts for which groups
	 * are listed). Whether the groups add up to the figure depends on the dimension and the
	 * metric: concern groups never do, and a request or escalation counts under both of its
	 * agencies (and sectors).
	 */
	groups: BreakdownGroup[];
}

export interface MetricPageData extends PageScope {
	metric: MetricInfo;
	figure: MetricValue;
	series: { window: Period; points: SeriesPoint[] };
	breakdowns: Breakdown[];
	benchmarks: Benchmark[];
	priorities: PriorityFigure[];
}

export interface MetricPageOptions {
	/** Breakdowns to compute; default every breakdown of the metric but `month`. */
	by?: readonly Dimension[];
}

/** The page's data, every part of it from the same committed data (`Warehouse.snapshot`). */
export function metricPage(warehouse: Warehouse, key: MetricKey, query: DashboardQuery, options: MetricPageOptions = {}): Promise<MetricPageData> {
	return warehouse.snapshot((view) => metricPageIn(view, key, query, options));
}

async function metricPageIn(warehouse: Warehouse, key: MetricKey, query: DashboardQuery, options: MetricPageOptions): Promise<MetricPageData> {
	const q = validQuery(query);
	const info = metricInfo(key);
	const dimensions = (options.by ?? info.dimensions.filter((d) => d !== 'month')).filter((d) => info.dimensions.includes(d));
	const trend = trendWindow(q.to);
	const window = { from: q.from < trend.from ? q.from : trend.from, to: q.to };
	const metrics = new MetricCache(warehouse, [key]);

	const [all, seriesGroups, breakdownGroups, areas, agencies, benchmarks, priorities, latest] = await Promise.all([
		metrics.set(q),
		metrics.groups({ ...q, ...window }, 'month'),
		Promise.all(dimensions.map((d) => metrics.groups(q, d))),
		listAreas(warehouse),
		listAgencies(warehouse),
		benchmarksFor(warehouse, key, q),
		listPriorities(warehouse, { metric: key }),
		latestEventDate(warehouse)
	]);
	const names: Partial<Record<Dimension, Map<string, string>>> = {
		area: new Map(areas.map((a) => [a.code, a.name])),
		agency: new Map(agencies.map((a) => [a.code, a.name]))
	};
	return {
		...pageScope(q),
		metric: info,
		figure: all[key],
		series: { window, points: seriesOf(seriesGroups, key) },
		breakdowns: dimensions.map((by, i) => ({
			by,
			groups: breakdownGroups[i].map((g) => ({ group: g.group, label: names[by]?.get(g.group) ?? g.group, value: g.metrics[key] }))
		})),
		benchmarks,
		priorities: await evaluatePriorities(metrics, priorities, latest)
	};
}
