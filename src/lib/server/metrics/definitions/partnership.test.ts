/**
 * Information requests, escalations and ICPC attendance over a hand-made extract; every
 * expected value worked out by hand beside it. Period P = 2024-04-01 to 2024-06-30.
 * Bank holidays: Mon 6 May, Mon 27 May 2024. Clocks: forward at 01:00 GMT on 31 March
 * 2024 (that night lasts 23 hours), back at 02:00 BST on 27 October 2024 (25 hours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, type MetricQuery } from '../compute.ts';
import {
	attendance,
	escalation,
	expectMetric,
	extract,
	groupsOf,
	K1,
	K2,
	K3,
	K4,
	K5,
	meeting,
	metricsOf,
	referral,
	request
} from '../test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../test-helpers.ts';

const P = { from: '2024-04-01', to: '2024-06-30' };

const PARTNERSHIP = extract({
	info_requests: [
		// Routine, Fri 3 May → Fri 10 May over the bank holiday: wd 4, on time; 161 hours.
		request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-05-03 16:00:00', responded_at: '2024-05-10 09:00:00' }),
		// Routine, Fri 24 May → Mon 3 June: wd exactly 5, on time; 239 hours.
		request({ request_id: 'q2', child_id: K2, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-24 10:00:00', responded_at: '2024-06-03 09:00:00' }),
		// Routine, → Tue 4 June: wd 6, late; 263 hours.
		request({ request_id: 'q3', child_id: K3, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-24 10:00:00', responded_at: '2024-06-04 09:00:00' }),
		// Urgent, exactly 24 hours: on time.
		request({ request_id: 'q4', child_id: K4, requesting_agency_code: 'HLT', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-06-10 09:00:00', responded_at: '2024-06-11 09:00:00' }),
		// Urgent, 24 hours and a second: late; 24.000277… hours.
		request({ request_id: 'q5', child_id: K5, requesting_agency_code: 'SCH', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-06-10 09:00:00', responded_at: '2024-06-11 09:00:01' }),
		// Urgent, never answered: late.
		request({ request_id: 'q6', child_id: K1, requesting_agency_code: 'POL', responding_agency_code: 'SCH', priority: 'urgent', requested_at: '2024-06-20 12:00:00' }),
		// Routine, 23:30 BST on Sun 30 June (in P) → Fri 5 July, after P: wd 5, on time; 106.5 hours.
		request({ request_id: 'q7', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-06-30 23:30:00', responded_at: '2024-07-05 10:00:00' }),
		// 31 March: out of P.
		request({ request_id: 'q8', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'urgent', requested_at: '2024-03-31 23:30:00+01:00', responded_at: '2024-04-01 01:00:00' }),
		// Spring: 12:00 GMT on 30 March → 12:30 BST on 31 March is 23.5 hours elapsed (24.5 on the clock): on time.
		request({ request_id: 'qs1', child_id: K2, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-03-30 12:00:00', responded_at: '2024-03-31 12:30:00' }),
		// 23:30 GMT on 30 March → 23:45 BST on 31 March: 23.25 hours elapsed: on time.
		request({ request_id: 'qs2', child_id: K2, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-03-30 23:30:00', responded_at: '2024-03-31 23:45:00' }),
		// Autumn: 12:00 BST on 26 October → 11:30 GMT on 27 October is 24.5 hours (23.5 on the clock): late.
		request({ request_id: 'qa1', child_id: K3, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-10-26 12:00:00', responded_at: '2024-10-27 11:30:00' }),
		// → 11:00 GMT: exactly 24 hours: on time.
		request({ request_id: 'qa2', child_id: K3, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-10-26 12:00:00', responded_at: '2024-10-27 11:00:00' })
	],
	escalations: [
		escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-04-05', highest_stage: 3, resolved_on: '2024-04-25' }), // 20 days
		escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'HLT', raised_with_agency_code: 'CSC', raised_on: '2024-05-01', highest_stage: 2, resolved_on: '2024-07-10' }), // closed after P: open at its end
		escalation({ escalation_id: 'e3', child_id: K3, raised_by_agency_code: 'CSC', raised_with_agency_code: 'SCH', raised_on: '2024-06-30', highest_stage: 4 }), // open
		escalation({ escalation_id: 'e4', child_id: K4, raised_by_agency_code: 'SCH', raised_with_agency_code: 'POL', raised_on: '2024-01-10', highest_stage: 1, resolved_on: '2024-06-30' }), // 172 days; closed on `to`
		escalation({ escalation_id: 'e5', child_id: K5, raised_by_agency_code: 'POL', raised_with_agency_code: 'HLT', raised_on: '2023-12-01', highest_stage: 2 }), // open
		escalation({ escalation_id: 'e6', child_id: K1, raised_by_agency_code: 'CSC', raised_with_agency_code: 'POL', raised_on: '2024-07-01', highest_stage: 1 }), // after P
		escalation({ escalation_id: 'e7', child_id: null, raised_by_agency_code: 'VOL', raised_with_agency_code: 'CSC', raised_on: '2024-05-20', highest_stage: 3, resolved_on: '2024-05-30', outcome: 'unresolved' }) // 10 days
	],
	referrals: [
		referral({ referral_id: 'rc1', child_id: K1, received_at: '2024-04-10 12:00:00', source_agency_code: 'POL' }),
		referral({ referral_id: 'rc2', child_id: K2, received_at: '2024-04-11 12:00:00', source_agency_code: 'POL' }),
		referral({ referral_id: 'rc3', child_id: K1, received_at: '2024-05-10 12:00:00', source_agency_code: 'CSC' }),
		referral({ referral_id: 'rc4', child_id: K3, received_at: '2024-05-11 12:00:00', source_agency_code: 'HLT' }),
		referral({ referral_id: 'rc5', child_id: K4, received_at: '2024-05-12 12:00:00', source_agency_code: 'HLT' }),
		referral({ referral_id: 'rc6', child_id: K5, received_at: '2024-06-10 12:00:00', source_agency_code: 'SCH' }),
		referral({ referral_id: 'rc7', child_id: K3, received_at: '2024-06-11 12:00:00', source_code: '5B' }),
		referral({ referral_id: 'rc8', child_id: K5, received_at: '2024-06-12 12:00:00', source_code: '9' })
	],
	meetings: [
		meeting('m1', K1, 'icpc', '2024-04-10'),
		meeting('m2', K2, 'icpc', '2024-06-30'),
		meeting('m3', K3, 'core_group', '2024-05-05'),
		meeting('m4', K4, 'icpc', '2024-07-01'),
		meeting('m5', null, 'icpc', '2024-05-10')
	],
	meeting_attendance: [
		attendance('m1', 'CSC', true, true), // children's social care: not a partner
		attendance('m1', 'POL', true, true), // ✓
		attendance('m1', 'HLT', true, false), // ✗
		attendance('m1', 'SCH', false, true), // not invited: not counted
		attendance('m2', 'POL', true, true), // ✓
		attendance('m2', 'VOL', true, false), // ✗
		attendance('m3', 'POL', true, true), // not an ICPC
		attendance('m4', 'POL', true, true), // after P
		attendance('m5', 'HLT', true, true) // ✓ (no child)
	]
});

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse(PARTNERSHIP);
});
afterAll(() => t.dispose());

const metrics = async (q: MetricQuery) => metricsOf(await computeMetrics(t.warehouse, q));

describe('information requests', () => {
	it('info_request_on_time_pct in P: q1, q2, q4, q7 of q1 to q7 = 57.14', async () => {
		expectMetric((await metrics(P)).info_request_on_time_pct, { value: 57.142857142857146, numerator: 4, denominator: 7 });
	});

	it('info_request_median_hours in P: 24, 24.0003, 106.5, 161, 239, 263 → (106.5 + 161) / 2 = 133.75', async () => {
		expectMetric((await metrics(P)).info_request_median_hours, { value: 133.75, numerator: null, denominator: null, n: 6 });
	});

	it('across the spring clock change: 23.5 and 23.25 elapsed hours are on time', async () => {
		const m = await metrics({ from: '2024-03-30', to: '2024-03-30' });
		expectMetric(m.info_request_on_time_pct, { value: 100, numerator: 2, denominator: 2 });
		expectMetric(m.info_request_median_hours, { value: 23.375, n: 2 }); // (23.25 + 23.5) / 2
	});

	it('across the autumn clock change: 24.5 elapsed hours is late, 24 on time', async () => {
		const m = await metrics({ from: '2024-10-26', to: '2024-10-26' });
		expectMetric(m.info_request_on_time_pct, { value: 50, numerator: 1, denominator: 2 });
		expectMetric(m.info_request_median_hours, { value: 24.25, n: 2 });
	});

	it('requests made but none answered: the median is z, the percentage 0', async () => {
		const m = await metrics({ from: '2024-06-20', to: '2024-06-20' }); // q6 only
		expectMetric(m.info_request_on_time_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(m.info_request_median_hours, { value: null, n: 0, status: 'z' });
	});

	it('agency HLT: requests it makes or answers, q2, q3, q4: 2 of 3; median of 24, 239, 263', async () => {
		const m = await metrics({ ...P, agency: 'HLT' });
		expectMetric(m.info_request_on_time_pct, { value: 66.66666666666667, numerator: 2, denominator: 3 });
		expectMetric(m.info_request_median_hours, { value: 239, n: 3 });
	});

	it('sector children_social_care: q1, q2, q4, q5, q7: 4 of 5', async () => {
		const m = await metrics({ ...P, sector: 'children_social_care' });
		expectMetric(m.info_request_on_time_pct, { value: 80, numerator: 4, denominator: 5 });
	});

	it('area A1 (K1, K2): q1, q2, q6, q7: 3 of 4; median of 106.5, 161, 239', async () => {
		const m = await metrics({ ...P, area: 'A1' });
		expectMetric(m.info_request_on_time_pct, { value: 75, numerator: 3, denominator: 4 });
		expectMetric(m.info_request_median_hours, { value: 161, n: 3 });
	});

	it('by agency: a request counts for both its agencies', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'agency' }));
		expectMetric(g.get('CSC')!.info_request_on_time_pct, { value: 80, numerator: 4, denominator: 5 }); // q1, q2, q4, q5, q7
		expectMetric(g.get('HLT')!.info_request_on_time_pct, { value: 66.66666666666667, numerator: 2, denominator: 3 }); // q2, q3, q4
		expectMetric(g.get('POL')!.info_request_on_time_pct, { value: 50, numerator: 2, denominator: 4 }); // q1, q3, q6, q7
		expectMetric(g.get('SCH')!.info_request_on_time_pct, { value: 0, numerator: 0, denominator: 2 }); // q5, q6
		expectMetric(g.get('VOL')!.info_request_on_time_pct, { value: null, numerator: 0, denominator: 0, status: 'x' });
	});
});

describe('escalations', () => {
	it('in P: raised e1, e2, e3, e7; referrals rc1 to rc8', async () => {
		const m = await metrics(P);
		expectMetric(m.escalations_per_100_referrals, { value: 50, numerator: 4, denominator: 8 }); // 4 / 8 × 100
		expectMetric(m.escalations_stage3_pct, { value: 75, numerator: 3, denominator: 4 }); // e1, e3, e7
		// Closed in P: e1 20, e4 172 (10 January to 30 June 2024), e7 10 days → 20.
		expectMetric(m.escalation_resolution_median_days, { value: 20, numerator: null, denominator: null, n: 3 });
		// Raised by 30 June and not closed by then: e2 (closed 10 July), e3, e5 → 3 (e4 closed on the 30th).
		expectMetric(m.escalations_open_at_end, { value: 3, numerator: null, denominator: null });
	});

	it('area A1 (K1, K2): escalations e1, e2; referrals rc1, rc2, rc3', async () => {
		const m = await metrics({ ...P, area: 'A1' });
		expectMetric(m.escalations_per_100_referrals, { value: 66.66666666666667, numerator: 2, denominator: 3 });
		expectMetric(m.escalations_stage3_pct, { value: 50, numerator: 1, denominator: 2 });
		expectMetric(m.escalation_resolution_median_days, { value: 20, n: 1 });
		expectMetric(m.escalations_open_at_end, { value: 1 }); // e2
	});

	it('agency CSC: escalations it raises or receives; referrals from CSC', async () => {
		const m = await metrics({ ...P, agency: 'CSC' });
		expectMetric(m.escalations_per_100_referrals, { value: 400, numerator: 4, denominator: 1 }); // e1, e2, e3, e7 per rc3
		expectMetric(m.escalations_stage3_pct, { value: 75, numerator: 3, denominator: 4 });
		expectMetric(m.escalation_resolution_median_days, { value: 15, n: 2 }); // (20 + 10) / 2
		expectMetric(m.escalations_open_at_end, { value: 2 }); // e2, e3
	});

	it('agency VOL: an escalation but no referral from it is z', async () => {
		const m = await metrics({ ...P, agency: 'VOL' });
		expectMetric(m.escalations_per_100_referrals, { value: null, numerator: 1, denominator: 0, status: 'z' });
	});

	it('escalations_open_at_end by month: the position at each month\'s end', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'month' }));
		expectMetric(g.get('2024-04')!.escalations_open_at_end, { value: 2 }); // e4, e5 (e1 closed 25 April)
		expectMetric(g.get('2024-05')!.escalations_open_at_end, { value: 3 }); // e2, e4, e5 (e7 closed 30 May)
		expectMetric(g.get('2024-06')!.escalations_open_at_end, { value: 3 }); // e2, e3, e5
	});

	it('before any escalation was raised: x', async () => {
		const m = await metrics({ from: '2023-01-01', to: '2023-01-31' });
		expectMetric(m.escalations_open_at_end, { value: null, status: 'x' });
	});
});

describe('icpc_partner_attendance_pct', () => {
	it('in P: m1 POL, m2 POL, m5 HLT attended of m1 POL, m1 HLT, m2 POL, m2 VOL, m5 HLT = 60', async () => {
		expectMetric((await metrics(P)).icpc_partner_attendance_pct, { value: 60, numerator: 3, denominator: 5 });
	});

	it('area A1: attendance follows its meeting\'s child (m1, m2; m5 has none): 2 of 4', async () => {
		expectMetric((await metrics({ ...P, area: 'A1' })).icpc_partner_attendance_pct, { value: 50, numerator: 2, denominator: 4 });
	});

	it('agency POL: its own rows, 2 of 2; agency CSC: no partner rows, z', async () => {
		expectMetric((await metrics({ ...P, agency: 'POL' })).icpc_partner_attendance_pct, { value: 100, numerator: 2, denominator: 2 });
		expectMetric((await metrics({ ...P, agency: 'CSC' })).icpc_partner_attendance_pct, { value: null, numerator: 0, denominator: 0, status: 'z' });
	});

	it('by sector: voluntary 0 of 1, health 1 of 2', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'sector' }));
		expectMetric(g.get('voluntary')!.icpc_partner_attendance_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(g.get('health')!.icpc_partner_attendance_pct, { value: 50, numerator: 1, denominator: 2 });
		expect(g.get('children_social_care')!.icpc_partner_attendance_pct.status).toBe('z');
	});
});
