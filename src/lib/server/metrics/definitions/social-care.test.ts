/**
 * Assessments, section 47 enquiries and child protection plans over a hand-made extract;
 * every expected value worked out by hand beside it. Period P = 2024-04-01 to 2024-06-30.
 * Bank holidays: Fri 29 March, Mon 1 April, Mon 6 May, Mon 27 May 2024.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDaysBetween } from '../../calendar/working-days.ts';
import { computeMetrics, type MetricQuery } from '../compute.ts';
import {
	assessment,
	cpPlan,
	expectMetric,
	extract,
	groupsOf,
	K1,
	K2,
	K3,
	K4,
	K5,
	K6,
	K7,
	K8,
	metricsOf,
	NOT_APPLICABLE,
	s47
} from '../test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../test-helpers.ts';

const P = { from: '2024-04-01', to: '2024-06-30' };

const SOCIAL_CARE = extract({
	assessments: [
		// Thu 28 March to Tue 2 April: Good Friday, the weekend and Easter Monday are not working days: wd 1.
		assessment({ assessment_id: 'as1', child_id: K1, started_on: '2024-03-28', completed_on: '2024-04-02' }),
		// wd(2024-04-02, 2024-06-06) = 45 exactly: within 45.
		assessment({ assessment_id: 'as2', child_id: K2, started_on: '2024-04-02', completed_on: '2024-06-06' }),
		// A day later: 46.
		assessment({ assessment_id: 'as3', child_id: K3, started_on: '2024-04-02', completed_on: '2024-06-07' }),
		// Same day: 0. K4 has no area.
		assessment({ assessment_id: 'as4', child_id: K4, started_on: '2024-05-01', completed_on: '2024-05-01' }),
		// Completed after P, and never completed: not in P.
		assessment({ assessment_id: 'as5', child_id: K1, started_on: '2024-06-01', completed_on: '2024-07-01' }),
		assessment({ assessment_id: 'as6', child_id: K5, started_on: '2024-03-01' })
	],
	s47_enquiries: [
		// Thu 28 March to Fri 19 April: 14 working days.
		s47({ s47_id: 's1', child_id: K1, started_on: '2024-03-28', icpc_on: '2024-04-19' }),
		// Fri 26 April to Mon 20 May, over 6 May: 15 exactly.
		s47({ s47_id: 's2', child_id: K2, started_on: '2024-04-26', icpc_on: '2024-05-20' }),
		// To Tue 21 May: 16.
		s47({ s47_id: 's3', child_id: K3, started_on: '2024-04-26', icpc_on: '2024-05-21' }),
		s47({ s47_id: 's4', child_id: K4, started_on: '2024-06-20' }), // no ICPC
		s47({ s47_id: 's5', child_id: K1, started_on: '2024-06-25', icpc_on: '2024-07-02' }) // ICPC after P
	],
	cp_plans: [
		cpPlan({ plan_id: 'cp0', child_id: K1, started_on: '2021-01-05', ended_on: '2021-06-30' }), // K1's earlier plan
		cpPlan({ plan_id: 'cp1', child_id: K1, started_on: '2024-04-10' }), // second: cp0
		cpPlan({ plan_id: 'cp2', child_id: K2, started_on: '2024-05-01' }), // first
		cpPlan({ plan_id: 'cp3', child_id: K3, started_on: '2024-05-15' }), // same date as cp3b:
		cpPlan({ plan_id: 'cp3b', child_id: K3, started_on: '2024-05-15' }), // neither is earlier
		cpPlan({ plan_id: 'cp4', child_id: K4, started_on: '2024-06-30' }), // first
		cpPlan({ plan_id: 'cp5', child_id: K5, started_on: '2022-04-30', ended_on: '2024-04-30' }), // ended in P: exactly 2 years
		cpPlan({ plan_id: 'cp6', child_id: K6, started_on: '2022-05-02', ended_on: '2024-05-01' }), // ended in P: a day short
		cpPlan({ plan_id: 'cp10', child_id: K5, started_on: '2024-04-10', ended_on: '2024-06-30' }), // second (cp5); ended in P, short
		// 29 February: 2020-02-29 + 2 years = 2022-02-28.
		cpPlan({ plan_id: 'cp7', child_id: K7, started_on: '2020-02-29', ended_on: '2022-02-28' }), // 2 years
		cpPlan({ plan_id: 'cp8', child_id: K8, started_on: '2020-03-01', ended_on: '2022-02-28' }) // short of 2022-03-01
	]
});

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse(SOCIAL_CARE);
});
afterAll(() => t.dispose());

const metrics = async (q: MetricQuery) => metricsOf(await computeMetrics(t.warehouse, q));

it('the working days as counted by hand', () => {
	expect(workingDaysBetween('2024-03-28', '2024-04-02')).toBe(1);
	expect(workingDaysBetween('2024-04-02', '2024-06-06')).toBe(45);
	expect(workingDaysBetween('2024-04-02', '2024-06-07')).toBe(46);
	expect(workingDaysBetween('2024-03-28', '2024-04-19')).toBe(14);
	expect(workingDaysBetween('2024-04-26', '2024-05-20')).toBe(15);
	expect(workingDaysBetween('2024-04-26', '2024-05-21')).toBe(16);
});

describe('period P, no filter', () => {
	it('assessment_45wd_pct: as1 (1), as2 (45), as4 (0) of as1 to as4 = 75', async () => {
		expectMetric((await metrics(P)).assessment_45wd_pct, { value: 75, numerator: 3, denominator: 4 });
	});

	it('assessment_median_wd: median of 0, 1, 45, 46 = (1 + 45) / 2 = 23, over 4 values', async () => {
		expectMetric((await metrics(P)).assessment_median_wd, { value: 23, numerator: null, denominator: null, n: 4 });
	});

	it('icpc_15wd_pct: s1 (14), s2 (15) of s1 to s3 = 66.67', async () => {
		expectMetric((await metrics(P)).icpc_15wd_pct, { value: 66.66666666666667, numerator: 2, denominator: 3 });
	});

	it('cp_second_subsequent_pct: cp1 and cp10 of cp1, cp2, cp3, cp3b, cp4, cp10 = 33.33', async () => {
		expectMetric((await metrics(P)).cp_second_subsequent_pct, { value: 33.333333333333336, numerator: 2, denominator: 6 });
	});

	it('cp_ended_2y_plus_pct: cp5 (exactly two years) of cp5, cp6, cp10 = 33.33', async () => {
		expectMetric((await metrics(P)).cp_ended_2y_plus_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
	});

	it('a plan from 29 February 2020 is two years old on 28 February 2022; one from 1 March is not', async () => {
		const m = await metrics({ from: '2022-02-01', to: '2022-02-28' });
		expectMetric(m.cp_ended_2y_plus_pct, { value: 50, numerator: 1, denominator: 2 });
	});
});

describe('filters', () => {
	it('area A1 (K1, K2, K6)', async () => {
		const m = await metrics({ ...P, area: 'A1' });
		expectMetric(m.assessment_45wd_pct, { value: 100, numerator: 2, denominator: 2 }); // as1, as2
		expectMetric(m.assessment_median_wd, { value: 23, n: 2 }); // (1 + 45) / 2
		expectMetric(m.icpc_15wd_pct, { value: 100, numerator: 2, denominator: 2 }); // s1, s2
		expectMetric(m.cp_second_subsequent_pct, { value: 50, numerator: 1, denominator: 2 }); // cp1 of cp1, cp2
		expectMetric(m.cp_ended_2y_plus_pct, { value: 0, numerator: 0, denominator: 1 }); // cp6
	});

	it('area A2 (K3): no plan ended there is x', async () => {
		const m = await metrics({ ...P, area: 'A2' });
		expectMetric(m.assessment_median_wd, { value: 46, n: 1 });
		expectMetric(m.cp_second_subsequent_pct, { value: 0, numerator: 0, denominator: 2 }); // cp3, cp3b: same date
		expectMetric(m.cp_ended_2y_plus_pct, { value: null, numerator: 0, denominator: 0, status: 'x' });
	});

	it('an agency or a sector filter makes them all z: these tables name no agency', async () => {
		for (const filter of [{ agency: 'CSC' }, { sector: 'children_social_care' as const }]) {
			const m = await metrics({ ...P, ...filter });
			for (const key of ['assessment_45wd_pct', 'assessment_median_wd', 'icpc_15wd_pct', 'cp_second_subsequent_pct', 'cp_ended_2y_plus_pct'] as const) {
				expectMetric(m[key], NOT_APPLICABLE);
			}
		}
	});
});

describe('breakdowns', () => {
	it('by age band at completion: as1 K1 9 (5_9), as2 K2 0 (under_1), as3 K3 17 (16_17), as4 K4 unknown', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'age_band' }));
		expect([...g.keys()]).toEqual(['under_1', '1_4', '5_9', '10_15', '16_17', '18_plus', 'unknown']);
		expectMetric(g.get('5_9')!.assessment_45wd_pct, { value: 100, numerator: 1, denominator: 1 });
		expectMetric(g.get('under_1')!.assessment_45wd_pct, { value: 100, numerator: 1, denominator: 1 });
		expectMetric(g.get('16_17')!.assessment_45wd_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(g.get('unknown')!.assessment_median_wd, { value: 0, n: 1 });
		expectMetric(g.get('1_4')!.assessment_45wd_pct, { value: null, numerator: 0, denominator: 0, status: 'x' });
		// K3 (birth month May 2007) is 17 from 1 May 2024: s3's ICPC on 21 May counts at 17.
		expectMetric(g.get('16_17')!.icpc_15wd_pct, { value: 0, numerator: 0, denominator: 1 });
	});

	it('by agency: z in every group', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'agency' }));
		expect([...g.keys()]).toEqual(['CSC', 'HLT', 'POL', 'SCH', 'VOL']);
		for (const set of g.values()) expectMetric(set.assessment_45wd_pct, NOT_APPLICABLE);
	});
});
