/**
 * The response times page as a person may see it: every count and figure of `responsePage`
 * through disclosure control; shares derived from SHOWN counts only.
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
 *   share is `acknowledged ÷ requests` or `answered ÷ requests` of two SHOWN counts: `c` when
 *   either is not shown, `z` over no requests.
 * - **Requests overdue at the end, by the agency asked and priority**: one `suppressTable`
 *   with its totals. Each request is in one cell, so the grand total is the headline count
 *   `info_requests_overdue_at_end`, and the two must be shown or suppressed together. The
 *   grand total is suppressed only when it is itself from 1 to the threshold, as the headline
 *   is; should they ever disagree (or their counts differ), the table is shown with every
 *   non-zero figure suppressed (`hiddenTable`) and the headline count is `c`, rather than
 *   one undoing the other's protection.
 */
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import { ASSESSMENT_LIMIT_WD } from '../metrics/definitions/social-care.ts';
import { ASSESSMENT_BINS, type ResponseData } from '../dashboard/response.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { metricSeries, suppressBreakdowns, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, SeriesPoint, Shown, ShownMetric, ShownTable } from '../disclosure/index.ts';
import { fullSet, shareOfShown, shownBenchmarks, type ShownBenchmark } from './common.ts';
import { agree, grandTotal, hiddenTable, isShown, suppressed } from './escalation.ts';

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

/** The bins' single column split into within and over 45 working days, so each part is a line with its total. */
function withinAndOver(table: CountTable): CountTable {
	if (table.columns.length !== 1) throw new Error('the assessment durations have one column');
	if (table.rows.join() !== ASSESSMENT_BINS.map((b) => b.label).join()) throw new Error('the assessment durations are not in ASSESSMENT_BINS');
	return {
		rows: [...table.rows],
		columns: ['within', 'over'],
		counts: table.counts.map(([n], r) => {
			const max = ASSESSMENT_BINS[r].max;
			return max !== null && max <= ASSESSMENT_LIMIT_WD ? [n, 0] : [0, n];
		}),
		rowTotals: false,
		columnTotals: true
	};
}

function onTime(requests: Shown, acknowledged: Shown, answered: Shown, policy: DisclosurePolicy): ShownOnTime {
	return {
		requests,
		acknowledged,
		acknowledgedShare: shareOfShown(acknowledged, requests, policy),
		answered,
		answeredShare: shareOfShown(answered, requests, policy)
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
	if (none || agree([{ a: shown.total, b: headline.value, countA: total, countB: count ?? 0 }])) return { table: shown, headline };
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
	const k = suppressTable(acknowledged, policy);
	const a = suppressTable(answered, policy);
	const q = suppressTable(requests, policy);
	const responders = requests.rows.map((agency, r) => ({
		agency,
		byPriority: requests.columns.map((_, c) => onTime(q.cells[r][c], k.cells[r][c], a.cells[r][c], policy)),
		all: onTime(q.rowTotals![r], k.rowTotals![r], a.rowTotals![r], policy)
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
				byPriority: requests.columns.map((_, c) => onTime(q.columnTotals![c], k.columnTotals![c], a.columnTotals![c], policy)),
				all: onTime(q.total!, k.total!, a.total!, policy)
			}
		},
		overdue: {
			priorities: [...data.overdueAtEnd.columns],
			responders: data.overdueAtEnd.rows.map((agency, r) => ({ agency, byPriority: overdue.table.cells[r], all: overdue.table.rowTotals![r] })),
			total: { byPriority: overdue.table.columnTotals!, all: overdue.table.total! }
		}
	};
}
