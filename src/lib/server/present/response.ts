/**
 * The response times page as a person may see it: every count and figure of `responsePage`
 * through disclosure control (each count perturbed by its own cell key under the cell key
 * method); shares only of SHOWN counts.
 *
 * ## What is protected together
 * - **Figures and the monthly trend**: the headline figures and the months are a breakdown of
 *   one whole (the period's referrals, assessments, enquiries and requests, each in one
 *   month): one `suppressBreakdowns` call. The page shows that call's `total`. The requests
 *   overdue at each month's end are positions that do not add up (one request is overdue at
 *   many month ends): each month, and the headline (the position at `to`), stands alone.
 * - **Assessment durations.** The bins up to 41–45 working days add up to the numerator of
 *   `assessment_45wd_pct` (shown in the headline), the later bins to the assessments over 45
 *   working days, and all to its denominator. So the bins go through `suppressTable` as a
 *   table of two columns, within and over 45 working days (each bin's count in its column, 0
 *   in the other), with the column totals shown: the bins within with the numerator are one
 *   line, the bins over with the late ones another. The denominator is their sum. The
 *   numerator is suppressed there exactly when it is from 1 to the threshold (every
 *   assessment has a month, so the trend's line hides it only then too), so the two calls
 *   agree on it; the tests hold them to it. That the late ones are the denominator less the
 *   numerator is the complement of a ratio, which the spec leaves shown (docs/disclosure.md,
 *   "Limits").
 * - **Information requests by responding agency and priority**: `acknowledged`, `answered`
 *   and `requests` each through `suppressTable` with their totals (their grand totals are the
 *   headlines' numerators and their shared denominator, suppressed there only when small, as
 *   in the trend's lines; the tests hold them to it). Acknowledged and answered are each a
 *   part of requests cell by cell, not of each other, so no line joins their tables (the
 *   unacknowledged and the late are complements of ratios, which the spec leaves shown). A
 *   share is `acknowledged ÷ requests` or `answered ÷ requests`, shown only when both counts
 *   are (`c` when either is not, `z` over no requests), of the counts as shown before any
 *   rounding: perturbed by their cell keys under the cell key method, the part capped at its
 *   whole, so never over 100%.
 * - **Requests overdue at the end, by the agency asked and priority**: one `suppressTable`
 *   with its totals. Each request is in one cell, so the grand total is the headline count
 *   `info_requests_overdue_at_end`, and the two must be shown or suppressed together. The
 *   grand total is suppressed only when it is itself from 1 to the threshold, as the headline
 *   is; should they ever disagree (or their counts differ), the table is shown with every
 *   non-zero figure suppressed (`hiddenTable`) and the headline count is `c`, rather than
 *   one undoing the other's protection. When they agree, the grand total is the headline's
 *   figure itself (one count of the same rows, shown once by its own cell key).
 *
 * ## Cell keys (rule 7, the cell key method)
 * Under a policy with the method every count is shown perturbed by its own cell key: a table's
 * cells by the keys the page data carries beside their counts (`CountTable.keys`), a total by
 * the sum of its cells' keys (disclosure control's `cellKeySum`: the sum of the record keys of
 * the same rows), the headline figures and the months by the metrics' own keys. The bins of
 * the durations keep their keys in their column of within and over (0 in the other), so the
 * within total has the key of the headline's numerator (the same rows; the headline's is then
 * capped at its denominator). Every share is of the perturbed counts (`adjustedCount`).
 * Suppression is decided on the true counts first, as without the method.
 */
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import { ASSESSMENT_LIMIT_WD } from '../metrics/definitions/social-care.ts';
import { ASSESSMENT_BINS, type ResponseData } from '../dashboard/response.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { adjustedCount, cellKeySum, metricSeries, suppressBreakdowns, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, SeriesPoint, Shown, ShownMetric, ShownTable } from '../disclosure/index.ts';
import { fullSet, shownBenchmarks, type ShownBenchmark } from './common.ts';
import { agree, grandTotal, hiddenTable, isShown, shareOf, suppressed } from './tables.ts';

/** The headline figures, in the page's order. */
export const RESPONSE_FIGURES = [
	'referral_decision_1wd_pct',
	'assessment_45wd_pct',
	'assessment_median_wd',
	'icpc_15wd_pct',
	'info_request_ack_1wd_pct',
	'info_request_on_time_pct',
	'info_request_median_hours',
	'info_requests_overdue_at_end'
] as const satisfies readonly (keyof ResponseData['figures'])[];

/** The figures drawn by month: percentages, and the requests overdue at each month's end. */
export const RESPONSE_TRENDS = [
	'referral_decision_1wd_pct',
	'assessment_45wd_pct',
	'icpc_15wd_pct',
	'info_request_ack_1wd_pct',
	'info_request_on_time_pct',
	'info_requests_overdue_at_end'
] as const;

/** Assessments within this many working days are on time (the metric's own limit). */
export { ASSESSMENT_LIMIT_WD };

export interface ShownFigure {
	metric: MetricInfo;
	figure: ShownMetric;
	benchmarks: ShownBenchmark[];
}

