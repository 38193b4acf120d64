/**
 * metrics.md version 2, the seeds' practice measures, over small hand-made extracts, one per
 * family so that each expected value can be worked out beside its rows. Period P =
 * 2024-04-01 to 2024-06-30 unless a test says otherwise.
 *
 * Calendar: bank holidays Mon 6 May and Mon 27 May 2024, Good Friday 29 March 2024. Clocks
 * forward at 01:00 GMT on Sun 31 March 2024 (that day lasts 23 hours), back at 02:00 BST on
 * Sun 27 October 2024 (25 hours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, type MetricQuery } from '../compute.ts';
import {
	action,
	assessment,
	attendance,
	audit,
	contact,
	escalation,
	expectMetric,
	extract,
	groupsOf,
	K1,
	K2,
	K3,
	K5,
	meeting,
	metricsOf,
	NOT_APPLICABLE,
	referral,
	request
} from '../test-fixtures.ts';
import { createTestWarehouse, type TestExtract, type TestWarehouse } from '../test-helpers.ts';

const P = { from: '2024-04-01', to: '2024-06-30' };

/** A warehouse of its own for one describe block. */
function warehouseOf(rows: TestExtract): { metrics: (q: MetricQuery) => ReturnType<typeof metricsOfQuery>; groups: (q: MetricQuery) => ReturnType<typeof groupsOfQuery> } {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(extract(rows));
	});
	afterAll(() => t.dispose());
	return { metrics: (q) => metricsOfQuery(t, q), groups: (q) => groupsOfQuery(t, q) };
}
const metricsOfQuery = async (t: TestWarehouse, q: MetricQuery) => metricsOf(await computeMetrics(t.warehouse, q));
const groupsOfQuery = async (t: TestWarehouse, q: MetricQuery) => groupsOf(await computeMetrics(t.warehouse, q));

describe('contact_conversion_pct', () => {
	const w = warehouseOf({
		contacts: [
			contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL', outcome: 'referral', decided_at: '2024-04-02 15:00:00' }),
			contact({ contact_id: 'c2', child_id: K2, received_at: '2024-04-03 09:00:00', source_agency_code: 'POL', outcome: 'early_help', decided_at: '2024-04-04 09:00:00' }),
			contact({ contact_id: 'c3', child_id: K3, received_at: '2024-05-01 09:00:00', source_agency_code: 'HLT', outcome: 'referral', decided_at: '2024-05-01 11:00:00' }),
			// A decision time but no outcome: undecided, left out whatever decided_at says.
			contact({ contact_id: 'c4', child_id: K1, received_at: '2024-05-02 09:00:00', source_agency_code: 'SCH', outcome: null, decided_at: '2024-05-02 10:00:00' }),
			// Police by its source code alone (no agency).
			contact({ contact_id: 'c5', child_id: K5, received_at: '2024-06-01 09:00:00', source_code: '6', outcome: 'no_further_action', decided_at: '2024-06-03 09:00:00' }),
			// After P.
			contact({ contact_id: 'c6', child_id: K1, received_at: '2024-07-01 09:00:00', source_agency_code: 'POL', outcome: 'referral', decided_at: '2024-07-01 10:00:00' })
		]
	});

	it('in P: c1 and c3 became referrals, of c1, c2, c3, c5 with an outcome (c4 undecided) = 50', async () => {
		expectMetric((await w.metrics(P)).contact_conversion_pct, { value: 50, numerator: 1 + 1, denominator: 4 });
	});

	it('agency POL: c1 of c1, c2; sector police adds c5 (source code 6): 1 of 3', async () => {
		expectMetric((await w.metrics({ ...P, agency: 'POL' })).contact_conversion_pct, { value: 50, numerator: 1, denominator: 2 });
		expectMetric((await w.metrics({ ...P, sector: 'police' })).contact_conversion_pct, { value: 100 / 3, numerator: 1, denominator: 3 });
	});

	it('by sector: health 1 of 1; education only undecided (z, its counts kept); housing none (x)', async () => {
		const g = await w.groups({ ...P, by: 'sector' });
		expectMetric(g.get('health')!.contact_conversion_pct, { value: 100, numerator: 1, denominator: 1 });
		expectMetric(g.get('education')!.contact_conversion_pct, { value: null, numerator: 0, denominator: 0, status: 'z' });
		expectMetric(g.get('housing')!.contact_conversion_pct, { value: null, status: 'x' });
	});

	it('area A1 (K1, K2): c1 of c1, c2 (c4 undecided)', async () => {
		expectMetric((await w.metrics({ ...P, area: 'A1' })).contact_conversion_pct, { value: 50, numerator: 1, denominator: 2 });
	});
});

