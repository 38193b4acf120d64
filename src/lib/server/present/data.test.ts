/**
 * The data page as shown: row counts through disclosure control (a supplier's tables protected
 * against the rows its imports loaded), ages of the data in words, the empty warehouse; then
 * the real page data of imports from several suppliers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPage, type DataPageData } from '../dashboard/data.ts';
import { DEFAULT_POLICY, policyFrom } from '../disclosure/index.ts';
import { importExtract } from '../import/import.ts';
import type { BatchSummary } from '../import/quarantine.ts';
import { BASE, contact, K1, K3 } from '../metrics/test-fixtures.ts';
import type { TestRow } from '../metrics/test-helpers.ts';
import { freshWarehouse, writeExtract, type Cell } from '../testing/extract.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { lag, londonTime, presentData, tableLabel } from './data.ts';

const policy = DEFAULT_POLICY;
const c = { value: null, symbol: 'c' };
const shown = (value: number) => ({ value, symbol: null });

/** Every count shown: rows, loaded, replaced, quarantined. */
function counts(value: unknown): number[] {
	const out: number[] = [];
	const visit = (v: unknown, counting: boolean) => {
		if (Array.isArray(v)) v.forEach((x) => visit(x, counting));
		else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, counting || ['rows', 'loaded', 'replaced', 'quarantined'].includes(k));
		else if (typeof v === 'number' && counting) out.push(v);
	};
	visit(value, false);
	return out;
}

const batch = (batch_id: number, supplied_by: string, extracted_on: string, loaded: number, replaced = 0, quarantined = 0, status: 'committed' | 'undone' = 'committed'): BatchSummary => ({
	batch_id,
	source: `/extracts/${batch_id}`,
	supplied_by,
	extracted_on,
	imported_at: `${extracted_on}T09:15:00Z`,
	imported_by: 'dm',
	status,
	rows_read: loaded + quarantined,
	rows_loaded: loaded,
	rows_replaced: replaced,
	rows_quarantined: quarantined
});

const DATA: DataPageData = {
	batches: [
		batch(1, 'partnership', '2024-08-05', 120, 0, 2),
		batch(2, 'POL', '2024-05-03', 30),
		batch(3, 'POL', '2024-06-03', 8, 2),
		batch(4, 'HLT', '2024-08-01', 4),
		batch(5, 'SCH', '2024-08-02', 40, 0, 0, 'undone')
	],
	latestEventDate: '2024-08-25',
	freshness: [
		{ supplied_by: 'HLT', table: 'info_requests', extracted_on: '2024-08-01', batch_id: 4, rows: 4, latest_event_on: '2024-07-30' },
		{ supplied_by: 'POL', table: 'contacts', extracted_on: '2024-06-03', batch_id: 3, rows: 36, latest_event_on: '2024-05-28' },
		{ supplied_by: 'partnership', table: 'agencies', extracted_on: '2024-08-05', batch_id: 1, rows: 10, latest_event_on: null },
		{ supplied_by: 'partnership', table: 'areas', extracted_on: '2024-08-05', batch_id: 1, rows: 3, latest_event_on: null },
		{ supplied_by: 'partnership', table: 'children', extracted_on: '2024-08-05', batch_id: 1, rows: 50, latest_event_on: null },
		{ supplied_by: 'partnership', table: 'referrals', extracted_on: '2024-08-05', batch_id: 1, rows: 57, latest_event_on: '2024-08-25' }
	]
};

