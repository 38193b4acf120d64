/** Figures computed ahead: after warmFigures, the pages a visitor opens first compute nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, extract, K1, K2, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { driftPanel } from './drift.ts';
import { filterOptions } from './filters.ts';
import { needPage } from './need.ts';
import { overviewPage } from './overview.ts';
import { last12 } from './period.ts';
import { responsePage } from './response.ts';
import { warmFigures } from './warm.ts';

describe('warmFigures', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2025-06-03 10:00:00' })],
				referrals: [referral({ referral_id: 'r1', child_id: K2, received_at: '2025-07-01 09:00:00', decided_at: '2025-07-01 12:00:00' })]
			})
		);
	});
	afterAll(() => t.dispose());

	it('computes the overview and each page of the last 12 months ahead, so that asking for them computes nothing', async () => {
		const today = '2025-08-15';
		const period = last12((await filterOptions(t.warehouse)).lastEventDate, today);
		expect(period).toEqual({ from: '2024-07-01', to: '2025-06-30' });
		process.env.FP_FIGURE_CACHE = 'off';
		const fresh = await needPage(t.warehouse, period).finally(() => delete process.env.FP_FIGURE_CACHE);
		await warmFigures(t.warehouse, today);
		const { misses } = t.warehouse.cacheStats();
		const [need] = await Promise.all([needPage(t.warehouse, period), responsePage(t.warehouse, period), overviewPage(t.warehouse, { today }), driftPanel(t.warehouse, { today })]);
		expect(t.warehouse.cacheStats().misses).toBe(misses);
		expect(need).toEqual(fresh);
		// Another period is computed when asked.
		await needPage(t.warehouse, { from: '2025-04-01', to: '2025-06-30' });
		expect(t.warehouse.cacheStats().misses).toBeGreaterThan(misses);
	});
});
