/**
 * The local need page over a hand-made extract, April to June 2024 (population 3,500:
 * A1 2,500, A2 1,000). Children (test-fixtures.ts): K1 A1 male born 2015-03 white; K2 A1
 * female born 2024-01 mixed; K3 A2 male born 2007-05 asian; K4 no area, sex other, nothing
 * else; K5 no children row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, MetricQueryError } from '../metrics/compute.ts';
import { attendance, contact, expectMetric, extract, groupsOf, K1, K2, K3, K4, K5, K6, meeting, referral, request } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { needPage } from './need.ts';

const Q2 = { from: '2024-04-01', to: '2024-06-30' };

const DATA = extract({
	contacts: [
		contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL' }),
		contact({ contact_id: 'c2', child_id: K2, received_at: '2024-05-10 09:00:00', source_code: '3A' }), // health by its source code
		contact({ contact_id: 'c3', child_id: K3, received_at: '2024-06-20 09:00:00', source_agency_code: 'SCH' }),
		contact({ contact_id: 'c4', child_id: K4, received_at: '2024-04-15 09:00:00', source_agency_code: 'POL' }),
		contact({ contact_id: 'c5', child_id: K1, received_at: '2024-03-31 23:30:00', source_agency_code: 'VOL' }) // March: out
	],
	referrals: [
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-03 09:00:00', source_agency_code: 'POL', concerns: ['neglect', 'domestic_abuse'] }),
		referral({ referral_id: 'r2', child_id: K3, received_at: '2024-06-21 09:00:00', source_agency_code: 'SCH', concerns: ['neglect'] }),
		referral({ referral_id: 'r3', child_id: K5, received_at: '2024-05-05 09:00:00', source_agency_code: 'HLT' }),
		referral({ referral_id: 'r4', child_id: K6, received_at: '2024-07-01 09:00:00', source_agency_code: 'POL' }) // July: out
	],
	info_requests: [
		request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-04-10 10:00:00' }),
		// No child: involves nobody.
		request({ request_id: 'q2', child_id: null, requesting_agency_code: 'POL', responding_agency_code: 'SCH', priority: 'routine', requested_at: '2024-04-11 10:00:00' })
	],
	meetings: [meeting('m1', K2, 'core_group', '2024-05-01')],
	// Attended counts whatever invited says; invited but absent does not.
	meeting_attendance: [attendance('m1', 'POL', true, true), attendance('m1', 'HLT', true, false), attendance('m1', 'CSC', false, true)]
});

describe('needPage', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('rates per 10,000 for the partnership and by area, highest referral rate first', async () => {
		const page = await needPage(t.warehouse, Q2);
		expect(page.period).toEqual(Q2);
		expect(page.filters).toEqual({ area: null, agency: null, sector: null });
		expectMetric(page.totals.contacts, { value: (4 / 3500) * 10_000, numerator: 4, population: 3500 });
		expectMetric(page.totals.referrals, { value: (3 / 3500) * 10_000, numerator: 3, population: 3500 });
		expect(page.areas.map((a) => [a.area, a.name, a.rank])).toEqual([
			['A2', 'South', 1], // 1 referral per 1,000: 10
			['A1', 'North', 2] // 1 per 2,500: 4
		]);
		expectMetric(page.areas[0].contacts, { value: 10, numerator: 1 });
		expectMetric(page.areas[1].contacts, { value: 8, numerator: 2 });
	});

	it('counts by concern, source sector, age band, sex and ethnicity group', async () => {
		const { breakdowns: b } = await needPage(t.warehouse, Q2);
		const cells = (table: (typeof b)['sex']) =>
			Object.fromEntries(table.rows.flatMap((r, i) => table.columns.flatMap((c, j) => (table.counts[i][j] ? [[`${r}/${c}`, table.counts[i][j]]] : []))));

		expect(b.concern.columns).toEqual(['referrals']);
		expect(b.concern).toMatchObject({ rowTotals: false, columnTotals: false }); // a referral counts under each of its concerns
		expect(cells(b.concern)).toEqual({ 'neglect/referrals': 2, 'domestic_abuse/referrals': 1 });
		expect(b.concern.rows).toHaveLength(14); // every concern, zeros included

		expect(b.sector).toMatchObject({ columns: ['contacts', 'referrals'], rowTotals: false, columnTotals: true });
		expect(cells(b.sector)).toEqual({
			'police/contacts': 2,
			'health/contacts': 1,
			'education/contacts': 1,
			'police/referrals': 1,
			'health/referrals': 1,
			'education/referrals': 1
		});
		// r2 is K3's at 17 (born May 2007, referred June 2024); K4 and K5 have no birth month.
		expect(cells(b.age_band)).toEqual({
			'5_9/contacts': 1,
			'under_1/contacts': 1,
			'16_17/contacts': 1,
			'unknown/contacts': 1,
			'5_9/referrals': 1,
			'16_17/referrals': 1,
			'unknown/referrals': 1
		});
		expect(cells(b.sex)).toEqual({ 'male/contacts': 2, 'female/contacts': 1, 'other/contacts': 1, 'male/referrals': 2, 'unknown/referrals': 1 });
		expect(cells(b.ethnicity_group)).toEqual({
			'white/contacts': 1,
			'mixed/contacts': 1,
			'asian/contacts': 1,
			'unknown/contacts': 1,
			'white/referrals': 1,
			'asian/referrals': 1,
			'unknown/referrals': 1
		});
	});

	it('the counts are the metrics\' own: referrals_per_10k numerators by concern and sector, referrals by age band', async () => {
		const page = await needPage(t.warehouse, Q2);
		for (const by of ['concern', 'sector'] as const) {
			const groups = groupsOf(await computeMetrics(t.warehouse, { ...Q2, by }));
			const table = page.breakdowns[by];
			const column = table.columns.indexOf('referrals');
			table.rows.forEach((group, i) => expect(table.counts[i][column]).toBe(groups.get(group)!.referrals_per_10k.numerator));
		}
		// Rates have no population by age: the referrals of a band are the decision metric's denominator.
		const ages = groupsOf(await computeMetrics(t.warehouse, { ...Q2, by: 'age_band' }));
		const table = page.breakdowns.age_band;
		table.rows.forEach((band, i) => expect(table.counts[i][1]).toBe(ages.get(band)!.referral_decision_1wd_pct.denominator));
	});

	it('monthly trend', async () => {
		const { trend } = await needPage(t.warehouse, Q2);
		expect(trend.map((m) => [m.month, m.metrics.contacts_per_10k.numerator, m.metrics.referrals_per_10k.numerator])).toEqual([
			['2024-04', 2, 1],
			['2024-05', 1, 1],
			['2024-06', 1, 1]
		]);
	});

	it('children known to several agencies: the overlap of involved agencies', async () => {
		const { multiAgency } = await needPage(t.warehouse, Q2);
		// K1: POL (c1, r1), CSC and HLT (q1); K2: POL and CSC (m1 attended); K3: SCH; K4: POL; K5: HLT.
		expectMetric(multiAgency.figure, { value: 40, numerator: 2, denominator: 5 });
		expect(multiAgency.overlap).toEqual({
			rows: ['CSC', 'HLT', 'POL', 'SCH'],
			columns: ['CSC', 'HLT', 'POL', 'SCH'],
			counts: [
				[2, 1, 2, 0],
				[1, 2, 1, 0],
				[2, 1, 3, 0],
				[0, 0, 0, 1]
			],
			rowTotals: false,
			columnTotals: false
		});
	});

	it('under an area filter: that area\'s children and population', async () => {
		const page = await needPage(t.warehouse, { ...Q2, area: 'A1' });
		expect(page.filters.area).toBe('A1');
		expectMetric(page.totals.contacts, { value: 8, numerator: 2, population: 2500 });
		expect(page.areas.map((a) => a.area)).toEqual(['A1']);
		expect(page.multiAgency.overlap.rows).toEqual(['CSC', 'HLT', 'POL']);
		expect(page.multiAgency.overlap.counts).toEqual([
			[2, 1, 2],
			[1, 1, 1],
			[2, 1, 2]
		]);
	});

	it('under an agency filter: that agency\'s contacts, referrals, requests and attendance', async () => {
		const page = await needPage(t.warehouse, { ...Q2, agency: 'POL' });
		expect(page.totals.contacts.numerator).toBe(2); // c1, c4
		expect(page.totals.referrals.numerator).toBe(1); // r1
		// POL's rows: c1 (K1), c4 (K4), r1 (K1), q2 (no child), its attendance at m1 (K2).
		expectMetric(page.multiAgency.figure, { value: 0, numerator: 0, denominator: 3 });
		expect(page.multiAgency.overlap).toMatchObject({ rows: ['POL'], counts: [[3]] });
		expect(page.breakdowns.sector.counts[page.breakdowns.sector.rows.indexOf('police')]).toEqual([2, 1]);
	});

	it('refuses an unknown area, as the metrics do', async () => {
		await expect(needPage(t.warehouse, { ...Q2, area: 'A9' })).rejects.toThrow(MetricQueryError);
		await expect(needPage(t.warehouse, { ...Q2, agency: 'POL', sector: 'police' })).rejects.toThrow(MetricQueryError);
	});
});
