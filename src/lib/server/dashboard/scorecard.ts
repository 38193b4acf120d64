/**
 * Priorities with their figures and status (metrics.md, "A priority's figure"): the same
 * rules as `evaluatePriority` (../metrics/priorities.ts: its period and status functions are
 * used as they are), but priorities over the same period share one `computeMetrics` run,
 * as most of a partnership's priorities do.
 *
 * A priority's figure is the partnership's: never filtered by area or agency.
 */
import type { MetricValue } from '../metrics/compute.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { priorityPeriod, priorityStatus, type PriorityStatus } from '../metrics/priorities.ts';
import type { MetricCache } from './metrics.ts';
import type { Period } from './period.ts';
import { validQuery } from './query.ts';
import type { PriorityRow } from './settings.ts';

export interface PriorityFigure {
	priority: PriorityRow;
	/** `starts_on` to the earlier of `ends_on` and the latest event date; null when there is none. */
	period: Period | null;
	figure: MetricValue | null;
	status: PriorityStatus;
}

/** The figure of a metric over a period, for the whole partnership. */
export async function partnershipFigure<K extends MetricKey>(metrics: MetricCache<K>, period: Period, key: K): Promise<MetricValue> {
	return (await metrics.set(validQuery(period)))[key];
}

export async function evaluatePriorities(
	metrics: MetricCache<MetricKey>,
	priorities: readonly PriorityRow[],
	latestEventDate: string | null
): Promise<PriorityFigure[]> {
	return Promise.all(
		priorities.map(async (priority): Promise<PriorityFigure> => {
			const period = priorityPeriod(priority, latestEventDate);
			if (period === null) return { priority, period, figure: null, status: 'no_data' };
			const figure = await partnershipFigure(metrics, period, priority.metric);
			return { priority, period, figure, status: priorityStatus(figure.value, priority.target, priority.direction) };
		})
	);
}
