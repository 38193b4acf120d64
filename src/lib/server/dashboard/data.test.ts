/**
 * The data page and the filter options, over six imports from four suppliers (one undone,
 * one replacing another supplier's row), each with its own manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importExtract } from '../import/import.ts';
import { undoBatch } from '../import/undo.ts';
import { latestEventDate } from '../metrics/priorities.ts';
import { action, audit, BASE, contact, K1, K2, K3, referral, request } from '../metrics/test-fixtures.ts';
import type { TestRow } from '../metrics/test-helpers.ts';
import { freshWarehouse, writeExtract, type Cell } from '../testing/extract.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { dataPage } from './data.ts';
import { filterOptions } from './filters.ts';

async function importAs(warehouse: Warehouse, supplied_by: string, extracted_on: string, tables: Record<string, readonly TestRow[]>): Promise<number> {
	const dir = writeExtract({ manifest: { supplied_by, extracted_on }, tables: tables as Record<string, Record<string, Cell>[]> });
	const report = await importExtract(warehouse, dir, { actor: 'test' });
	if (report.status !== 'committed' || report.files.some((f) => f.rows_quarantined > 0)) throw new Error(JSON.stringify(report));
	return report.batch_id!;
}

describe('with several suppliers', () => {
	let warehouse: Warehouse;
	beforeAll(async () => {
		warehouse = await freshWarehouse();
		// 1: the partnership's first extract. 23:30 UTC on 18 April is 00:30 on the 19th in London.
		await importAs(warehouse, 'partnership', '2024-05-05', {
			...(BASE as Record<string, readonly TestRow[]>),
			contacts: [
				contact({ contact_id: 'c0', child_id: K1, received_at: '2024-04-18T23:30:00Z' }),
				contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-30 10:00:00' })
			],
			referrals: [referral({ referral_id: 'r1', child_id: K2, received_at: '2024-04-20 10:00:00' })]
		});
		// 2: the police; 23:30 UTC on 30 June is 1 July in London.
		await importAs(warehouse, 'POL', '2024-07-03', {
			contacts: [
				contact({ contact_id: 'c2', child_id: K1, received_at: '2024-06-30T23:30:00Z', source_agency_code: 'POL' }),
				contact({ contact_id: 'c3', child_id: K3, received_at: '2024-06-10 10:00:00', source_agency_code: 'POL' })
			]
		});
		// 3: health, an older extract than the police's.
		await importAs(warehouse, 'HLT', '2024-06-01', {
			info_requests: [
				request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-20 10:00:00', responded_at: '2024-05-28 10:00:00' })
			]
		});
		// 4: the police again, correcting the partnership's c1: it is theirs now.
		await importAs(warehouse, 'POL', '2024-08-01', {
			contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-29 10:00:00', source_agency_code: 'POL' })]
		});
		// 5: health's audits, undone.
		const undone = await importAs(warehouse, 'HLT', '2024-09-01', { audits: [audit('au1', K1, '2024-08-30', 'good')] });
		await undoBatch(warehouse, undone, 'test');
		// 6: a school's audit; an action's due date is a plan, not an event.
		await importAs(warehouse, 'SCH', '2024-09-02', {
			audits: [audit('au2', K2, '2024-08-25', 'good')],
			audit_actions: [action('ac1', 'au2', 'SCH', '2025-06-01', null)]
		});
	});
	afterAll(async () => warehouse.close());

	it('the import history', async () => {
		const { batches } = await dataPage(warehouse);
		expect(batches.map((b) => [b.batch_id, b.supplied_by, b.extracted_on, b.status, b.rows_loaded, b.rows_replaced])).toEqual([
			[1, 'partnership', '2024-05-05', 'committed', 5 + 3 + 7 + 2 + 1, 0],
			[2, 'POL', '2024-07-03', 'committed', 2, 0],
			[3, 'HLT', '2024-06-01', 'committed', 1, 0],
			[4, 'POL', '2024-08-01', 'committed', 1, 1],
			[5, 'HLT', '2024-09-01', 'undone', 1, 0],
			[6, 'SCH', '2024-09-02', 'committed', 2, 0]
		]);
	});

	it('the latest extract and the latest event per supplier and table', async () => {
		const page = await dataPage(warehouse);
		expect(page.latestEventDate).toBe('2024-08-25');
		expect(page.latestEventDate).toBe(await latestEventDate(warehouse));
		expect(page.freshness).toEqual([
			// The undone audits are gone, and their extract with them.
			{ supplied_by: 'HLT', table: 'info_requests', extracted_on: '2024-06-01', batch_id: 3, rows: 1, latest_event_on: '2024-05-28' },
			// c1 is the police's since batch 4; c2 fell on 1 July in London.
			{ supplied_by: 'POL', table: 'contacts', extracted_on: '2024-08-01', batch_id: 4, rows: 3, latest_event_on: '2024-07-01' },
			{ supplied_by: 'SCH', table: 'audits', extracted_on: '2024-09-02', batch_id: 6, rows: 1, latest_event_on: '2024-08-25' },
			{ supplied_by: 'SCH', table: 'audit_actions', extracted_on: '2024-09-02', batch_id: 6, rows: 1, latest_event_on: null },
			{ supplied_by: 'partnership', table: 'agencies', extracted_on: '2024-05-05', batch_id: 1, rows: 5, latest_event_on: null },
			{ supplied_by: 'partnership', table: 'areas', extracted_on: '2024-05-05', batch_id: 1, rows: 3, latest_event_on: null },
			{ supplied_by: 'partnership', table: 'children', extracted_on: '2024-05-05', batch_id: 1, rows: 7, latest_event_on: null },
			{ supplied_by: 'partnership', table: 'contacts', extracted_on: '2024-05-05', batch_id: 1, rows: 1, latest_event_on: '2024-04-19' },
			{ supplied_by: 'partnership', table: 'referrals', extracted_on: '2024-05-05', batch_id: 1, rows: 1, latest_event_on: '2024-04-20' }
		]);
	});

	it('filter options: areas and agencies with names, sectors, and the span of the data in London dates', async () => {
		expect(await filterOptions(warehouse)).toEqual({
			areas: [
				{ code: 'A1', name: 'North' },
				{ code: 'A2', name: 'South' }
			],
			agencies: [
				{ code: 'CSC', name: 'Children\'s social care', sector: 'children_social_care' },
				{ code: 'HLT', name: 'Health trust', sector: 'health' },
				{ code: 'POL', name: 'Police', sector: 'police' },
				{ code: 'SCH', name: 'School', sector: 'education' },
				{ code: 'VOL', name: 'Charity', sector: 'voluntary' }
			],
			sectors: ['children_social_care', 'police', 'health', 'education', 'voluntary'],
			firstEventDate: '2024-04-19',
			lastEventDate: '2024-08-25'
		});
	});

	it('an empty warehouse: no batches, no span', async () => {
		const empty = await freshWarehouse();
		try {
			expect(await dataPage(empty)).toEqual({ batches: [], latestEventDate: null, freshness: [] });
			expect(await filterOptions(empty)).toEqual({ areas: [], agencies: [], sectors: [], firstEventDate: null, lastEventDate: null });
		} finally {
			await empty.close();
		}
	});
});
