/**
 * The meetings page over April 2024 (and April to May for the trend). Agencies: CSC
 * (children's social care: never a partner), POL (police), HLT (health), SCH (education),
 * VOL (voluntary). K1, K2, K6 live in A1, K3 in A2.
 *
 * Child protection meetings held in April, and the partners' invitations (✓ attended, ✗ not;
 * R report submitted, R? report not recorded: not submitted, R✗ no report):
 * - m1 strategy discussion (K1): POL ✓, HLT ✗; CSC ✓ (not a partner).
 * - m2 ICPC (K1): POL ✓ R, HLT ✓ R?, SCH ✗ R✗; CSC ✓ (not a partner).
 * - m3 RCPC (K3, area A2): POL ✗ R?, SCH ✓ R; VOL attended uninvited (not counted).
 * - m4 core group (K2): POL ✗ (the absent police officer), HLT ✓, SCH ✓.
 * - m7 ICPC (K6): POL ✓ R, HLT ✓ R.
 * Not counted: m6, a CIN review (not a child protection meeting); m5, a core group in May
 * (POL ✓, HLT ✓: in the trend over April to May).
 *
 * April by agency × [strategy discussion, ICPC, RCPC, core group]:
 *   HLT invited [1, 2, 0, 1] = 4, attended [0, 2, 0, 1] = 3, reports [0, 1, 0, 0] = 1
 *   POL invited [1, 2, 1, 1] = 5, attended [1, 2, 0, 0] = 3, reports [0, 2, 0, 0] = 2
 *   SCH invited [0, 1, 1, 1] = 3, attended [0, 0, 1, 1] = 2, reports [0, 0, 1, 0] = 1
 *   all invited [2, 5, 2, 3] = 12, attended [1, 4, 1, 2] = 8
 * So partner attendance at child protection meetings is 8 of 12, at ICPCs 4 of 5, and
 * reports were submitted for 4 of the 7 invitations to conferences (ICPC 5 + RCPC 2).
 * Each count carries its cell key (the sum of its invitations' record keys, modulo 256), and
 * the tables' totals' keys are the metrics' own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, type MetricSet } from '../metrics/compute.ts';
import { attendance, expectMetric, extract, groupsOf, K1, K2, K3, K6, meeting, metricsOf } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { cellKeySum } from '../disclosure/index.ts';
import type { CountTable } from '../disclosure/types.ts';
import { query } from '../warehouse/warehouse.ts';
import { meetingsPage, sectorTable, type MeetingsData } from './meetings.ts';
import type { DashboardQuery } from './query.ts';

const APRIL = { from: '2024-04-01', to: '2024-04-30' };
const APRIL_MAY = { from: '2024-04-01', to: '2024-05-31' };
const TYPES = ['strategy_discussion', 'icpc', 'rcpc', 'core_group'];

const row = (meeting_id: string, agency: string, invited: boolean, attended: boolean, report_submitted: boolean | null = null) => ({
	...attendance(meeting_id, agency, invited, attended),
	report_submitted
});

const DATA = extract({
	meetings: [
		meeting('m1', K1, 'strategy_discussion', '2024-04-02'),
		meeting('m2', K1, 'icpc', '2024-04-10'),
		meeting('m3', K3, 'rcpc', '2024-04-15'),
		meeting('m4', K2, 'core_group', '2024-04-20'),
		meeting('m5', K3, 'core_group', '2024-05-02'),
		meeting('m6', K2, 'cin_review', '2024-04-12'),
		meeting('m7', K6, 'icpc', '2024-04-25')
	],
	meeting_attendance: [
		row('m1', 'CSC', true, true),
		row('m1', 'POL', true, true),
		row('m1', 'HLT', true, false),
		row('m2', 'CSC', true, true, true),
		row('m2', 'POL', true, true, true),
		row('m2', 'HLT', true, true, null),
		row('m2', 'SCH', true, false, false),
		row('m3', 'POL', true, false, null),
		row('m3', 'SCH', true, true, true),
		row('m3', 'VOL', false, true, true),
		row('m4', 'POL', true, false),
		row('m4', 'HLT', true, true),
		row('m4', 'SCH', true, true),
		row('m5', 'POL', true, true),
		row('m5', 'HLT', true, true),
		row('m6', 'POL', true, true),
		row('m7', 'POL', true, true, true),
		row('m7', 'HLT', true, true, true)
	]
});

const total = (t: CountTable) => t.counts.flat().reduce<number>((a, n) => a + (n ?? 0), 0);
const column = (t: CountTable, type: string) => t.counts.reduce<number>((a, r) => a + (r[t.columns.indexOf(type)] ?? 0), 0);
const rowSum = (t: CountTable, r: number) => t.counts[r].reduce<number>((a, n) => a + (n ?? 0), 0);
const conferences = (t: CountTable) => column(t, 'icpc') + column(t, 'rcpc');
const conferencesOf = (t: CountTable, r: number) => (t.counts[r][1] ?? 0) + (t.counts[r][2] ?? 0);

/** The cell key of a sum of a table's cells: the sum of their keys. */
const keyOf = (t: CountTable, columns: string[] = t.columns) => cellKeySum(t.keys!.flatMap((row) => columns.map((c) => row[t.columns.indexOf(c)])));

