/**
 * computeMetrics as a whole: query validation, `x` and `z`, breakdown groups, and the
 * command line's JSON for a small extract holding one of everything, every value worked
 * out by hand.
 */
import { benchWithoutCellKeys } from './events.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, computeMetricsFor, MetricQueryError, parseMetricQuery, toCliJson, type MetricQuery } from './compute.ts';
import { monthsOf } from './dimensions.ts';
import { METRIC_KEYS } from './keys.ts';
import { REGISTRY } from './registry.ts';
import { query } from '../warehouse/warehouse.ts';
import {
	action,
	attendance,
	audit,
	BASE,
	contact,
	cpPlan,
	escalation,
	expectMetric,
	extract,
	groupsOf,
	K1,
	K2,
	meeting,
	metricsOf,
	NOT_APPLICABLE,
	referral,
	request,
	s47,
	assessment
} from './test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from './test-helpers.ts';

const APRIL = { from: '2024-04-01', to: '2024-04-30' };

/** One of everything in April 2024 (population 3,500). */
const WHOLE = extract({
	contacts: [
		contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL', outcome: 'referral', decided_at: '2024-04-02 12:00:00' })
	],
	referrals: [
		referral({ referral_id: 'r0', child_id: K1, received_at: '2024-01-03 09:00:00' }), // look-back only
		referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-03 09:00:00', source_agency_code: 'POL', decided_at: '2024-04-03 15:00:00', concerns: ['neglect'] }),
		referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-04 10:00:00', source_agency_code: 'SCH' })
	],
	assessments: [assessment({ assessment_id: 'a1', child_id: K1, started_on: '2024-04-02', completed_on: '2024-04-09' })],
	s47_enquiries: [s47({ s47_id: 's1', child_id: K1, started_on: '2024-04-02', icpc_on: '2024-04-30' })],
	cp_plans: [
		cpPlan({ plan_id: 'p0', child_id: K2, started_on: '2022-04-01', ended_on: '2024-04-01' }),
		cpPlan({ plan_id: 'p1', child_id: K1, started_on: '2024-04-12' })
	],
	info_requests: [
		request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-04-10 10:00:00', responded_at: '2024-04-10 16:00:00' })
	],
	escalations: [
		escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-04-05', highest_stage: 3, resolved_on: '2024-04-15' }),
		escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'SCH', raised_with_agency_code: 'CSC', raised_on: '2024-04-20', highest_stage: 1 })
	],
	meetings: [meeting('m1', K1, 'icpc', '2024-04-12')],
	meeting_attendance: [attendance('m1', 'POL', true, true), attendance('m1', 'HLT', true, false)],
	audits: [audit('au1', K1, '2024-04-25', 'good')],
	audit_actions: [action('ac1', 'au1', 'POL', '2024-04-30', null)]
});

let whole: TestWarehouse;
let empty: TestWarehouse;
beforeAll(async () => {
	[whole, empty] = await Promise.all([createTestWarehouse(WHOLE), createTestWarehouse(BASE)]);
});
afterAll(async () => {
	await Promise.all([whole.dispose(), empty.dispose()]);
});

