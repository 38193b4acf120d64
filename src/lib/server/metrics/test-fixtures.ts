/**
 * Shared ground for the metric tests: a few agencies, two areas, children, row builders
 * with the columns a test does not care about filled in, and assertions on metric values.
 *
 * Areas (child population): A1 is 2,000 in 2023 and 2,500 in 2024; A2 has only a 2025
 * estimate of 1,000. So for a period ending in 2024 the population is 2,500 + 1,000 = 3,500
 * (A2 has no year ≤ 2024: its smallest year counts); ending in 2023, 2,000 + 1,000 = 3,000;
 * ending in 2012, 2,000 + 1,000 = 3,000 (both areas' smallest year).
 */
import { expect } from 'vitest';
import type { MetricGroup, MetricSet, MetricValue, MetricsResult } from './compute.ts';
import type { TestExtract, TestRow } from './test-helpers.ts';

const kid = (n: number) => n.toString(16).repeat(64);
/** Children: K1 to K3 and K6 to K8 have an area; K4 has a row but no area; K5 has no row at all. */
export const K1 = kid(1); // A1, male, born 2015-03, WBRI (white)
export const K2 = kid(2); // A1, female, born 2024-01, MWBC (mixed)
export const K3 = kid(3); // A2, male, born 2007-05, AIND (asian)
export const K4 = kid(4); // no area, other, no birth month, no ethnicity
export const K5 = kid(5); // no children row
export const K6 = kid(6); // A1
export const K7 = kid(7); // A1
export const K8 = kid(8); // A2

export const BASE: TestExtract = {
	agencies: [
		{ agency_code: 'CSC', agency_name: 'Children\'s social care', sector: 'children_social_care' },
		{ agency_code: 'POL', agency_name: 'Police', sector: 'police' },
		{ agency_code: 'HLT', agency_name: 'Health trust', sector: 'health' },
		{ agency_code: 'SCH', agency_name: 'School', sector: 'education' },
		{ agency_code: 'VOL', agency_name: 'Charity', sector: 'voluntary' }
	],
	areas: [
		{ area_code: 'A1', area_name: 'North', population_year: 2023, child_population: 2000 },
		{ area_code: 'A1', area_name: 'North', population_year: 2024, child_population: 2500 },
		{ area_code: 'A2', area_name: 'South', population_year: 2025, child_population: 1000 }
	],
	children: [
		{ child_id: K1, birth_month: '2015-03', sex: 'male', ethnicity: 'WBRI', disability: 'no', area_code: 'A1' },
		{ child_id: K2, birth_month: '2024-01', sex: 'female', ethnicity: 'MWBC', disability: 'no', area_code: 'A1' },
		{ child_id: K3, birth_month: '2007-05', sex: 'male', ethnicity: 'AIND', disability: 'no', area_code: 'A2' },
		{ child_id: K4, birth_month: null, sex: 'other', ethnicity: null, disability: 'unknown', area_code: null },
		{ child_id: K6, birth_month: '2010-01', sex: 'female', ethnicity: 'BAFR', disability: 'no', area_code: 'A1' },
		{ child_id: K7, birth_month: '2012-02', sex: 'male', ethnicity: 'CHNE', disability: 'no', area_code: 'A1' },
		{ child_id: K8, birth_month: '2016-06', sex: 'female', ethnicity: 'REFU', disability: 'no', area_code: 'A2' }
	]
};

/** The base plus a family's rows. */
export function extract(rows: TestExtract): TestExtract {
	return { ...BASE, ...rows };
}

type Given<Required extends string> = Record<Required, string | null> & TestRow;

export const contact = (r: Given<'contact_id' | 'child_id' | 'received_at'>): TestRow => ({
	source_code: '9',
	source_agency_code: null,
	...r
});

export const referral = (r: Given<'referral_id' | 'child_id' | 'received_at'>): TestRow => ({
	source_code: '9',
	source_agency_code: null,
	decided_at: null,
	...r
});

export const assessment = (r: Given<'assessment_id' | 'child_id' | 'started_on'>): TestRow => ({ completed_on: null, ...r });

export const s47 = (r: Given<'s47_id' | 'child_id' | 'started_on'>): TestRow => ({
	icpc_not_required: r.icpc_on === null || r.icpc_on === undefined,
	icpc_on: null,
	...r
});

export const cpPlan = (r: Given<'plan_id' | 'child_id' | 'started_on'>): TestRow => ({ ended_on: null, initial_category: 'NEG', ...r });

export const request = (
	r: Given<'request_id' | 'child_id' | 'requesting_agency_code' | 'responding_agency_code' | 'priority' | 'requested_at'>
): TestRow => ({ responded_at: null, ...r });

export const escalation = (
	r: Given<'escalation_id' | 'child_id' | 'raised_by_agency_code' | 'raised_with_agency_code' | 'raised_on'> & { highest_stage: number }
): TestRow => ({
	category: 'threshold',
	immediate_risk: false,
	resolved_on: null,
	outcome: r.resolved_on ? 'agreed' : null,
	...r
});

export const meeting = (meeting_id: string, child_id: string | null, meeting_type: string, held_on: string): TestRow => ({
	meeting_id,
	child_id,
	meeting_type,
	held_on
});

export const attendance = (meeting_id: string, agency_code: string, invited: boolean, attended: boolean): TestRow => ({
	meeting_id,
	agency_code,
	invited,
	attended
});

export const audit = (audit_id: string, child_id: string | null, audited_on: string, overall_grade: string): TestRow => ({
	audit_id,
	child_id,
	audited_on,
	theme: 'neglect',
	overall_grade
});

export const action = (action_id: string, audit_id: string, owner: string, due_on: string, completed_on: string | null): TestRow => ({
	action_id,
	audit_id,
	owner_agency_code: owner,
	due_on,
	completed_on
});

export interface Expected {
	value: number | null;
	numerator?: number | null;
	denominator?: number | null;
	/** Defaults to `ok` when the value is a number. */
	status?: MetricValue['status'];
	n?: number | null;
	population?: number | null;
}

/** Asserts a metric value: the value to 9 decimal places, the rest exactly. */
export function expectMetric(actual: MetricValue, expected: Expected): void {
	const { value, ...rest } = expected;
	if (value === null) expect(actual.value).toBeNull();
	else expect(actual.value).toBeCloseTo(value, 9);
	expect(actual).toMatchObject({ status: value === null ? expect.any(String) : 'ok', ...rest });
}

/** A `z` for a metric that does not apply (filter or breakdown): everything null. */
export const NOT_APPLICABLE: Expected = { value: null, numerator: null, denominator: null, status: 'z' };

export function metricsOf(result: MetricsResult): MetricSet {
	if (result.by !== null) throw new Error('expected a result without a breakdown');
	return result.metrics;
}

export function groupsOf(result: MetricsResult): Map<string, MetricSet> {
	if (result.by === null) throw new Error('expected a breakdown');
	return new Map(result.groups.map((g: MetricGroup) => [g.group, g.metrics]));
}