/** The tables' totals are the metrics' numerators and denominators, and their keys the metrics' keys (the same rows). */
function expectHeldTo(page: MeetingsData, m: Pick<MetricSet, 'cp_meeting_partner_attendance_pct' | 'icpc_partner_attendance_pct' | 'conference_reports_pct'>): void {
	const { invited, attended, reports } = page.byAgency;
	expect([m.cp_meeting_partner_attendance_pct.numerator, m.cp_meeting_partner_attendance_pct.denominator]).toEqual([total(attended), total(invited)]);
	expect([m.icpc_partner_attendance_pct.numerator, m.icpc_partner_attendance_pct.denominator]).toEqual([column(attended, 'icpc'), column(invited, 'icpc')]);
	expect([m.conference_reports_pct.numerator, m.conference_reports_pct.denominator]).toEqual([total(reports), conferences(invited)]);
	expect(m.cp_meeting_partner_attendance_pct.keys).toMatchObject({ numerator: keyOf(attended), denominator: keyOf(invited) });
	expect(m.icpc_partner_attendance_pct.keys).toMatchObject({ numerator: keyOf(attended, ['icpc']), denominator: keyOf(invited, ['icpc']) });
	expect(m.conference_reports_pct.keys).toMatchObject({ numerator: keyOf(reports), denominator: keyOf(invited, ['icpc', 'rcpc']) });
}