describe('the command line\'s JSON for one of everything in April 2024', () => {
	it('gives every key, worked out by hand', async () => {
		const json = toCliJson(await computeMetrics(whole.warehouse, APRIL));
		expect(json).toEqual({
			period: { from: '2024-04-01', to: '2024-04-30' },
			filters: { area: null, agency: null, sector: null },
			metrics: {
				// c1: 1 / 3,500 × 10,000.
				contacts_per_10k: { value: 10_000 / 3500, numerator: 1, denominator: null },
				// r1, r2: 2 / 3,500 × 10,000.
				referrals_per_10k: { value: 20_000 / 3500, numerator: 2, denominator: null },
				// r1 (r0 in January) of r1, r2.
				re_referrals_12m_pct: { value: 50, numerator: 1, denominator: 2 },
				// K1 {POL (c1, r1, m1), CSC and HLT (q1)}; K2 {SCH (r2)}: 1 of 2.
				multi_agency_children_pct: { value: 50, numerator: 1, denominator: 2 },
				// r1 decided the same day (wd 0); r2 undecided.
				referral_decision_1wd_pct: { value: 50, numerator: 1, denominator: 2 },
				// a1: Tue 2 → Tue 9 April, wd 5.
				assessment_45wd_pct: { value: 100, numerator: 1, denominator: 1 },
				assessment_median_wd: { value: 5, numerator: null, denominator: null },
				// s1: Tue 2 → Tue 30 April, wd 20.
				icpc_15wd_pct: { value: 0, numerator: 0, denominator: 1 },
				// q1: urgent, 6 hours.
				info_request_on_time_pct: { value: 100, numerator: 1, denominator: 1 },
				info_request_median_hours: { value: 6, numerator: null, denominator: null },
				// e1, e2 per r1, r2: 2 / 2 × 100.
				escalations_per_100_referrals: { value: 100, numerator: 2, denominator: 2 },
				escalations_stage3_pct: { value: 50, numerator: 1, denominator: 2 },
				// e1: 5 → 15 April.
				escalation_resolution_median_days: { value: 10, numerator: null, denominator: null },
				// e2.
				escalations_open_at_end: { value: 1, numerator: null, denominator: null },
				// m1: POL attended, HLT did not.
				icpc_partner_attendance_pct: { value: 50, numerator: 1, denominator: 2 },
				// p1: K1's first plan.
				cp_second_subsequent_pct: { value: 0, numerator: 0, denominator: 1 },
				// p0: 1 April 2022 → 1 April 2024, exactly two years.
				cp_ended_2y_plus_pct: { value: 100, numerator: 1, denominator: 1 },
				audits_good_or_better_pct: { value: 100, numerator: 1, denominator: 1 },
				// ac1: due 30 April, not done.
				audit_actions_on_time_pct: { value: 0, numerator: 0, denominator: 1 },
				// Version 2. c1 became a referral.
				contact_conversion_pct: { value: 100, numerator: 1, denominator: 1 },
				// q1: answered the same day with no acknowledgement: the answer is its first reply (wd 0).
				info_request_ack_1wd_pct: { value: 100, numerator: 1, denominator: 1 },
				// q1 answered.
				info_requests_overdue_at_end: { value: 0, numerator: null, denominator: null },
				// a1 completed.
				assessments_open_over_45wd_at_end: { value: 0, numerator: null, denominator: null },
				// e1 closed agreed (e2 open).
				escalations_agreed_pct: { value: 100, numerator: 1, denominator: 1 },
				// m1 (an ICPC is a child protection meeting): POL attended, HLT did not.
				cp_meeting_partner_attendance_pct: { value: 50, numerator: 1, denominator: 2 },
				// m1: neither recorded a report (null counts as not submitted).
				conference_reports_pct: { value: 0, numerator: 0, denominator: 2 },
				// ac1: due 30 April (= to), not done.
				audit_actions_overdue_at_end: { value: 1, numerator: null, denominator: null },
				// K1's three agencies: POL, CSC, HLT.
				children_known_3plus_agencies: { value: 1, numerator: null, denominator: null }
			}
		});
	});

	it('with --by, every group lists every key', async () => {
		const result = await computeMetrics(whole.warehouse, { ...APRIL, by: 'agency' });
		const json = toCliJson(result) as { by: string; groups: { group: string; metrics: Record<string, unknown> }[] };
		expect(json.by).toBe('agency');
		expect(json.groups.map((g) => g.group)).toEqual(['CSC', 'HLT', 'POL', 'SCH', 'VOL']);
		for (const g of json.groups) expect(Object.keys(g.metrics)).toEqual([...METRIC_KEYS]);
		// POL: c1; r1; K1's involved agencies from POL's rows: c1, r1, m1 → {POL}.
		const pol = json.groups.find((g) => g.group === 'POL')!.metrics;
		expect(pol.contacts_per_10k).toEqual({ value: 10_000 / 3500, numerator: 1, denominator: null });
		expect(pol.multi_agency_children_pct).toEqual({ value: 0, numerator: 0, denominator: 1 });
		// e1 (POL raised it) per r1.
		expect(pol.escalations_per_100_referrals).toEqual({ value: 100, numerator: 1, denominator: 1 });
		expect(pol.assessment_45wd_pct).toEqual({ value: null, numerator: null, denominator: null });
		// CSC: q1 (CSC asks HLT) brings both its agencies: K1 {CSC, HLT}, 1 of 1.
		const csc = json.groups.find((g) => g.group === 'CSC')!.metrics;
		expect(csc.multi_agency_children_pct).toEqual({ value: 100, numerator: 1, denominator: 1 });
	});
});

