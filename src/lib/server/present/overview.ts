/**
 * The overview's scorecard as a person may see it: every figure through disclosure control,
 * and what is derived from figures (status, change) derived from the SHOWN figures only, so
 * that a status or a change can never reveal a suppressed value.
 */
import type { OverviewData } from '../dashboard/overview.ts';
import { suppressMetric, suppressSeries } from '../disclosure/index.ts';
import type { DisclosurePolicy, Shown, ShownMetric } from '../disclosure/types.ts';
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

export function presentOverview(data: OverviewData, policy: DisclosurePolicy): { latestEventDate: string | null; priorities: ShownPriority[] } {
	return {
		latestEventDate: data.latestEventDate,
		priorities: data.priorities.map((p) => {
			const key = p.priority.metric;
			const figure = p.figure ? suppressMetric(key, p.figure, policy) : null;
			const previous = p.previous ? suppressMetric(key, p.previous.figure, policy).value : null;
			const now = figure?.value.value ?? null;
			const was = previous?.value ?? null;
			const change = now !== null && was !== null ? now - was : null;
			const changeIs = change === null ? null : change === 0 ? 'same' : change > 0 === (p.priority.direction === 'higher_is_better') ? 'better' : 'worse';
			// Months of the trend are not added up to anything shown here: primary suppression each.
			const series = suppressSeries(
				(p.trend?.points ?? []).map((pt) => ({ label: pt.month, value: suppressMetric(key, pt.value, policy).value })),
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
