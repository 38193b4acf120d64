/**
 * The drift panel over a small extract, and as a person sees it. The latest event is on
 * 15 May 2024, so the period is the last 12 whole months, May 2023 to April 2024, and every
 * count is at the end of 30 April 2024.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../metrics/compute.ts';
import { action, assessment, audit, escalation, expectMetric, extract, K1, K2, K3, metricsOf, request } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { DEFAULT_POLICY } from '../disclosure/index.ts';
import { presentDrift } from '../present/drift.ts';
import { DRIFT_KEYS, driftPanel } from './drift.ts';

const DATA = extract({
	// Open since Tue 2 January: wd(2 January, 30 April 2024) = 80 (Good Friday and Easter Monday are holidays): beyond 45.
	assessments: [
		assessment({ assessment_id: 'a1', child_id: K1, started_on: '2024-01-02' }),
		// Started 3 April: wd 18 by 30 April.
		assessment({ assessment_id: 'a2', child_id: K2, started_on: '2024-04-03' }),
		// The latest event: completed 15 May, so open at the end of April, wd(2 January, 30 April) = 80 too.
		assessment({ assessment_id: 'a3', child_id: K3, started_on: '2024-01-02', completed_on: '2024-05-15' })
	],
	// Routine, 2 April, never answered: overdue at 30 April.
	info_requests: [request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-04-02 09:00:00' })],
	escalations: [
		escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-03-01', highest_stage: 1 }),
		escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-02-01', highest_stage: 2, resolved_on: '2024-03-20' })
	],
	audits: [audit('au1', K1, '2024-01-15', 'good')],
	audit_actions: [action('ac1', 'au1', 'POL', '2024-03-31', null), action('ac2', 'au1', 'HLT', '2024-04-30', '2024-04-30')]
});

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse(DATA);
});
afterAll(() => t.dispose());

describe('the drift panel', () => {
	it('counts each at the end of the last whole month of data, as computeMetrics does', async () => {
		const d = (await driftPanel(t.warehouse, { today: '2024-06-01' }))!;
		expect(d.period).toEqual({ from: '2023-05-01', to: '2024-04-30' });
		expectMetric(d.figures.assessments_open_over_45wd_at_end, { value: 2 }); // a1, a3
		expectMetric(d.figures.info_requests_overdue_at_end, { value: 1 }); // q1
		expectMetric(d.figures.escalations_open_at_end, { value: 1 }); // e1
		expectMetric(d.figures.audit_actions_overdue_at_end, { value: 1 }); // ac1
		const m = metricsOf(await computeMetrics(t.warehouse, d.period));
		for (const key of DRIFT_KEYS) expect(d.figures[key]).toEqual(m[key]);
		expect(d.trend).toHaveLength(12);
		// At the end of March: a1 and a3 at wd(2 January, 28 March) = 61 (Good Friday the 29th); q1 not yet made; e1 (e2 closed the 20th); ac1 due the 31st.
		const march = d.trend.find((m) => m.month === '2024-03')!.metrics;
		expect(DRIFT_KEYS.map((k) => march[k].value)).toEqual([2, 0, 1, 1]);
		// At the end of January: wd(2, 31 January) = 21, not beyond 45; no request; no escalation raised yet (x: version 1's rule); no action due.
		const january = d.trend.find((m) => m.month === '2024-01')!.metrics;
		expect(DRIFT_KEYS.map((k) => january[k].value)).toEqual([0, 0, null, 0]);
		expect(january.escalations_open_at_end.status).toBe('x');
	});

	it('as a person sees it: counts from 1 to 5 are c, and each count links to its detail', async () => {
		const view = presentDrift((await driftPanel(t.warehouse, { today: '2024-06-01' }))!, DEFAULT_POLICY);
		expect(view.counts.map((c) => [c.metric.key, c.figure.value.symbol ?? c.figure.value.value])).toEqual([
			['assessments_open_over_45wd_at_end', 'c'],
			['info_requests_overdue_at_end', 'c'],
			['escalations_open_at_end', 'c'],
			['audit_actions_overdue_at_end', 'c']
		]);
		// Zeros stay zeros; small months are gaps with a note.
		const assessments = view.counts[0];
		expect(assessments.points.find((p) => p.label === '2024-01')).toEqual({ label: '2024-01', value: 0, symbol: null });
		expect(assessments.points.find((p) => p.label === '2024-03')).toEqual({ label: '2024-03', value: null, symbol: 'c' });
		expect(assessments.note).toMatch(/2024-02.*2024-03|2024-03/);
		for (const c of view.counts) expect(c.detail.href).toMatch(/^\/(metrics\/[a-z0-9_]+|response|escalation)$/);
		// Unsuppressed (an analyst who switched): the numbers.
		const exact = presentDrift((await driftPanel(t.warehouse, { today: '2024-06-01' }))!, { threshold: 5, profile: 'unsuppressed' });
		expect(exact.counts.map((c) => c.figure.value.value)).toEqual([2, 1, 1, 1]);
	});

	it('no panel before any event', async () => {
		const empty = await createTestWarehouse(extract({}));
		try {
			expect(await driftPanel(empty.warehouse, { today: '2024-06-01' })).toBeNull();
		} finally {
			await empty.dispose();
		}
	});
});
