/** The escalation page over April 2024. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalation, expectMetric, extract, K1, K2, K3, K6, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { cellKeySum } from '../disclosure/index.ts';
import { query } from '../warehouse/warehouse.ts';
import { AGREED_COLUMNS, escalationPage, OUTCOMES, RESOLUTION_BINS } from './escalation.ts';

const APRIL = { from: '2024-04-01', to: '2024-04-30' };

const DATA = extract({
	referrals: [
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-03 09:00:00' }),
		referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-04 09:00:00' })
	],
	escalations: [
		// Raised in April (K1, K2, K6 live in A1, K3 in A2).
		escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-04-05', highest_stage: 3, resolved_on: '2024-04-15', outcome: 'agreed' }), // 10 days
		escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'SCH', raised_with_agency_code: 'CSC', raised_on: '2024-04-20', highest_stage: 1, category: 'communication' }), // open
		escalation({ escalation_id: 'e3', child_id: K6, raised_by_agency_code: 'CSC', raised_with_agency_code: 'POL', raised_on: '2024-04-01', highest_stage: 2, resolved_on: '2024-04-30', outcome: 'withdrawn' }), // 29 days
		escalation({ escalation_id: 'e7', child_id: K3, raised_by_agency_code: 'POL', raised_with_agency_code: 'SCH', raised_on: '2024-04-10', highest_stage: 4, resolved_on: '2024-04-10', category: 'information_sharing', outcome: 'plan_changed' }), // 0 days
		// Raised before April: closed in it (38 and 28 days), or still open at its end.
		escalation({ escalation_id: 'e4', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'HLT', raised_on: '2024-03-01', highest_stage: 4, resolved_on: '2024-04-08', category: 'plan_progress', outcome: 'unresolved' }),
		escalation({ escalation_id: 'e8', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-03-25', highest_stage: 2, resolved_on: '2024-04-22', category: 'communication', outcome: 'agreed' }),
		escalation({ escalation_id: 'e5', child_id: K2, raised_by_agency_code: 'HLT', raised_with_agency_code: 'POL', raised_on: '2024-02-01', highest_stage: 2, category: 'other' }),
		// Raised in May: out, and not open at April's end.
		escalation({ escalation_id: 'e6', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-05-02', highest_stage: 1 })
	]
});

describe('escalationPage', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('figures: per 100 referrals, stage 3 or more, median days to close, open at the end', async () => {
		const { figures } = await escalationPage(t.warehouse, APRIL);
		expectMetric(figures.escalations_per_100_referrals, { value: 200, numerator: 4, denominator: 2 });
		expectMetric(figures.escalations_stage3_pct, { value: 50, numerator: 2, denominator: 4 });
		expectMetric(figures.escalation_resolution_median_days, { value: 28, n: 5 }); // 0, 10, 28, 29, 38
		expectMetric(figures.escalations_agreed_pct, { value: 60, numerator: 3, denominator: 5 }); // e1, e8 agreed, e7 plan changed
		expectMetric(figures.escalations_open_at_end, { value: 2 }); // e2, e5
	});

	it('by category and highest stage, with both totals', async () => {
		const { stageByCategory: s } = await escalationPage(t.warehouse, APRIL);
		expect(s).toMatchObject({ columns: ['1', '2', '3', '4'], rowTotals: true, columnTotals: true });
		expect(s.rows).toEqual(['threshold', 'plan_progress', 'roles_responsibilities', 'information_sharing', 'communication', 'other']);
		expect(s.counts).toEqual([
			[0, 1, 1, 0], // e3, e1
			[0, 0, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 1], // e7
			[1, 0, 0, 0], // e2
			[0, 0, 0, 0]
		]);
	});

	it('raised by × raised with', async () => {
		const { between } = await escalationPage(t.warehouse, APRIL);
		expect(between).toMatchObject({
			rows: ['CSC', 'POL', 'SCH'],
			columns: ['CSC', 'POL', 'SCH'],
			counts: [
				[0, 1, 0], // e3
				[1, 0, 1], // e1, e7
				[1, 0, 0] // e2
			],
			rowTotals: true,
			columnTotals: true
		});
		// Each cell's cell key: the sum of its escalations' record keys, modulo 256 (0 for an empty cell).
		const keyOf = async (ids: string[]) =>
			ids.length === 0
				? 0
				: (await t.warehouse.read((conn) => query<{ k: number }>(conn, `SELECT CAST(sum(d_record_key) % 256 AS INTEGER) AS k FROM escalations WHERE escalation_id IN (${ids.map((i) => `'${i}'`).join(', ')})`)))[0].k;
		expect(between.keys).toEqual([
			[0, await keyOf(['e3']), 0],
			[await keyOf(['e1']), 0, await keyOf(['e7'])],
			[await keyOf(['e2']), 0, 0]
		]);
	});

	it('days to close, of those closed in the period', async () => {
		const { resolutionDays: r } = await escalationPage(t.warehouse, APRIL);
		expect(RESOLUTION_BINS.map((b) => b.label)).toEqual(['0–7', '8–14', '15–21', '22–28', '29–56', '57–90', '91+']);
		expect(r).toMatchObject({ columns: ['escalations'], rowTotals: false, columnTotals: true });
		expect(r.counts.map((c) => c[0])).toEqual([1, 1, 0, 1, 2, 0, 0]); // e7; e1; e8; e3 and e4
	});

	it('trend: open at each month\'s end', async () => {
		const { trend } = await escalationPage(t.warehouse, { from: '2024-03-01', to: '2024-05-31' });
		// End of March: e4, e5, e8; April: e2, e5; May: e2, e5, e6.
		expect(trend.map((m) => [m.month, m.metrics.escalations_open_at_end.value])).toEqual([
			['2024-03', 3],
			['2024-04', 2],
			['2024-05', 3]
		]);
	});

	it('under an agency filter: escalations it raised or received', async () => {
		const page = await escalationPage(t.warehouse, { ...APRIL, agency: 'CSC' });
		expect(page.between).toMatchObject({ rows: ['CSC', 'POL', 'SCH'], columns: ['CSC', 'POL'], counts: [[0, 1], [1, 0], [1, 0]] });
		expect(page.resolutionDays.counts.map((c) => c[0])).toEqual([0, 1, 0, 1, 1, 0, 0]); // e1, e8, e3
		// Closed: e1, e8 (POL → CSC, agreed) and e3 (CSC → POL, withdrawn).
		expect(page.outcomeByPair.pairs).toEqual([{ by: 'CSC', with: 'POL' }, { by: 'POL', with: 'CSC' }]);
		expect(page.outcomeByPair.table.counts).toEqual([[0, 0, 1, 0], [2, 0, 0, 0]]);
		expect(page.outcomeByCategory.counts[0]).toEqual([1, 0, 1, 0]); // threshold: e1, e3
		expect(page.outcomeByCategory.counts[4]).toEqual([1, 0, 0, 0]); // communication: e8
		expectMetric(page.figures.escalations_agreed_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
	});

	it('outcomes of the escalations closed in the period, by category and by agency pair', async () => {
		const page = await escalationPage(t.warehouse, APRIL);
		expect(OUTCOMES).toEqual(['agreed', 'plan_changed', 'withdrawn', 'unresolved']);
		expect(AGREED_COLUMNS).toEqual([0, 1]);
		const c = page.outcomeByCategory;
		expect(c).toMatchObject({ rows: ['threshold', 'plan_progress', 'roles_responsibilities', 'information_sharing', 'communication', 'other'], columns: [...OUTCOMES], rowTotals: true, columnTotals: true });
		expect(c.counts).toEqual([
			[1, 0, 1, 0], // threshold: e1 agreed, e3 withdrawn
			[0, 0, 0, 1], // plan progress: e4 unresolved
			[0, 0, 0, 0],
			[0, 1, 0, 0], // information sharing: e7 plan changed
			[1, 0, 0, 0], // communication: e8 agreed
			[0, 0, 0, 0]
		]);
		const p = page.outcomeByPair;
		expect(p.pairs).toEqual([
			{ by: 'CSC', with: 'POL' },
			{ by: 'POL', with: 'CSC' },
			{ by: 'POL', with: 'HLT' },
			{ by: 'POL', with: 'SCH' }
		]);
		expect(p.table).toMatchObject({
			rows: ['CSC → POL', 'POL → CSC', 'POL → HLT', 'POL → SCH'],
			columns: [...OUTCOMES],
			counts: [
				[0, 0, 1, 0], // e3
				[2, 0, 0, 0], // e1, e8
				[0, 0, 0, 1], // e4
				[0, 1, 0, 0] // e7
			],
			rowTotals: true,
			columnTotals: true
		});
		// Held to the metric: every outcome total the same in both tables; all of them its denominator (and the
		// time to close's total), the agreed ones its numerator.
		const columnTotals = (t: { counts: (number | null)[][] }) => OUTCOMES.map((_, j) => t.counts.reduce((a, row) => a + (row[j] ?? 0), 0));
		expect(columnTotals(c)).toEqual(columnTotals(p.table));
		const m = page.figures.escalations_agreed_pct;
		expect(columnTotals(c).reduce((a, n) => a + n, 0)).toBe(m.denominator);
		expect(AGREED_COLUMNS.reduce((a, j) => a + columnTotals(c)[j], 0)).toBe(m.numerator);
		expect(page.resolutionDays.counts.reduce((a, row) => a + (row[0] ?? 0), 0)).toBe(m.denominator);
	});

	it('each count with its cell key: the pairs\' outcomes too; a figure counting the same rows as a headline has its key', async () => {
		const keyOf = async (ids: string[]) =>
			ids.length === 0
				? 0
				: (await t.warehouse.read((conn) => query<{ k: number }>(conn, `SELECT CAST(sum(d_record_key) % 256 AS INTEGER) AS k FROM escalations WHERE escalation_id IN (${ids.map((i) => `'${i}'`).join(', ')})`)))[0].k;
		const page = await escalationPage(t.warehouse, APRIL);
		// CSC → POL: e3 withdrawn; POL → CSC: e1, e8 agreed; POL → HLT: e4 unresolved; POL → SCH: e7 plan changed.
		expect(page.outcomeByPair.table.keys).toEqual([
			[0, 0, await keyOf(['e3']), 0],
			[await keyOf(['e1', 'e8']), 0, 0, 0],
			[0, 0, 0, await keyOf(['e4'])],
			[0, await keyOf(['e7']), 0, 0]
		]);
		const all = (keys: (number | null)[][] | undefined) => cellKeySum((keys ?? []).flat());
		const columns = (keys: (number | null)[][] | undefined, cs: number[]) => cellKeySum((keys ?? []).flatMap((row) => cs.map((c) => row[c])));
		const f = page.figures;
		// Raised: e1, e2, e3, e7; stage 3 or 4: e1, e7; closed: e1, e3, e4, e7, e8; agreed or plan changed: e1, e7, e8.
		expect(f.escalations_per_100_referrals.keys?.numerator).toBe(await keyOf(['e1', 'e2', 'e3', 'e7']));
		for (const table of [page.stageByCategory, page.between]) expect(all(table.keys)).toBe(f.escalations_per_100_referrals.keys?.numerator);
		expect(columns(page.stageByCategory.keys, [2, 3])).toBe(f.escalations_stage3_pct.keys?.numerator);
		expect(f.escalations_agreed_pct.keys?.denominator).toBe(await keyOf(['e1', 'e3', 'e4', 'e7', 'e8']));
		for (const table of [page.outcomeByCategory, page.outcomeByPair.table, page.resolutionDays]) expect(all(table.keys)).toBe(f.escalations_agreed_pct.keys?.denominator);
		expect(f.escalations_agreed_pct.keys?.numerator).toBe(await keyOf(['e1', 'e7', 'e8']));
		for (const table of [page.outcomeByCategory, page.outcomeByPair.table]) expect(columns(table.keys, [...AGREED_COLUMNS])).toBe(f.escalations_agreed_pct.keys?.numerator);
	});

	it('under an area filter: escalations about the area\'s children', async () => {
		const page = await escalationPage(t.warehouse, { ...APRIL, area: 'A2' });
		expect(page.between).toMatchObject({ rows: ['POL'], columns: ['SCH'], counts: [[1]] });
		expect(page.stageByCategory.counts[3]).toEqual([0, 0, 0, 1]);
	});
});
