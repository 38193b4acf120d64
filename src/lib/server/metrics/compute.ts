/**
 * Computes every metric of the registry for a period, filters and breakdown, in one read
 * transaction (so that an import committing meanwhile cannot mix two states), one query per
 * metric answering all groups at once.
 *
 * ## Choices where metrics.md leaves room (each one deliberate; change them here only)
 * - **`x` (not available)**: the metric's source table holds no rows for the period and
 *   filters, where "rows for the period" are the rows the metric's period condition selects
 *   (contacts received in the period, assessments completed in it, escalations resolved in
 *   it for the median days to close, escalations raised by `to` for the open count, the
 *   attendance rows of ICPCs held in it, …). The numerator and denominator are still
 *   reported (as counted, usually 0). For `escalations_per_100_referrals` the source is the
 *   escalations table (no referrals with escalations present is `z`).
 * - **`z` (not applicable)**, value, numerator and denominator null: a metric on tables with
 *   no agency (assessments, s47 enquiries, CP plans, audits' overall grades) under an
 *   agency or sector filter, or in an `agency`/`sector` breakdown; a breakdown with no
 *   meaning for the metric (`concern` for anything but referrals; rates per 10,000 by
 *   `age_band`, `sex` or `ethnicity_group`, since the population is known only by area).
 *   Also `z`, with the counts reported: a ratio whose denominator is 0, a rate whose child
 *   population is 0, a median over no values (requests made but none answered).
 *   Not applicable takes precedence over `x`, and `x` over a zero denominator.
 * - **Rates per 10,000 in a breakdown**: by `area`, the area's population; by `month`,
 *   `sector`, `agency` or `concern`, the whole (filtered) population: contacts from the
 *   police per 10,000 children. The population year is always year(`to`) of the period.
 * - **Period**: real dates, `from` ≤ `to`, both within the working-day calendar
 *   (1990-01-01 to 2040-12-31): outside it working days are unknown.
 * - **Unknown filter values**: an area with no row in `areas`, or an agency with no row in
 *   `agencies`, is a `MetricQueryError` naming it (a usage error: the command line exits 2,
 *   the API answers 400), rather than silently answering `x` everywhere.
 * - **Sector filter and `sector` breakdown on contacts and referrals** use the sector of
 *   the contact or referral as metrics.md defines it (its agency's, else from its source
 *   code), so that `--sector police` equals the `police` group of `--by sector`.
 * - **Breakdown groups** list every value: every month of the period; every area of the
 *   warehouse (only the filtered one under an area filter); every agency (only the
 *   filtered one under an agency filter, only the sector's under a sector filter); every
 *   sector, concern, age band, sex (events whose child has no `children` row, or no child,
 *   are `unknown`) and ethnicity group. Rows whose group is none of these (no area, no
 *   source agency, no concerns) count in no group. A request or escalation counts in the
 *   group of each of its two agencies (once if both are in one sector).
 * - **Age at an event** is taken at the event date that puts the event in the period (for
 *   the open escalations, the date raised). A child not yet born then is `under_1`.
 * - **`escalations_open_at_end` by month**: the position at each month's end (the last
 *   month's at `to`), each month its own group.
 * - **Involved agencies** (`multi_agency_children_pct`): filters and groups apply to the
 *   underlying rows literally; see ./definitions/front-door.ts.
 */
import { z } from 'zod';
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY } from '../calendar/bank-holidays.ts';
import { SECTORS } from '../schema/codes.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MetricDefinition } from './definition.ts';
import { DIMENSIONS, FIXED_GROUPS, monthsOf, type Dimension } from './dimensions.ts';
import { cellKeysLeftOut, MetricSql } from './events.ts';
import { METRIC_KEYS, type MetricKey } from './keys.ts';
import { METRICS } from './registry.ts';

export { DIMENSIONS, type Dimension } from './dimensions.ts';

export interface MetricQuery {
	/** First day of the period, `YYYY-MM-DD`. */
	from: string;
	/** Last day of the period (inclusive), `YYYY-MM-DD`. */
	to: string;
	area?: string | null;
	agency?: string | null;
	sector?: string | null;
	by?: Dimension | null;
}

