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
import type { CountTable } from '../disclosure/types.ts';
import { linkageReport } from '../linkage/linkage.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import { needPage, type NeedData } from './need.ts';

const Q2 = { from: '2024-04-01', to: '2024-06-30' };

/** Every child's child key (rule 7), as stored with its rows. */
async function childKeys(w: Warehouse): Promise<Map<string, number>> {
	const rows = await w.read((conn) =>
		query<{ child_id: string; key: number }>(
			conn,
			`SELECT DISTINCT child_id, d_child_key AS key FROM (
				SELECT child_id, d_child_key FROM contacts UNION ALL SELECT child_id, d_child_key FROM referrals
				UNION ALL SELECT child_id, d_child_key FROM info_requests UNION ALL SELECT child_id, d_child_key FROM meetings
			) WHERE child_id IS NOT NULL`
		)
	);
	const keys = new Map(rows.map((r) => [r.child_id, Number(r.key)]));
	if (keys.size !== rows.length) throw new Error('a child with two child keys');
	return keys;
}

/** The cell key of some children: their child keys added, modulo 256. */
const keyOfChildren = (keys: Map<string, number>, children: readonly string[]) => children.reduce((a, c) => (a + keys.get(c)!) % 256, 0);

/** Children by number of agencies without their keys (as `cli linkage` reports them). */
const countsOnly = (byCount: NeedData['multiAgency']['byCount']) => byCount.map(({ agencies, children }) => ({ agencies, children }));

