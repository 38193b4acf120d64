/**
 * Audits and their actions over a hand-made extract; every expected value worked out by
 * hand beside it. Period P = 2024-04-01 to 2024-06-30.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, type MetricQuery } from '../compute.ts';
import { action, audit, expectMetric, extract, groupsOf, K1, K2, K3, K4, metricsOf, NOT_APPLICABLE } from '../test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../test-helpers.ts';

const P = { from: '2024-04-01', to: '2024-06-30' };

const AUDITS = extract({
	audits: [
		audit('au0', K2, '2024-01-10', 'good'), // before P; its actions fall due in P
		audit('au1', K1, '2024-04-15', 'good'), // ✓
		audit('au2', K3, '2024-05-15', 'outstanding'), // ✓
		audit('au3', K4, '2024-06-15', 'requires_improvement'), // ✗ (K4: no area)
		audit('au4', null, '2024-06-30', 'inadequate'), // ✗ (no child)
		audit('au5', K1, '2024-07-01', 'good') // after P
	],
	audit_actions: [
		action('ac1', 'au0', 'POL', '2024-04-30', '2024-04-30'), // on the due date: on time
		action('ac2', 'au0', 'HLT', '2024-05-31', '2024-06-01'), // a day late
		action('ac3', 'au1', 'CSC', '2024-06-30', null), // not done: not on time
		action('ac4', 'au2', 'POL', '2024-06-15', '2024-06-01'), // early: on time
		action('ac5', 'au4', 'SCH', '2024-05-20', '2024-05-20'), // on time (its audit has no child)
		action('ac6', 'au5', 'POL', '2024-07-31', null) // due after P
	],
	audit_findings: [{ audit_id: 'au1', agency_code: 'POL', criterion: 'planning', grade: 'good' }]
});

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse(AUDITS);
});
afterAll(() => t.dispose());

const metrics = async (q: MetricQuery) => metricsOf(await computeMetrics(t.warehouse, q));

describe('period P', () => {
	it('audits_good_or_better_pct: au1, au2 of au1 to au4 = 50', async () => {
		expectMetric((await metrics(P)).audits_good_or_better_pct, { value: 50, numerator: 2, denominator: 4 });
	});

	it('audit_actions_on_time_pct: ac1, ac4, ac5 of ac1 to ac5 = 60', async () => {
		expectMetric((await metrics(P)).audit_actions_on_time_pct, { value: 60, numerator: 3, denominator: 5 });
	});
});

describe('filters', () => {
	it('area A1: actions follow their audit\'s child (au0 K2, au1 K1): ac1 of ac1, ac2, ac3', async () => {
		const m = await metrics({ ...P, area: 'A1' });
		expectMetric(m.audits_good_or_better_pct, { value: 100, numerator: 1, denominator: 1 }); // au1
		expectMetric(m.audit_actions_on_time_pct, { value: 33.333333333333336, numerator: 1, denominator: 3 });
	});

	it('agency POL: the actions it owns (ac1, ac4); the overall grade is z', async () => {
		const m = await metrics({ ...P, agency: 'POL' });
		expectMetric(m.audit_actions_on_time_pct, { value: 100, numerator: 2, denominator: 2 });
		expectMetric(m.audits_good_or_better_pct, NOT_APPLICABLE);
	});

	it('sector health: ac2, late', async () => {
		const m = await metrics({ ...P, sector: 'health' });
		expectMetric(m.audit_actions_on_time_pct, { value: 0, numerator: 0, denominator: 1 });
	});
});

describe('breakdowns', () => {
	it('by ethnicity group of the audit\'s child', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'ethnicity_group' }));
		expect([...g.keys()]).toEqual(['white', 'mixed', 'asian', 'black', 'other', 'unknown']);
		expectMetric(g.get('white')!.audits_good_or_better_pct, { value: 100, numerator: 1, denominator: 1 }); // au1 (K1)
		expectMetric(g.get('asian')!.audits_good_or_better_pct, { value: 100, numerator: 1, denominator: 1 }); // au2 (K3)
		expectMetric(g.get('unknown')!.audits_good_or_better_pct, { value: 0, numerator: 0, denominator: 2 }); // au3 (K4), au4 (none)
		expectMetric(g.get('mixed')!.audit_actions_on_time_pct, { value: 50, numerator: 1, denominator: 2 }); // ac1, ac2 (au0, K2)
		expectMetric(g.get('black')!.audits_good_or_better_pct, { value: null, numerator: 0, denominator: 0, status: 'x' });
	});

	it('by concern: audits have none, z', async () => {
		const g = groupsOf(await computeMetrics(t.warehouse, { ...P, by: 'concern' }));
		for (const set of g.values()) {
			expectMetric(set.audits_good_or_better_pct, NOT_APPLICABLE);
			expectMetric(set.audit_actions_on_time_pct, NOT_APPLICABLE);
		}
	});
});
