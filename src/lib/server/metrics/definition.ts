/**
 * What a metric's definition holds, and `defineMetric`, which fills in what follows from
 * it (its kind, the tables it reads, where it applies). The definitions themselves are in
 * ./definitions/, one file per family, gathered by ./registry.ts.
 *
 * ## The SQL contract
 * A metric's `sql(q)` is one query answering every group of the breakdown at once, built
 * from `q.rows(…)` (./events.ts). It returns one row per group with `grp` and some of:
 * - `source_rows`: how many rows of the metric's source it read for the group; 0 means
 *   the source holds no rows for the period and filters, and the metric is `x`;
 * - `num`, `den`: the numerator and denominator counts of a ratio (`num` alone for a
 *   rate per 10,000, whose denominator is the child population, and for a count);
 * - `val`, `n`: a median and the number of values behind it;
 * - `num_key`, `den_key`: the cell keys of `num` and `den` (disclosure-control.md rule 7): the
 *   sum, modulo 256, of the record keys (`d_record_key`) of the rows counted, or of the child
 *   keys (`d_child_key`) for counts of distinct children, beside each count in the same query
 *   (`keyedCount` writes both).
 * A group missing from the result has no rows (`x`).
 */
import type { MetricKey } from './keys.ts';
import { CHILD_DIMENSIONS, DIMENSIONS, type Dimension } from './dimensions.ts';
import { SCOPES, scopeHasDimension, type MetricSql, type ScopeName } from './events.ts';

export { keyedCount } from './events.ts';

export type Unit = 'per_10k' | 'percent' | 'per_100' | 'working_days' | 'hours' | 'days' | 'count';

/** How a value is made from the SQL's columns. */
export type MetricKind = 'per_10k' | 'ratio' | 'median' | 'count';

const KIND_OF_UNIT: Record<Unit, MetricKind> = {
	per_10k: 'per_10k',
	percent: 'ratio',
	per_100: 'ratio',
	working_days: 'median',
	hours: 'median',
	days: 'median',
	count: 'count'
};

export interface MetricSpec {
	key: MetricKey;
	/** Short title for people. */
	title: string;
	/** The definition in plain English, as metrics.md gives it. */
	definition: string;
	/** What is counted above the line (null when the metric is not a ratio or rate). */
	numerator: string | null;
	/** What is counted below it (for a rate per 10,000: the child population). */
	denominator: string | null;
	unit: Unit;
	/** Whether a higher value is better; null when neither is (volumes). */
	higherIsBetter: boolean | null;
	/** The event tables it reads (./events.ts); the first is its source: no rows there for the period is `x`. */
	sources: readonly [ScopeName, ...ScopeName[]];
	/** The one query of the metric, for a query's period, filters and breakdown. */
	sql: (q: MetricSql) => string;
	/**
	 * When the metric is some columns of a query other metrics read too (the involved agencies'
	 * children of `multi_agency_children_pct` and `children_known_3plus_agencies`): that query,
	 * by a name of its own, and the columns the metric takes from it. `sql` is then that
	 * selection, and compute.ts runs the shared query once for every metric that reads it.
	 */
	shared?: SharedQuery;
}

export type GroupColumn = 'source_rows' | 'num' | 'den' | 'val' | 'n' | 'num_key' | 'den_key';

export interface SharedQuery {
	/** The query's name: metrics with the same name read the same query (the same `sql`). */
	id: string;
	/** One row per group, `grp` and the columns below. */
	sql: (q: MetricSql) => string;
	/** Which of the query's columns is each of the metric's (./definition.ts's SQL contract). */
	columns: Partial<Record<GroupColumn, string>>;
}

/** A metric read from a shared query: its `sql` is the selection of its columns from it. */
export function sharedSql(shared: SharedQuery): (q: MetricSql) => string {
	const columns = Object.entries(shared.columns).map(([as, column]) => `${column} AS ${as}`);
	return (q) => `SELECT grp, ${columns.join(', ')} FROM (${shared.sql(q)})`;
}

export interface MetricDefinition extends MetricSpec {
	kind: MetricKind;
	/** Every warehouse table it reads (with parents and, for rates, `areas`). */
	tables: readonly string[];
	/**
	 * Whether it applies under an agency or sector filter: only when every table it reads
	 * has an agency (metrics.md: otherwise `z`, value null).
	 */
	agencyFilterApplies: boolean;
	/** The breakdowns that have a meaning for it; in the others every group is `z`. */
	dimensions: readonly Dimension[];
}

export function defineMetric(spec: MetricSpec): MetricDefinition {
	const kind = KIND_OF_UNIT[spec.unit];
	const tables = new Set<string>();
	for (const s of spec.sources) {
		tables.add(s);
		const parent = SCOPES[s].parent;
		if (parent) tables.add(parent);
	}
	if (kind === 'per_10k') tables.add('areas');
	const dimensions = DIMENSIONS.filter(
		(d) =>
			spec.sources.every((s) => scopeHasDimension(s, d)) &&
			// The child population is known only by area: no rate per 10,000 boys, or 5 to 9 year olds.
			!(kind === 'per_10k' && CHILD_DIMENSIONS.includes(d))
	);
	return {
		...spec,
		kind,
		tables: [...tables],
		agencyFilterApplies: spec.sources.every((s) => SCOPES[s].agencies !== null),
		dimensions
	};
}