const DATA = extract({
	contacts: [
		contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL', outcome: 'referral', decided_at: '2024-04-02 12:00:00' }),
		// Health by its source code (no agency).
		contact({ contact_id: 'c2', child_id: K2, received_at: '2024-05-10 09:00:00', source_code: '3A', outcome: 'early_help', decided_at: '2024-05-13 09:00:00' }),
		// Undecided: a decision time but no outcome.
		contact({ contact_id: 'c3', child_id: K3, received_at: '2024-06-20 09:00:00', source_agency_code: 'SCH', decided_at: '2024-06-20 10:00:00' }),
		contact({ contact_id: 'c4', child_id: K4, received_at: '2024-04-15 09:00:00', source_agency_code: 'POL', outcome: 'no_further_action', decided_at: '2024-04-15 11:00:00' }),
		contact({ contact_id: 'c5', child_id: K1, received_at: '2024-03-31 23:30:00', source_agency_code: 'VOL', outcome: 'referral', decided_at: '2024-04-01 09:00:00' }) // March: out
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
		expect(multiAgency.overlap).toMatchObject({
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

	it('children by number of agencies: the figure\'s children, as cli linkage counts them', async () => {
		const { multiAgency } = await needPage(t.warehouse, Q2);
		// K3, K4, K5 one agency each; K2 two (POL, CSC); K1 three (POL, CSC, HLT).
		const keys = await childKeys(t.warehouse);
		expect(multiAgency.byCount).toEqual([
			{ agencies: '1', children: 3, key: keyOfChildren(keys, [K3, K4, K5]) },
			{ agencies: '2', children: 1, key: keyOfChildren(keys, [K2]) },
			{ agencies: '3', children: 1, key: keyOfChildren(keys, [K1]) },
			{ agencies: '4+', children: 0, key: 0 }
		]);
		expectMetric(multiAgency.threePlus, { value: 1, numerator: null, denominator: null });
		expect((await linkageReport(t.warehouse, Q2)).children_by_agency_count).toEqual(countsOnly(multiAgency.byCount));
	});

	it('the groups\' cell keys add up to the figures\' keys, and the overlap\'s cells carry their children\'s keys', async () => {
		for (const filters of [{}, { area: 'A1' }, { agency: 'POL' }]) {
			const { multiAgency: m } = await needPage(t.warehouse, { ...Q2, ...filters });
			const label = JSON.stringify(filters);
			const [one, two, three, four] = m.byCount.map((g) => g.key!);
			for (const k of [one, two, three, four]) expect(Number.isInteger(k) && k >= 0 && k < 256, label).toBe(true);
			expect([(one + two + three + four) % 256, (two + three + four) % 256, (three + four) % 256], label).toEqual([
				m.figure.keys?.denominator,
				m.figure.keys?.numerator,
				m.threePlus.keys?.value
			]);
		}
		// K1: CSC, HLT, POL; K2: CSC, POL; K3: SCH; K4: POL; K5: HLT.
		const keys = await childKeys(t.warehouse);
		const { overlap } = (await needPage(t.warehouse, Q2)).multiAgency;
		expect(overlap.keys).toEqual([
			[keyOfChildren(keys, [K1, K2]), keyOfChildren(keys, [K1]), keyOfChildren(keys, [K1, K2]), 0],
			[keyOfChildren(keys, [K1]), keyOfChildren(keys, [K1, K5]), keyOfChildren(keys, [K1]), 0],
			[keyOfChildren(keys, [K1, K2]), keyOfChildren(keys, [K1]), keyOfChildren(keys, [K1, K2, K4]), 0],
			[0, 0, 0, keyOfChildren(keys, [K3])]
		]);
	});

	it('contacts by outcome, by source sector and by agency', async () => {
		const { conversion } = await needPage(t.warehouse, Q2);
		const cells = (table: CountTable) =>
			Object.fromEntries(table.rows.flatMap((r, i) => table.columns.flatMap((c, j) => (table.counts[i][j] ? [[`${r}/${c}`, table.counts[i][j]]] : []))));
		expect(conversion.bySector).toMatchObject({ columns: ['referral', 'early_help', 'information_advice', 'no_further_action', 'undecided'], columnTotals: true });
		expect(conversion.bySector.rows).toHaveLength(11); // every sector, zeros included
		// c1 and c4 police (POL), c2 health (source code 3A), c3 education (SCH), undecided; c5 is March's.
		expect(cells(conversion.bySector)).toEqual({
			'police/referral': 1,
			'police/no_further_action': 1,
			'health/early_help': 1,
			'education/undecided': 1
		});
		// c2 has no agency: in no row.
		expect(conversion.byAgency.rows).toEqual(['POL', 'SCH']);
		expect(cells(conversion.byAgency)).toEqual({ 'POL/referral': 1, 'POL/no_further_action': 1, 'SCH/undecided': 1 });
		expect(conversion.agencySectors).toEqual({ POL: 'police', SCH: 'education' });
		// 1 referral of 3 decided (c3 undecided).
		expectMetric(conversion.figure, { value: 100 / 3, numerator: 1, denominator: 3 });
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
		// Every child known to POL alone under its filter.
		expect(page.multiAgency.byCount.map((g) => g.children)).toEqual([3, 0, 0, 0]);
		expect(page.conversion.byAgency).toMatchObject({ rows: ['POL'], counts: [[1, 0, 0, 1, 0]] });
		expectMetric(page.conversion.figure, { value: 50, numerator: 1, denominator: 2 });
	});

	it('the new tables\' totals are the metrics\' counts, whatever the filters', async () => {
		for (const filters of [{}, { area: 'A1' }, { agency: 'POL' }, { agency: 'SCH' }, { agency: 'HLT' }, { area: 'A2', agency: 'SCH' }]) {
			const q = { ...Q2, ...filters };
			const page = await needPage(t.warehouse, q);
			const whole = await computeMetrics(t.warehouse, q);
			if (whole.by !== null) throw new Error('a whole was asked for');
			const m = whole.metrics;
			const label = JSON.stringify(filters);
			// Children: 1 + 2 + 3 + 4+ the denominator, 2 + 3 + 4+ the numerator, 3 + 4+ the 3-plus count.
			const [one, two, three, four] = page.multiAgency.byCount.map((g) => g.children);
			expect([one + two + three + four, two + three + four, three + four], label).toEqual([
				m.multi_agency_children_pct.denominator,
				m.multi_agency_children_pct.numerator,
				m.children_known_3plus_agencies.value
			]);
			// Contacts: the referral column and the decided ones, in all, by sector and by agency.
			const counts = (table: CountTable, r: number | null) => {
				const rows = r === null ? table.counts : [table.counts[r]];
				const column = (c: number) => rows.reduce((a, row) => a + (row[c] ?? 0), 0);
				return { numerator: column(0), denominator: [0, 1, 2, 3].reduce((a, c) => a + column(c), 0) };
			};
			const { conversion } = page;
			expect(counts(conversion.bySector, null), label).toEqual({
				numerator: m.contact_conversion_pct.numerator,
				denominator: m.contact_conversion_pct.denominator
			});
			expect(conversion.figure).toEqual(m.contact_conversion_pct);
			for (const [by, table] of [['sector', conversion.bySector], ['agency', conversion.byAgency]] as const) {
				const groups = groupsOf(await computeMetrics(t.warehouse, { ...q, by }));
				for (const [group, metrics] of groups) {
					const r = table.rows.indexOf(group);
					const expected = metrics.contact_conversion_pct;
					if (r < 0) expect(expected.denominator ?? 0, `${label} ${by} ${group}`).toBe(0);
					else expect(counts(table, r), `${label} ${by} ${group}`).toEqual({ numerator: expected.numerator ?? 0, denominator: expected.denominator ?? 0 });
				}
			}
		}
	});

	it('refuses an unknown area, as the metrics do', async () => {
		await expect(needPage(t.warehouse, { ...Q2, area: 'A9' })).rejects.toThrow(MetricQueryError);
		await expect(needPage(t.warehouse, { ...Q2, agency: 'POL', sector: 'police' })).rejects.toThrow(MetricQueryError);
	});
});

describe('needPage: children known to four agencies or more', () => {
	let t: TestWarehouse;
	const ask = (id: string, child: string, a: string, b: string) =>
		request({ request_id: id, child_id: child, requesting_agency_code: a, responding_agency_code: b, priority: 'routine', requested_at: '2024-05-01 10:00:00' });
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				contacts: [contact({ contact_id: 'c1', child_id: K6, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL' })],
				info_requests: [
					// K1: CSC, HLT, POL, SCH, VOL (5); K2: CSC, HLT, POL, SCH (4); K3: CSC, POL (2); K6: POL (1, its contact).
					ask('q1', K1, 'CSC', 'HLT'),
					ask('q2', K1, 'POL', 'SCH'),
					ask('q3', K1, 'VOL', 'CSC'),
					ask('q4', K2, 'CSC', 'HLT'),
					ask('q5', K2, 'POL', 'SCH'),
					ask('q6', K3, 'CSC', 'POL')
				]
			})
		);
	});
	afterAll(async () => t.dispose());

	it('five agencies and four both count as 4+', async () => {
		const { multiAgency } = await needPage(t.warehouse, Q2);
		expect(multiAgency.byCount.map((g) => g.children)).toEqual([1, 1, 0, 2]);
		// K6 one agency; K3 two; K1 (five) and K2 (four) 4+.
		const keys = await childKeys(t.warehouse);
		expect(multiAgency.byCount.map((g) => g.key)).toEqual([keyOfChildren(keys, [K6]), keyOfChildren(keys, [K3]), 0, keyOfChildren(keys, [K1, K2])]);
		expectMetric(multiAgency.figure, { value: 75, numerator: 3, denominator: 4 });
		expectMetric(multiAgency.threePlus, { value: 2, numerator: null, denominator: null });
		expect((await linkageReport(t.warehouse, Q2)).children_by_agency_count).toEqual(countsOnly(multiAgency.byCount));
	});

	it('under an agency filter, only the rows that agency\'s filter keeps', async () => {
		// VOL: q3 only (K1 with VOL and CSC); POL: c1 (K6), q2 (K1: POL, SCH), q5 (K2: POL, SCH), q6 (K3: CSC, POL).
		expect((await needPage(t.warehouse, { ...Q2, agency: 'VOL' })).multiAgency.byCount.map((g) => g.children)).toEqual([0, 1, 0, 0]);
		expect((await needPage(t.warehouse, { ...Q2, agency: 'POL' })).multiAgency.byCount.map((g) => g.children)).toEqual([1, 3, 0, 0]);
	});
});