describe('hand-made page data', () => {
	const view = presentData(DATA, policy);
	const rows = (supplier: string, table: string) => view.freshness.find((f) => f.supplier === supplier && f.table === table)!.rows;

	it('a supplier\'s tables add up to the rows its one import loaded: a small table has another suppressed with it', () => {
		expect(rows('partnership', 'areas')).toEqual(c);
		expect(rows('partnership', 'agencies')).toEqual(c); // the smallest other
		expect(rows('partnership', 'children')).toEqual(shown(50));
		expect(rows('partnership', 'referrals')).toEqual(shown(57));
		expect(view.batches[0].loaded).toEqual(shown(120));
	});

	it('several imports: their sum less the rows still there is a hidden rest; from 1 to 5 it counts as suppressed', () => {
		// 30 + 8 loaded, 36 still there: a rest of 2 would give the table away, so it is suppressed.
		expect(rows('POL', 'contacts')).toEqual(c);
		expect(view.batches[1].loaded).toEqual(shown(30));
		expect(view.batches[2].loaded).toEqual(shown(8));
	});

	it('counts from 1 to 5 are suppressed standing alone; 0 is shown', () => {
		expect(view.batches[0].quarantined).toEqual(c);
		expect(view.batches[0].replaced).toEqual(shown(0));
		expect(view.batches[2].replaced).toEqual(c);
		expect(view.batches[3].loaded).toEqual(c);
		expect(rows('HLT', 'info_requests')).toEqual(c);
		expect(counts(view).filter((n) => n >= 1 && n <= policy.threshold)).toEqual([]);
	});

	it("under a deployment's policy (the cell key method on), rows of files stay exact: the same page as rules 1 to 4 give", () => {
		expect(policyFrom({}).cellKey).toBe(true);
		expect(presentData(DATA, policyFrom({}))).toEqual(view);
	});

	it('how far behind the latest data each table is, in words', () => {
		const f = (supplier: string, table: string) => view.freshness.find((x) => x.supplier === supplier && x.table === table)!;
		expect(f('POL', 'contacts')).toMatchObject({ eventsBehind: { months: 2, days: 89, words: '2 months behind' }, stale: true, extractBehind: { words: '2 months behind' } });
		expect(f('HLT', 'info_requests')).toMatchObject({ eventsBehind: { months: 0, days: 26, words: '26 days behind' }, stale: false });
		expect(f('partnership', 'referrals')).toMatchObject({ eventsBehind: { days: 0, words: 'up to date' }, stale: false, extractBehind: { days: 0 } });
		expect(f('partnership', 'areas')).toMatchObject({ eventsBehind: null, stale: false, tableLabel: 'Areas' });
		expect(view.suppliers).toEqual([
			{ supplier: 'HLT', tables: 1, stale: 0 },
			{ supplier: 'POL', tables: 1, stale: 1 },
			{ supplier: 'partnership', tables: 4, stale: 0 }
		]);
		expect(view.newestExtract).toBe('2024-08-05');
	});

	it('times in UK time, tables in words', () => {
		expect(view.batches[0].importedAtText).toBe('5 August 2024, 10:15');
		expect(londonTime('2024-01-05T09:15:00Z')).toBe('5 January 2024, 09:15');
		expect(tableLabel('s47_enquiries')).toBe('Section 47 enquiries');
		expect(tableLabel('something_new')).toBe('Something new');
	});
});

describe('lag', () => {
	it('whole months when a month or more, else days', () => {
		expect(lag('2024-05-31', '2024-06-30')).toMatchObject({ months: 0, words: '30 days behind' });
		expect(lag('2024-05-30', '2024-06-30')).toMatchObject({ months: 1, words: '1 month behind' });
		expect(lag('2023-06-30', '2024-06-30')).toMatchObject({ months: 12, words: '12 months behind' });
		expect(lag('2024-06-29', '2024-06-30')).toMatchObject({ days: 1, words: '1 day behind' });
		expect(lag('2024-06-30', '2024-06-30')).toMatchObject({ days: 0, months: 0, words: 'up to date' });
	});
});

describe('through the real page data', () => {
	let warehouse: Warehouse;
	async function importAs(supplied_by: string, extracted_on: string, tables: Record<string, readonly TestRow[]>): Promise<void> {
		const dir = writeExtract({ manifest: { supplied_by, extracted_on }, tables: tables as Record<string, Record<string, Cell>[]> });
		const report = await importExtract(warehouse, dir, { actor: 'test' });
		if (report.status !== 'committed') throw new Error(JSON.stringify(report));
	}
	beforeAll(async () => {
		warehouse = await freshWarehouse();
		await importAs('partnership', '2024-05-05', {
			...(BASE as Record<string, readonly TestRow[]>),
			contacts: [contact({ contact_id: 'c0', child_id: K1, received_at: '2024-04-18 10:00:00' })]
		});
		await importAs('POL', '2024-07-03', {
			contacts: [
				contact({ contact_id: 'c2', child_id: K1, received_at: '2024-06-30 10:00:00', source_agency_code: 'POL' }),
				contact({ contact_id: 'c3', child_id: K3, received_at: '2024-06-10 10:00:00', source_agency_code: 'POL' })
			]
		});
	});
	afterAll(async () => warehouse.close());

	it('no count from 1 to 5 anywhere; plain JSON', async () => {
		const view = presentData(await dataPage(warehouse), policy);
		expect(counts(view).filter((n) => n >= 1 && n <= policy.threshold)).toEqual([]);
		expect(view.batches.map((b) => [b.id, b.supplier, b.status])).toEqual([
			[1, 'partnership', 'committed'],
			[2, 'POL', 'committed']
		]);
		expect(view.freshness.find((f) => f.supplier === 'partnership' && f.table === 'contacts')).toMatchObject({ eventsBehind: { words: '2 months behind' }, stale: true });
		expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
	});

	it('an empty warehouse: nothing imported', async () => {
		const empty = await freshWarehouse();
		try {
			expect(presentData(await dataPage(empty), policy)).toEqual({ latestEventDate: null, newestExtract: null, batches: [], freshness: [], suppliers: [] });
		} finally {
			await empty.close();
		}
	});
});
