/**
 * What a dashboard page is asked for, and the SQL plumbing every page shares: events read
 * through the metrics' own `MetricSql.rows` (so a filter means exactly what metrics.md says,
 * for these counts as for the metrics), bound parameters, and counts grouped two ways into
 * the `CountTable`s that disclosure control takes.
 *
 * SQL text here is built only from the project's constants (scopes, columns, code lists,
 * bins); the user's values (period, area, agency, sector) travel only as the bound
 * parameters `$from`, `$to`, `$area`, `$agency`, `$sector`.
 */
import type { CountTable } from '../disclosure/types.ts';
import { parseMetricQuery, type ValidQuery } from '../metrics/compute.ts';
import type { Dimension } from '../metrics/dimensions.ts';
import { MetricSql } from '../metrics/events.ts';
import type { Sector } from '../schema/codes.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';

/** A page's period and filters (an agency and a sector filter cannot be combined). */
export interface DashboardQuery {
	/** `YYYY-MM-DD` */
	from: string;
	/** `YYYY-MM-DD`, inclusive. */
	to: string;
	area?: string | null;
	agency?: string | null;
	sector?: Sector | null;
}

/** The period and filters a page's data was computed for, echoed in its data. */
export interface PageScope {
	period: { from: string; to: string };
	filters: { area: string | null; agency: string | null; sector: string | null };
}

/** Validates a page's query as `computeMetrics` does (throws `MetricQueryError`), without a breakdown. */
export function validQuery(q: DashboardQuery): ValidQuery {
	return parseMetricQuery({ from: q.from, to: q.to, area: q.area ?? null, agency: q.agency ?? null, sector: q.sector ?? null });
}

export function pageScope(q: ValidQuery): PageScope {
	return { period: { from: q.from, to: q.to }, filters: { area: q.area, agency: q.agency, sector: q.sector } };
}

/** Whether the query filters by agency or sector (metrics on tables with no agency are then `z`). */
export function hasAgencyFilter(q: ValidQuery): boolean {
	return q.agency !== null || q.sector !== null;
}

/** The metrics' SQL builder for this query's filters, grouping by `by` (or not at all). */
export function eventSql(q: ValidQuery, by: Dimension | null = null): MetricSql {
	return new MetricSql({ area: q.area !== null, agency: q.agency !== null, sector: q.sector !== null }, by);
}

/** Binds the named parameters the SQL uses, and only those (DuckDB refuses others). */
function bindings(sql: string, q: ValidQuery): Record<string, string> {
	const all: Record<string, string | null> = { from: q.from, to: q.to, area: q.area, agency: q.agency, sector: q.sector };
	const out: Record<string, string> = {};
	for (const [, name] of sql.matchAll(/\$([a-z]+)/g)) {
		const value = all[name];
		if (value === undefined || value === null) throw new Error(`the SQL names $${name}, which this query does not bind`);
		out[name] = value;
	}
	return out;
}

/** Runs a read-only statement with the query's values bound. */
export function readRows<T extends Record<string, unknown>>(warehouse: Warehouse, sql: string, q: ValidQuery): Promise<T[]> {
	return warehouse.read((conn) => query<T>(conn, sql, bindings(sql, q)));
}

/** A count of rows meeting a condition (SQL over the source's columns), or of all rows (`true`). */
export type Measure = string | true;

export interface CrossCount<M extends string> {
	/** A subquery of rows, usually from `eventSql(q).rows(…)`. */
	source: string;
	/** The row label of each source row (SQL; cast to text). */
	row: string;
	/** Its column label (SQL; cast to text). */
	column: string;
	/** Counts to take in each cell, by name. */
	measures: Record<M, Measure>;
	/**
	 * The column of the source holding each row's key for the cell key method (default
	 * `d_record_key`; a child's `child_key` where a source's rows are children): each count's
	 * cell key is the sum of its rows' keys, modulo 256 (`<measure>__key`).
	 */
	key?: string;
}

export type CrossRow<M extends string> = { row: string | null; column: string | null } & Record<M, number> & Record<`${M}__key`, number>;

