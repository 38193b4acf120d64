/**
 * Small fixed data for the chart tests and snapshots: each with a value not shown (`c`), so
 * the gap handling is always under test. Fictional figures.
 */
import type { BarChartData, GridData, HistogramData, OverlapData, TrendChartData, XmrChartData } from './types.ts';

export const MONTHS = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11'];

/** Two series; the partnership's June 2025 is suppressed. */
export const trendData: TrendChartData = {
	yLabel: 'Referrals per 10,000 children',
	series: [
		{
			name: 'Partnership',
			points: MONTHS.map((label, i) => (i === 2 ? { label, value: null, symbol: 'c' } : { label, value: 40 + i * 2.5 }))
		},
		{ name: 'North', points: MONTHS.map((label, i) => ({ label, value: 30 + ((i * 7) % 5) })) }
	],
	target: { label: 'Target', value: 50 },
	benchmarks: [{ label: 'England', value: 47.5 }]
};

/** The monthly values behind `xmrData` (July 2025 suppressed). */
export const XMR_VALUES: (number | null)[] = [20, 22, 19, 21, null, 20, 23, 24, 25, 24, 26, 27, 38];

/**
 * `xmrData` is what server spc.ts's `xmrChart` gives for XMR_VALUES (charts.test.ts checks
 * it), with the symbol added for July: a run of 7 below the mean, then one point above the
 * upper limit.
 */
export const xmrData: XmrChartData = (() => {
	const none = { outsideLimits: false, run: false, trend: false, nearLimit: false };
	const runUntil = 7;
	return {
		yLabel: 'Re-referrals within 12 months (%)',
		unit: '%',
		mean: 24.083333333333332,
		upperLimit: 30.854242424242422,
		lowerLimit: 17.312424242424242,
		target: { label: 'Target', value: 22 },
		points: XMR_VALUES.map((value, i) => {
			const label = `${2025 + Math.floor((3 + i) / 12)}-${String(((3 + i) % 12) + 1).padStart(2, '0')}`;
			if (value === null) return { label, value, symbol: 'c' as const, specialCause: false, signals: none };
			const signals = { ...none, run: i <= runUntil, outsideLimits: i === XMR_VALUES.length - 1 };
			return { label, value, specialCause: signals.run || signals.outsideLimits, signals };
		})
	};
})();

export const barData: BarChartData = {
	xLabel: 'Referrals per 10,000 children, Apr 2025 to Mar 2026',
	rowLabel: 'Area',
	bars: [
		{ label: 'Eastmoor', value: 512.3 },
		{ label: 'Northgate', value: 604.9 },
		{ label: 'Riverside', value: null, symbol: 'c' },
		{ label: 'Southbank', value: 388.1 },
		{ label: 'West Hill', value: 455 }
	],
	benchmark: { label: 'England 2024-25', value: 498.1 }
};

export const heatmapData: GridData = {
	rowLabel: 'Raised by',
	columnLabel: 'Raised with',
	valueLabel: 'escalations',
	rows: ['Police', 'Health', 'Education'],
	columns: ["Children's social care", 'Police', 'Health'],
	cells: [
		[{ value: 14 }, { value: 0 }, { value: 8 }],
		[{ value: 22 }, { value: null, symbol: 'c' }, { value: 0 }],
		[{ value: 31 }, { value: 6 }, { value: null, symbol: 'c' }]
	]
};

export const histogramData: HistogramData = {
	xLabel: 'Working days from start to completion',
	yLabel: 'Assessments',
	threshold: { label: '45 working days', value: 46 },
	bins: [
		{ x0: 0, x1: 10, value: 31 },
		{ x0: 10, x1: 20, value: 58 },
		{ x0: 20, x1: 30, value: 74 },
		{ x0: 30, x1: 40, value: 49 },
		{ x0: 40, x1: 46, value: 17 },
		{ x0: 46, x1: 60, value: 12 },
		{ x0: 60, x1: 70, value: null, symbol: 'c', open: true }
	]
};

export const overlapData: OverlapData = {
	agencies: ["Children's social care", 'Police', 'Health', 'Education'],
	cells: [
		[{ value: 240 }, { value: 61 }, { value: 88 }, { value: 97 }],
		[{ value: 61 }, { value: 112 }, { value: 19 }, { value: null, symbol: 'c' }],
		[{ value: 88 }, { value: 19 }, { value: 150 }, { value: 33 }],
		[{ value: 97 }, { value: null, symbol: 'c' }, { value: 33 }, { value: 176 }]
	]
};
