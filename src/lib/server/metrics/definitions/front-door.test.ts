/**
 * Contacts, referrals and children involving several agencies, over a hand-made extract
 * whose every expected value is worked out by hand beside it.
 *
 * Main period P = 2024-04-01 to 2024-06-30 (British Summer Time throughout; population
 * 3,500: see ../test-fixtures.ts). Bank holidays near it: Fri 29 March (Good Friday), Mon
 * 1 April (Easter Monday), Mon 6 May, Mon 27 May 2024.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDaysBetween } from '../../calendar/working-days.ts';
import { computeMetrics, type MetricQuery } from '../compute.ts';
import {
	attendance,
	contact,
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
	meeting,
	metricsOf,
	NOT_APPLICABLE,
	referral,
	request
} from '../test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../test-helpers.ts';

const P = { from: '2024-04-01', to: '2024-06-30' };

const FRONT_DOOR = extract({
	contacts: [
		contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-01 00:30:00', source_agency_code: 'POL' }), // in: 1 April
		contact({ contact_id: 'c2', child_id: K1, received_at: '2024-03-31T23:30:00Z', source_agency_code: 'POL' }), // in: 00:30 BST on 1 April
		contact({ contact_id: 'c3', child_id: K3, received_at: '2024-06-30 23:59:59', source_agency_code: 'SCH' }), // in: 30 June
		contact({ contact_id: 'c4', child_id: K3, received_at: '2024-06-30T23:30:00Z', source_agency_code: 'SCH' }), // out: 00:30 BST on 1 July
		contact({ contact_id: 'c5', child_id: K4, received_at: '2024-05-10 12:00:00', source_code: '3A' }), // in; K4 has no area
		contact({ contact_id: 'c6', child_id: K5, received_at: '2024-05-11 10:00:00+01:00', source_agency_code: 'HLT' }), // in; K5 has no row
		contact({ contact_id: 'c7', child_id: K1, received_at: '2024-03-31 23:59:59+01:00', source_agency_code: 'POL' }), // out: 31 March
		contact({ contact_id: 'c8', child_id: K3, received_at: '2024-06-01 12:00:00', source_code: '6' }) // in; police by source code
	],
	referrals: [
		// Look-backs only (outside every period tested with them).
		referral({ referral_id: 'r0', child_id: K1, received_at: '2023-03-31 12:00:00', source_agency_code: 'POL' }),
		referral({ referral_id: 'r0b', child_id: K2, received_at: '2023-04-15 12:00:00', source_agency_code: 'HLT' }),
		referral({ referral_id: 'r0c', child_id: K3, received_at: '2023-04-15 12:00:00', source_agency_code: 'HLT' }),
		// In P.
		// R1: received Easter Monday (a bank holiday), decided Tuesday: wd = 1, on time. K1's r0 is
		// on 2023-03-31, before 2023-04-01 (12 months earlier): not a re-referral.
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-01 00:30:00', source_agency_code: 'POL', decided_at: '2024-04-02 17:00:00', concerns: ['neglect'] }),
		// R2: Friday to Tuesday over the May bank holiday: wd = 1, on time. Re-referral (r1).
		referral({ referral_id: 'r2', child_id: K1, received_at: '2024-05-03 16:00:00', source_agency_code: 'POL', decided_at: '2024-05-07 09:00:00', concerns: ['neglect', 'domestic_abuse'] }),
		// R3: Monday to Wednesday: wd = 2, late. r0b exactly 12 months before: re-referral.
		referral({ referral_id: 'r3', child_id: K2, received_at: '2024-04-15 10:00:00', source_agency_code: 'SCH', decided_at: '2024-04-17 10:00:00' }),
		// R4: undecided: late. r0c is 12 months and a day before: not a re-referral. Police by source code.
		referral({ referral_id: 'r4', child_id: K3, received_at: '2024-04-16 10:00:00', source_code: '6' }),
		// R5: Friday to Tuesday over the spring bank holiday: wd = 1, on time.
		referral({ referral_id: 'r5', child_id: K4, received_at: '2024-05-24 10:00:00', source_agency_code: 'HLT', decided_at: '2024-05-28 09:00:00', concerns: ['going_missing'] }),
		// R6: 00:30 BST on 1 July: out.
		referral({ referral_id: 'r6', child_id: K5, received_at: '2024-06-30T23:30:00Z', source_code: '3A' }),
		// R7: 00:30 BST on Friday 28 June (Thursday in UTC); decided Monday 1 July, after the
		// period (as imported): wd(Fri, Mon) = 1, on time (from Thursday it would be 2).
		referral({ referral_id: 'r7', child_id: K5, received_at: '2024-06-27T23:30:00Z', source_code: '3A', decided_at: '2024-07-01 08:00:00' }),
		// R8: same date as R7: neither is earlier than the other. Undecided: late.
		referral({ referral_id: 'r8', child_id: K5, received_at: '2024-06-28 09:00:00', source_code: '3A' }),
		// 29 February: 2024-02-29 − 12 months = 2023-02-28.
		referral({ referral_id: 'rl0', child_id: K6, received_at: '2023-02-28 12:00:00' }),
		referral({ referral_id: 'rl1', child_id: K6, received_at: '2024-02-29 10:00:00' }), // re-referral (rl0 on 2023-02-28)
		referral({ referral_id: 'rl0b', child_id: K7, received_at: '2023-02-27 12:00:00' }),
		referral({ referral_id: 'rl2', child_id: K7, received_at: '2024-02-29 11:00:00' }), // not (rl0b a day too early)
		referral({ referral_id: 'rl3', child_id: K8, received_at: '2024-02-29 12:00:00' }), // not (no earlier)
		referral({ referral_id: 'rl6', child_id: K6, received_at: '2025-02-28 12:00:00' }), // re-referral: rl1 (2024-02-29) ≥ 2024-02-28
		referral({ referral_id: 'rl4', child_id: K8, received_at: '2025-03-01 12:00:00' }), // not: rl3 (2024-02-29) < 2024-03-01
		// One-off bank holidays: 2012-05-28 was a working day (the holiday moved to 4 and 5 June);
		// 2011-04-29 (royal wedding) and 2011-05-02 were holidays.
		referral({ referral_id: 'rj1', child_id: K6, received_at: '2012-05-25 10:00:00', decided_at: '2012-05-29 10:00:00' }), // wd 2: late
		referral({ referral_id: 'rj2', child_id: K7, received_at: '2012-06-01 10:00:00', decided_at: '2012-06-06 10:00:00' }), // wd 1: on time
		referral({ referral_id: 'rj3', child_id: K8, received_at: '2011-04-28 10:00:00', decided_at: '2011-05-03 10:00:00' }) // wd 1: on time
	],
	info_requests: [
		request({ request_id: 'qa1', child_id: K2, requesting_agency_code: 'HLT', responding_agency_code: 'SCH', priority: 'routine', requested_at: '2024-06-01 10:00:00' }),
		request({ request_id: 'qa2', child_id: null, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'routine', requested_at: '2024-05-01 10:00:00' })
	],
	meetings: [
		meeting('g1', K1, 'core_group', '2024-05-01'),
		meeting('g2', null, 'strategy_discussion', '2024-05-02'),
		meeting('g3', K3, 'cin_review', '2024-06-15'),
		meeting('g4', K3, 'core_group', '2024-07-01')
	],
	meeting_attendance: [
		attendance('g1', 'CSC', true, true),
		attendance('g1', 'SCH', true, false),
		attendance('g2', 'POL', true, true),
		attendance('g2', 'HLT', true, true),
		attendance('g3', 'VOL', false, true), // attended without an invitation: involved all the same
		attendance('g4', 'POL', true, true) // out of P
	]
});

/*
 * Involved agencies in P (multi_agency_children_pct):
 *   K1: c1, c2, r1, r2 → POL; g1 → CSC (SCH invited but absent)  → {POL, CSC}  2
 *   K2: r3 → SCH; qa1 → HLT, SCH                                   → {SCH, HLT}  2
 *   K3: c3 → SCH; c8, r4 add none; g3 → VOL                        → {SCH, VOL}  2
 *   K4: c5 adds none; r5 → HLT                                     → {HLT}       1
 *   K5: c6 → HLT; r7, r8 add none                                  → {HLT}       1
 *   qa2 and g2 have no child: no child to count.
 */

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse(FRONT_DOOR);
});
afterAll(() => t.dispose());

