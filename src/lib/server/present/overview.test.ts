import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../disclosure/index.ts';
import type { OverviewData } from '../dashboard/overview.ts';
import { metricInfo } from '../dashboard/metrics.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { presentOverview } from './overview.ts';

const ratio = (num: number, den: number): MetricValue => ({ value: (100 * num) / den, numerator: num, denominator: den, status: 'ok', n: null, population: null });

function overview(months: [string, number, number][], figure: [number, number]): OverviewData {
	return {
		today: '2025-04-10',
		latestEventDate: '2025-03-31',
		priorities: [
			{
				priority: {
					priority_id: 'p1',
					title: 'Quicker decisions',
					metric: 'referral_decision_1wd_pct',
					target: 90,
					direction: 'higher_is_better',
					starts_on: '2025-01-01',
					ends_on: '2025-12-31',
					owner_agency_code: null,
					retired_on: null
				},
				period: { from: '2025-01-01', to: '2025-03-31' },
				figure: ratio(...figure),
				status: 'not_met',
				metric: metricInfo('referral_decision_1wd_pct'),
				previous: null,
				change: null,
				changeIs: null,
				trend: {
					window: { from: '2023-04-01', to: '2025-03-31' },
					points: [
						{ month: '2024-12', value: ratio(4, 10) },
						...months.map(([month, num, den]) => ({ month, value: ratio(num, den) }))
					]
				},
				benchmarks: []
			}
		]
	};
}

describe("the overview's scorecard", () => {
	it("protects the months inside a priority's period together with its figure", () => {
		// January's 3 decisions on time is primary-suppressed; February (9) and March (8) add up with it to the
		// figure's 20, so the smallest other month (March) is suppressed too, or 20 − 9 − 8 would give 3 away.
		const shown = presentOverview(overview([['2025-01', 3, 10], ['2025-02', 9, 10], ['2025-03', 8, 10]], [20, 30]), DEFAULT_POLICY);
		const p = shown.priorities[0];
		expect(p.figure?.value.value).toBeCloseTo(66.67, 1);
		expect(p.trend.map((t) => [t.label, t.symbol])).toEqual([
			['2024-12', 'c'], // before the period: 4 on its own
			['2025-01', 'c'],
			['2025-02', null],
			['2025-03', 'c']
		]);
		expect(p.trend[2].value).toBe(90);
		expect(p.trendNote).toMatch(/2025-01/);
	});

	it('derives the status from the figure shown, never from a suppressed one', () => {
		const shown = presentOverview(overview([['2025-01', 2, 3], ['2025-02', 1, 2], ['2025-03', 1, 1]], [4, 6]), DEFAULT_POLICY);
		const p = shown.priorities[0];
		expect(p.figure?.value.symbol).toBe('c');
		expect(p.status).toBe('no_data');
		expect(JSON.stringify(p)).not.toMatch(/"value":[1-5][,}]/);
	});
});
