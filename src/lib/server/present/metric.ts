/**
 * One metric's page (`/metrics/[key]`) as a person may see it: the headline figure, its
 * monthly series as an XmR chart, its breakdowns and the priorities set on it, every figure
 * through disclosure control and everything derived (limits, signals, statuses) from the
 * SHOWN figures only.
 *
 * ## What is protected together
 * - **The headline and its breakdowns** (area, sector, …) come from one `suppressBreakdowns`
 *   call, so a breakdown that needs the headline suppressed has it suppressed, and the page
 *   shows that call's `total` as the headline.
 * - **The months of the series that lie in the period** add up to the headline too (for the
 *   counts that add up by month): they join that call as a breakdown by month of the
 *   headline. A month lies in the period when the part of it the series covers does (the
 *   series runs over a window of at least 24 months ending with the period); a month partly
 *   in the period is left out of that breakdown, its share of the headline being a rest
 *   that is not shown. The months before the period add up to nothing shown: each is
 *   suppressed on its own (`suppressMetric`).
 * - **A priority's figure** is the partnership's (never filtered) over the priority's own
 *   period. On an unfiltered page, the months of the series within that period add up to it
 *   too; where that leaves exactly one of its counts' members suppressed (a month, or the
 *   part of the period the series does not show when it is from 1 to the threshold), the
 *   priority's figure is suppressed, so that nothing else on the page changes. A priority
 *   over the page's own period shows the headline as shown, never a figure of its own.
 * - **A count** (escalations open at the end) is a position on a day: a month of the series
 *   or a priority ending on the period's last day shows the headline as shown.
 * - **A period starting after a month's 1st**: that month, the months within the period and
 *   the headline would give away the days before the start when they are 1 to the threshold;
 *   the edge month is then suppressed (a priority's figure, for a priority's own period).
 * - **SPC** from `shownXmr`: the mean, the limits and the signals from the shown months only.
 * - **Statuses** from the shown figure: a suppressed figure has no status.
 *
 * No SvelteKit here: pure functions from page data and policy to plain JSON.
 */
import type { Breakdown, MetricPageData } from '../dashboard/metric.ts';
import type { MetricInfo, SeriesPoint } from '../dashboard/metrics.ts';
import { monthEnd, type Period } from '../dashboard/period.ts';
import type { PriorityFigure } from '../dashboard/scorecard.ts';
import { addsUp, COUNT_FIELDS, COUNTED, POSITIONS, type CountField, type GroupedResult, isSmall, primaryCounts, showMetric, shownXmr, type ShownXmrChart, suppressBreakdowns, suppressMetric, suppressSeries, type WholeResult } from '../disclosure/index.ts';
import type { DisclosurePolicy, ShownMetric } from '../disclosure/types.ts';
import type { MetricSet, MetricValue } from '../metrics/compute.ts';
import type { Dimension } from '../metrics/dimensions.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { priorityStatus, type PriorityStatus } from '../metrics/priorities.ts';
import { TREND_LENGTH } from '../metrics/spc.ts';
import { fullSet } from './common.ts';

// ---------------------------------------------------------------- breakdowns asked for

/** Breakdowns a page can show (the series is the breakdown by month, always shown). */
export type PageDimension = Exclude<Dimension, 'month'>;

/** A `by` that names no breakdown of the metric: the route answers 400 with the message. */
export class BreakdownError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BreakdownError';
	}
}

export const DIMENSION_LABELS: Readonly<Record<Dimension, string>> = {
	month: 'Month',
	area: 'Area',
	sector: 'Sector',
	agency: 'Agency',
	concern: 'Concern',
	age_band: 'Age band',
	sex: 'Sex',
	ethnicity_group: 'Ethnicity group'
};

/** The breakdowns of a metric a page can show, in the registry's order. */
export function pageDimensions(info: Pick<MetricInfo, 'dimensions'>): PageDimension[] {
	return info.dimensions.filter((d): d is PageDimension => d !== 'month');
}

