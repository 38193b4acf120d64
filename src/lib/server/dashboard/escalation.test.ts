/** The escalation page over April 2024. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalation, expectMetric, extract, K1, K2, K3, K6, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { escalationPage, RESOLUTION_BINS } from './escalation.ts';

const APRIL = { from: '2024-04-01', to: '2024-04-30' };

const DATA = extract({
	referrals: [
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-03 09:00:00' }),
		referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-04 09:00:00' })
	],
	escalations: [
		// Raised in April (K1, K2, K6 live in A1, K3 in A2).
		escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-04-05', highest_stage: 3, resolved_on: '2024-04-15' }), // 10 days
		escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'SCH', raised_with_agency_code: 'CSC', raised_on: '2024-04-20', highest_stage: 1, category: 'communication' }), // open
		escalation({ escalation_id: 'e3', child_id: K6, raised_by_agency_code: 'CSC', raised_with_agency_code: 'POL', raised_on: '2024-04-01', highest_stage: 2, resolved_on: '2024-04-30' }), // 29 days
		escalation({ escalation_id: 'e7', child_id: K3, raised_by_agency_code: 'POL', raised_with_agency_code: 'SCH', raised_on: '2024-04-10', highest_stage: 4, resolved_on: '2024-04-10', category: 'information_sharing' }), // 0 days
		// Raised before April: closed in it (38 days), or still open at its end.
		escalation({ escalation_id: 'e4', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'HLT', raised_on: '2024-03-01', highest_stage: 4, resolved_on: '2024-04-08', category: 'plan_progress' }),
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
		expectMetric(figures.escalation_resolution_median_days, { value: 19.5, n: 4 }); // 0, 10, 29, 38
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
		expect(between).toEqual({
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
	});

	it('days to close, of those closed in the period', async () => {
		const { resolutionDays: r } = await escalationPage(t.warehouse, APRIL);
		expect(RESOLUTION_BINS.map((b) => b.label)).toEqual(['0–7', '8–14', '15–21', '22–28', '29–56', '57–90', '91+']);
		expect(r).toMatchObject({ columns: ['escalations'], rowTotals: false, columnTotals: true });
		expect(r.counts.map((c) => c[0])).toEqual([1, 1, 0, 0, 2, 0, 0]); // e7; e1; e3 and e4
	});

	it('trend: open at each month\'s end', async () => {
		const { trend } = await escalationPage(t.warehouse, { from: '2024-03-01', to: '2024-05-31' });
		// End of March: e4, e5; April: e2, e5; May: e2, e5, e6.
		expect(trend.map((m) => [m.month, m.metrics.escalations_open_at_end.value])).toEqual([
			['2024-03', 2],
			['2024-04', 2],
			['2024-05', 3]
		]);
	});

	it('under an agency filter: escalations it raised or received', async () => {
		const page = await escalationPage(t.warehouse, { ...APRIL, agency: 'CSC' });
		expect(page.between).toMatchObject({ rows: ['CSC', 'POL', 'SCH'], columns: ['CSC', 'POL'], counts: [[0, 1], [1, 0], [1, 0]] });
		expect(page.resolutionDays.counts.map((c) => c[0])).toEqual([0, 1, 0, 0, 1, 0, 0]); // e1, e3
	});

	it('under an area filter: escalations about the area\'s children', async () => {
		const page = await escalationPage(t.warehouse, { ...APRIL, area: 'A2' });
		expect(page.between).toMatchObject({ rows: ['POL'], columns: ['SCH'], counts: [[1]] });
		expect(page.stageByCategory.counts[3]).toEqual([0, 0, 0, 1]);
	});
});
