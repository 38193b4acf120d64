/**
 * Tables as events of metrics, and the SQL every metric builds its query from.
 *
 * A metric's SQL reads its events through `MetricSql.rows(scope, …)`: the rows of one table
 * whose event date is in the period, with the query's filters applied as metrics.md's
 * "Filters" paragraph says for that table, and a `grp` column holding the row's group of
 * the breakdown (`'all'` without one). The metric then aggregates `GROUP BY grp`, so one
 * query answers every group at once.
 *
 * Identifiers here are the project's own constants; user values (period, area, agency,
 * sector) only ever appear as the bound parameters `$from`, `$to`, `$area`, `$agency`, `$sector`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { literal } from '../warehouse/sql.ts';
import { AGE_BAND_BOUNDS, type Dimension } from './dimensions.ts';

export const SCOPE_NAMES = [
	'contacts',
	'referrals',
	'assessments',
	's47_enquiries',
	'cp_plans',
	'info_requests',
	'escalations',
	'meeting_attendance',
	'audits',
	'audit_actions'
] as const;
export type ScopeName = (typeof SCOPE_NAMES)[number];

export interface EventScope {
	/** FROM clause: the events aliased `e`; for a table without a child column, its parent aliased `p`. */
	from: string;
	/** The parent table a child-less table follows (attendance its meeting, an audit action its audit). */
	parent: string | null;
	/** Alias whose derived child columns (`d_area_code`, `d_sex`, …) describe the event's child. */
	child: 'e' | 'p';
	/** Columns naming the event's agencies, or null for a table with no agency (no agency filter applies). */
	agencies: readonly string[] | null;
	/** The sectors of those agencies, column for column (for contacts and referrals: the sector of the source). */
	sectors: readonly string[] | null;
	/** The list column of concerns, for the `concern` breakdown. */
	concerns: string | null;
	/** What the rows subquery selects besides `grp`. */
	columns: string;
}

function own(table: string, options: Partial<Pick<EventScope, 'agencies' | 'sectors' | 'concerns'>> = {}): EventScope {
	return {
		from: `${table} e`,
		parent: null,
		child: 'e',
		agencies: options.agencies ?? null,
		sectors: options.sectors ?? null,
		concerns: options.concerns ?? null,
		columns: 'e.*'
	};
}

const sourceAgency = { agencies: ['e.source_agency_code'], sectors: ['e.d_sector'] };

export const SCOPES: Readonly<Record<ScopeName, EventScope>> = {
	contacts: own('contacts', sourceAgency),
	referrals: own('referrals', { ...sourceAgency, concerns: 'e.concerns' }),
	assessments: own('assessments'),
	s47_enquiries: own('s47_enquiries'),
	cp_plans: own('cp_plans'),
	// A request is kept by an agency filter when the agency requests or responds.
	info_requests: own('info_requests', {
		agencies: ['e.requesting_agency_code', 'e.responding_agency_code'],
		sectors: ['e.d_requesting_sector', 'e.d_responding_sector']
	}),
	// An escalation is kept when the agency raises it or receives it.
	escalations: own('escalations', {
		agencies: ['e.raised_by_agency_code', 'e.raised_with_agency_code'],
		sectors: ['e.d_raised_by_sector', 'e.d_raised_with_sector']
	}),
	meeting_attendance: {
		from: 'meeting_attendance e JOIN meetings p ON p.meeting_id = e.meeting_id',
		parent: 'meetings',
		child: 'p',
		agencies: ['e.agency_code'],
		sectors: ['e.d_sector'],
		concerns: null,
		columns: 'e.*, p.child_id, p.meeting_type, p.held_on, p.d_child_key, p.d_child_n'
	},
	audits: own('audits'),
	audit_actions: {
		from: 'audit_actions e JOIN audits p ON p.audit_id = e.audit_id',
		parent: 'audits',
		child: 'p',
		// An action is kept by an agency filter when the agency owns it.
		agencies: ['e.owner_agency_code'],
		sectors: ['e.d_sector'],
		concerns: null,
		columns: 'e.*, p.child_id, p.d_child_key, p.d_child_n'
	}
};

/** Whether the rows of a scope can be grouped by a dimension. */
export function scopeHasDimension(scope: ScopeName, dimension: Dimension): boolean {
	const s = SCOPES[scope];
	if (dimension === 'agency' || dimension === 'sector') return s.agencies !== null;
	if (dimension === 'concern') return s.concerns !== null;
	return true;
}