export interface ShownTrend {
	metric: MetricInfo;
	/** By month; a gap (null with its symbol) where not shown. */
	points: SeriesPoint[];
	benchmarks: ShownBenchmark[];
}

export interface ShownBin {
	label: string;
	/** Working days from `min` to `max` inclusive (`max` null: and over). */
	min: number;
	max: number | null;
	/** Whether the bin is within 45 working days. */
	within: boolean;
	count: Shown;
}

/** Requests, those acknowledged within 1 working day and those answered on time, and their shares, of one cell or total. */
export interface ShownOnTime {
	requests: Shown;
	acknowledged: Shown;
	/** Acknowledged within 1 working day as a percentage of requests, from the two shown counts. */
	acknowledgedShare: Shown;
	answered: Shown;
	/** Answered on time as a percentage of requests, from the two shown counts. */
	answeredShare: Shown;
}

export interface ShownResponder {
	agency: string;
	/** One per priority (`priorities`). */
	byPriority: ShownOnTime[];
	all: ShownOnTime;
}

/** Requests overdue at the end of `to` asked of one agency: by priority and in all. */
export interface ShownOverdue {
	agency: string;
	/** One per priority (`priorities`). */
	byPriority: Shown[];
	all: Shown;
}

export interface ResponseView {
	period: { from: string; to: string };
	filters: { area: string | null; agency: string | null; sector: string | null };
	/** An agency (or sector) filter: assessments and conferences belong to no agency (`z`). */
	agencyFiltered: boolean;
	figures: ShownFigure[];
	trends: ShownTrend[];
	/** Null under an agency filter (not applicable). */
	durations: {
		bins: ShownBin[];
		/** Assessments within 45 working days, and over: the column totals of the bins' table. */
		within: Shown;
		over: Shown;
	} | null;
	requests: {
		priorities: string[];
		responders: ShownResponder[];
		total: { byPriority: ShownOnTime[]; all: ShownOnTime };
	};
	/** Requests overdue at the end of `to`, by the agency asked; `total.all` is the headline count as shown. */
	overdue: {
		priorities: string[];
		responders: ShownOverdue[];
		total: { byPriority: Shown[]; all: Shown };
	};
}

/** The bins' single column split into within and over 45 working days, so each part is a line with its total; each bin's key goes with its count. */
function withinAndOver(table: CountTable): CountTable {
	if (table.columns.length !== 1) throw new Error('the assessment durations have one column');
	if (table.rows.join() !== ASSESSMENT_BINS.map((b) => b.label).join()) throw new Error('the assessment durations are not in ASSESSMENT_BINS');
	const within = (r: number) => {
		const max = ASSESSMENT_BINS[r].max;
		return max !== null && max <= ASSESSMENT_LIMIT_WD;
	};
	const split = <T>(rows: readonly (readonly T[])[], none: T): T[][] => rows.map(([v], r) => (within(r) ? [v, none] : [none, v]));
	return {
		rows: [...table.rows],
		columns: ['within', 'over'],
		counts: split(table.counts, 0),
		...(table.keys ? { keys: split(table.keys, 0) } : {}),
		rowTotals: false,
		columnTotals: true
	};
}

/** Where a figure is in a table: a cell, a row's total (`c` null), a column's (`r` null) or the grand total (both null). */
interface At {
	r: number | null;
	c: number | null;
}

/** A table's figure as shown. */
function shownAt(t: ShownTable, { r, c }: At): Shown {
	if (r !== null && c !== null) return t.cells[r][c];
	if (r !== null) return t.rowTotals![r];
	if (c !== null) return t.columnTotals![c];
	return t.total!;
}

/** A table's figure as counted: the sum of its cells' counts, and of their keys (null: the table has none). */
function countedAt(t: CountTable, { r, c }: At): { count: number; key: number | null } {
	const cells = (r === null ? t.rows.map((_, i) => i) : [r]).flatMap((i) => (c === null ? t.columns.map((_, j) => j) : [c]).map((j) => [i, j] as const));
	return { count: cells.reduce((a, [i, j]) => a + (t.counts[i][j] ?? 0), 0), key: t.keys ? cellKeySum(cells.map(([i, j]) => t.keys![i][j])) : null };
}

/**
 * A part of a table's figure as a percentage of the same figure of its whole (`c` unless
 * both are shown, `z` over none): of the counts as shown before rounding (perturbed by their
 * cell keys under the cell key method), the part capped at its whole.
 */
function shareAt(part: { table: CountTable; shown: ShownTable }, whole: { table: CountTable; shown: ShownTable }, at: At, policy: DisclosurePolicy): Shown {
	const [p, w] = [part, whole].map((x) => {
		const { count, key } = countedAt(x.table, at);
		return adjustedCount(count, policy, key);
	});
	return shareOf(shownAt(part.shown, at), shownAt(whole.shown, at), { count: Math.min(p, w), base: w }, policy);
}

type RequestTables = Record<'acknowledged' | 'answered' | 'requests', { table: CountTable; shown: ShownTable }>;

