/**
 * The XmR chart of metrics.md ("Monthly series and SPC", as in NHS England's "Making Data
 * Count"). Pure functions: no warehouse.
 *
 * Points whose value is null (no data, not applicable, or suppressed by disclosure control)
 * are left out: the mean, the moving ranges, the limits and the signals are computed from
 * the shown points only, taken in order as if the gaps were not there (the shown points on
 * either side of a gap are consecutive). Nothing is ever guessed for a missing point.
 */

/** Process limits are the mean ± this many mean moving ranges. */
export const XMR_LIMIT_FACTOR = 2.66;
/** Run of points on one side of the mean that is a signal. */
export const RUN_LENGTH = 7;
/** Points all increasing or all decreasing that are a signal. */
export const TREND_LENGTH = 6;

export interface SpcInput {
	/** E.g. the month, `YYYY-MM`. */
	label: string;
	/** Null when the point is not shown. */
	value: number | null;
}

export interface SpcSignals {
	/** Above the upper or below the lower process limit. */
	outsideLimits: boolean;
	/** One of 7 or more consecutive points all above, or all below, the mean. */
	run: boolean;
	/** One of 6 or more consecutive points each higher (or each lower) than the one before. */
	trend: boolean;
	/** One of 2 (or 3) of 3 consecutive points beyond two-thirds of the way to a limit, on the same side. */
	nearLimit: boolean;
}

export interface SpcPoint extends SpcInput {
	/** Whether the point takes part (its value is not null). */
	shown: boolean;
	/** |value − previous shown value|; null for the first shown point and points not shown. */
	movingRange: number | null;
	signals: SpcSignals;
	/** Any signal. */
	specialCause: boolean;
}

export interface XmrChart {
	points: SpcPoint[];
	/** Centre line: the mean of the shown points (null with none). */
	mean: number | null;
	/** Mean of the moving ranges (null with fewer than 2 shown points). */
	meanMovingRange: number | null;
	upperLimit: number | null;
	lowerLimit: number | null;
}

const NO_SIGNALS: SpcSignals = { outsideLimits: false, run: false, trend: false, nearLimit: false };

/** Marks every index of each maximal stretch of `length` or more consecutive `true`s of `holds`. */
function markStretches(count: number, holds: (i: number) => boolean, length: number, mark: (i: number) => void): void {
	let start = 0;
	for (let i = 0; i <= count; i++) {
		if (i < count && holds(i)) continue;
		if (i - start >= length) for (let j = start; j < i; j++) mark(j);
		start = i + 1;
	}
}

/** The XmR chart of a series, in order. */
export function xmrChart(series: readonly SpcInput[]): XmrChart {
	const shownIndex = series.flatMap((p, i) => (p.value === null ? [] : [i]));
	const values = shownIndex.map((i) => series[i].value as number);
	const count = values.length;
	const mean = count > 0 ? values.reduce((a, b) => a + b, 0) / count : null;
	const ranges = values.slice(1).map((v, i) => Math.abs(v - values[i]));
	const meanMovingRange = ranges.length > 0 ? ranges.reduce((a, b) => a + b, 0) / ranges.length : null;
	const limits = mean !== null && meanMovingRange !== null;
	const upperLimit = limits ? mean + XMR_LIMIT_FACTOR * meanMovingRange : null;
	const lowerLimit = limits ? mean - XMR_LIMIT_FACTOR * meanMovingRange : null;

	const signals: SpcSignals[] = values.map(() => ({ ...NO_SIGNALS }));
	if (mean !== null && upperLimit !== null && lowerLimit !== null) {
		const side = (v: number) => Math.sign(v - mean);
		values.forEach((v, i) => {
			if (v > upperLimit || v < lowerLimit) signals[i].outsideLimits = true;
		});
		for (const s of [1, -1]) {
			markStretches(count, (i) => side(values[i]) === s, RUN_LENGTH, (i) => (signals[i].run = true));
			// A trend of 6 points is 5 consecutive steps the same way; the stretch marks steps,
			// so both ends of each qualifying step are part of the trend.
			markStretches(
				count - 1,
				(i) => Math.sign(values[i + 1] - values[i]) === s,
				TREND_LENGTH - 1,
				(i) => {
					signals[i].trend = true;
					signals[i + 1].trend = true;
				}
			);
		}
		const upperBand = mean + (2 / 3) * (upperLimit - mean);
		const lowerBand = mean - (2 / 3) * (mean - lowerLimit);
		const beyond = (v: number, s: number) => (s === 1 ? v > upperBand : v < lowerBand);
		for (let start = 0; start + 3 <= count; start++) {
			for (const s of [1, -1]) {
				const window = [start, start + 1, start + 2].filter((i) => beyond(values[i], s));
				if (window.length >= 2) for (const i of window) signals[i].nearLimit = true;
			}
		}
	}

	const byIndex = new Map(shownIndex.map((seriesIndex, k) => [seriesIndex, k]));
	const points = series.map((p, i): SpcPoint => {
		const k = byIndex.get(i);
		if (k === undefined) return { ...p, shown: false, movingRange: null, signals: { ...NO_SIGNALS }, specialCause: false };
		const s = signals[k];
		return {
			...p,
			shown: true,
			movingRange: k > 0 ? ranges[k - 1] : null,
			signals: s,
			specialCause: s.outsideLimits || s.run || s.trend || s.nearLimit
		};
	});
	return { points, mean, meanMovingRange, upperLimit, lowerLimit };
}