describe('meetingsPage', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	const metrics = async (q: DashboardQuery) => metricsOf(await computeMetrics(t.warehouse, { ...q, area: q.area ?? null, agency: q.agency ?? null }));

	it('figures: 8 of 12 invitations attended, 4 of 5 at ICPCs, reports for 4 of 7 invitations to conferences', async () => {
		const { figures } = await meetingsPage(t.warehouse, APRIL);
		expectMetric(figures.cp_meeting_partner_attendance_pct, { value: 800 / 12, numerator: 8, denominator: 12 });
		expectMetric(figures.icpc_partner_attendance_pct, { value: 80, numerator: 4, denominator: 5 });
		expectMetric(figures.conference_reports_pct, { value: 400 / 7, numerator: 4, denominator: 7 });
	});

	it('by agency × meeting type: partners\' invitations only (no CSC, no VOL uninvited, no CIN review, nothing from May)', async () => {
		const { byAgency, sectorOf } = await meetingsPage(t.warehouse, APRIL);
		const layout = { rows: ['HLT', 'POL', 'SCH'], columns: TYPES, rowTotals: true, columnTotals: true };
		expect(byAgency.invited).toMatchObject({ ...layout, counts: [[1, 2, 0, 1], [1, 2, 1, 1], [0, 1, 1, 1]] });
		// The police officer absent from the core group m4, and from the RCPC m3.
		expect(byAgency.attended).toMatchObject({ ...layout, counts: [[0, 2, 0, 1], [1, 2, 0, 0], [0, 0, 1, 1]] });
		// m2 HLT's report not recorded is not submitted, nor SCH's false.
		expect(byAgency.reports).toMatchObject({ ...layout, counts: [[0, 1, 0, 0], [0, 2, 0, 0], [0, 0, 1, 0]] });
		expect(sectorOf).toEqual({ HLT: 'health', POL: 'police', SCH: 'education' });
	});

	it('each count\'s cell key: the sum of its invitations\' record keys', async () => {
		const { byAgency } = await meetingsPage(t.warehouse, APRIL);
		const keyOfRows = async (rows: [string, string][]) =>
			rows.length === 0
				? 0
				: (
						await t.warehouse.read((conn) =>
							query<{ k: number }>(
								conn,
								`SELECT CAST(sum(d_record_key) % 256 AS INTEGER) AS k FROM meeting_attendance WHERE (meeting_id, agency_code) IN (${rows.map(([m, a]) => `('${m}', '${a}')`).join(', ')})`
							)
						)
					)[0].k;
		// Rows HLT, POL, SCH; columns strategy discussion, ICPC, RCPC, core group.
		expect(byAgency.invited.keys).toEqual([
			[await keyOfRows([['m1', 'HLT']]), await keyOfRows([['m2', 'HLT'], ['m7', 'HLT']]), 0, await keyOfRows([['m4', 'HLT']])],
			[await keyOfRows([['m1', 'POL']]), await keyOfRows([['m2', 'POL'], ['m7', 'POL']]), await keyOfRows([['m3', 'POL']]), await keyOfRows([['m4', 'POL']])],
			[0, await keyOfRows([['m2', 'SCH']]), await keyOfRows([['m3', 'SCH']]), await keyOfRows([['m4', 'SCH']])]
		]);
		expect(byAgency.attended.keys![0]).toEqual([0, await keyOfRows([['m2', 'HLT'], ['m7', 'HLT']]), 0, await keyOfRows([['m4', 'HLT']])]);
		expect(byAgency.reports.keys![1]).toEqual([0, await keyOfRows([['m2', 'POL'], ['m7', 'POL']]), 0, 0]);
		expect(byAgency.invited.keys!.flat().some((k) => k !== 0)).toBe(true);
	});

	it('the totals are the metrics\' numerators and denominators: whole, by agency, by sector, by month', async () => {
		const page = await meetingsPage(t.warehouse, APRIL);
		expectHeldTo(page, await metrics(APRIL));
		const { invited, attended, reports } = page.byAgency;
		const byAgency = groupsOf(await computeMetrics(t.warehouse, { ...APRIL, by: 'agency' }));
		invited.rows.forEach((agency, r) => {
			const m = byAgency.get(agency)!;
			expect([m.cp_meeting_partner_attendance_pct.numerator, m.cp_meeting_partner_attendance_pct.denominator], agency).toEqual([rowSum(attended, r), rowSum(invited, r)]);
			expect([m.icpc_partner_attendance_pct.numerator, m.icpc_partner_attendance_pct.denominator], agency).toEqual([attended.counts[r][1], invited.counts[r][1]]);
			expect([m.conference_reports_pct.numerator, m.conference_reports_pct.denominator], agency).toEqual([rowSum(reports, r), conferencesOf(invited, r)]);
			expect(m.cp_meeting_partner_attendance_pct.keys, agency).toMatchObject({ numerator: cellKeySum(attended.keys![r]), denominator: cellKeySum(invited.keys![r]) });
		});
		// Agencies with no partner invitation (CSC, VOL) have none in the metric either.
		for (const agency of ['CSC', 'VOL']) expect(byAgency.get(agency)?.cp_meeting_partner_attendance_pct.denominator ?? 0).toBe(0);

		const bySector = groupsOf(await computeMetrics(t.warehouse, { ...APRIL, by: 'sector' }));
		const [sInvited, sAttended, sReports] = [invited, attended, reports].map((x) => sectorTable(x, page.sectorOf));
		expect(sInvited.rows).toEqual(['police', 'health', 'education']);
		expect(sInvited.counts).toEqual([[1, 2, 1, 1], [1, 2, 0, 1], [0, 1, 1, 1]]);
		sInvited.rows.forEach((sector, r) => {
			const m = bySector.get(sector)!;
			expect([m.cp_meeting_partner_attendance_pct.numerator, m.cp_meeting_partner_attendance_pct.denominator], sector).toEqual([rowSum(sAttended, r), rowSum(sInvited, r)]);
			expect([m.conference_reports_pct.numerator, m.conference_reports_pct.denominator], sector).toEqual([rowSum(sReports, r), conferencesOf(sInvited, r)]);
			// A sector's keys: its agencies' added, the metric's own for the same rows.
			expect(m.cp_meeting_partner_attendance_pct.keys, sector).toMatchObject({ numerator: cellKeySum(sAttended.keys![r]), denominator: cellKeySum(sInvited.keys![r]) });
		});
	});

	it('trend: each month\'s invitations and attendance, adding up to the period\'s', async () => {
		const page = await meetingsPage(t.warehouse, APRIL_MAY);
		// May: the core group m5, POL ✓ and HLT ✓.
		expect(page.trend.map((m) => [m.month, m.metrics.cp_meeting_partner_attendance_pct.numerator, m.metrics.cp_meeting_partner_attendance_pct.denominator])).toEqual([
			['2024-04', 8, 12],
			['2024-05', 2, 2]
		]);
		expect(total(page.byAgency.invited)).toBe(14);
		expect(page.byAgency.attended.counts[1]).toEqual([1, 2, 0, 1]); // POL at m5 too
		expectHeldTo(page, await metrics(APRIL_MAY));
	});

	it('under an agency filter: that agency\'s invitations', async () => {
		const q = { ...APRIL, agency: 'POL' };
		const page = await meetingsPage(t.warehouse, q);
		expect(page.byAgency.invited).toMatchObject({ rows: ['POL'], counts: [[1, 2, 1, 1]] });
		expect(page.byAgency.attended.counts).toEqual([[1, 2, 0, 0]]);
		expect(page.byAgency.reports.counts).toEqual([[0, 2, 0, 0]]);
		expectMetric(page.figures.cp_meeting_partner_attendance_pct, { value: 60, numerator: 3, denominator: 5 });
		expectHeldTo(page, await metrics(q));
		// Children's social care has no partner invitations: an empty page, and metrics of 0 of 0.
		const csc = await meetingsPage(t.warehouse, { ...APRIL, agency: 'CSC' });
		expect(csc.byAgency.invited.rows).toEqual([]);
		expectHeldTo(csc, await metrics({ ...APRIL, agency: 'CSC' }));
	});

	it('under an area filter: meetings about the area\'s children (A2: the RCPC m3)', async () => {
		const q = { ...APRIL, area: 'A2' };
		const page = await meetingsPage(t.warehouse, q);
		expect(page.byAgency.invited).toMatchObject({ rows: ['POL', 'SCH'], counts: [[0, 0, 1, 0], [0, 0, 1, 0]] });
		expect(page.byAgency.attended.counts).toEqual([[0, 0, 0, 0], [0, 0, 1, 0]]);
		expect(page.byAgency.reports.counts).toEqual([[0, 0, 0, 0], [0, 0, 1, 0]]);
		expectMetric(page.figures.conference_reports_pct, { value: 50, numerator: 1, denominator: 2 });
		// No ICPC about A2's children at all: not available (x), and 0 of 0 in the tables.
		expectMetric(page.figures.icpc_partner_attendance_pct, { value: null, numerator: 0, denominator: 0, status: 'x' });
		expectHeldTo(page, await metrics(q));
	});
});