/** A query as validated: every field present. */
export interface ValidQuery {
	from: string;
	to: string;
	area: string | null;
	agency: string | null;
	sector: (typeof SECTORS)[number] | null;
	by: Dimension | null;
}

export type MetricStatus = 'ok' | 'z' | 'x';

export interface MetricValue {
	/** Unrounded; null when the status is `z` or `x`. */
	value: number | null;
	/** Integer count of a ratio or rate; null for medians, counts and where not applicable. */
	numerator: number | null;
	/** Integer count of a ratio (null for rates per 10,000: see `population`). */
	denominator: number | null;
	status: MetricStatus;
	/** For a median: the number of values behind it (a median of 1 to 5 values is suppressed). */
	n: number | null;
	/** For a rate per 10,000: the child population it is per. */
	population: number | null;
	/**
	 * The cell keys (0–255) of its counts (disclosure-control.md rule 7): the sum, modulo 256,
	 * of the record keys of the rows counted (of the child keys, for distinct children), from
	 * the same query; null for a count the kind of metric has not. Made by compute.ts; a value
	 * built by hand (tests) may leave them out, where no perturbation is asked of it.
	 */
	keys?: CellKeys;
}

/** The cell key of each count of a metric value (`value`: a count metric's own count). */
export interface CellKeys {
	numerator: number | null;
	denominator: number | null;
	value: number | null;
}

export type MetricSet = Record<MetricKey, MetricValue>;
/** Some metrics only (see `computeMetricsFor`). */
export type MetricSubset<K extends MetricKey> = Record<K, MetricValue>;

export interface MetricGroup<K extends MetricKey = MetricKey> {
	group: string;
	metrics: MetricSubset<K>;
}

interface ResultBase {
	period: { from: string; to: string };
	filters: { area: string | null; agency: string | null; sector: string | null };
}
export type MetricsResult<K extends MetricKey = MetricKey> =
	| (ResultBase & { by: null; metrics: MetricSubset<K> })
	| (ResultBase & { by: Dimension; groups: MetricGroup<K>[] });

/** A query that cannot be answered as asked: a usage error (command line exit 2, HTTP 400). */
export class MetricQueryError extends Error {
	constructor(
		message: string,
		/** The field at fault, when there is one. */
		readonly field: keyof MetricQuery | null = null
	) {
		super(message);
		this.name = 'MetricQueryError';
	}
}

function isRealDate(value: string): boolean {
	const [y, m, d] = value.split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
	.refine(isRealDate, 'is not a real date')
	// Working days are known only within the calendar.
	.refine((v) => v >= CALENDAR_FIRST_DAY && v <= CALENDAR_LAST_DAY, `must be between ${CALENDAR_FIRST_DAY} and ${CALENDAR_LAST_DAY}`);

const code = z.string().trim().min(1, 'must not be empty').max(200).nullish();

const querySchema = z
	.object({
		from: isoDate,
		to: isoDate,
		area: code,
		agency: code,
		sector: z.enum(SECTORS, { error: `must be one of ${SECTORS.join(', ')}` }).nullish(),
		by: z.enum(DIMENSIONS, { error: `must be one of ${DIMENSIONS.join(', ')}` }).nullish()
	})
	.strict()
	.refine((q) => q.from <= q.to, { message: 'must not be after to', path: ['from'] })
	.refine((q) => !(q.agency && q.sector), { message: 'an agency and a sector filter cannot be combined', path: ['agency'] });

/** Validates a query (throws `MetricQueryError`); does not look in the warehouse. */
export function parseMetricQuery(input: unknown): ValidQuery {
	const parsed = querySchema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const field = (issue.path[0] as keyof MetricQuery | undefined) ?? null;
		throw new MetricQueryError(field ? `${field}: ${issue.message}` : issue.message, field);
	}
	const q = parsed.data;
	return { from: q.from, to: q.to, area: q.area ?? null, agency: q.agency ?? null, sector: q.sector ?? null, by: q.by ?? null };
}

