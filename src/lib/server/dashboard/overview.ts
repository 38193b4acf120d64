/**
 * Overview (`/`): the partnership's priorities as a scorecard. For each priority not retired:
 * its figure against the target over its own period (metrics.md, "A priority's figure"),
 * the status, the change from the previous period of the same length, a 24-month monthly
 * trend ending with its period, and the benchmarks overlapping its period.
 *
 * ## Choices
 * - The scorecard is the partnership's, as a priority's figure is: no area or agency filter
 *   applies, and the page takes no period (each priority has its own).
 * - "Not retired": `retired_on` is null or after `today` (a London date; today by default).
 * - The previous period is `previousPeriod` of the priority's period (./period.ts): the same
 *   number of whole months before it, or of days when the period is not whole months (as
 *   when the latest event date cuts it short). The change is figure − previous figure, in the
 *   metric's unit, null when either is not a number.
 */
import type { MetricValue } from '../metrics/compute.ts';
import { latestEventDate } from '../metrics/priorities.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { MetricCache, metricInfo, seriesOf, type MetricInfo, type SeriesPoint } from './metrics.ts';
import { londonToday, previousPeriod, trendWindow, type Period } from './period.ts';
import { validQuery } from './query.ts';
import { evaluatePriorities, partnershipFigure, type PriorityFigure } from './scorecard.ts';
import { benchmarksFor, listPriorities, type Benchmark } from './settings.ts';

export interface ScorecardEntry extends PriorityFigure {
	metric: MetricInfo;
	previous: { period: Period; figure: MetricValue } | null;
	/** Figure − previous figure; null when either has no value. */
	change: number | null;
	/** Whether the change goes the priority's way (`better`), against it (`worse`), or neither (`same`); null without a change. */
	changeIs: 'better' | 'worse' | 'same' | null;
	/** The metric by month over the 24 months ending with the priority's period; null when it has no period. */
	trend: { window: Period; points: SeriesPoint[] } | null;
	/** Benchmarks of the metric overlapping the priority's period (its nominal one when it has no figure yet). */
	benchmarks: Benchmark[];
}

export interface OverviewData {
	/** The date the retired priorities were judged at. */
	today: string;
	latestEventDate: string | null;
	priorities: ScorecardEntry[];
}

export interface OverviewOptions {
	/** `YYYY-MM-DD` in London: priorities retired on or before it are left out. */
	today?: string;
}

function changeIs(change: number | null, direction: PriorityFigure['priority']['direction']): ScorecardEntry['changeIs'] {
	if (change === null) return null;
	if (change === 0) return 'same';
	return change > 0 === (direction === 'higher_is_better') ? 'better' : 'worse';
}

/** The page's data, every part of it from the same committed data (`Warehouse.snapshot`). */
export function overviewPage(warehouse: Warehouse, options: OverviewOptions = {}): Promise<OverviewData> {
	return warehouse.snapshot((view) => overviewPageIn(view, options));
}

async function overviewPageIn(warehouse: Warehouse, options: OverviewOptions): Promise<OverviewData> {
	const today = options.today ?? londonToday();
	const [latest, priorities] = await Promise.all([latestEventDate(warehouse), listPriorities(warehouse, { activeOn: today })]);
	const metrics = new MetricCache(warehouse, [...new Set(priorities.map((p) => p.metric))]);
	const figures = await evaluatePriorities(metrics, priorities, latest);

	const entries = await Promise.all(
		figures.map(async (f): Promise<ScorecardEntry> => {
			const key = f.priority.metric;
			const before = f.period && previousPeriod(f.period);
			const window = f.period && trendWindow(f.period.to);
			const [previousFigure, trendGroups, benchmarks] = await Promise.all([
				before ? partnershipFigure(metrics, before, key) : null,
				window ? metrics.groups(validQuery(window), 'month') : null,
				benchmarksFor(warehouse, key, f.period ?? { from: f.priority.starts_on, to: f.priority.ends_on })
			]);
			const now = f.figure?.value ?? null;
			const was = previousFigure?.value ?? null;
			const change = now !== null && was !== null ? now - was : null;
			return {
				...f,
				metric: metricInfo(key),
				previous: before && previousFigure ? { period: before, figure: previousFigure } : null,
				change,
				changeIs: changeIs(change, f.priority.direction),
				trend: window && trendGroups ? { window, points: seriesOf(trendGroups, key) } : null,
				benchmarks
			};
		})
	);
	return { today, latestEventDate: latest, priorities: entries };
}