function onTime(t: RequestTables, at: At, policy: DisclosurePolicy): ShownOnTime {
	return {
		requests: shownAt(t.requests.shown, at),
		acknowledged: shownAt(t.acknowledged.shown, at),
		acknowledgedShare: shareAt(t.acknowledged, t.requests, at, policy),
		answered: shownAt(t.answered.shown, at),
		answeredShare: shareAt(t.answered, t.requests, at, policy)
	};
}

const sameLayout = (a: CountTable, b: CountTable) => a.rows.join() === b.rows.join() && a.columns.join() === b.columns.join();
const showsTotals = (t: CountTable) => t.rowTotals && t.columnTotals;

/**
 * The requests overdue at the end by the agency asked, with the headline count they add up
 * to: the table's grand total and the headline shown or suppressed together (module header).
 */
function overdueWithHeadline(table: CountTable, headline: ShownMetric, count: number | null, policy: DisclosurePolicy): { table: ShownTable; headline: ShownMetric } {
	if (!showsTotals(table)) throw new Error('the overdue requests table shows its totals');
	const shown = suppressTable(table, policy);
	const total = grandTotal(table);
	// No requests at all under the filters (`x`): nothing in the table either.
	const none = headline.value.symbol === 'x' && total === 0;
	if (none) return { table: shown, headline };
	// The same rows: the grand total is the headline's own figure (one count, one cell key, one shown number).
	if (agree([{ a: shown.total, b: headline.value, countA: total, countB: count ?? 0 }])) return { table: { ...shown, total: headline.value }, headline };
	const value = isShown(headline.value) && headline.value.value !== 0 ? suppressed() : headline.value;
	return { table: hiddenTable(table), headline: { ...headline, value } };
}

export function presentResponse(data: ResponseData, policy: DisclosurePolicy, benchmarks: readonly Benchmark[] = []): ResponseView {
	const scope = { period: data.period, filters: data.filters };
	const [byMonth] = suppressBreakdowns(
		[{ ...scope, by: 'month', groups: data.trend.map((m) => ({ group: m.month, metrics: fullSet(m.metrics) })) }],
		{ ...scope, by: null, metrics: fullSet(data.figures) },
		policy
	);

	const figures = RESPONSE_FIGURES.map((key) => ({ metric: metricInfo(key), figure: byMonth.total[key], benchmarks: shownBenchmarks(benchmarks, key) }));
	const trends = RESPONSE_TRENDS.map((key) => ({ metric: metricInfo(key), points: metricSeries(byMonth, key, policy).points, benchmarks: shownBenchmarks(benchmarks, key) }));

	let durations: ResponseView['durations'] = null;
	if (data.assessmentDurations) {
		const shown = suppressTable(withinAndOver(data.assessmentDurations), policy);
		durations = {
			bins: ASSESSMENT_BINS.map((b, r) => {
				const within = b.max !== null && b.max <= ASSESSMENT_LIMIT_WD;
				return { label: b.label, min: b.min, max: b.max, within, count: shown.cells[r][within ? 0 : 1] };
			}),
			within: shown.columnTotals![0],
			over: shown.columnTotals![1]
		};
	}

	const { acknowledged, answered, requests } = data.requestsByResponder;
	if (!sameLayout(acknowledged, requests) || !sameLayout(answered, requests)) {
		throw new Error('acknowledged, answered and requests must have the same rows and columns');
	}
	if (![acknowledged, answered, requests].every(showsTotals)) throw new Error('the requests tables show their totals');
	const tables: RequestTables = {
		acknowledged: { table: acknowledged, shown: suppressTable(acknowledged, policy) },
		answered: { table: answered, shown: suppressTable(answered, policy) },
		requests: { table: requests, shown: suppressTable(requests, policy) }
	};
	const responders = requests.rows.map((agency, r) => ({
		agency,
		byPriority: requests.columns.map((_, c) => onTime(tables, { r, c }, policy)),
		all: onTime(tables, { r, c: null }, policy)
	}));

	const overdueKey = 'info_requests_overdue_at_end';
	const overdue = overdueWithHeadline(data.overdueAtEnd, byMonth.total[overdueKey], data.figures[overdueKey].value, policy);
	const shownFigures = figures.map((f) => (f.metric.key === overdueKey ? { ...f, figure: overdue.headline } : f));

	return {
		...scope,
		agencyFiltered: data.filters.agency !== null || data.filters.sector !== null,
		figures: shownFigures,
		trends,
		durations,
		requests: {
			priorities: [...requests.columns],
			responders,
			total: {
				byPriority: requests.columns.map((_, c) => onTime(tables, { r: null, c }, policy)),
				all: onTime(tables, { r: null, c: null }, policy)
			}
		},
		overdue: {
			priorities: [...data.overdueAtEnd.columns],
			responders: data.overdueAtEnd.rows.map((agency, r) => ({ agency, byPriority: overdue.table.cells[r], all: overdue.table.rowTotals![r] })),
			total: { byPriority: overdue.table.columnTotals!, all: overdue.table.total! }
		}
	};
}