/** Named parameters of a query; only those its SQL names are bound (DuckDB refuses others). */
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

async function run<T extends Record<string, unknown>>(conn: DuckDBConnection, sql: string, q: ValidQuery): Promise<T[]> {
	return query<T>(conn, sql, bindings(sql, q));
}

/**
 * The small tables every query reads besides its metric's rows: the areas with their
 * population estimates and the agencies with their sectors. Read once per data version
 * (`Warehouse.cached`), so that a query runs only its metrics' own statements.
 */
interface Lookups {
	/** Every area's population estimates: [population_year, child_population], by year. */
	populations: Map<string, [number, number][]>;
	agencies: { code: string; sector: string }[];
}

async function lookups(warehouse: Warehouse): Promise<Lookups> {
	return warehouse.cached('metric lookups', () =>
		warehouse.read(async (conn) => {
			const areas = await query<{ area_code: string; population_year: number; child_population: number }>(
				conn,
				'SELECT area_code, population_year, child_population FROM areas ORDER BY area_code, population_year'
			);
			const agencies = await query<{ code: string; sector: string }>(conn, 'SELECT agency_code AS code, sector FROM agencies ORDER BY agency_code');
			const populations = new Map<string, [number, number][]>();
			for (const a of areas) populations.set(a.area_code, [...(populations.get(a.area_code) ?? []), [a.population_year, a.child_population]]);
			return { populations, agencies };
		})
	);
}

function checkFilterValues(l: Lookups, q: ValidQuery): void {
	if (q.area !== null && !l.populations.has(q.area)) throw new MetricQueryError(`area: ${JSON.stringify(q.area)} is not an area of the warehouse`, 'area');
	if (q.agency !== null && !l.agencies.some((a) => a.code === q.agency)) {
		throw new MetricQueryError(`agency: ${JSON.stringify(q.agency)} is not an agency of the warehouse`, 'agency');
	}
}

function listGroups(l: Lookups, q: ValidQuery, by: Dimension): string[] {
	const fixed = FIXED_GROUPS[by];
	if (fixed) return [...fixed];
	if (by === 'month') return monthsOf(q.from, q.to);
	if (by === 'area') return q.area !== null ? [q.area] : [...l.populations.keys()].sort();
	if (q.agency !== null) return [q.agency];
	return l.agencies.filter((a) => q.sector === null || a.sector === q.sector).map((a) => a.code);
}

/**
 * The child population of each area (of the filtered one under an area filter): the estimate
 * with the greatest population_year ≤ year(to), or if none, the one with the smallest year.
 */
function childPopulation(l: Lookups, q: ValidQuery): Map<string, number> {
	const year = Number(q.to.slice(0, 4));
	const out = new Map<string, number>();
	for (const [area, estimates] of l.populations) {
		if (q.area !== null && area !== q.area) continue;
		// Estimates are in year order.
		const upTo = estimates.filter(([y]) => y <= year);
		out.set(area, (upTo.length ? upTo[upTo.length - 1] : estimates[0])[1]);
	}
	return out;
}

interface GroupRow {
	grp: string | null;
	source_rows?: number;
	num?: number;
	den?: number;
	val?: number | null;
	n?: number;
	num_key?: number;
	den_key?: number;
}

const NOT_APPLICABLE: MetricValue = { value: null, numerator: null, denominator: null, status: 'z', n: null, population: null };

