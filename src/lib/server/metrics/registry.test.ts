import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from './compute.ts';
import { DIMENSIONS } from './dimensions.ts';
import { MetricSql } from './events.ts';
import { METRIC_KEYS } from './keys.ts';
import { getMetric, isMetricKey, METRICS, REGISTRY } from './registry.ts';
import { BASE } from './test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from './test-helpers.ts';

describe('the registry', () => {
	it('defines exactly the keys of keys.ts, in their order', () => {
		expect(METRICS.map((m) => m.key)).toEqual([...METRIC_KEYS]);
		for (const key of METRIC_KEYS) expect(getMetric(key).key).toBe(key);
		expect(isMetricKey('referrals_per_10k')).toBe(true);
		expect(isMetricKey('referrals')).toBe(false);
	});

	it('describes every metric for people', () => {
		for (const m of METRICS) {
			expect(m.title.length).toBeGreaterThan(5);
			expect(m.definition.length).toBeGreaterThan(40);
			if (m.kind === 'ratio' || m.kind === 'per_10k') {
				expect(m.numerator).toBeTruthy();
				expect(m.denominator).toBeTruthy();
			} else {
				expect(m.numerator).toBeNull();
				expect(m.denominator).toBeNull();
			}
		}
	});

	it('derives kinds, tables and where each applies', () => {
		expect(REGISTRY.contacts_per_10k).toMatchObject({ kind: 'per_10k', unit: 'per_10k', tables: ['contacts', 'areas'] });
		expect(REGISTRY.icpc_partner_attendance_pct).toMatchObject({ kind: 'ratio', tables: ['meeting_attendance', 'meetings'] });
		expect(REGISTRY.audit_actions_on_time_pct.tables).toEqual(['audit_actions', 'audits']);
		expect(REGISTRY.assessment_median_wd).toMatchObject({ kind: 'median', unit: 'working_days', higherIsBetter: false });
		expect(REGISTRY.escalations_open_at_end).toMatchObject({ kind: 'count', unit: 'count' });
		expect(REGISTRY.escalations_per_100_referrals).toMatchObject({ kind: 'ratio', unit: 'per_100' });
		// Concern only for metrics on referrals alone.
		expect(METRICS.filter((m) => m.dimensions.includes('concern')).map((m) => m.key)).toEqual([
			'referrals_per_10k',
			're_referrals_12m_pct',
			'referral_decision_1wd_pct'
		]);
		// No rates per 10,000 by child characteristics; everything else has every child dimension.
		expect(REGISTRY.referrals_per_10k.dimensions).toEqual(['month', 'area', 'sector', 'agency', 'concern']);
		expect(REGISTRY.cp_ended_2y_plus_pct.dimensions).toEqual(['month', 'area', 'age_band', 'sex', 'ethnicity_group']);
		expect(REGISTRY.multi_agency_children_pct.dimensions).toEqual(DIMENSIONS.filter((d) => d !== 'concern'));
	});

	it('puts no value into SQL: only the bound parameters', () => {
		const sql = new MetricSql({ area: true, agency: true, sector: false }, 'agency');
		for (const m of METRICS.filter((x) => x.agencyFilterApplies)) {
			const text = m.sql(sql);
			const params = new Set(text.match(/\$[a-z]+/g));
			for (const p of params) expect(['$from', '$to', '$area', '$agency']).toContain(p);
			expect(params).toContain('$area');
			expect(params).toContain('$agency');
			expect(params).toContain('$to');
		}
	});
});

describe('every metric\'s SQL runs for every breakdown and filter', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(BASE);
	});
	afterAll(() => t.dispose());

	it.each([null, ...DIMENSIONS])('by %s', async (by) => {
		for (const filter of [{}, { area: 'A1' }, { agency: 'POL' }, { sector: 'health' as const }]) {
			const result = await computeMetrics(t.warehouse, { from: '2024-01-01', to: '2024-03-31', by, ...filter });
			expect(result.by).toBe(by);
		}
	});
});