describe('info_request_ack_1wd_pct', () => {
	const w = warehouseOf({
		info_requests: [
			// Fri 3 May → answered Tue 7 May, no acknowledgement: the answer is the first reply; wd 1 over the bank holiday: on time.
			request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-05-03 10:00:00', responded_at: '2024-05-07 09:00:00' }),
			// Thu 9 May → answered Mon 13 May, no acknowledgement: wd 2, late.
			request({ request_id: 'q2', child_id: K2, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-09 10:00:00', responded_at: '2024-05-13 09:00:00' }),
			// Acknowledged the next working day, answered later: on time.
			request({ request_id: 'q3', child_id: K3, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-06-10 09:00:00', acknowledged_at: '2024-06-11 08:00:00', responded_at: '2024-06-14 09:00:00' }),
			// Never acknowledged nor answered: late.
			request({ request_id: 'q4', child_id: K1, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'routine', requested_at: '2024-06-12 10:00:00' }),
			// Fri 28 June → acknowledged Mon 1 July, after P: counted on its recorded date, wd 1, on time.
			request({ request_id: 'q5', child_id: K1, requesting_agency_code: 'HLT', responding_agency_code: 'SCH', priority: 'routine', requested_at: '2024-06-28 10:00:00', acknowledged_at: '2024-07-01 09:00:00' }),
			// Answered Tue 18 June before the acknowledgement on Thu 20: the answer came first, wd 1, on time.
			request({ request_id: 'q6', child_id: K2, requesting_agency_code: 'SCH', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-06-17 10:00:00', acknowledged_at: '2024-06-20 09:00:00', responded_at: '2024-06-18 16:00:00' })
		]
	});

	it('in P: q1, q3, q5, q6 of q1 to q6 = 66.67', async () => {
		expectMetric((await w.metrics(P)).info_request_ack_1wd_pct, { value: 200 / 3, numerator: 4, denominator: 6 });
	});

	it('agency HLT (asks or is asked): q2, q3, q5: 2 of 3', async () => {
		expectMetric((await w.metrics({ ...P, agency: 'HLT' })).info_request_ack_1wd_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
	});

	it('by month: May q1 of q1, q2; June q3, q5, q6 of q3 to q6', async () => {
		const g = await w.groups({ ...P, by: 'month' });
		expectMetric(g.get('2024-04')!.info_request_ack_1wd_pct, { value: null, status: 'x' });
		expectMetric(g.get('2024-05')!.info_request_ack_1wd_pct, { value: 50, numerator: 1, denominator: 2 });
		expectMetric(g.get('2024-06')!.info_request_ack_1wd_pct, { value: 75, numerator: 3, denominator: 4 });
	});
});

describe('info_requests_overdue_at_end', () => {
	const w = warehouseOf({
		info_requests: [
			// Autumn. 00:00 BST on Sun 27 October (23:00 UTC on the 26th), never answered: due 24 elapsed hours later,
			// 23:00 GMT on the 27th, one hour before the day ends (the day lasts 25 hours): overdue.
			request({ request_id: 'qa1', child_id: K1, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-10-27 00:00:00' }),
			// 01:30 on the 27th (the earlier, BST, one: 00:30 UTC): due 00:30 GMT on the 28th, after the day: not overdue.
			request({ request_id: 'qa2', child_id: K1, requesting_agency_code: 'POL', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-10-27 01:30:00' }),
			// Due 11:00 GMT on the 27th, answered on the 28th, after the end: not answered by it, overdue.
			request({ request_id: 'qa3', child_id: K2, requesting_agency_code: 'HLT', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-10-26 12:00:00', responded_at: '2024-10-28 09:00:00' }),
			// Routine, Mon 21 October: wd(21, 27 October) = 4: not overdue.
			request({ request_id: 'qa4', child_id: K2, requesting_agency_code: 'HLT', responding_agency_code: 'CSC', priority: 'routine', requested_at: '2024-10-21 09:00:00' }),
			// Spring. 23:30 GMT on Sat 30 March: due 23:30 UTC on the 31st, which is 00:30 BST on 1 April: after the 31st ends (23:00 UTC).
			request({ request_id: 'qs1', child_id: K3, requesting_agency_code: 'SCH', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-03-30 23:30:00' }),
			// 22:30 GMT on the 30th: due 22:30 UTC (23:30 BST) on the 31st, half an hour before its end: overdue.
			request({ request_id: 'qs2', child_id: K3, requesting_agency_code: 'SCH', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-03-30 22:30:00', responded_at: '2024-04-02 09:00:00' }),
			// Routine, Fri 3 May, never answered: wd(3 May, Mon 13 May) = 5 over the bank holiday of the 6th, wd(3, 14 May) = 6.
			request({ request_id: 'rq1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-05-03 09:00:00' }),
			// Urgent, Mon 29 April 10:00, answered 15 May: overdue at the end of April only.
			request({ request_id: 'rq2', child_id: K2, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-04-29 10:00:00', responded_at: '2024-05-15 09:00:00' }),
			// Routine, Tue 25 June, never answered: wd(25, 30 June) = 3, not overdue at the end of June.
			request({ request_id: 'rq3', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-06-25 09:00:00', responded_at: '2024-10-01 09:00:00' }),
			// Routine, Mon 20 May, answered 10 June: wd(20, 31 May) = 8 (27 May a bank holiday): overdue at the end of May.
			request({ request_id: 'rq4', child_id: K2, requesting_agency_code: 'POL', responding_agency_code: 'SCH', priority: 'routine', requested_at: '2024-05-20 09:00:00', responded_at: '2024-06-10 09:00:00' })
		]
	});

	it('across the autumn clock change: qa1 (overdue by one hour), qa3 (answered after the end); not qa2, qa4', async () => {
		// Also overdue at the end of 27 October: qs1 (since 31 March) and rq1 (since May), never answered.
		const m = await w.metrics({ from: '2024-10-01', to: '2024-10-27' });
		expectMetric(m.info_requests_overdue_at_end, { value: 4, numerator: null, denominator: null });
		// HLT asks qa3 and qa4 and is asked qs1, qs2 and rq2: qa3 and qs1.
		expectMetric((await w.metrics({ from: '2024-10-01', to: '2024-10-27', agency: 'HLT' })).info_requests_overdue_at_end, { value: 2 });
	});

	it('across the spring clock change: qs2, not qs1', async () => {
		expectMetric((await w.metrics({ from: '2024-03-01', to: '2024-03-31' })).info_requests_overdue_at_end, { value: 1 });
		// By the end of 1 April qs1 is overdue too; qs2 is answered on the 2nd, after it.
		expectMetric((await w.metrics({ from: '2024-04-01', to: '2024-04-01' })).info_requests_overdue_at_end, { value: 2 });
	});

	it('a routine request on the bank holiday boundary: not overdue at the end of 13 May, overdue at the end of the 14th', async () => {
		// At 13 May: rq1 wd 5 (not), rq2 (urgent, unanswered until the 15th: overdue), qs1 (overdue since 31 March).
		expectMetric((await w.metrics({ from: '2024-05-01', to: '2024-05-13' })).info_requests_overdue_at_end, { value: 2 });
		expectMetric((await w.metrics({ from: '2024-05-01', to: '2024-05-14' })).info_requests_overdue_at_end, { value: 3 });
		// Only rq1 by its agency pair: CSC asks it of POL.
		expectMetric((await w.metrics({ from: '2024-05-01', to: '2024-05-13', agency: 'POL' })).info_requests_overdue_at_end, { value: 0 });
		expectMetric((await w.metrics({ from: '2024-05-01', to: '2024-05-14', agency: 'POL' })).info_requests_overdue_at_end, { value: 1 });
	});

	it('--by month: the count at each month\'s end', async () => {
		const g = await w.groups({ ...P, by: 'month' });
		// 30 April: qs1 and rq2. 31 May: qs1, rq1, rq4 (rq2 answered the 15th). 30 June: qs1, rq1 (rq3 wd 3, rq4 answered).
		expectMetric(g.get('2024-04')!.info_requests_overdue_at_end, { value: 2 });
		expectMetric(g.get('2024-05')!.info_requests_overdue_at_end, { value: 3 });
		expectMetric(g.get('2024-06')!.info_requests_overdue_at_end, { value: 2 });
		expectMetric((await w.metrics(P)).info_requests_overdue_at_end, { value: 2 });
	});

	it('x only when the table holds no rows under the filters, whatever their dates', async () => {
		// Before the first request, the table still holds rows: 0, not x.
		expectMetric((await w.metrics({ from: '2020-01-01', to: '2020-01-31' })).info_requests_overdue_at_end, { value: 0 });
		// VOL asks and is asked nothing.
		expectMetric((await w.metrics({ ...P, agency: 'VOL' })).info_requests_overdue_at_end, { value: null, status: 'x' });
	});
});

describe('assessments_open_over_45wd_at_end', () => {
	const w = warehouseOf({
		assessments: [
			// wd(Tue 2 January, Wed 6 March 2024) = 46: counted at the end of 6 March.
			assessment({ assessment_id: 'a1', child_id: K1, started_on: '2024-01-02' }),
			// wd(3 January, 6 March) = 45: exactly the timescale, not beyond it.
			assessment({ assessment_id: 'a2', child_id: K2, started_on: '2024-01-03' }),
			// Completed 7 March, after the end: still open at it, 46: counted.
			assessment({ assessment_id: 'a3', child_id: K1, started_on: '2024-01-02', completed_on: '2024-03-07' }),
			// Completed on 6 March itself: not open.
			assessment({ assessment_id: 'a4', child_id: K2, started_on: '2024-01-02', completed_on: '2024-03-06' }),
			// Started after the end.
			assessment({ assessment_id: 'a5', child_id: K1, started_on: '2024-03-07' })
		]
	});
	const END = { from: '2024-01-01', to: '2024-03-06' };

	it('at the end of 6 March: a1 (46) and a3 (completed after it); not a2 (45), a4, a5', async () => {
		expectMetric((await w.metrics(END)).assessments_open_over_45wd_at_end, { value: 2, numerator: null, denominator: null });
		// A day earlier a1 and a3 are at 45: none.
		expectMetric((await w.metrics({ from: '2024-01-01', to: '2024-03-05' })).assessments_open_over_45wd_at_end, { value: 0 });
	});

	it('by month: January 0, February 0 (wd 42 at the 29th), March (at the 6th) 2', async () => {
		const g = await w.groups({ ...END, by: 'month' });
		expect([...g.keys()]).toEqual(['2024-01', '2024-02', '2024-03']);
		expect(['2024-01', '2024-02', '2024-03'].map((m) => g.get(m)!.assessments_open_over_45wd_at_end.value)).toEqual([0, 0, 2]);
	});

	it('by area and under filters: assessments belong to no agency (z); A2 has none (x)', async () => {
		expectMetric((await w.metrics({ ...END, agency: 'POL' })).assessments_open_over_45wd_at_end, NOT_APPLICABLE);
		expectMetric((await w.metrics({ ...END, area: 'A2' })).assessments_open_over_45wd_at_end, { value: null, status: 'x' });
		const g = await w.groups({ ...END, by: 'area' });
		expectMetric(g.get('A1')!.assessments_open_over_45wd_at_end, { value: 2 });
	});
});

describe('escalations_agreed_pct', () => {
	const w = warehouseOf({
		escalations: [
			escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-04-01', highest_stage: 1, resolved_on: '2024-04-10', outcome: 'agreed' }),
			escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'HLT', raised_with_agency_code: 'CSC', raised_on: '2024-04-05', highest_stage: 2, resolved_on: '2024-05-01', outcome: 'plan_changed' }),
			// Closed withdrawn: in the denominator, not agreed.
			escalation({ escalation_id: 'e3', child_id: K3, raised_by_agency_code: 'CSC', raised_with_agency_code: 'SCH', raised_on: '2024-04-10', highest_stage: 2, resolved_on: '2024-05-20', outcome: 'withdrawn' }),
			escalation({ escalation_id: 'e4', child_id: K1, raised_by_agency_code: 'SCH', raised_with_agency_code: 'POL', raised_on: '2024-03-01', highest_stage: 3, resolved_on: '2024-06-30', outcome: 'unresolved' }),
			escalation({ escalation_id: 'e5', child_id: K2, raised_by_agency_code: 'POL', raised_with_agency_code: 'HLT', raised_on: '2024-05-01', highest_stage: 1 }),
			escalation({ escalation_id: 'e6', child_id: K3, raised_by_agency_code: 'POL', raised_with_agency_code: 'HLT', raised_on: '2024-06-01', highest_stage: 1, resolved_on: '2024-07-02', outcome: 'agreed' })
		]
	});

	it('in P: e1 agreed, e2 plan changed of e1 to e4 closed (e3 withdrawn, e4 unresolved; e5 open, e6 closed after P) = 50', async () => {
		expectMetric((await w.metrics(P)).escalations_agreed_pct, { value: 50, numerator: 2, denominator: 4 });
	});

	it('agency CSC (raises or receives): e1, e2 of e1, e2, e3', async () => {
		expectMetric((await w.metrics({ ...P, agency: 'CSC' })).escalations_agreed_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
	});

	it('a month with the withdrawn one alone: 0 of 1', async () => {
		const g = await w.groups({ ...P, by: 'month' });
		expectMetric(g.get('2024-05')!.escalations_agreed_pct, { value: 50, numerator: 1, denominator: 2 }); // e2, e3
		expectMetric(g.get('2024-06')!.escalations_agreed_pct, { value: 0, numerator: 0, denominator: 1 }); // e4
	});
});

describe('child protection meetings: attendance and reports', () => {
	const w = warehouseOf({
		meetings: [
			meeting('m1', K1, 'core_group', '2024-04-15'),
			meeting('m2', K2, 'icpc', '2024-05-10'),
			meeting('m3', K3, 'rcpc', '2024-06-10'),
			meeting('m4', K1, 'strategy_discussion', '2024-04-02'),
			meeting('m5', K2, 'cin_review', '2024-05-05'),
			meeting('m6', K1, 'icpc', '2024-07-01')
		],
		meeting_attendance: [
			// A core group with an absent police officer.
			attendance('m1', 'POL', true, false),
			attendance('m1', 'HLT', true, true),
			attendance('m1', 'CSC', true, true), // children's social care: not a partner
			{ ...attendance('m2', 'POL', true, true), report_submitted: true },
			// A conference with report_submitted null: not submitted.
			{ ...attendance('m2', 'HLT', true, true), report_submitted: null },
			{ ...attendance('m2', 'SCH', true, false), report_submitted: false },
			{ ...attendance('m2', 'CSC', true, true), report_submitted: true },
			{ ...attendance('m2', 'VOL', false, true), report_submitted: true }, // not invited
			{ ...attendance('m3', 'VOL', true, true), report_submitted: true },
			attendance('m4', 'POL', true, true),
			attendance('m5', 'HLT', true, true), // not a child protection meeting
			{ ...attendance('m6', 'POL', true, true), report_submitted: true } // after P
		]
	});

	it('cp_meeting_partner_attendance_pct in P: m1 HLT, m2 POL, m2 HLT, m3 VOL, m4 POL of those and m1 POL, m2 SCH = 71.43', async () => {
		expectMetric((await w.metrics(P)).cp_meeting_partner_attendance_pct, { value: 500 / 7, numerator: 5, denominator: 7 });
		// The ICPC measure sees m2 only: the core group's absence is not in it.
		expectMetric((await w.metrics(P)).icpc_partner_attendance_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
	});

	it('conference_reports_pct in P: m2 POL, m3 VOL of m2 POL, HLT (null), SCH and m3 VOL = 50', async () => {
		expectMetric((await w.metrics(P)).conference_reports_pct, { value: 50, numerator: 2, denominator: 4 });
	});

	it('agency POL: attended m2, m4 of m1, m2, m4; its one conference report', async () => {
		const m = await w.metrics({ ...P, agency: 'POL' });
		expectMetric(m.cp_meeting_partner_attendance_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
		expectMetric(m.conference_reports_pct, { value: 100, numerator: 1, denominator: 1 });
	});

	it('by sector: police 2 of 3, health 2 of 2, education 0 of 1; children\'s social care no partner rows (z)', async () => {
		const g = await w.groups({ ...P, by: 'sector' });
		expectMetric(g.get('police')!.cp_meeting_partner_attendance_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
		expectMetric(g.get('health')!.cp_meeting_partner_attendance_pct, { value: 100, numerator: 2, denominator: 2 });
		expectMetric(g.get('education')!.cp_meeting_partner_attendance_pct, { value: 0, numerator: 0, denominator: 1 });
		expectMetric(g.get('children_social_care')!.cp_meeting_partner_attendance_pct, { value: null, numerator: 0, denominator: 0, status: 'z' });
		expectMetric(g.get('health')!.conference_reports_pct, { value: 0, numerator: 0, denominator: 1 });
	});
});

describe('audit_actions_overdue_at_end', () => {
	const w = warehouseOf({
		audits: [audit('au1', K1, '2024-03-01', 'good'), audit('au2', K3, '2024-03-02', 'good')],
		audit_actions: [
			// Due on `to` and not done: overdue at its end.
			action('ac1', 'au1', 'POL', '2024-06-30', null),
			action('ac2', 'au1', 'HLT', '2024-06-30', '2024-06-30'),
			// Completed after `to`: not done by then.
			action('ac3', 'au1', 'HLT', '2024-05-01', '2024-07-05'),
			action('ac4', 'au1', 'POL', '2024-07-01', null),
			action('ac5', 'au1', 'POL', '2024-04-01', '2024-04-15')
		]
	});

	it('at the end of P: ac1 and ac3', async () => {
		expectMetric((await w.metrics(P)).audit_actions_overdue_at_end, { value: 2, numerator: null, denominator: null });
		// The same actions' on-time rate: due in P ac1, ac2, ac3, ac5; on time ac2 only (ac5 done a fortnight late).
		expectMetric((await w.metrics(P)).audit_actions_on_time_pct, { value: 25, numerator: 1, denominator: 4 });
	});

	it('by month: April 0, May ac3, June ac1 and ac3', async () => {
		const g = await w.groups({ ...P, by: 'month' });
		expect(['2024-04', '2024-05', '2024-06'].map((m) => g.get(m)!.audit_actions_overdue_at_end.value)).toEqual([0, 1, 2]);
	});

	it('by owner: POL ac1, HLT ac3; area A2 (au2\'s child) has none: x', async () => {
		expectMetric((await w.metrics({ ...P, agency: 'POL' })).audit_actions_overdue_at_end, { value: 1 });
		expectMetric((await w.metrics({ ...P, agency: 'HLT' })).audit_actions_overdue_at_end, { value: 1 });
		expectMetric((await w.metrics({ ...P, area: 'A2' })).audit_actions_overdue_at_end, { value: null, status: 'x' });
	});
});

describe('children_known_3plus_agencies', () => {
	const w = warehouseOf({
		contacts: [
			contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL' }),
			contact({ contact_id: 'c2', child_id: K2, received_at: '2024-04-03 09:00:00', source_agency_code: 'POL' }),
			contact({ contact_id: 'c3', child_id: K3, received_at: '2024-04-04 09:00:00', source_agency_code: 'HLT' })
		],
		referrals: [referral({ referral_id: 'r1', child_id: K2, received_at: '2024-04-10 09:00:00', source_agency_code: 'CSC' })],
		info_requests: [
			request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-01 09:00:00' }),
			request({ request_id: 'q2', child_id: K1, requesting_agency_code: 'SCH', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-05-02 09:00:00' }),
			request({ request_id: 'q3', child_id: K3, requesting_agency_code: 'HLT', responding_agency_code: 'SCH', priority: 'routine', requested_at: '2024-05-03 09:00:00' })
		],
		meetings: [meeting('m1', K1, 'core_group', '2024-05-10'), meeting('m2', K2, 'core_group', '2024-05-11')],
		meeting_attendance: [attendance('m1', 'CSC', true, true), attendance('m2', 'VOL', true, true)]
	});

	it('in P: K1 {POL, HLT, SCH, CSC} and K2 {POL, CSC, VOL}; K3 {HLT, SCH} has 2', async () => {
		const m = await w.metrics(P);
		expectMetric(m.children_known_3plus_agencies, { value: 2, numerator: null, denominator: null });
		expectMetric(m.multi_agency_children_pct, { value: 100, numerator: 3, denominator: 3 });
	});

	it('under agency POL: K1 has exactly 3 through POL\'s rows (c1; q1 with HLT; q2 with SCH); K2 only POL', async () => {
		const m = await w.metrics({ ...P, agency: 'POL' });
		expectMetric(m.children_known_3plus_agencies, { value: 1 });
		expectMetric(m.multi_agency_children_pct, { value: 50, numerator: 1, denominator: 2 });
	});

	it('by area: A1 K1 and K2; A2 none of 3 or more (K3 has 2)', async () => {
		const g = await w.groups({ ...P, by: 'area' });
		expectMetric(g.get('A1')!.children_known_3plus_agencies, { value: 2 });
		expectMetric(g.get('A2')!.children_known_3plus_agencies, { value: 0 });
	});
});
