/**
 * Drift (the overview's panel): cases and actions that drift, each a count at the end of a
 * period (metrics.md version 2, "Counts at the end"): assessments open beyond 45 working days,
 * information requests overdue, escalations open, audit actions overdue. Each figure and its
 * month-end series come from `computeMetrics` (the one place a metric is computed).
 *
 * ## Choices
 * - The period is the dashboard's default, the last 12 whole months up to the latest data
 *   (`last12`, ./period.ts): the counts are at its last day, the series at each month's end.
 *   Like the rest of the overview it is the whole partnership's: no area or agency filter.
 * - Before any event there is no period: no panel (`null`).
 */
import type { MetricValue } from '../metrics/compute.ts';
import { latestEventDate } from '../metrics/priorities.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import { last12, londonToday, type Period } from './period.ts';
import { validQuery } from './query.ts';

/** The panel's counts at the end, in its order. */
export const DRIFT_KEYS = [
	'assessments_open_over_45wd_at_end',
	'info_requests_overdue_at_end',
	'escalations_open_at_end',
	'audit_actions_overdue_at_end'
] as const;
export type DriftKey = (typeof DRIFT_KEYS)[number];

export interface DriftData {
	/** The period whose last day the counts are at. */
	period: Period;
	figures: Record<DriftKey, MetricValue>;
	/** Each count at each month's end (the last month's at the period's end). */
	trend: MonthMetrics<DriftKey>[];
}

export interface DriftOptions {
	/** `YYYY-MM-DD` in London (default: today), used only when the warehouse holds no event yet. */
	today?: string;
	/** The latest event date, when the caller has it already. */
	latestEventDate?: string | null;
}

/** The panel's data, from one committed state of the warehouse; null before any event. */
export function driftPanel(warehouse: Warehouse, options: DriftOptions = {}): Promise<DriftData | null> {
	return warehouse.snapshot((view) => driftPanelIn(view, options));
}

async function driftPanelIn(warehouse: Warehouse, options: DriftOptions): Promise<DriftData | null> {
	const latest = options.latestEventDate !== undefined ? options.latestEventDate : await latestEventDate(warehouse);
	if (latest === null) return null;
	const period = last12(latest, options.today ?? londonToday());
	const q = validQuery(period);
	const metrics = new MetricCache(warehouse, DRIFT_KEYS);
	const [figures, byMonth] = await Promise.all([metrics.set(q), metrics.groups(q, 'month')]);
	return { period, figures, trend: monthly(byMonth) };
}