describe('sectorTable', () => {
	it('sums agencies by sector, in the code list\'s order, an agency with no sector last', () => {
		const t: CountTable = { rows: ['A', 'B', 'C', 'D'], columns: ['x', 'y'], counts: [[1, 2], [3, 4], [5, 6], [7, 8]], rowTotals: true, columnTotals: true };
		expect(sectorTable(t, { A: 'health', B: 'unknown', C: 'police', D: 'health' })).toEqual({
			rows: ['police', 'health', 'unknown'],
			columns: ['x', 'y'],
			counts: [[5, 6], [8, 10], [3, 4]],
			rowTotals: true,
			columnTotals: true
		});
		expect(() => sectorTable(t, { A: 'health' })).toThrow(/no sector given for agency B/);
	});

	it('a sector\'s cell key is the sum of its agencies\' (modulo 256)', () => {
		const t: CountTable = {
			rows: ['A', 'B', 'C', 'D'],
			columns: ['x', 'y'],
			counts: [[1, 2], [3, 4], [5, 6], [7, 8]],
			keys: [[200, 1], [3, 4], [5, 6], [100, 0]],
			rowTotals: true,
			columnTotals: true
		};
		expect(sectorTable(t, { A: 'health', B: 'unknown', C: 'police', D: 'health' })).toMatchObject({
			rows: ['police', 'health', 'unknown'],
			counts: [[5, 6], [8, 10], [3, 4]],
			keys: [[5, 6], [44, 1], [3, 4]]
		});
	});
});
