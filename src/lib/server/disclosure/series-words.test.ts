import { describe, expect, it } from 'vitest';
import { xmrChart } from '../metrics/spc.ts';
import { metricSeries, shownXmr, suppressSeries } from './series.ts';
import { DASHBOARD, PUBLICATION } from './test-support.ts';
import type { ShownBreakdown, ShownMetric, ShownMetricSet } from './types.ts';
import { format, policyNote, symbolText } from './words.ts';

const c = { value: null, symbol: 'c' } as const;

describe('suppressSeries', () => {
	it('a suppressed point is a gap (value null, symbol c), with a note; counts are suppressed as they come', () => {
		const s = suppressSeries(
			[
				{ label: '2024-04', value: 12 },
				{ label: '2024-05', value: 3 },
				{ label: '2024-06', value: { value: 40.5, symbol: null } },
				{ label: '2024-07', value: c },
				{ label: '2024-08', value: null },
				{ label: '2024-09', value: 0 }
			],
			DASHBOARD
		);
		expect(s.points).toEqual([
			{ label: '2024-04', value: 12, symbol: null },
			{ label: '2024-05', value: null, symbol: 'c' },
			{ label: '2024-06', value: 40.5, symbol: null },
			{ label: '2024-07', value: null, symbol: 'c' },
			{ label: '2024-08', value: null, symbol: 'x' },
			{ label: '2024-09', value: 0, symbol: null }
		]);
		expect(s.note).toBe(
			'Not drawn: 2024-05 and 2024-07 (c, suppressed to protect confidentiality (counts from 1 to 5)); 2024-08 (x, not available).'
		);
	});

	it('no note when every point is drawn; a value beside a symbol is never drawn', () => {
		expect(suppressSeries([{ label: 'a', value: 7 }], PUBLICATION)).toEqual({ points: [{ label: 'a', value: 5, symbol: null }], note: null });
		expect(suppressSeries([{ label: 'a', value: { value: 9, symbol: 'z' } }], DASHBOARD).points[0]).toEqual({ label: 'a', value: null, symbol: 'z' });
	});

	it('a metric\'s series over months comes from its breakdown', () => {
		const metric = (value: ShownMetric['value']): ShownMetricSet => ({ referrals_per_10k: { value, numerator: c, denominator: c } }) as unknown as ShownMetricSet;
		const breakdown: ShownBreakdown = {
			by: 'month',
			total: metric({ value: 20, symbol: null }),
			groups: [
				{ group: '2024-04', metrics: metric({ value: 8, symbol: null }) },
				{ group: '2024-05', metrics: metric(c) }
			]
		};
		expect(metricSeries(breakdown, 'referrals_per_10k', DASHBOARD).points.map((p) => p.value)).toEqual([8, null]);
		expect(() => metricSeries({ ...breakdown, by: 'area' }, 'referrals_per_10k', DASHBOARD)).toThrow(/over months/);
	});
});

describe('shownXmr', () => {
	it('computes the mean and limits from the shown points only, keeping each gap\'s symbol', () => {
		const series = suppressSeries(
			[1, 2, c, 3, 2, { value: 1, symbol: null }].map((value, i) => ({ label: `m${i}`, value: typeof value === 'number' ? { value, symbol: null } : value })),
			DASHBOARD
		);
		const chart = shownXmr(series);
		const direct = xmrChart([1, 2, 3, 2, 1].map((value, i) => ({ label: `p${i}`, value })));
		expect(chart.mean).toBe(direct.mean);
		expect(chart.upperLimit).toBe(direct.upperLimit);
		expect(chart.points[2]).toMatchObject({ label: 'm2', value: null, shown: false, symbol: 'c', specialCause: false });
		expect(chart.points[3]).toMatchObject({ value: 3, shown: true, symbol: null, movingRange: 1 });
		expect(shownXmr(series.points).mean).toBe(direct.mean);
	});
});

describe('words', () => {
	it('says what each symbol means, with the threshold in force', () => {
		expect(symbolText('c', DASHBOARD)).toBe('suppressed to protect confidentiality (counts from 1 to 5)');
		expect(symbolText('c', { threshold: 10, profile: 'dashboard' })).toBe('suppressed to protect confidentiality (counts from 1 to 10)');
		expect(symbolText('z', DASHBOARD)).toBe('not applicable');
		expect(symbolText('x', DASHBOARD)).toBe('not available');
	});

	it('formats a shown figure for display', () => {
		expect(format(c, 'percent')).toBe('c');
		expect(format({ value: null, symbol: 'z' }, 'percent')).toBe('z');
		expect(format({ value: null, symbol: 'x' }, 'count')).toBe('x');
		expect(format({ value: null, symbol: null }, 'count')).toBe('x');
		expect(format({ value: 0, symbol: null }, 'count')).toBe('0');
		expect(format({ value: 12345, symbol: null }, 'count')).toBe('12,345');
		expect(format({ value: 12.5, symbol: null }, 'percent')).toBe('12.5%');
		expect(format({ value: 100 / 3, symbol: null }, 'percent')).toBe('33.3%');
		expect(format({ value: 54, symbol: null }, 'percent')).toBe('54%');
		expect(format({ value: 80000 / 3501, symbol: null }, 'per_10k')).toBe('22.9');
		expect(format({ value: 27.5, symbol: null }, 'working_days')).toBe('27.5');
		expect(format({ value: -0.01, symbol: null }, 'hours')).toBe('0');
	});

	it('puts the policy in a sentence for exports', () => {
		expect(policyNote(DASHBOARD)).toBe('Counts from 1 to 5 are suppressed (c), with further figures where they would reveal one.');
		expect(policyNote(PUBLICATION)).toMatch(/rounded to the nearest 5, percentages to whole numbers/);
	});
});