const metrics = async (q: MetricQuery) => metricsOf(await computeMetrics(t.warehouse, q));

describe('the calendar these expectations rest on', () => {
	it('counts working days as worked out by hand', () => {
		expect(workingDaysBetween('2024-04-01', '2024-04-02')).toBe(1);
		expect(workingDaysBetween('2024-05-03', '2024-05-07')).toBe(1);
		expect(workingDaysBetween('2024-04-15', '2024-04-17')).toBe(2);
		expect(workingDaysBetween('2024-05-24', '2024-05-28')).toBe(1);
		expect(workingDaysBetween('2024-06-28', '2024-07-01')).toBe(1);
		expect(workingDaysBetween('2024-06-27', '2024-07-01')).toBe(2);
		expect(workingDaysBetween('2012-05-25', '2012-05-29')).toBe(2);
		expect(workingDaysBetween('2012-06-01', '2012-06-06')).toBe(1);
		expect(workingDaysBetween('2011-04-28', '2011-05-03')).toBe(1);
	});
});

describe('front door, period P, no filter', () => {
	it('contacts_per_10k: c1, c2, c3, c5, c6, c8 = 6; 6 / 3,500 × 10,000', async () => {
		const m = await metrics(P);
		expectMetric(m.contacts_per_10k, { value: 17.142857142857142, numerator: 6, denominator: null, population: 3500 });
	});

	it('referrals_per_10k: r1, r2, r3, r4, r5, r7, r8 = 7; 7 / 3,500 × 10,000 = 20', async () => {
		expectMetric((await metrics(P)).referrals_per_10k, { value: 20, numerator: 7, denominator: null });
	});

	it('re_referrals_12m_pct: r2 (r1) and r3 (exactly 12 months) of 7 = 28.57…', async () => {
		expectMetric((await metrics(P)).re_referrals_12m_pct, { value: 28.571428571428573, numerator: 2, denominator: 7 });
	});

	it('referral_decision_1wd_pct: r1, r2, r5, r7 of 7 (r3 took 2, r4 and r8 undecided) = 57.14…', async () => {
		expectMetric((await metrics(P)).referral_decision_1wd_pct, { value: 57.142857142857146, numerator: 4, denominator: 7 });
	});

	it('multi_agency_children_pct: K1, K2, K3 of K1 to K5 = 60', async () => {
		expectMetric((await metrics(P)).multi_agency_children_pct, { value: 60, numerator: 3, denominator: 5 });
	});

	it('escalations_per_100_referrals: no escalations at all is x, the referrals still counted', async () => {
		expectMetric((await metrics(P)).escalations_per_100_referrals, { value: null, numerator: 0, denominator: 7, status: 'x' });
	});
});