describe('cell keys beside the counts (disclosure-control.md rule 7)', () => {
	/** The sum modulo 256 of the keys of some rows, read from the warehouse on its own. */
	const keySum = async (sql: string) => {
		const [row] = await whole.warehouse.read((conn) => query<{ k: number | null }>(conn, `SELECT CAST(sum(k) % 256 AS INTEGER) AS k FROM (${sql})`));
		return row.k ?? 0;
	};
	const recordKeys = (table: string, where: string) => `SELECT d_record_key AS k FROM ${table} WHERE ${where}`;
	const childKeys = (children: string[]) => `SELECT DISTINCT child_id, d_child_key AS k FROM contacts WHERE child_id IN (${children.map((c) => `'${c}'`).join(', ')})
		UNION SELECT DISTINCT child_id, d_child_key FROM referrals WHERE child_id IN (${children.map((c) => `'${c}'`).join(', ')})`;

	it('each count\'s key is the sum of the keys of the rows (or children) it counts, modulo 256', async () => {
		const m = metricsOf(await computeMetrics(whole.warehouse, APRIL));
		expect(m.contacts_per_10k.keys).toEqual({ numerator: await keySum(recordKeys('contacts', `contact_id = 'c1'`)), denominator: null, value: null });
		expect(m.referral_decision_1wd_pct.keys).toEqual({
			numerator: await keySum(recordKeys('referrals', `referral_id = 'r1'`)),
			denominator: await keySum(recordKeys('referrals', `referral_id IN ('r1', 'r2')`)),
			value: null
		});
		expect(m.escalations_per_100_referrals.keys).toEqual({
			numerator: await keySum(recordKeys('escalations', `escalation_id IN ('e1', 'e2')`)),
			denominator: await keySum(recordKeys('referrals', `referral_id IN ('r1', 'r2')`)),
			value: null
		});
		expect(m.icpc_partner_attendance_pct.keys?.denominator).toBe(await keySum(recordKeys('meeting_attendance', `meeting_id = 'm1'`)));
		expect(m.escalations_open_at_end.keys?.value).toBe(await keySum(recordKeys('escalations', `escalation_id = 'e2'`)));
		expect(m.audit_actions_overdue_at_end.keys?.value).toBe(await keySum(recordKeys('audit_actions', `action_id = 'ac1'`)));
		// Distinct children: K1 and K2 have involved agencies, K1 three of them.
		expect(m.multi_agency_children_pct.keys).toEqual({ numerator: await keySum(childKeys([K1])), denominator: await keySum(childKeys([K1, K2])), value: null });
		expect(m.children_known_3plus_agencies.keys?.value).toBe(await keySum(childKeys([K1])));
		expect(m.assessment_median_wd.keys).toEqual({ numerator: null, denominator: null, value: null });
	});

	it("the bench's measure without the keys: the same counts, every key 0 (only inside benchWithoutCellKeys)", async () => {
		const keyed = metricsOf(await computeMetrics(whole.warehouse, APRIL));
		const bare = metricsOf(await benchWithoutCellKeys(() => computeMetrics(whole.warehouse, APRIL)));
		for (const key of Object.keys(keyed) as (keyof typeof keyed)[]) {
			expect([bare[key].value, bare[key].numerator, bare[key].denominator], key).toEqual([keyed[key].value, keyed[key].numerator, keyed[key].denominator]);
			for (const k of Object.values(bare[key].keys ?? {})) expect(k === null || k === 0, key).toBe(true);
		}
		expect(keyed.contacts_per_10k.keys?.numerator).not.toBe(0);
		// Outside it, the keys are back.
		expect(metricsOf(await computeMetrics(whole.warehouse, APRIL)).contacts_per_10k.keys).toEqual(keyed.contacts_per_10k.keys);
	});

	it('the same rows give the same key whatever filters or breakdown reach them', async () => {
		const all = metricsOf(await computeMetrics(whole.warehouse, APRIL));
		const byMonth = groupsOf(await computeMetrics(whole.warehouse, { ...APRIL, by: 'month' }));
		const pol = metricsOf(await computeMetrics(whole.warehouse, { ...APRIL, agency: 'POL' }));
		expect(byMonth.get('2024-04')!.referrals_per_10k.keys).toEqual(all.referrals_per_10k.keys);
		// c1 is POL's: the same one row, the same key.
		expect(pol.contacts_per_10k.keys).toEqual(all.contacts_per_10k.keys);
	});
});

