/**
 * Linkage: children by number of involved agencies and pairs of agencies sharing children,
 * on a hand-made extract through the importer, every count worked out by hand.
 *
 * Involved agencies (as for multi_agency_children_pct):
 *   K1: contact from POL, referral from HLT, request CSC -> SCH       {CSC, HLT, POL, SCH} = 4
 *   K2: contact from POL, meeting attended by CSC (HLT invited, absent) {CSC, POL} = 2
 *   K3: contact with a source code only (no agency), referral from POL {POL} = 1
 *   K4: contact from POL in 2023, contact from HLT in 2024             all data 2; 2024: {HLT} = 1
 *   K6: request POL -> HLT                                             {HLT, POL} = 2
 *   K7: contact with a source code only                                none: not counted
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkageCommand } from '../../../cli/linkage-command.ts';
import type { Context } from '../../../cli/main.ts';
import { attendance, contact, extract, K1, K2, K3, K4, K6, K7, meeting, referral, request } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { linkageReport } from './linkage.ts';

const DATA = extract({
	contacts: [
		contact({ contact_id: 'c1', child_id: K1, received_at: '2024-03-01 09:00:00', source_agency_code: 'POL' }),
		contact({ contact_id: 'c2', child_id: K2, received_at: '2024-03-02 09:00:00', source_agency_code: 'POL' }),
		contact({ contact_id: 'c3', child_id: K3, received_at: '2024-03-03 09:00:00' }),
		contact({ contact_id: 'c4', child_id: K4, received_at: '2023-06-01 09:00:00', source_agency_code: 'POL' }),
		contact({ contact_id: 'c5', child_id: K4, received_at: '2024-06-01 09:00:00', source_agency_code: 'HLT' }),
		contact({ contact_id: 'c6', child_id: K7, received_at: '2024-06-01 09:00:00' })
	],
	referrals: [
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-03-05 09:00:00', source_agency_code: 'HLT' }),
		referral({ referral_id: 'r2', child_id: K3, received_at: '2024-03-06 09:00:00', source_agency_code: 'POL' })
	],
	info_requests: [
		request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'SCH', priority: 'routine', requested_at: '2024-04-01 10:00:00' }),
		request({ request_id: 'q2', child_id: K6, requesting_agency_code: 'POL', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-05-01 10:00:00' })
	],
	meetings: [meeting('m1', K2, 'strategy_discussion', '2024-04-12')],
	meeting_attendance: [attendance('m1', 'CSC', true, true), attendance('m1', 'HLT', true, false)]
});

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse(DATA);
});
afterAll(async () => {
	await t.dispose();
});

describe('linkage', () => {
	it('counts all data by default', async () => {
		expect(await linkageReport(t.warehouse)).toEqual({
			period: { from: null, to: null },
			// 1: K3; 2: K2, K4, K6; 4+: K1.
			children_by_agency_count: [
				{ agencies: '1', children: 1 },
				{ agencies: '2', children: 3 },
				{ agencies: '3', children: 0 },
				{ agencies: '4+', children: 1 }
			],
			pairs: [
				{ agency_a: 'HLT', agency_b: 'POL', children: 3 }, // K1, K4, K6
				{ agency_a: 'CSC', agency_b: 'POL', children: 2 }, // K1, K2
				{ agency_a: 'CSC', agency_b: 'HLT', children: 1 }, // K1
				{ agency_a: 'CSC', agency_b: 'SCH', children: 1 },
				{ agency_a: 'HLT', agency_b: 'SCH', children: 1 },
				{ agency_a: 'POL', agency_b: 'SCH', children: 1 }
			]
		});
	});

	it('counts only the period\'s rows, through the command line\'s JSON', async () => {
		const out: string[] = [];
		const audited: [string, Record<string, unknown>][] = [];
		const ctx: Context = {
			out: (s) => out.push(s),
			err: () => {},
			warehouse: async () => t.warehouse,
			audit: async (action, details) => {
				audited.push([action, details]);
			}
		};
		expect(await linkageCommand.run(['--db', 'w.duckdb', '--from', '2024-01-01', '--to', '2024-12-31', '--json'], ctx)).toBe(0);
		expect(JSON.parse(out.join(''))).toEqual({
			period: { from: '2024-01-01', to: '2024-12-31' },
			// 1: K3, K4 (its police contact was in 2023); 2: K2, K6; 4+: K1.
			children_by_agency_count: [
				{ agencies: '1', children: 2 },
				{ agencies: '2', children: 2 },
				{ agencies: '3', children: 0 },
				{ agencies: '4+', children: 1 }
			],
			pairs: [
				{ agency_a: 'CSC', agency_b: 'POL', children: 2 }, // K1, K2
				{ agency_a: 'HLT', agency_b: 'POL', children: 2 }, // K1, K6
				{ agency_a: 'CSC', agency_b: 'HLT', children: 1 },
				{ agency_a: 'CSC', agency_b: 'SCH', children: 1 },
				{ agency_a: 'HLT', agency_b: 'SCH', children: 1 },
				{ agency_a: 'POL', agency_b: 'SCH', children: 1 }
			]
		});
		expect(audited).toEqual([['linkage', { from: '2024-01-01', to: '2024-12-31' }]]);
	});

	it('takes one end alone, and refuses a period backwards or without --json', async () => {
		// Up to the end of 2023: only K4's police contact.
		const report = await linkageReport(t.warehouse, { to: '2023-12-31' });
		expect(report.children_by_agency_count).toEqual([
			{ agencies: '1', children: 1 },
			{ agencies: '2', children: 0 },
			{ agencies: '3', children: 0 },
			{ agencies: '4+', children: 0 }
		]);
		expect(report.pairs).toEqual([]);
		const ctx = { out: () => {}, err: () => {}, warehouse: async () => t.warehouse, audit: async () => {} } as Context;
		await expect(linkageCommand.run(['--db', 'w', '--from', '2024-02-01', '--to', '2024-01-01', '--json'], ctx)).rejects.toThrow(/after --to/);
		await expect(linkageCommand.run(['--db', 'w'], ctx)).rejects.toThrow(/--json is required/);
		await expect(linkageCommand.run(['--db', 'w', '--from', '2024-02-30', '--json'], ctx)).rejects.toThrow(/not a real date/);
	});
});