function metricValue(metric: MetricDefinition, row: GroupRow | undefined, population: number): MetricValue {
	const available = (row?.source_rows ?? 0) > 0;
	const num = row?.num ?? 0;
	const den = row?.den ?? 0;
	const status = (ok: boolean): MetricStatus => (!available ? 'x' : ok ? 'ok' : 'z');
	// No row for the group: nothing counted, key 0.
	const numKey = row?.num_key ?? 0;
	const denKey = row?.den_key ?? 0;
	switch (metric.kind) {
		case 'per_10k': {
			const s = status(population > 0);
			const keys = { numerator: numKey, denominator: null, value: null };
			return { value: s === 'ok' ? (10_000 * num) / population : null, numerator: num, denominator: null, status: s, n: null, population, keys };
		}
		case 'ratio': {
			const s = status(den > 0);
			const keys = { numerator: numKey, denominator: denKey, value: null };
			return { value: s === 'ok' ? (100 * num) / den : null, numerator: num, denominator: den, status: s, n: null, population: null, keys };
		}
		case 'median': {
			const n = row?.n ?? 0;
			const s = status(n > 0);
			const keys = { numerator: null, denominator: null, value: null };
			return { value: s === 'ok' ? (row?.val ?? null) : null, numerator: null, denominator: null, status: s, n, population: null, keys };
		}
		case 'count': {
			const s = status(true);
			const keys = { numerator: null, denominator: null, value: numKey };
			return { value: s === 'ok' ? num : null, numerator: null, denominator: null, status: s, n: null, population: null, keys };
		}
	}
}

/** Whether a metric is `z` throughout for this query (its filter or breakdown has no meaning for it). */
function notApplicable(metric: MetricDefinition, q: ValidQuery): boolean {
	if ((q.agency !== null || q.sector !== null) && !metric.agencyFilterApplies) return true;
	return q.by !== null && !metric.dimensions.includes(q.by);
}

/** Wraps a metric's SQL so that every group comes back as its label (`YYYY-MM` for months). */
function labelled(sql: string, by: Dimension | null): string {
	const label = by === 'month' ? `strftime(grp, '%Y-%m')` : 'CAST(grp AS VARCHAR)';
	return `SELECT ${label} AS grp, * EXCLUDE (grp) FROM (${sql})`;
}

/** Every metric for the query: `{by: null, metrics}` or, with a breakdown, `{by, groups}`. */
export async function computeMetrics(warehouse: Warehouse, input: MetricQuery): Promise<MetricsResult> {
	return computeMetricsFor(warehouse, input, METRIC_KEYS);
}

/** One metric's answer to a query: its value, or its value in each group. */
type KeptFigure = { by: null; value: MetricValue } | { by: Dimension; groups: { group: string; value: MetricValue }[] };

/**
 * The same for some metrics only (a page that shows a few need not compute all 28).
 *
 * Each metric's answer to a query is kept per data version (`Warehouse.cached`: before
 * disclosure control, so the same for every requester), so a page that asks again (the
 * overview's priorities, a trend beside its period) or another request with the same filters
 * computes nothing; the metrics not kept are computed together, in one read transaction.
 */
export async function computeMetricsFor<K extends MetricKey>(warehouse: Warehouse, input: MetricQuery, keys: readonly K[]): Promise<MetricsResult<K>> {
	const q = parseMetricQuery(input);
	const wanted = [...new Set(keys)];
	// The bench's figures without their cell keys are kept apart from the real ones.
	const cacheKey = (key: MetricKey) => `metric ${key} ${JSON.stringify(q)}${cellKeysLeftOut() ? ' without cell keys' : ''}`;
	return warehouse.snapshot(async (view) => {
		const kept = await view.cachedMany<KeptFigure>(wanted.map(cacheKey), async (missing) => {
			const computing = new Set(missing);
			const metrics = METRICS.filter((m) => computing.has(cacheKey(m.key)));
			const l = await lookups(view);
			const result = await view.readTransaction((conn) => computeIn<MetricKey>(conn, q, metrics, l));
			const out = new Map<string, KeptFigure>();
			for (const m of metrics) {
				out.set(
					cacheKey(m.key),
					result.by === null
						? { by: null, value: result.metrics[m.key] }
						: { by: result.by, groups: result.groups.map((g) => ({ group: g.group, value: g.metrics[m.key] })) }
				);
			}
			return out;
		});
		const base: ResultBase = { period: { from: q.from, to: q.to }, filters: { area: q.area, agency: q.agency, sector: q.sector } };
		const figures = wanted.map((key) => [key, kept.get(cacheKey(key)) as KeptFigure] as const);
		if (q.by === null) {
			const metrics = {} as MetricSubset<K>;
			for (const [key, f] of figures) if (f.by === null) metrics[key] = f.value;
			return { ...base, by: null, metrics };
		}
		// Every metric's groups are the query's, in the same order.
		const first = figures[0]?.[1];
		const groups = first && first.by !== null ? first.groups.map((g) => g.group) : [];
		return {
			...base,
			by: q.by,
			groups: groups.map((group, i) => {
				const metrics = {} as MetricSubset<K>;
				for (const [key, f] of figures) if (f.by !== null) metrics[key] = f.groups[i].value;
				return { group, metrics };
			})
		};
	});
}