/** Counts of the source's rows by row and column label, each with its cell key: one query for every measure. */
export function crossCount<M extends string>(warehouse: Warehouse, q: ValidQuery, spec: CrossCount<M>): Promise<CrossRow<M>[]> {
	const key = spec.key ?? 'd_record_key';
	const measures = Object.entries<Measure>(spec.measures).map(([name, condition]) => {
		const filter = condition === true ? '' : ` FILTER (WHERE ${condition})`;
		return `count(*)${filter} AS ${ident(name)}, CAST(COALESCE(sum(${key})${filter}, 0) % 256 AS INTEGER) AS ${ident(`${name}__key`)}`;
	});
	return readRows<CrossRow<M>>(
		warehouse,
		`SELECT CAST(${spec.row} AS VARCHAR) AS "row", CAST(${spec.column} AS VARCHAR) AS "column", ${measures.join(', ')}
		FROM (${spec.source}) GROUP BY ALL`,
		q
	);
}

export interface TableLayout {
	rows: readonly string[];
	columns: readonly string[];
	/** Whether a total of each row (across the columns) is shown. */
	rowTotals: boolean;
	/** Whether a total of each column (down the rows) is shown. */
	columnTotals: boolean;
}

/**
 * A `CountTable` of one measure of `crossCount`'s rows, every cell filled (0 where no row
 * counted). Source rows whose labels are not in the layout (a null agency, say) are left
 * out, as the metrics leave such rows out of every group.
 */
export function countTable<M extends string>(layout: TableLayout, counted: readonly CrossRow<M>[], measure: M): CountTable {
	const rowIndex = new Map(layout.rows.map((r, i) => [r, i]));
	const columnIndex = new Map(layout.columns.map((c, i) => [c, i]));
	const counts = layout.rows.map(() => layout.columns.map(() => 0));
	const keys = layout.rows.map(() => layout.columns.map(() => 0));
	for (const r of counted) {
		const i = r.row === null ? undefined : rowIndex.get(r.row);
		const j = r.column === null ? undefined : columnIndex.get(r.column);
		if (i !== undefined && j !== undefined) {
			counts[i][j] += r[measure];
			keys[i][j] = (keys[i][j] + Number(r[`${measure}__key`] ?? 0)) % 256;
		}
	}
	return { rows: [...layout.rows], columns: [...layout.columns], counts, keys, rowTotals: layout.rowTotals, columnTotals: layout.columnTotals };
}

/** Distinct labels found in `crossCount`'s rows, sorted (for tables whose rows come from the data). */
export function labelsOf<M extends string>(counted: readonly CrossRow<M>[], side: 'row' | 'column'): string[] {
	return [...new Set(counted.map((r) => r[side]).filter((v): v is string => v !== null))].sort();
}

/** A bin of a distribution: whole numbers from `min` to `max` inclusive (`max` null: no upper end). */
export interface Bin {
	label: string;
	min: number;
	max: number | null;
}

/**
 * Bins ending at `width`, 2 × `width`, … up to `last` (the first also holds 0: 0–5, 6–10, …),
 * then bins ending at each of `wider`, then an open one: `bins(5, 45, [60])` is
 * 0–5, 6–10, …, 41–45, 46–60, 61+.
 */
export function bins(width: number, last: number, wider: readonly number[]): Bin[] {
	const ends: number[] = [];
	for (let max = width; max <= last; max += width) ends.push(max);
	ends.push(...wider);
	const out: Bin[] = [];
	let min = 0;
	for (const max of ends) {
		out.push({ label: `${min}–${max}`, min, max });
		min = max + 1;
	}
	out.push({ label: `${min}+`, min, max: null });
	return out;
}

/** `CASE` giving the label of the bin of a whole-number value (null for a null value). */
export function binLabel(value: string, binList: readonly Bin[]): string {
	const cases = binList.map((b) => (b.max === null ? `ELSE ${literal(b.label)}` : `WHEN ${value} <= ${b.max} THEN ${literal(b.label)}`));
	return `CASE WHEN ${value} IS NULL THEN NULL ${cases.join(' ')} END`;
}
