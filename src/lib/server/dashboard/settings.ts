/**
 * The partnership's priorities and benchmarks (extract-format.md, "Partnership settings"),
 * read for pages.
 */
import type { Direction } from '../metrics/priorities.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { getMetric } from '../metrics/registry.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import { wholeMonths, type Period } from './period.ts';

export interface PriorityRow {
	priority_id: string;
	title: string;
	metric: MetricKey;
	target: number;
	direction: Direction;
	starts_on: string;
	ends_on: string;
	owner_agency_code: string | null;
	retired_on: string | null;
}

export interface PriorityFilter {
	/** Only priorities on this metric. */
	metric?: MetricKey;
	/**
	 * Leave out the priorities retired on or before this date (`YYYY-MM-DD`): a priority
	 * with `retired_on` ≤ it has left the scorecard. Omitted: every priority.
	 */
	activeOn?: string;
}

/** Priorities, by start date then id. */
export async function listPriorities(warehouse: Warehouse, filter: PriorityFilter = {}): Promise<PriorityRow[]> {
	return warehouse.read((conn) =>
		query<PriorityRow>(
			conn,
			`SELECT priority_id, title, metric, target, direction, CAST(starts_on AS VARCHAR) AS starts_on,
				CAST(ends_on AS VARCHAR) AS ends_on, owner_agency_code, CAST(retired_on AS VARCHAR) AS retired_on
			FROM priorities
			WHERE ($metric IS NULL OR metric = $metric)
				AND ($active IS NULL OR retired_on IS NULL OR retired_on > CAST($active AS DATE))
			ORDER BY starts_on, priority_id`,
			{ metric: filter.metric ?? null, active: filter.activeOn ?? null }
		)
	);
}

export interface Benchmark {
	benchmark_id: string;
	metric: MetricKey;
	label: string;
	period_start: string;
	period_end: string;
	value: number;
	source: string | null;
	/**
	 * Whether it may be drawn as a comparator for the period asked about. Rates per 10,000
	 * are for the period as chosen, not annualised (metrics.md), so a rate compares only
	 * with a benchmark over as many whole months (an annual one: a 12-month period); the
	 * other units compare whatever the lengths.
	 */
	comparable: boolean;
}

/** Benchmarks whose period overlaps `period`, for one metric (or every metric), by start date then label. */
export async function benchmarksFor(warehouse: Warehouse, metric: MetricKey | null, period: Period): Promise<Benchmark[]> {
	const rows = await warehouse.read((conn) =>
		query<Omit<Benchmark, 'comparable'>>(
			conn,
			`SELECT benchmark_id, metric, label, CAST(period_start AS VARCHAR) AS period_start,
				CAST(period_end AS VARCHAR) AS period_end, value, source
			FROM benchmarks
			WHERE ($metric IS NULL OR metric = $metric)
				AND period_start <= CAST($to AS DATE) AND period_end >= CAST($from AS DATE)
			ORDER BY period_start, label, benchmark_id`,
			{ metric, from: period.from, to: period.to }
		)
	);
	return rows.map((b) => ({ ...b, comparable: comparable(b, period) }));
}

function comparable(b: Omit<Benchmark, 'comparable'>, period: Period): boolean {
	if (getMetric(b.metric).unit !== 'per_10k') return true;
	const months = wholeMonths(period);
	return months !== null && months === wholeMonths({ from: b.period_start, to: b.period_end });
}