describe('the 12-month look-back across 29 February', () => {
	it('2024-02-29 looks back to 2023-02-28: rl1 counts, rl2 (2023-02-27) and rl3 do not: 1 of 3', async () => {
		const m = await metrics({ from: '2024-02-29', to: '2024-02-29' });
		expectMetric(m.re_referrals_12m_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
	});

	it('2025-02-28 looks back to 2024-02-28 (rl6 counts); 2025-03-01 to 2024-03-01 (rl4 does not): 1 of 2', async () => {
		const m = await metrics({ from: '2025-02-28', to: '2025-03-01' });
		expectMetric(m.re_referrals_12m_pct, { value: 50, numerator: 1, denominator: 2 });
	});
});

describe('one-off bank holidays and the population year', () => {
	it('May to June 2012: rj1 late (28 May 2012 was a working day), rj2 on time (4 and 5 June were not): 1 of 2', async () => {
		const m = await metrics({ from: '2012-05-01', to: '2012-06-30' });
		expectMetric(m.referral_decision_1wd_pct, { value: 50, numerator: 1, denominator: 2 });
		// No estimate ≤ 2012 anywhere: each area's smallest year, 2,000 + 1,000 = 3,000; 2 / 3,000 × 10,000.
		expectMetric(m.referrals_per_10k, { value: 6.666666666666667, numerator: 2, population: 3000 });
	});

	it('April 2011: rj3 decided over the royal wedding and May Day: wd 1, on time', async () => {
		const m = await metrics({ from: '2011-04-01', to: '2011-04-30' });
		expectMetric(m.referral_decision_1wd_pct, { value: 100, numerator: 1, denominator: 1 });
	});

	it('a period ending in 2023 takes A1\'s 2023 estimate: r0 alone, 1 / 3,000 × 10,000', async () => {
		const m = await metrics({ from: '2023-03-31', to: '2023-03-31' });
		expectMetric(m.referrals_per_10k, { value: 3.3333333333333335, numerator: 1, population: 3000 });
	});
});

describe('area filter', () => {
	it('A1 (K1, K2; population 2,500): events with no child area (K4, K5) drop out', async () => {
		const m = await metrics({ ...P, area: 'A1' });
		expectMetric(m.contacts_per_10k, { value: 8, numerator: 2, population: 2500 }); // c1, c2: 2 / 2,500 × 10,000
		expectMetric(m.referrals_per_10k, { value: 12, numerator: 3 }); // r1, r2, r3: 3 / 2,500 × 10,000
		expectMetric(m.re_referrals_12m_pct, { value: 66.66666666666667, numerator: 2, denominator: 3 }); // r2, r3
		expectMetric(m.referral_decision_1wd_pct, { value: 66.66666666666667, numerator: 2, denominator: 3 }); // r1, r2
		expectMetric(m.multi_agency_children_pct, { value: 100, numerator: 2, denominator: 2 }); // K1, K2
	});

	it('A2 (K3; population 1,000 from 2025, its only estimate)', async () => {
		const m = await metrics({ ...P, area: 'A2' });
		expectMetric(m.contacts_per_10k, { value: 20, numerator: 2, population: 1000 }); // c3, c8
		expectMetric(m.referrals_per_10k, { value: 10, numerator: 1 }); // r4
		expectMetric(m.re_referrals_12m_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(m.referral_decision_1wd_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(m.multi_agency_children_pct, { value: 100, numerator: 1, denominator: 1 }); // K3: SCH, VOL
	});
});

describe('agency and sector filters', () => {
	it('POL: its contacts and referrals; involved agencies only from its own rows', async () => {
		const m = await metrics({ ...P, agency: 'POL' });
		expectMetric(m.contacts_per_10k, { value: 5.714285714285714, numerator: 2 }); // c1, c2: 2 / 3,500 × 10,000
		expectMetric(m.re_referrals_12m_pct, { value: 50, numerator: 1, denominator: 2 }); // r1, r2
		expectMetric(m.referral_decision_1wd_pct, { value: 100, numerator: 2, denominator: 2 });
		// K1 {POL} from c1, c2, r1, r2; qa2 and g2 (POL's) have no child; g4 is out of P: 0 of 1.
		expectMetric(m.multi_agency_children_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(m.assessment_45wd_pct, NOT_APPLICABLE);
	});

	it('SCH: r3\'s look-back reaches r0b from HLT (look-backs are never filtered)', async () => {
		const m = await metrics({ ...P, agency: 'SCH' });
		expectMetric(m.re_referrals_12m_pct, { value: 100, numerator: 1, denominator: 1 });
		expectMetric(m.referral_decision_1wd_pct, { value: 0, numerator: 0, denominator: 1 });
	});

	it('HLT: K5 {HLT} (c6), K4 {HLT} (r5), K2 {HLT, SCH} (qa1, HLT requests): 1 of 3', async () => {
		const m = await metrics({ ...P, agency: 'HLT' });
		expectMetric(m.multi_agency_children_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
	});

	it('sector police: POL\'s contacts and referrals and those from source code 6', async () => {
		const m = await metrics({ ...P, sector: 'police' });
		expectMetric(m.contacts_per_10k, { value: 8.571428571428571, numerator: 3 }); // c1, c2, c8: 3 / 3,500 × 10,000
		expectMetric(m.referrals_per_10k, { value: 8.571428571428571, numerator: 3 }); // r1, r2, r4
	});

	it('sector education: K3 {SCH} (c3), K2 {SCH, HLT} (r3, qa1); K1 only absent from g1: 1 of 2', async () => {
		const m = await metrics({ ...P, sector: 'education' });
		expectMetric(m.multi_agency_children_pct, { value: 50, numerator: 1, denominator: 2 });
	});
});

describe('breakdowns', () => {
	it('by month: each month of P, with the months\' own involved agencies', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'month' }));
		expect([...g.keys()]).toEqual(['2024-04', '2024-05', '2024-06']);
		// Contacts: April c1, c2; May c5, c6; June c3, c8: 2 / 3,500 × 10,000 each.
		for (const month of g.values()) expectMetric(month.contacts_per_10k, { value: 5.714285714285714, numerator: 2 });
		// April: K1 {POL}, K2 {SCH}, K3 none (r4 only): 0 of 2.
		expectMetric(g.get('2024-04')!.multi_agency_children_pct, { value: 0, numerator: 0, denominator: 2 });
		// May: K1 {POL (r2), CSC (g1)}, K4 {HLT}, K5 {HLT}: 1 of 3.
		expectMetric(g.get('2024-05')!.multi_agency_children_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
		// June: K3 {SCH, VOL}, K2 {HLT, SCH}; K5 none (r7, r8): 2 of 2.
		expectMetric(g.get('2024-06')!.multi_agency_children_pct, { value: 100, numerator: 2, denominator: 2 });
		// Referrals by month: April r1, r3, r4; May r2, r5; June r7, r8.
		expectMetric(g.get('2024-04')!.referral_decision_1wd_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
		expectMetric(g.get('2024-05')!.referral_decision_1wd_pct, { value: 100, numerator: 2, denominator: 2 });
		expectMetric(g.get('2024-06')!.referral_decision_1wd_pct, { value: 50, numerator: 1, denominator: 2 });
	});

	it('by concern: a referral counts in each of its concerns; other metrics are z', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'concern' }));
		expect(g.size).toBe(14);
		const neglect = g.get('neglect')!; // r1, r2
		expectMetric(neglect.referrals_per_10k, { value: 5.714285714285714, numerator: 2 });
		expectMetric(neglect.re_referrals_12m_pct, { value: 50, numerator: 1, denominator: 2 });
		expectMetric(neglect.referral_decision_1wd_pct, { value: 100, numerator: 2, denominator: 2 });
		const domestic = g.get('domestic_abuse')!; // r2
		expectMetric(domestic.referrals_per_10k, { value: 2.857142857142857, numerator: 1 });
		expectMetric(domestic.re_referrals_12m_pct, { value: 100, numerator: 1, denominator: 1 });
		const missing = g.get('going_missing')!; // r5
		expectMetric(missing.re_referrals_12m_pct, { value: 0, numerator: 0, denominator: 1 });
		// No referral raised self-harm: x.
		expectMetric(g.get('self_harm')!.referrals_per_10k, { value: null, numerator: 0, status: 'x' });
		// Contacts, involved agencies and escalations have no concerns.
		expectMetric(neglect.contacts_per_10k, NOT_APPLICABLE);
		expectMetric(neglect.multi_agency_children_pct, NOT_APPLICABLE);
		expectMetric(neglect.escalations_per_100_referrals, NOT_APPLICABLE);
	});

	it('by sex: a child with no row is unknown; rates per 10,000 are z', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'sex' }));
		expect([...g.keys()]).toEqual(['male', 'female', 'other', 'unknown']);
		// male: r1, r2 (K1), r4 (K3): re-referral r2; on time r1, r2.
		expectMetric(g.get('male')!.re_referrals_12m_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
		expectMetric(g.get('male')!.referral_decision_1wd_pct, { value: 66.66666666666667, numerator: 2, denominator: 3 });
		expectMetric(g.get('male')!.multi_agency_children_pct, { value: 100, numerator: 2, denominator: 2 }); // K1, K3
		// female: r3 (K2).
		expectMetric(g.get('female')!.re_referrals_12m_pct, { value: 100, numerator: 1, denominator: 1 });
		// other: r5 (K4).
		expectMetric(g.get('other')!.referral_decision_1wd_pct, { value: 100, numerator: 1, denominator: 1 });
		// unknown: r7, r8 (K5, no row): on time r7.
		expectMetric(g.get('unknown')!.referral_decision_1wd_pct, { value: 50, numerator: 1, denominator: 2 });
		expectMetric(g.get('unknown')!.multi_agency_children_pct, { value: 0, numerator: 0, denominator: 1 }); // K5 {HLT}
		expectMetric(g.get('male')!.referrals_per_10k, NOT_APPLICABLE);
	});

	it('by area: each area\'s own population; events with no area in no group', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'area' }));
		expect([...g.keys()]).toEqual(['A1', 'A2']);
		expectMetric(g.get('A1')!.contacts_per_10k, { value: 8, numerator: 2, population: 2500 });
		expectMetric(g.get('A2')!.contacts_per_10k, { value: 20, numerator: 2, population: 1000 });
	});

	it('by sector: a contact\'s sector is its agency\'s, else its source code\'s', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'sector' }));
		expectMetric(g.get('police')!.contacts_per_10k, { value: 8.571428571428571, numerator: 3 }); // c1, c2, c8
		expectMetric(g.get('health')!.contacts_per_10k, { value: 5.714285714285714, numerator: 2 }); // c5 (3A), c6 (HLT)
		expectMetric(g.get('education')!.contacts_per_10k, { value: 2.857142857142857, numerator: 1 }); // c3
		expectMetric(g.get('health')!.referrals_per_10k, { value: 8.571428571428571, numerator: 3 }); // r5, r7, r8
	});
});