/**
 * Which filters a query has. Only whether each is set: their values never reach the SQL
 * text, only the bound parameters.
 */
export interface FilterFlags {
	area: boolean;
	agency: boolean;
	sector: boolean;
}

export interface RowsOptions {
	/** The event date that puts a row in the period (also its month and the date of the child's age). */
	on: string;
	/**
	 * `period` (default): `on` within [from, to]; `to`: `on` on or before `to` (a position at
	 * the period's end); `any`: every row, whatever its date (the rows of a count at the end,
	 * which is `x` only when its table holds none under the filters).
	 */
	within?: 'period' | 'to' | 'any';
	/** A further condition on the rows, over `e` (and `p`). */
	where?: string;
}

/** One of several columns as a group: a row with two agencies counts once in each (once if they are the same). */
function oneOrEach(columns: readonly string[]): string {
	return columns.length === 1 ? columns[0] : `UNNEST(list_distinct([${columns.join(', ')}]))`;
}

/** Builds the SQL of metrics for one query's filters and breakdown. */
export class MetricSql {
	/** The period's first and last day, as SQL expressions over the bound parameters. */
	readonly from = 'CAST($from AS DATE)';
	readonly to = 'CAST($to AS DATE)';

	constructor(
		readonly filters: FilterFlags,
		readonly by: Dimension | null
	) {}

	/**
	 * `SELECT <grp>, <the scope's columns> FROM <scope> WHERE <period> AND <filters> AND <where>`.
	 * Under an area filter, events with no child or a child with no area drop out (the
	 * comparison with null is never true); without one they stay.
	 */
	rows(scopeName: ScopeName, options: RowsOptions): string {
		const scope = SCOPES[scopeName];
		const conditions = [
			options.within === 'any' ? 'true' : options.within === 'to' ? `${options.on} <= ${this.to}` : `${options.on} BETWEEN ${this.from} AND ${this.to}`
		];
		if (options.where) conditions.push(`(${options.where})`);
		if (this.filters.area) conditions.push(`${scope.child}.d_area_code = $area`);
		if (this.filters.agency) conditions.push(anyEquals(required(scope.agencies, scopeName), '$agency'));
		if (this.filters.sector) conditions.push(anyEquals(required(scope.sectors, scopeName), '$sector'));
		return `SELECT ${this.group(scopeName, options.on)} AS grp, ${scope.columns} FROM ${scope.from} WHERE ${conditions.join(' AND ')}`;
	}

	/**
	 * One row per month of the period: `grp` (its first day) and `at`, its last day or `to`,
	 * for metrics that are a position at the end of the period (`--by month`: at each month's end).
	 */
	monthEnds(): string {
		return `SELECT CAST(m AS DATE) AS grp, least(last_day(CAST(m AS DATE)), ${this.to}) AS at
			FROM generate_series(date_trunc('month', ${this.from}), CAST(${this.to} AS TIMESTAMP), INTERVAL 1 MONTH) g(m)`;
	}

	/**
	 * A count at the end (metrics.md version 2, "Counts at the end"): the rows of `scope` still
	 * open at the end of `to` (with `--by month`, at the end of each month of the period: the
	 * earlier of its last day and `to`). `openAt(end)` is the condition, over a row's columns
	 * and the end's `end.at` (the date), `end.at_wdn` (its working-day number) and
	 * `end.next_us` (the first instant of the next day in Europe/London, as epoch
	 * microseconds). The source rows are every row of the table under the filters, whatever
	 * its date, so such a count is `x` only when there are none; a row's group (and its child's
	 * age) is taken at `opened`, the date it was opened.
	 */
	atEnd(scopeName: ScopeName, opened: string, openAt: (end: string) => string): string {
		const rows = this.rows(scopeName, { on: opened, within: 'any' });
		const ends = this.ends(this.by === 'month' ? this.monthEnds() : this.endOfTo());
		if (this.by === 'month') {
			// Each month its own position; every month sees every row of the table.
			return `
				WITH r AS (${rows}), ends AS (${ends})
				SELECT ends.grp, (SELECT count(*) FROM r) AS source_rows, count(r.grp) AS num,
					CAST(COALESCE(sum(r.d_record_key), 0) % 256 AS INTEGER) AS num_key
				FROM ends LEFT JOIN r ON (${openAt('ends')})
				GROUP BY ends.grp`;
		}
		return `
			WITH r AS (${rows}), ends AS (${ends})
			SELECT r.grp, count(*) AS source_rows, ${keyedCount('num', openAt('ends'), 'r.d_record_key')}
			FROM r CROSS JOIN ends
			GROUP BY r.grp`;
	}

