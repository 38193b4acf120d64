/**
 * The drift panel as a person may see it: each count at the end and its month-end series
 * through disclosure control.
 *
 * ## What is protected together
 * Each count and its months go through one `suppressBreakdowns` call, the whole being the
 * count at the period's end. A count at the end is a position, not a flow: one case open for
 * months counts in each month's end, so the months add up to nothing (`addsUp` is false for
 * positions by month) and each month and the whole are suppressed as counts standing alone:
 * from 1 to the threshold, `c`. The four counts are of different tables and share no total.
 */
import { DRIFT_KEYS, type DriftData, type DriftKey } from '../dashboard/drift.ts';
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import { metricSeries, suppressBreakdowns } from '../disclosure/index.ts';
import type { DisclosurePolicy, SeriesPoint, ShownMetric } from '../disclosure/index.ts';
import { fullSet } from './common.ts';

/** Where each count's detail is: the page that lists or breaks it down. */
export const DRIFT_DETAIL: Record<DriftKey, { href: string; label: string }> = {
	assessments_open_over_45wd_at_end: { href: '/metrics/assessments_open_over_45wd_at_end', label: 'by area and month' },
	info_requests_overdue_at_end: { href: '/response', label: 'by the agency asked, on Response times' },
	escalations_open_at_end: { href: '/escalation', label: 'what they are about, on Escalation' },
	audit_actions_overdue_at_end: { href: '/metrics/audit_actions_overdue_at_end', label: 'by owner and month' }
};

export interface ShownDriftCount {
	metric: MetricInfo;
	figure: ShownMetric;
	/** At each month's end; a gap (null with its symbol) where not shown. */
	points: SeriesPoint[];
	note: string | null;
	detail: { href: string; label: string };
}

export interface DriftView {
	period: { from: string; to: string };
	counts: ShownDriftCount[];
}

export function presentDrift(data: DriftData, policy: DisclosurePolicy): DriftView {
	const scope = { period: { from: data.period.from, to: data.period.to }, filters: { area: null, agency: null, sector: null } };
	const [byMonth] = suppressBreakdowns(
		[{ ...scope, by: 'month', groups: data.trend.map((m) => ({ group: m.month, metrics: fullSet(m.metrics) })) }],
		{ ...scope, by: null, metrics: fullSet(data.figures) },
		policy
	);
	return {
		period: scope.period,
		counts: DRIFT_KEYS.map((key) => {
			const series = metricSeries(byMonth, key, policy);
			return { metric: metricInfo(key), figure: byMonth.total[key], points: series.points, note: series.note, detail: DRIFT_DETAIL[key] };
		})
	};
}
