/**
 * The response times page over April 2024. Working days: Good Friday 29 March and Easter
 * Monday 1 April 2024 are bank holidays, so April has 21 working days after the 1st and
 * March 20 up to the 28th.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessment, expectMetric, extract, K1, K2, K3, K6, referral, request } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { cellKeySum } from '../disclosure/index.ts';
import { query } from '../warehouse/warehouse.ts';
import { ASSESSMENT_BINS, responsePage } from './response.ts';

const APRIL = { from: '2024-04-01', to: '2024-04-30' };

const DATA = extract({
	referrals: [
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-05 16:30:00', decided_at: '2024-04-08 09:00:00' }), // Friday to Monday: 1
		referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-05 16:30:00', decided_at: '2024-04-09 09:00:00' }) // 2
	],
	assessments: [
		assessment({ assessment_id: 'a1', child_id: K1, started_on: '2024-04-02', completed_on: '2024-04-09' }), // 5 wd
		assessment({ assessment_id: 'a2', child_id: K1, started_on: '2024-04-02', completed_on: '2024-04-10' }), // 6
		assessment({ assessment_id: 'a3', child_id: K2, started_on: '2024-04-15', completed_on: '2024-04-15' }), // 0
		assessment({ assessment_id: 'a4', child_id: K2, started_on: '2024-02-23', completed_on: '2024-04-30' }), // 4 + 20 + 21 = 45
		assessment({ assessment_id: 'a5', child_id: K3, started_on: '2024-02-22', completed_on: '2024-04-30' }), // 46
		assessment({ assessment_id: 'a6', child_id: K3, started_on: '2024-02-02', completed_on: '2024-04-30' }), // 19 + 20 + 21 = 60
		assessment({ assessment_id: 'a7', child_id: K6, started_on: '2024-02-01', completed_on: '2024-04-30' }), // 61
		assessment({ assessment_id: 'a8', child_id: K6, started_on: '2024-04-01', completed_on: '2024-05-01' }), // completed in May: out
		assessment({ assessment_id: 'a9', child_id: K6, started_on: '2024-04-01' }) // not completed: out
	],
	info_requests: [
		// Urgent: exactly 24 hours is on time, a minute more is late.
		request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-04-10 10:00:00', responded_at: '2024-04-11 10:00:00' }),
		request({ request_id: 'q2', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-04-10 10:00:00', responded_at: '2024-04-11 10:01:00' }),
		// Routine: 5 working days on time (Tuesday to the next Tuesday), 6 late.
		// q3 acknowledged the next working day; q4 two working days later (late), its answer later still.
		request({ request_id: 'q3', child_id: K2, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-04-02 09:00:00', acknowledged_at: '2024-04-03 08:00:00', responded_at: '2024-04-09 17:00:00' }),
		request({ request_id: 'q4', child_id: K2, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-04-02 09:00:00', acknowledged_at: '2024-04-04 09:00:00', responded_at: '2024-04-10 09:00:00' }),
		// Unanswered: late, not acknowledged; overdue at the end of 30 April (wd(Sat 20, Tue 30) = 7 > 5).
		request({ request_id: 'q5', child_id: K3, requesting_agency_code: 'HLT', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-04-20 10:00:00' }),
		// Requested in April, answered in May: counts, on its recorded time; acknowledged by that answer
		// within 1 working day. At the end of 30 April it is not answered, but not yet overdue (due 22:00 on 1 May).
		request({ request_id: 'q6', child_id: null, requesting_agency_code: 'SCH', responding_agency_code: 'CSC', priority: 'urgent', requested_at: '2024-04-30 22:00:00', responded_at: '2024-05-01 08:00:00' }),
		request({ request_id: 'q7', child_id: K3, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-05-01 10:00:00' }), // May: out
		// Requested before April (out of the period's requests), still overdue at its end: q8 never answered,
		// q9 answered in May (not by the end). q10 answered in April: not overdue.
		request({ request_id: 'q8', child_id: K3, requesting_agency_code: 'SCH', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-03-28 09:00:00' }),
		request({ request_id: 'q9', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-03-20 09:00:00', responded_at: '2024-05-03 09:00:00' }),
		request({ request_id: 'q10', child_id: K2, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-03-25 09:00:00', responded_at: '2024-04-15 09:00:00' })
	]
});

describe('responsePage', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('bins of working days: 0–5, 6–10, …, 41–45, 46–60, 61+', () => {
		expect(ASSESSMENT_BINS.map((b) => b.label)).toEqual(['0–5', '6–10', '11–15', '16–20', '21–25', '26–30', '31–35', '36–40', '41–45', '46–60', '61+']);
	});

	it('the distribution of assessment durations, adding up to the 45-day metric', async () => {
		const page = await responsePage(t.warehouse, APRIL);
		const d = page.assessmentDurations!;
		expect(d).toMatchObject({ columns: ['assessments'], rowTotals: false, columnTotals: true });
		expect(Object.fromEntries(d.rows.map((r, i) => [r, d.counts[i][0]]))).toEqual({
			'0–5': 2,
			'6–10': 1,
			'11–15': 0,
			'16–20': 0,
			'21–25': 0,
			'26–30': 0,
			'31–35': 0,
			'36–40': 0,
			'41–45': 1,
			'46–60': 2,
			'61+': 1
		});
		expectMetric(page.figures.assessment_45wd_pct, { value: (100 * 4) / 7, numerator: 4, denominator: 7 });
		expectMetric(page.figures.assessment_median_wd, { value: 45, n: 7 });
	});

	it('information requests acknowledged and answered on time by responding agency and priority', async () => {
		const page = await responsePage(t.warehouse, APRIL);
		const { acknowledged, answered, requests } = page.requestsByResponder;
		expect(requests).toMatchObject({
			rows: ['CSC', 'HLT', 'POL'],
			columns: ['urgent', 'routine'],
			counts: [
				[1, 0],
				[2, 2],
				[0, 1]
			],
			rowTotals: true,
			columnTotals: true
		});
		expect(answered.counts).toEqual([
			[1, 0],
			[1, 1],
			[0, 0]
		]);
		expectMetric(page.figures.info_request_on_time_pct, { value: 50, numerator: 3, denominator: 6 });
		// Acknowledged within 1 working day: q6 (by its answer), q1 and q2 (by their answers), q3; not q4 (2), q5 (never).
		expect(acknowledged).toMatchObject({ rows: requests.rows, columns: requests.columns, rowTotals: true, columnTotals: true });
		expect(acknowledged.counts).toEqual([
			[1, 0],
			[2, 1],
			[0, 0]
		]);
		expectMetric(page.figures.info_request_ack_1wd_pct, { value: (100 * 4) / 6, numerator: 4, denominator: 6 });
		// The grand totals are the metrics' numerators and denominator.
		const total = (t: { counts: (number | null)[][] }) => t.counts.flat().reduce<number>((a, n) => a + (n ?? 0), 0);
		expect([total(acknowledged), total(answered), total(requests)]).toEqual([4, 3, 6]);
		expect(page.trend[0].metrics.info_request_ack_1wd_pct).toEqual(page.figures.info_request_ack_1wd_pct);
	});

	it('information requests overdue at the end of the period, by the agency asked and priority', async () => {
		const page = await responsePage(t.warehouse, APRIL);
		// q8 (HLT, urgent), q9 (HLT, routine), q5 (POL, routine); CSC is asked q6, not yet overdue.
		expect(page.overdueAtEnd).toMatchObject({
			rows: ['CSC', 'HLT', 'POL'],
			columns: ['urgent', 'routine'],
			counts: [
				[0, 0],
				[1, 1],
				[0, 1]
			],
			rowTotals: true,
			columnTotals: true
		});
		expectMetric(page.figures.info_requests_overdue_at_end, { value: 3, numerator: null, denominator: null });
		// At the end of 1 April: q8 (overdue since 29 March) and q9 (wd(20 March, 1 April) = 6: Good Friday and Easter
		// Monday are off); not q10 (wd(25 March, 1 April) = 3); none yet made in April.
		const first = await responsePage(t.warehouse, { from: '2024-04-01', to: '2024-04-01' });
		expect(first.overdueAtEnd).toMatchObject({ rows: ['HLT'], counts: [[1, 1]] });
		expectMetric(first.figures.info_requests_overdue_at_end, { value: 2 });
	});

	it('every count carries its cell key: a cell the sum of its rows\' record keys, the tables\' totals the metrics\' own keys', async () => {
		const page = await responsePage(t.warehouse, APRIL);
		const keyOf = async (table: string, column: string, ids: string[]) =>
			ids.length === 0
				? 0
				: (await t.warehouse.read((conn) => query<{ k: number }>(conn, `SELECT CAST(sum(d_record_key) % 256 AS INTEGER) AS k FROM ${table} WHERE ${column} IN (${ids.map((i) => `'${i}'`).join(', ')})`)))[0].k;
		const assessments = (ids: string[]) => keyOf('assessments', 'assessment_id', ids);
		const requests = (ids: string[]) => keyOf('info_requests', 'request_id', ids);
		// The bins: 0–5 a1 and a3, 6–10 a2, 41–45 a4, 46–60 a5 and a6, 61+ a7.
		const d = page.assessmentDurations!;
		expect(d.keys!.map((k) => k[0])).toEqual([
			await assessments(['a1', 'a3']),
			await assessments(['a2']),
			0,
			0,
			0,
			0,
			0,
			0,
			await assessments(['a4']),
			await assessments(['a5', 'a6']),
			await assessments(['a7'])
		]);
		const within = ASSESSMENT_BINS.filter((b) => b.max !== null && b.max <= 45).length;
		expect(page.figures.assessment_45wd_pct.keys).toMatchObject({ numerator: cellKeySum(d.keys!.slice(0, within).flat()), denominator: cellKeySum(d.keys!.flat()) });
		// Requests: CSC urgent q6; HLT urgent q1, q2, routine q3, q4; POL routine q5. Answered on time: q1, q3, q6.
		const { acknowledged, answered, requests: all } = page.requestsByResponder;
		expect(all.keys).toEqual([
			[await requests(['q6']), 0],
			[await requests(['q1', 'q2']), await requests(['q3', 'q4'])],
			[0, await requests(['q5'])]
		]);
		expect(answered.keys).toEqual([
			[await requests(['q6']), 0],
			[await requests(['q1']), await requests(['q3'])],
			[0, 0]
		]);
		expect(all.keys!.flat().some((k) => k !== 0)).toBe(true);
		expect(page.figures.info_request_ack_1wd_pct.keys).toMatchObject({ numerator: cellKeySum(acknowledged.keys!.flat()), denominator: cellKeySum(all.keys!.flat()) });
		expect(page.figures.info_request_on_time_pct.keys).toMatchObject({ numerator: cellKeySum(answered.keys!.flat()), denominator: cellKeySum(all.keys!.flat()) });
		// Overdue at the end: HLT q8 (urgent) and q9 (routine), POL q5.
		expect(page.overdueAtEnd.keys).toEqual([
			[0, 0],
			[await requests(['q8']), await requests(['q9'])],
			[0, await requests(['q5'])]
		]);
		expect(page.figures.info_requests_overdue_at_end.keys?.value).toBe(cellKeySum(page.overdueAtEnd.keys!.flat()));
	});

	it('figures and monthly trend from the metrics', async () => {
		const page = await responsePage(t.warehouse, APRIL);
		expectMetric(page.figures.referral_decision_1wd_pct, { value: 50, numerator: 1, denominator: 2 });
		expect(page.figures.icpc_15wd_pct.status).toBe('x');
		expect(page.trend).toHaveLength(1);
		expect(page.trend[0].month).toBe('2024-04');
		expect(page.trend[0].metrics.assessment_45wd_pct).toEqual(page.figures.assessment_45wd_pct);
		expect(Object.keys(page.figures).sort()).toEqual(
			[
				'assessment_45wd_pct',
				'assessment_median_wd',
				'icpc_15wd_pct',
				'info_request_ack_1wd_pct',
				'info_request_median_hours',
				'info_request_on_time_pct',
				'info_requests_overdue_at_end',
				'referral_decision_1wd_pct'
			].sort()
		);
	});

	it('under an agency filter: requests it makes or answers; assessments not applicable', async () => {
		const page = await responsePage(t.warehouse, { ...APRIL, agency: 'POL' });
		expect(page.assessmentDurations).toBeNull();
		expect(page.figures.assessment_45wd_pct.status).toBe('z');
		// q3 and q4 (POL asks HLT), q5 (HLT asks POL).
		expect(page.requestsByResponder.requests).toMatchObject({ rows: ['HLT', 'POL'], counts: [[0, 2], [0, 1]] });
		expect(page.requestsByResponder.answered.counts).toEqual([[0, 1], [0, 0]]);
		expect(page.requestsByResponder.acknowledged.counts).toEqual([[0, 1], [0, 0]]); // q3
		// Overdue: q5 only (q10, POL asks HLT, was answered in April); each request in the row of the agency asked.
		expect(page.overdueAtEnd).toMatchObject({ rows: ['HLT', 'POL'], counts: [[0, 0], [0, 1]] });
		expectMetric(page.figures.info_requests_overdue_at_end, { value: 1 });
	});

	it('under an area filter: the area\'s children (A2: K3)', async () => {
		const page = await responsePage(t.warehouse, { ...APRIL, area: 'A2' });
		const d = page.assessmentDurations!;
		expect(d.counts.map((c) => c[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0]); // a5 (46) and a6 (60)
		expect(page.requestsByResponder.requests).toMatchObject({ rows: ['POL'], counts: [[0, 1]] }); // q5
		// Overdue: q8 (K3, HLT asked, requested in March) and q5.
		expect(page.overdueAtEnd).toMatchObject({ rows: ['HLT', 'POL'], counts: [[1, 0], [0, 1]] });
		expectMetric(page.figures.info_requests_overdue_at_end, { value: 2 });
	});
});