/** The filters that make a breakdown pointless (one area's breakdown by area is that area). */
export interface ActiveFilters {
	area: string | null;
	agency: string | null;
}

/**
 * The breakdowns shown without a `by`: area, then sector and agency where the metric has
 * them (work of agencies), otherwise age band (work with children); at most three, since
 * each is a run over the warehouse. Under an area filter, not by area; under an agency
 * filter, neither by agency nor by sector (its own).
 */
export function defaultBreakdowns(info: Pick<MetricInfo, 'dimensions'>, filters: ActiveFilters = { area: null, agency: null }): PageDimension[] {
	const has = new Set(pageDimensions(info));
	if (filters.area !== null) has.delete('area');
	if (filters.agency !== null) {
		has.delete('agency');
		has.delete('sector');
	}
	const out: PageDimension[] = [];
	if (has.has('area')) out.push('area');
	if (has.has('sector') || has.has('agency')) {
		if (has.has('sector')) out.push('sector');
		if (has.has('agency')) out.push('agency');
	} else if (has.has('age_band')) out.push('age_band');
	if (out.length < 2) out.push(...pageDimensions(info).filter((d) => has.has(d) && !out.includes(d)).slice(0, 2 - out.length));
	return out.slice(0, 3);
}

/**
 * The breakdowns asked for by the URL's `by` values (each may list several, comma-separated):
 * each must be a breakdown of the metric (not `month`: the series is always shown). None
 * asked for: the defaults for the filters. Repeats are dropped; the metric's order is kept.
 */
export function parseBreakdowns(
	info: Pick<MetricInfo, 'dimensions' | 'title'>,
	values: readonly string[],
	filters: ActiveFilters = { area: null, agency: null }
): { shown: PageDimension[]; asked: boolean; defaults: PageDimension[] } {
	const available = pageDimensions(info);
	const defaults = defaultBreakdowns(info, filters);
	const asked = values.flatMap((v) => v.split(',')).map((v) => v.trim());
	if (asked.length === 0) return { shown: defaults, asked: false, defaults };
	for (const v of asked) {
		if (!(available as string[]).includes(v)) {
			const list = available.length > 0 ? available.join(', ') : 'none';
			throw new BreakdownError(`by: "${v}" is not a breakdown of ${info.title} (its breakdowns: ${list})`);
		}
	}
	return { shown: available.filter((d) => asked.includes(d)), asked: true, defaults };
}

// ---------------------------------------------------------------- words for groups

const SECTOR_WORDS: Readonly<Record<string, string>> = {
	children_social_care: 'Children\'s social care',
	adult_social_care: 'Adult social care',
	voluntary: 'Voluntary sector'
};
const AGE_WORDS: Readonly<Record<string, string>> = { under_1: 'Under 1', '18_plus': '18 and over', unknown: 'Unknown' };

