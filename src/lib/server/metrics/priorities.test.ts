import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePriority, latestEventDate, priorityPeriod, priorityStatus } from './priorities.ts';
import { action, audit, BASE, contact, extract, K1, K2, referral } from './test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from './test-helpers.ts';

describe('priorityStatus', () => {
	it('higher is better: met at or above the target, close within 5% of it below', () => {
		expect(priorityStatus(80, 80, 'higher_is_better')).toBe('met');
		expect(priorityStatus(95, 80, 'higher_is_better')).toBe('met');
		expect(priorityStatus(76, 80, 'higher_is_better')).toBe('close'); // misses by 4 = 5% of 80
		expect(priorityStatus(75.9, 80, 'higher_is_better')).toBe('not_met');
		expect(priorityStatus(0.285, 0.3, 'higher_is_better')).toBe('close'); // exactly 5%, in binary fractions
	});

	it('lower is better: met at or below, close within 5% above', () => {
		expect(priorityStatus(9, 10, 'lower_is_better')).toBe('met');
		expect(priorityStatus(10.5, 10, 'lower_is_better')).toBe('close');
		expect(priorityStatus(10.6, 10, 'lower_is_better')).toBe('not_met');
	});

	it('a target of 0 can be met but never missed closely; a null value is no data', () => {
		expect(priorityStatus(0, 0, 'lower_is_better')).toBe('met');
		expect(priorityStatus(0.1, 0, 'lower_is_better')).toBe('not_met');
		expect(priorityStatus(null, 80, 'higher_is_better')).toBe('no_data');
	});
});

describe('priorityPeriod', () => {
	const terms = { starts_on: '2024-04-01', ends_on: '2025-03-31' };
	it('ends at the earlier of ends_on and the latest event date', () => {
		expect(priorityPeriod(terms, '2024-07-01')).toEqual({ from: '2024-04-01', to: '2024-07-01' });
		expect(priorityPeriod(terms, '2026-01-01')).toEqual({ from: '2024-04-01', to: '2025-03-31' });
		expect(priorityPeriod(terms, '2024-04-01')).toEqual({ from: '2024-04-01', to: '2024-04-01' });
	});
	it('is none when no event reaches its start, or there are no events', () => {
		expect(priorityPeriod(terms, '2024-03-31')).toBeNull();
		expect(priorityPeriod(terms, null)).toBeNull();
	});
});

describe('with a warehouse', () => {
	let t: TestWarehouse;
	let empty: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				// 23:30 UTC on 30 June is 00:30 BST on 1 July: the latest event date.
				contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-06-30T23:30:00Z' })],
				referrals: [
					referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-02 10:00:00', decided_at: '2024-04-02 12:00:00' }), // on time
					referral({ referral_id: 'r2', child_id: K2, received_at: '2024-06-28 09:00:00' }) // undecided
				],
				audits: [audit('au1', K1, '2024-05-01', 'good')],
				// A due date is a plan, not an event: it does not move the latest event date.
				audit_actions: [action('ac1', 'au1', 'POL', '2025-01-01', null)]
			})
		);
		empty = await createTestWarehouse(BASE);
	});
	afterAll(async () => {
		await t.dispose();
		await empty.dispose();
	});

	it('the latest event date is the latest London date of any event, due dates aside', async () => {
		expect(await latestEventDate(t.warehouse)).toBe('2024-07-01');
		expect(await latestEventDate(empty.warehouse)).toBeNull();
	});

	it('a priority\'s figure covers its start to the latest event: r1 on time of r1, r2 = 50', async () => {
		const terms = { metric: 'referral_decision_1wd_pct', direction: 'higher_is_better', starts_on: '2024-04-01', ends_on: '2025-03-31' } as const;
		const met = await evaluatePriority(t.warehouse, { ...terms, target: 50 });
		expect(met.period).toEqual({ from: '2024-04-01', to: '2024-07-01' });
		expect(met.figure).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
		expect(met.status).toBe('met');
		expect((await evaluatePriority(t.warehouse, { ...terms, target: 52 }, '2024-07-01')).status).toBe('close'); // misses by 2 ≤ 2.6
		expect((await evaluatePriority(t.warehouse, { ...terms, target: 60 }, '2024-07-01')).status).toBe('not_met');
		expect(await evaluatePriority(empty.warehouse, { ...terms, target: 60 })).toEqual({ period: null, figure: null, status: 'no_data' });
	});
});