async function computeIn<K extends MetricKey>(conn: DuckDBConnection, q: ValidQuery, metrics: readonly MetricDefinition[], l: Lookups): Promise<MetricsResult<K>> {
	checkFilterValues(l, q);
	const groups = q.by === null ? ['all'] : listGroups(l, q, q.by);
	const populations = childPopulation(l, q);
	let total = 0;
	for (const p of populations.values()) total += p;
	const populationOf = (group: string) => (q.by === 'area' ? (populations.get(group) ?? 0) : total);

	const sql = new MetricSql({ area: q.area !== null, agency: q.agency !== null, sector: q.sector !== null }, q.by);
	const sets: MetricSubset<K>[] = groups.map(() => ({}) as MetricSubset<K>);
	// A query several metrics read (`MetricSpec.shared`) runs once, each metric taking its columns.
	const sharedRuns = new Map<string, Promise<Record<string, unknown>[]>>();
	const rowsOf = (metric: MetricDefinition): Promise<GroupRow[]> => {
		const shared = metric.shared;
		if (!shared) return run<GroupRow & Record<string, unknown>>(conn, labelled(metric.sql(sql), q.by), q);
		let rows = sharedRuns.get(shared.id);
		if (!rows) {
			rows = run<Record<string, unknown>>(conn, labelled(shared.sql(sql), q.by), q);
			sharedRuns.set(shared.id, rows);
		}
		return rows.then((all) =>
			all.map((r) => {
				const out: GroupRow = { grp: r.grp as string | null };
				for (const [as, column] of Object.entries(shared.columns)) (out as unknown as Record<string, unknown>)[as] = r[column];
				return out;
			})
		);
	};
	for (const metric of metrics as readonly (MetricDefinition & { key: K })[]) {
		if (notApplicable(metric, q)) {
			for (const set of sets) set[metric.key] = { ...NOT_APPLICABLE };
			continue;
		}
		const rows = await rowsOf(metric);
		const byGroup = new Map(rows.map((r) => [r.grp, r]));
		groups.forEach((group, i) => {
			sets[i][metric.key] = metricValue(metric, byGroup.get(group), populationOf(group));
		});
	}

	const base: ResultBase = {
		period: { from: q.from, to: q.to },
		filters: { area: q.area, agency: q.agency, sector: q.sector }
	};
	if (q.by === null) return { ...base, by: null, metrics: sets[0] };
	return { ...base, by: q.by, groups: groups.map((group, i) => ({ group, metrics: sets[i] })) };
}

type CliMetrics = Record<MetricKey, { value: number | null; numerator: number | null; denominator: number | null }>;

function cliMetrics(set: MetricSet): CliMetrics {
	const out = {} as CliMetrics;
	for (const key of METRIC_KEYS) {
		const { value, numerator, denominator } = set[key];
		out[key] = { value, numerator, denominator };
	}
	return out;
}

/** The command line's JSON (metrics.md, "Command-line contract"): every key, values unrounded. */
export function toCliJson(result: MetricsResult): object {
	const base = { period: result.period, filters: result.filters };
	if (result.by === null) return { ...base, metrics: cliMetrics(result.metrics) };
	return { ...base, by: result.by, groups: result.groups.map((g) => ({ group: g.group, metrics: cliMetrics(g.metrics) })) };
}
