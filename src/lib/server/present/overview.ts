/**
 * The overview's scorecard as a person may see it: every figure through disclosure control,
 * and what is derived from figures (status, change) derived from the SHOWN figures only, so
 * that a status or a change can never reveal a suppressed value.
 */
import type { OverviewData } from '../dashboard/overview.ts';
import { suppressBreakdowns, suppressMetric, suppressSeries, type GroupedResult, type WholeResult } from '../disclosure/index.ts';
import type { DisclosurePolicy, Shown, ShownMetric } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { monthEnd } from '../dashboard/period.ts';
import { fullSet } from './common.ts';
import { priorityStatus, type PriorityStatus } from '../metrics/priorities.ts';
import type { MetricInfo } from '../dashboard/metrics.ts';

export interface ShownPriority {
	id: string;
	title: string;
	metric: MetricInfo;
	target: number;
	direction: 'higher_is_better' | 'lower_is_better';
	owner: string | null;
	period: { from: string; to: string } | null;
	figure: ShownMetric | null;
	status: PriorityStatus;
	previous: { period: { from: string; to: string }; figure: Shown } | null;
	change: number | null;
	changeIs: 'better' | 'worse' | 'same' | null;
	trend: { label: string; value: number | null; symbol: 'c' | 'z' | 'x' | null }[];
	trendNote: string | null;
	benchmarks: { label: string; value: number; source: string | null }[];
}

const NO_FILTERS = { area: null, agency: null, sector: null };

/**
 * A priority's figure and its monthly trend, protected together: the months inside the
 * priority's period add up to its figure, so they go through one `suppressBreakdowns` with it
 * (a month ending after the period counts only when the period ends at the latest data, when
 * nothing lies beyond it). Months outside the period add up to nothing shown: each alone.
 */
function protectPriority(
	key: MetricKey,
	period: { from: string; to: string },
	figure: MetricValue,
	trend: readonly { month: string; value: MetricValue }[],
	latestEventDate: string | null,
	policy: DisclosurePolicy
): { figure: ShownMetric; months: Map<string, Shown> } {
	const inside = trend.filter((pt) => {
		const start = `${pt.month}-01`;
		return start >= period.from && (monthEnd(start) <= period.to || period.to === latestEventDate);
	});
	const whole: WholeResult = { period, filters: NO_FILTERS, by: null, metrics: fullSet({ [key]: figure }) };
	const grouped: GroupedResult = {
		period,
		filters: NO_FILTERS,
		by: 'month',
		groups: inside.map((pt) => ({ group: pt.month, metrics: fullSet({ [key]: pt.value }) }))
	};
	const months = new Map<string, Shown>();
	for (const pt of trend) months.set(pt.month, suppressMetric(key, pt.value, policy).value);
	const [shown] = suppressBreakdowns([grouped], whole, policy);
	for (const g of shown.groups) months.set(g.group, g.metrics[key].value);
	return { figure: shown.total[key], months };
}

export function presentOverview(data: OverviewData, policy: DisclosurePolicy): { latestEventDate: string | null; priorities: ShownPriority[] } {
	return {
		latestEventDate: data.latestEventDate,
		priorities: data.priorities.map((p) => {
			const key = p.priority.metric;
			const trendPoints = p.trend?.points ?? [];
			const together = p.figure && p.period ? protectPriority(key, p.period, p.figure, trendPoints, data.latestEventDate, policy) : null;
			const figure = together?.figure ?? (p.figure ? suppressMetric(key, p.figure, policy) : null);
			const previous = p.previous ? suppressMetric(key, p.previous.figure, policy).value : null;
			const now = figure?.value.value ?? null;
			const was = previous?.value ?? null;
			const change = now !== null && was !== null ? now - was : null;
			const changeIs = change === null ? null : change === 0 ? 'same' : change > 0 === (p.priority.direction === 'higher_is_better') ? 'better' : 'worse';
			const series = suppressSeries(
				trendPoints.map((pt) => ({ label: pt.month, value: together?.months.get(pt.month) ?? suppressMetric(key, pt.value, policy).value })),
				policy
			);
			return {
				id: p.priority.priority_id,
				title: p.priority.title,
				metric: p.metric,
				target: p.priority.target,
				direction: p.priority.direction,
				owner: p.priority.owner_agency_code,
				period: p.period,
				figure,
				status: figure && p.period ? priorityStatus(now, p.priority.target, p.priority.direction) : 'no_data',
				previous: p.previous && previous ? { period: p.previous.period, figure: previous } : null,
				change,
				changeIs,
				trend: series.points,
				trendNote: series.note,
				benchmarks: p.benchmarks.map((b) => ({ label: b.label, value: b.value, source: b.source }))
			};
		})
	};
}
