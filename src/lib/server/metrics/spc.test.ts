import { describe, expect, it } from 'vitest';
import { xmrChart, type SpcInput } from './spc.ts';

const series = (values: (number | null)[]): SpcInput[] => values.map((value, i) => ({ label: `p${i}`, value }));
const flagged = (chart: ReturnType<typeof xmrChart>, signal: 'outsideLimits' | 'run' | 'trend' | 'nearLimit') =>
	chart.points.flatMap((p, i) => (p.signals[signal] ? [i] : []));

describe('xmrChart', () => {
	it('centre line, moving ranges and limits', () => {
		// Mean (1 + 2 + 3 + 2 + 1) / 5 = 1.8; moving ranges 1, 1, 1, 1, mean 1; limits 1.8 ± 2.66.
		const chart = xmrChart(series([1, 2, 3, 2, 1]));
		expect(chart.mean).toBeCloseTo(1.8, 12);
		expect(chart.meanMovingRange).toBe(1);
		expect(chart.upperLimit).toBeCloseTo(4.46, 12);
		expect(chart.lowerLimit).toBeCloseTo(-0.86, 12);
		expect(chart.points.map((p) => p.movingRange)).toEqual([null, 1, 1, 1, 1]);
		expect(chart.points.some((p) => p.specialCause)).toBe(false);
	});

	it('leaves out points not shown, and never guesses them', () => {
		// The shown points are 1, 2, 3, 2, 1, as above; the moving range bridges each gap.
		const chart = xmrChart(series([1, null, 2, 3, null, 2, 1]));
		expect(chart.mean).toBeCloseTo(1.8, 12);
		expect(chart.upperLimit).toBeCloseTo(4.46, 12);
		expect(chart.points.map((p) => p.shown)).toEqual([true, false, true, true, false, true, true]);
		expect(chart.points.map((p) => p.movingRange)).toEqual([null, null, 1, 1, null, 1, 1]);
		expect(chart.points[1]).toMatchObject({ value: null, specialCause: false });
	});

	it('has no limits with fewer than 2 points', () => {
		expect(xmrChart(series([]))).toMatchObject({ mean: null, upperLimit: null, lowerLimit: null });
		const one = xmrChart(series([null, 5]));
		expect(one).toMatchObject({ mean: 5, meanMovingRange: null, upperLimit: null });
		expect(one.points[1].specialCause).toBe(false);
	});

	it('a point outside the limits, and a run of 7 or more on one side', () => {
		// Nine 10s then 30: mean 12; moving ranges eight 0s and 20, mean 20/9; upper limit
		// 12 + 2.66 × 20/9 = 17.91: 30 is outside. The nine 10s, all below the mean, are a run.
		const chart = xmrChart(series([10, 10, 10, 10, 10, 10, 10, 10, 10, 30]));
		expect(chart.upperLimit).toBeCloseTo(12 + (2.66 * 20) / 9, 12);
		expect(flagged(chart, 'outsideLimits')).toEqual([9]);
		expect(flagged(chart, 'run')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
	});

	it('a run of 6 is not a signal; 7 is', () => {
		// Six 1s, −1, −13, seven 1s: mean (6 − 1 − 13 + 7) / 15 = −1/15, so every 1 is above it
		// and −1, −13 below. The first six 1s are not a run; the last seven are.
		const chart = xmrChart(series([1, 1, 1, 1, 1, 1, -1, -13, 1, 1, 1, 1, 1, 1, 1]));
		expect(chart.mean).toBeCloseTo(-1 / 15, 12);
		expect(flagged(chart, 'run')).toEqual([8, 9, 10, 11, 12, 13, 14]);
	});

	it('6 points each increasing (or decreasing) are a trend; 5, or a tie, are not', () => {
		expect(flagged(xmrChart(series([1, 2, 3, 4, 5, 6, 5])), 'trend')).toEqual([0, 1, 2, 3, 4, 5]);
		expect(flagged(xmrChart(series([9, 8, 7, 6, 5, 4, 5])), 'trend')).toEqual([0, 1, 2, 3, 4, 5]);
		expect(flagged(xmrChart(series([1, 2, 3, 4, 5, 4])), 'trend')).toEqual([]);
		expect(flagged(xmrChart(series([1, 2, 3, 3, 4, 5, 6])), 'trend')).toEqual([]);
	});

	it('2 of 3 points beyond two-thirds of the way to a limit, same side', () => {
		// Sum 142, mean 11.833; moving ranges 2 ×7, 4, 0, 4, 2: mean 24/11 = 2.1818; upper limit
		// 11.833 + 5.804 = 17.637; two-thirds of the way 11.833 + 3.869 = 15.702. The two 16s are
		// beyond it (and inside the limit); no other point is.
		const chart = xmrChart(series([10, 12, 10, 12, 10, 12, 10, 12, 16, 16, 12, 10]));
		expect(chart.meanMovingRange).toBeCloseTo(24 / 11, 12);
		expect(flagged(chart, 'nearLimit')).toEqual([8, 9]);
		expect(flagged(chart, 'outsideLimits')).toEqual([]);
		expect(flagged(chart, 'run')).toEqual([]);
		expect(flagged(chart, 'trend')).toEqual([]);
		// One such point alone is not a signal.
		expect(flagged(xmrChart(series([10, 12, 10, 12, 10, 12, 10, 12, 16, 12, 10, 12])), 'nearLimit')).toEqual([]);
	});
});