function sentenceCase(code: string): string {
	const words = code.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A group's label for people: names (area, agency) as the page data gives them; codes in words. */
export function groupLabel(by: Dimension, group: string, label: string): string {
	switch (by) {
		case 'area':
		case 'agency':
		case 'month':
			return label;
		case 'sector':
			return SECTOR_WORDS[group] ?? sentenceCase(group);
		case 'age_band':
			return AGE_WORDS[group] ?? group.replace('_', ' to ');
		default:
			return sentenceCase(group);
	}
}

/** Why a breakdown's groups do not add up to the headline, in words (null when they do). */
function notAddingUp(key: MetricKey, by: Dimension): string | null {
	const counted = COUNTED[key];
	const what = counted.numerator ?? counted.value;
	if (what === undefined || addsUp(what, by)) {
		const below = counted.denominator;
		if (below !== undefined && !addsUp(below, by)) return 'Some of what is counted here falls in more than one group, so the groups do not add up to the total.';
		return null;
	}
	if (by === 'concern') return 'A referral with several concerns counts in each of them, so the groups do not add up to the total.';
	if (what === 'children') return 'A child counts in every group its events fall in, so the groups do not add up to the total.';
	if (what in POSITIONS && by === 'month') return 'Each month is the number at its end, and one case counts in every month it is open, so the months do not add up to the total.';
	if (what === 'open_escalations') return 'An escalation counts in each group it belongs to, so the groups do not add up to the total.';
	if (what === 'overdue_info_requests') return 'A request counts for both the agency that asked and the agency asked (and their sectors), so the groups do not add up to the total.';
	if (what === 'info_requests') return 'A request counts for both the agency that asked and the agency that answered (and their sectors), so the groups do not add up to the total.';
	if (what === 'escalations') return 'An escalation counts for both the agency that raised it and the agency it was raised with (and their sectors), so the groups do not add up to the total.';
	return 'Some of what is counted here falls in more than one group, so the groups do not add up to the total.';
}

// ---------------------------------------------------------------- the page as shown

export interface ShownGroup {
	group: string;
	label: string;
	figure: ShownMetric;
}

export interface ShownMetricBreakdown {
	by: PageDimension;
	label: string;
	/** Words for under the chart when the groups do not add up to the headline. */
	note: string | null;
	groups: ShownGroup[];
}

export interface ShownMonth {
	month: string;
	/** Whether the month, as the series covers it, lies in the page's period. */
	inPeriod: boolean;
	figure: ShownMetric;
}

export type SignalRule = 'outsideLimits' | 'run' | 'trend' | 'nearLimit';

/** Consecutive shown months flagged by one rule, on one side (or in one direction). */
export interface SignalStretch {
	rule: SignalRule;
	/** `YYYY-MM` of the first and last month. */
	from: string;
	to: string;
	/** Shown months in it. */
	months: number;
	/** Above the mean (or rising, for a trend), or below it (falling). */
	direction: 'high' | 'low';
	/** What that direction means for this metric: better, worse, or neither (a volume). */
	reading: 'improvement' | 'concern' | 'neither';
}

export interface ShownMetricPriority {
	id: string;
	title: string;
	target: number;
	direction: 'higher_is_better' | 'lower_is_better';
	owner: string | null;
	starts_on: string;
	ends_on: string;
	retired_on: string | null;
	/** The period its figure covers (to the latest data); null when none yet. */
	period: Period | null;
	figure: ShownMetric | null;
	/** From the shown figure: `no_data` when there is none or it is not shown. */
	status: PriorityStatus;
}

export interface ShownBenchmark {
	label: string;
	value: number;
	source: string | null;
	period: Period;
	/** Whether it compares with the headline (rates per 10,000: only over as many months). */
	comparable: boolean;
	/** Whether it is drawn on the monthly chart (rates per 10,000: only a one-month benchmark). */
	onChart: boolean;
}

export interface MetricPageView {
	metric: MetricInfo;
	period: Period;
	filters: MetricPageData['filters'];
	figure: ShownMetric;
	benchmarks: ShownBenchmark[];
	series: {
		window: Period;
		months: ShownMonth[];
		/** The XmR chart of the shown months (gaps where not shown). */
		spc: ShownXmrChart;
		/** Months shown (the limits need 2; Making Data Count advises 15 or more). */
		shownMonths: number;
		signals: SignalStretch[];
	};
	/** The target line of the chart: the latest priority on the metric not retired. */
	target: { label: string; value: number; direction: 'higher_is_better' | 'lower_is_better'; priority: string } | null;
	breakdowns: ShownMetricBreakdown[];
	/** The breakdowns the metric has, those shown, and those shown by default. */
	breakdownChoice: { available: PageDimension[]; shown: PageDimension[]; defaults: PageDimension[] };
	priorities: ShownMetricPriority[];
}

/** A metric not on this page, for the metric set disclosure control takes: not applicable. */

function setOf(key: MetricKey, m: MetricValue): MetricSet {
	return fullSet({ [key]: m });
}

/** The days of a month the series covers (the window may cut its first and last months). */
function covered(month: string, window: Period): Period {
	const start = `${month}-01`;
	const end = monthEnd(start);
	return { from: start < window.from ? window.from : start, to: end > window.to ? window.to : end };
}

function within(inner: Period, outer: Period): boolean {
	return inner.from >= outer.from && inner.to <= outer.to;
}

/** Count fields of the metric whose months add up to its figure over a period. */
function monthFields(info: MetricInfo): CountField[] {
	return COUNT_FIELDS[info.kind].filter((f) => {
		const counted = COUNTED[info.key][f];
		return counted !== undefined && addsUp(counted, 'month');
	});
}

/**
 * Stretches of consecutive shown months flagged by each rule (gaps skipped, as the SPC skips
 * them): for a trend, each maximal rise or fall of 6 or more flagged months (a peak between a
 * rise and a fall ends one and starts the other); for the other rules, flagged months on one
 * side of the mean.
 */
export function signalStretches(spc: ShownXmrChart, higherIsBetter: boolean | null): SignalStretch[] {
	const mean = spc.mean;
	if (mean === null) return [];
	const shown = spc.points.filter((p) => p.value !== null);
	const values = shown.map((p) => p.value as number);
	const reading = (direction: 'high' | 'low'): SignalStretch['reading'] =>
		higherIsBetter === null ? 'neither' : (direction === 'high') === higherIsBetter ? 'improvement' : 'concern';
	const stretch = (rule: SignalRule, first: number, last: number, direction: 'high' | 'low'): SignalStretch => ({
		rule,
		from: shown[first].label,
		to: shown[last].label,
		months: last - first + 1,
		direction,
		reading: reading(direction)
	});
	const out: SignalStretch[] = [];
	for (const rule of ['outsideLimits', 'run', 'nearLimit'] as const) {
		let start = -1;
		let side: 'high' | 'low' = 'high';
		for (let i = 0; i <= shown.length; i++) {
			const flagged = i < shown.length && shown[i].signals[rule];
			const here: 'high' | 'low' = flagged && values[i] < mean ? 'low' : 'high';
			if (start >= 0 && (!flagged || here !== side)) {
				out.push(stretch(rule, start, i - 1, side));
				start = -1;
			}
			if (flagged && start < 0) [start, side] = [i, here];
		}
	}
	// Trends by steps between flagged months: a maximal run of steps the same way.
	let start = -1;
	let way = 0;
	for (let i = 0; i < shown.length; i++) {
		const step = i + 1 < shown.length && shown[i].signals.trend && shown[i + 1].signals.trend ? Math.sign(values[i + 1] - values[i]) : 0;
		if (start >= 0 && step !== way) {
			if (i - start >= TREND_STEPS) out.push(stretch('trend', start, i, way > 0 ? 'high' : 'low'));
			start = -1;
		}
		if (step !== 0 && start < 0) [start, way] = [i, step];
	}
	return out;
}

/** A trend of 6 months each higher (or lower) than the one before is 5 steps. */
const TREND_STEPS = TREND_LENGTH - 1;

type Month = { point: SeriesPoint; shown: ShownMetric; covers: Period };

function overlaps(a: Period, b: Period): boolean {
	return a.from <= b.to && a.to >= b.from;
}

/**
 * The months at the edges of a period: those the series covers partly in it (the first
 * month, when the period starts after the 1st). With the months within the period and the
 * figure over the period, they give away the part of the edge months outside the period:
 * Σ within + Σ edges − figure. The edge months when that part is a count from 1 to the
 * threshold and every other member of that line is shown (so one must be suppressed); null
 * otherwise.
 */
function edgeGivesAway(field: CountField, whole: MetricValue, wholeShown: ShownMetric, period: Period, months: readonly Month[], policy: DisclosurePolicy): Month[] | null {
	const edges = months.filter((m) => !within(m.covers, period) && overlaps(m.covers, period));
	if (edges.length === 0) return null;
	const inside = months.filter((m) => within(m.covers, period));
	const members = [...inside, ...edges];
	const w = whole[field];
	const counts = members.map((m) => m.point.value[field]);
	if (w === null || counts.some((n) => n === null)) return null;
	const outside = counts.reduce<number>((a, n) => a + (n as number), 0) - w;
	if (!isSmall(outside, policy)) return null;
	const known = wholeShown[field].symbol !== 'c' && members.every((m) => m.shown[field].symbol !== 'c');
	return known ? edges : null;
}

/**
 * A priority's figure as shown: the headline's when it is over the page's period on an
 * unfiltered page; otherwise its own, suppressed as a whole when the months of the series
 * within its period would leave one of its counts' lines with exactly one `c`.
 */
function priorityFigure(
	info: MetricInfo,
	p: PriorityFigure,
	data: MetricPageData,
	months: readonly Month[],
	headline: ShownMetric,
	policy: DisclosurePolicy
): ShownMetric | null {
	const key = info.key;
	if (p.figure === null || p.period === null) return null;
	const unfiltered = data.filters.area === null && data.filters.agency === null && data.filters.sector === null;
	if (!unfiltered) return suppressMetric(key, p.figure, policy);
	if (p.period.from === data.period.from && p.period.to === data.period.to) return headline;
	if (info.kind === 'count') {
		// A position at the end of its period: the same figure as the headline or a month ending that day.
		const to = p.period.to;
		if (to === data.period.to) return headline;
		const same = months.find((m) => m.covers.to === to);
		if (same) return same.shown;
	}
	const flags = primaryCounts(key, p.figure, policy);
	const period = p.period;
	const parts = months.filter((m) => within(m.covers, period));
	for (const field of monthFields(info)) {
		const whole = p.figure[field];
		if (whole === null || flags[field]) continue;
		const counts = parts.map((m) => m.point.value[field]);
		if (counts.some((n) => n === null)) continue;
		const rest = whole - counts.reduce<number>((a, n) => a + (n as number), 0);
		// A rest below zero would mean the months are not parts of the figure: nothing to protect.
		if (rest < 0) continue;
		const suppressed = parts.filter((m) => m.shown[field].symbol === 'c').length + (isSmall(rest, policy) ? 1 : 0);
		if (suppressed === 1) flags[field] = true;
		// The edge months of its period, shown, would give away their part outside it.
		else if (edgeGivesAway(field, p.figure, showMetric(key, p.figure, flags, policy), period, months, policy)) flags[field] = true;
	}
	return showMetric(key, p.figure, flags, policy);
}

export function presentMetric(
	data: MetricPageData,
	policy: DisclosurePolicy,
	choice?: { shown: readonly PageDimension[]; defaults: readonly PageDimension[] }
): MetricPageView {
	const info = data.metric;
	const key = info.key;
	const base = { period: data.period, filters: data.filters };
	const whole: WholeResult = { ...base, by: null, metrics: setOf(key, data.figure) };
	const window = data.series.window;

	// The months the series covers that lie wholly in the period: a breakdown of the headline.
	const months = data.series.points.map((point) => {
		const covers = covered(point.month, window);
		return { point, covers, inPeriod: within(covers, data.period) };
	});
	const periodMonths = months.filter((m) => m.inPeriod);
	const breakdowns: Breakdown[] = data.breakdowns.filter((b) => b.by !== 'month');
	const grouped: GroupedResult[] = breakdowns.map((b) => ({
		...base,
		by: b.by,
		groups: b.groups.map((g) => ({ group: g.group, metrics: setOf(key, g.value) }))
	}));
	if (periodMonths.length > 0) {
		grouped.push({ ...base, by: 'month', groups: periodMonths.map((m) => ({ group: m.point.month, metrics: setOf(key, m.point.value) })) });
	}
	const shown = grouped.length > 0 ? suppressBreakdowns(grouped, whole, policy) : null;
	const figure = shown ? shown[0].total[key] : suppressMetric(key, data.figure, policy);
	const monthShown = new Map<string, ShownMetric>();
	if (shown && periodMonths.length > 0) for (const g of shown[shown.length - 1].groups) monthShown.set(g.group, g.metrics[key]);

	const seriesMonths = months.map((m) => ({
		...m,
		// A count is a position at the end: the month ending with the period is the headline itself.
		shown: info.kind === 'count' && m.covers.to === data.period.to ? figure : (monthShown.get(m.point.month) ?? suppressMetric(key, m.point.value, policy))
	}));
	// A period starting after a month's 1st: that month, the months within and the headline
	// would give away the days before the start. The edge month (in no other line) is suppressed.
	const edgeFlags = new Map<string, ReturnType<typeof primaryCounts>>();
	for (const field of monthFields(info)) {
		const edges = edgeGivesAway(field, data.figure, figure, data.period, seriesMonths, policy);
		const chosen = edges
			?.filter((m) => (m.point.value[field] ?? 0) > 0)
			.sort((a, b) => (a.point.value[field] as number) - (b.point.value[field] as number))[0];
		if (!chosen) continue;
		const flags = edgeFlags.get(chosen.point.month) ?? primaryCounts(key, chosen.point.value, policy);
		flags[field] = true;
		edgeFlags.set(chosen.point.month, flags);
		chosen.shown = showMetric(key, chosen.point.value, flags, policy);
	}
	const series = suppressSeries(
		seriesMonths.map((m) => ({ label: m.point.month, value: m.shown.value })),
		policy
	);
	const spc = shownXmr(series);

	const benchmarks: ShownBenchmark[] = data.benchmarks.map((b) => ({
		label: b.label,
		value: b.value,
		source: b.source,
		period: { from: b.period_start, to: b.period_end },
		comparable: b.comparable,
		// A monthly rate per 10,000 compares only with a benchmark over one month.
		onChart: info.unit !== 'per_10k' || (b.period_start.slice(8) === '01' && b.period_end === monthEnd(b.period_start))
	}));

	const priorities: ShownMetricPriority[] = data.priorities.map((p) => {
		const shownFigure = priorityFigure(info, p, data, seriesMonths, figure, policy);
		const value = shownFigure?.value.value ?? null;
		return {
			id: p.priority.priority_id,
			title: p.priority.title,
			target: p.priority.target,
			direction: p.priority.direction,
			owner: p.priority.owner_agency_code,
			starts_on: p.priority.starts_on,
			ends_on: p.priority.ends_on,
			retired_on: p.priority.retired_on,
			period: p.period,
			figure: shownFigure,
			status: shownFigure && p.period ? priorityStatus(value, p.priority.target, p.priority.direction) : 'no_data'
		};
	});
	const current = data.priorities.filter((p) => p.priority.retired_on === null).at(-1);

	const available = pageDimensions(info);
	return {
		metric: info,
		period: data.period,
		filters: data.filters,
		figure,
		benchmarks,
		series: {
			window,
			months: seriesMonths.map((m, i) => ({
				month: m.point.month,
				inPeriod: m.inPeriod,
				// The series' own point decides what is drawn (a symbol always wins).
				figure: series.points[i].symbol === null ? m.shown : { ...m.shown, value: { value: null, symbol: series.points[i].symbol } }
			})),
			spc,
			shownMonths: series.points.filter((p) => p.symbol === null).length,
			signals: signalStretches(spc, info.higherIsBetter)
		},
		target: current ? { label: 'Target', value: current.priority.target, direction: current.priority.direction, priority: current.priority.title } : null,
		breakdowns: breakdowns.map((b, i) => ({
			by: b.by as PageDimension,
			label: DIMENSION_LABELS[b.by],
			note: notAddingUp(key, b.by),
			groups: b.groups.map((g, j) => ({
				group: g.group,
				label: groupLabel(b.by, g.group, g.label),
				figure: (shown as NonNullable<typeof shown>)[i].groups[j].metrics[key]
			}))
		})),
		breakdownChoice: {
			available,
			shown: choice ? [...choice.shown] : breakdowns.map((b) => b.by as PageDimension),
			defaults: choice ? [...choice.defaults] : defaultBreakdowns(info, data.filters)
		},
		priorities
	};
}