	/**
	 * The rows themselves that `atEnd` counts at the end of `to` (whatever the breakdown): the
	 * rows of `scope` under the filters, whatever their date, meeting `openAt(end)` at the end
	 * of `to`, with the scope's columns (and `grp`). For a page's own tables of a count at the
	 * end, so that they count the rows the metric counts, under one definition.
	 */
	rowsOpenAtEnd(scopeName: ScopeName, opened: string, openAt: (end: string) => string): string {
		const rows = this.rows(scopeName, { on: opened, within: 'any' });
		return `
			WITH r AS (${rows}), ends AS (${this.ends(this.endOfTo())})
			SELECT r.* FROM r CROSS JOIN ends WHERE ${openAt('ends')}`;
	}

	/** The one position at the end of `to`. */
	private endOfTo(): string {
		return `SELECT 'end' AS grp, ${this.to} AS at`;
	}

	/** Positions (`grp`, `at`) with `at_wdn` and `next_us`, as `atEnd`'s conditions take them. */
	private ends(points: string): string {
		return `SELECT p.grp, p.at, c.number AS at_wdn, epoch_us(CAST(CAST(p.at + 1 AS DATE) AS TIMESTAMPTZ)) AS next_us
			FROM (${points}) p LEFT JOIN calendar c ON c.day = p.at`;
	}

	/** The group of a row of `scope` whose event date is `on`. */
	private group(scopeName: ScopeName, on: string): string {
		const scope = SCOPES[scopeName];
		const c = scope.child;
		switch (this.by) {
			case null:
				return `'all'`;
			case 'month':
				return `date_trunc('month', ${on})`;
			case 'area':
				return `${c}.d_area_code`;
			case 'sector':
				return oneOrEach(required(scope.sectors, scopeName));
			case 'agency':
				return oneOrEach(required(scope.agencies, scopeName));
			case 'concern':
				return `UNNEST(${required(scope.concerns, scopeName)})`;
			case 'sex':
				return `COALESCE(${c}.d_sex, 'unknown')`;
			case 'ethnicity_group':
				return `COALESCE(${c}.d_ethnicity_group, 'unknown')`;
			case 'age_band': {
				// Whole years from the first day of the birth month to the event date.
				const age = `date_sub('year', ${c}.d_birth_start, ${on})`;
				const bands = AGE_BAND_BOUNDS.map((b) => `WHEN ${age} < ${b.below} THEN ${literal(b.band)}`).join(' ');
				return `CASE WHEN ${c}.d_birth_start IS NULL THEN 'unknown' ${bands} ELSE '18_plus' END`;
			}
		}
	}
}

function anyEquals(columns: readonly string[], param: string): string {
	return `(${columns.map((col) => `${col} = ${param}`).join(' OR ')})`;
}

function required<T>(value: T | null, scope: ScopeName): T {
	// compute.ts never asks for these (such metrics are `z`); reaching here is a bug.
	if (value === null) throw new Error(`the ${scope} events cannot be filtered or grouped that way`);
	return value;
}

const benchWithoutKeys = new AsyncLocalStorage<boolean>();

/**
 * For `npm run bench` only: runs `fn` with every `keyedCount` in it leaving the key sums out
 * (each key 0), to measure what the cell keys cost. Nothing else calls it: figures computed in
 * it must never be shown.
 */
export function benchWithoutCellKeys<T>(fn: () => Promise<T>): Promise<T> {
	return benchWithoutKeys.run(true, fn);
}

/** True inside `benchWithoutCellKeys` (whose figures are never kept: compute.ts). */
export function cellKeysLeftOut(): boolean {
	return benchWithoutKeys.getStore() === true;
}

/**
 * A count and its cell key, as one query's two columns `<name>` and `<name>_key`: the rows
 * meeting `where` (all without it), and the sum of their `key` (a record key; a child key for
 * distinct children) modulo 256.
 */
export function keyedCount(name: string, where: string | null = null, key = 'd_record_key'): string {
	const filter = where === null ? '' : ` FILTER (WHERE ${where})`;
	if (benchWithoutKeys.getStore() === true) return `count(*)${filter} AS ${name}, 0 AS ${name}_key`;
	return `count(*)${filter} AS ${name}, CAST(COALESCE(sum(${key})${filter}, 0) % 256 AS INTEGER) AS ${name}_key`;
}