describe('metrics read from a shared query', () => {
	it('give the same values computed together (one run of the query) as alone', async () => {
		const shared = METRIC_KEYS.filter((k) => REGISTRY[k].shared?.id === 'involved_children');
		expect(shared).toEqual(['multi_agency_children_pct', 'children_known_3plus_agencies']);
		for (const by of [null, 'area', 'agency'] as const) {
			const together = await computeMetricsFor(whole.warehouse, { ...APRIL, by }, shared);
			for (const key of shared) {
				const alone = await computeMetricsFor(whole.warehouse, { ...APRIL, by }, [key]);
				const pick = (r: typeof together) => (r.by === null ? [r.metrics[key]] : r.groups.map((g) => g.metrics[key]));
				expect(pick(together), `${key} by ${by}`).toEqual(pick(alone as typeof together));
			}
		}
	});
});

describe('x and z', () => {
	it('no rows for the period: every metric is x', async () => {
		const m = metricsOf(await computeMetrics(empty.warehouse, APRIL));
		for (const key of METRIC_KEYS) expect(m[key]).toMatchObject({ value: null, status: 'x' });
		expectMetric(m.contacts_per_10k, { value: null, numerator: 0, denominator: null, population: 3500, status: 'x' });
		expectMetric(m.re_referrals_12m_pct, { value: null, numerator: 0, denominator: 0, status: 'x' });
		expectMetric(m.assessment_median_wd, { value: null, n: 0, status: 'x' });
	});

	it('under an agency filter, metrics on tables without agencies are z, the rest x', async () => {
		const m = metricsOf(await computeMetrics(empty.warehouse, { ...APRIL, agency: 'POL' }));
		for (const key of METRIC_KEYS) {
			if (REGISTRY[key].agencyFilterApplies) expect(m[key].status).toBe('x');
			else expectMetric(m[key], NOT_APPLICABLE);
		}
		expect(METRIC_KEYS.filter((k) => !REGISTRY[k].agencyFilterApplies)).toEqual([
			'assessment_45wd_pct',
			'assessment_median_wd',
			'icpc_15wd_pct',
			'cp_second_subsequent_pct',
			'cp_ended_2y_plus_pct',
			'audits_good_or_better_pct',
			'assessments_open_over_45wd_at_end'
		]);
	});

	it('a rate with no child population is z, its count kept', async () => {
		const t = await createTestWarehouse({
			contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00' })]
		});
		try {
			const m = metricsOf(await computeMetrics(t.warehouse, APRIL));
			expectMetric(m.contacts_per_10k, { value: null, numerator: 1, population: 0, status: 'z' });
		} finally {
			await t.dispose();
		}
	});
});

