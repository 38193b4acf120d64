/**
 * The response times page as a person may see it: every count and figure of `responsePage`
 * through disclosure control; shares derived from SHOWN counts only.
 *
 * ## What is protected together
 * - **Figures and the monthly trend**: the headline figures and the months are a breakdown of
 *   one whole (the period's referrals, assessments, enquiries and requests, each in one
 *   month): one `suppressBreakdowns` call. The page shows that call's `total`.
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
 * - **Information requests by responding agency and priority**: `answered` and `requests`
 *   each through `suppressTable` with their totals (their grand totals are the headline's
 *   numerator and denominator, suppressed there only when small, as in the trend's lines).
 *   A share answered on time is `answered ÷ requests` of two SHOWN counts: `c` when either is
 *   not shown, `z` over no requests.
 */
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import { ASSESSMENT_LIMIT_WD } from '../metrics/definitions/social-care.ts';
import { ASSESSMENT_BINS, type ResponseData } from '../dashboard/response.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { metricSeries, suppressBreakdowns, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, SeriesPoint, Shown, ShownMetric } from '../disclosure/index.ts';
import { fullSet, shareOfShown, shownBenchmarks, type ShownBenchmark } from './common.ts';

/** The headline figures, in the page's order. */
export const RESPONSE_FIGURES = [
	'referral_decision_1wd_pct',
	'assessment_45wd_pct',
	'assessment_median_wd',
	'icpc_15wd_pct',
	'info_request_on_time_pct',
	'info_request_median_hours'
] as const satisfies readonly (keyof ResponseData['figures'])[];

/** The percentages drawn by month. */
export const RESPONSE_TRENDS = ['referral_decision_1wd_pct', 'assessment_45wd_pct', 'icpc_15wd_pct', 'info_request_on_time_pct'] as const;

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

/** Requests and those answered on time, and the share, of one cell or total. */
export interface ShownOnTime {
	answered: Shown;
	requests: Shown;
	/** Answered on time as a percentage of requests, from the two shown counts. */
	share: Shown;
}

export interface ShownResponder {
	agency: string;
	/** One per priority (`priorities`). */
	byPriority: ShownOnTime[];
	all: ShownOnTime;
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
}


/** A full metric set from the metrics a page has (disclosure control takes every metric; the others are not applicable). */
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

function onTime(answered: Shown, requests: Shown, policy: DisclosurePolicy): ShownOnTime {
	return { answered, requests, share: shareOfShown(answered, requests, policy) };
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

	const { answered, requests } = data.requestsByResponder;
	if (answered.rows.join() !== requests.rows.join() || answered.columns.join() !== requests.columns.join()) {
		throw new Error('answered and requests must have the same rows and columns');
	}
	if (!answered.rowTotals || !answered.columnTotals || !requests.rowTotals || !requests.columnTotals) {
		throw new Error('the requests tables show their totals');
	}
	const a = suppressTable(answered, policy);
	const q = suppressTable(requests, policy);
	const responders = requests.rows.map((agency, r) => ({
		agency,
		byPriority: requests.columns.map((_, c) => onTime(a.cells[r][c], q.cells[r][c], policy)),
		all: onTime(a.rowTotals![r], q.rowTotals![r], policy)
	}));

	return {
		...scope,
		agencyFiltered: data.filters.agency !== null || data.filters.sector !== null,
		figures,
		trends,
		durations,
		requests: {
			priorities: [...requests.columns],
			responders,
			total: {
				byPriority: requests.columns.map((_, c) => onTime(a.columnTotals![c], q.columnTotals![c], policy)),
				all: onTime(a.total!, q.total!, policy)
			}
		}
	};
}
