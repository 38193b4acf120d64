/**
 * Metric figures for pages: every figure, breakdown and series comes from `computeMetrics`
 * (the one place a metric is computed), through this module. A page asks for the sets it
 * needs through a `MetricCache`, which runs each distinct (period, filters, breakdown) once
 * however many parts of the page ask for it, so that a page can start them all at once.
 */
import { computeMetricsFor, type MetricGroup, type MetricSet, type MetricValue, type ValidQuery } from '../metrics/compute.ts';
import type { MetricDefinition } from '../metrics/definition.ts';
import type { Dimension } from '../metrics/dimensions.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { getMetric } from '../metrics/registry.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** One month of a series: `YYYY-MM` and the metric's figure for it. */
export interface SeriesPoint {
	month: string;
	value: MetricValue;
}

/** What a page shows about a metric: its definition, without its SQL. */
export type MetricInfo = Pick<
	MetricDefinition,
	'key' | 'title' | 'definition' | 'numerator' | 'denominator' | 'unit' | 'kind' | 'higherIsBetter' | 'agencyFilterApplies' | 'dimensions'
>;

export function metricInfo(key: MetricKey): MetricInfo {
	const m = getMetric(key);
	return {
		key: m.key,
		title: m.title,
		definition: m.definition,
		numerator: m.numerator,
		denominator: m.denominator,
		unit: m.unit,
		kind: m.kind,
		higherIsBetter: m.higherIsBetter,
		agencyFilterApplies: m.agencyFilterApplies,
		dimensions: [...m.dimensions]
	};
}

/** A group of a breakdown with the metrics a page reads. */
export interface GroupOf<K extends MetricKey> {
	group: string;
	metrics: Pick<MetricSet, K>;
}

/**
 * The `computeMetrics` runs of one page. A page names the metrics it reads (`keys`) and sees
 * only those. `computeMetrics` computes every metric of the registry each run, which is most
 * of a page's time; the day it can be asked for some only, `run` passes `keys` on and no page
 * changes.
 */
export class MetricCache<K extends MetricKey> {
	private readonly results = new Map<string, Promise<GroupOf<K>[]>>();

	constructor(
		private readonly warehouse: Warehouse,
		readonly keys: readonly K[]
	) {}

	/** The metrics for the query, by `by` (one group `all` without a breakdown). */
	groups(q: ValidQuery, by: Dimension | null): Promise<GroupOf<K>[]> {
		const key = JSON.stringify([q.from, q.to, q.area, q.agency, q.sector, by]);
		let result = this.results.get(key);
		if (!result) {
			result = this.run(q, by);
			this.results.set(key, result);
		}
		return result;
	}

	/** The metrics for the query, not broken down. */
	async set(q: ValidQuery): Promise<Pick<MetricSet, K>> {
		const [all] = await this.groups(q, null);
		return all.metrics;
	}

	private async run(q: ValidQuery, by: Dimension | null): Promise<GroupOf<K>[]> {
		const result = await computeMetricsFor(this.warehouse, { ...q, by }, this.keys);
		const groups: MetricGroup<K>[] = result.by === null ? [{ group: 'all', metrics: result.metrics }] : result.groups;
		return groups.map((g) => ({ group: g.group, metrics: pick(g.metrics, this.keys) }));
	}
}

export function seriesOf<K extends MetricKey>(groups: readonly GroupOf<K>[], key: K): SeriesPoint[] {
	return groups.map((g) => ({ month: g.group, value: g.metrics[key] }));
}

/** The named metrics of a set. */
export function pick<K extends MetricKey>(set: Pick<MetricSet, K>, keys: readonly K[]): Pick<MetricSet, K> {
	const out = {} as Pick<MetricSet, K>;
	for (const key of keys) out[key] = set[key];
	return out;
}

/** A monthly series of several metrics: `[{month, metrics: {key: value}}]`. */
export interface MonthMetrics<K extends MetricKey> {
	month: string;
	metrics: Pick<MetricSet, K>;
}

export function monthly<K extends MetricKey>(groups: readonly GroupOf<K>[]): MonthMetrics<K>[] {
	return groups.map((g) => ({ month: g.group, metrics: g.metrics }));
}