describe('breakdown groups', () => {
	const groupsFor = async (q: MetricQuery) => [...groupsOf(await computeMetrics(whole.warehouse, q)).keys()];

	it('respect an area, agency or sector filter', async () => {
		expect(await groupsFor({ ...APRIL, by: 'area' })).toEqual(['A1', 'A2']);
		expect(await groupsFor({ ...APRIL, by: 'area', area: 'A2' })).toEqual(['A2']);
		expect(await groupsFor({ ...APRIL, by: 'agency', agency: 'HLT' })).toEqual(['HLT']);
		expect(await groupsFor({ ...APRIL, by: 'agency', sector: 'police' })).toEqual(['POL']);
		expect(await groupsFor({ ...APRIL, by: 'sector', agency: 'HLT' })).toHaveLength(11);
	});

	it('months run from the month of `from` to the month of `to`', async () => {
		expect(await groupsFor({ from: '2023-12-15', to: '2024-02-01', by: 'month' })).toEqual(['2023-12', '2024-01', '2024-02']);
		expect(monthsOf('2024-04-01', '2024-04-30')).toEqual(['2024-04']);
	});
});

describe('query validation', () => {
	const bad = (q: unknown, field: string | null) => {
		expect(() => parseMetricQuery(q)).toThrow(MetricQueryError);
		try {
			parseMetricQuery(q);
		} catch (e) {
			expect((e as MetricQueryError).field).toBe(field);
		}
	};

	it('accepts a good query and fills the absent fields with null', () => {
		expect(parseMetricQuery({ from: '2024-02-29', to: '2024-03-31', sector: 'health', by: 'month' })).toEqual({
			from: '2024-02-29',
			to: '2024-03-31',
			area: null,
			agency: null,
			sector: 'health',
			by: 'month'
		});
	});

	it('refuses dates that are not real, or out of order', () => {
		bad({ from: '2023-02-29', to: '2023-03-31' }, 'from');
		bad({ from: '2024-04-01', to: '2024-13-01' }, 'to');
		bad({ from: '1/4/2024', to: '2024-04-30' }, 'from');
		bad({ from: '2024-05-01', to: '2024-04-30' }, 'from');
		bad({ from: '1989-12-31', to: '2024-04-30' }, 'from');
	});

	it('refuses an unknown sector or dimension, and an agency with a sector', () => {
		bad({ ...APRIL, sector: 'fire' }, 'sector');
		bad({ ...APRIL, by: 'postcode' }, 'by');
		bad({ ...APRIL, agency: 'POL', sector: 'police' }, 'agency');
		bad({ ...APRIL, colour: 'red' }, null);
	});

	it('refuses an area or agency the warehouse does not know, naming it', async () => {
		await expect(computeMetrics(whole.warehouse, { ...APRIL, area: 'Z9' })).rejects.toThrow(/"Z9" is not an area/);
		await expect(computeMetrics(whole.warehouse, { ...APRIL, agency: 'NOPE' })).rejects.toThrow(MetricQueryError);
	});

	it('treats a value as a value, never as SQL', async () => {
		await expect(computeMetrics(whole.warehouse, { ...APRIL, area: "A1' OR '1'='1" })).rejects.toThrow(MetricQueryError);
		await expect(computeMetrics(whole.warehouse, { ...APRIL, agency: "POL'; DROP TABLE contacts; --" })).rejects.toThrow(MetricQueryError);
		const m = metricsOf(await computeMetrics(whole.warehouse, APRIL));
		expect(m.contacts_per_10k.numerator).toBe(1);
	});
});
