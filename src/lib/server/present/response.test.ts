/**
 * The response times page as shown: no count from 1 to 5 anywhere; the durations protected
 * along the lines that add up to the headline's counts, and in agreement with it; shares of
 * requests answered on time from shown counts only.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_BINS, responsePage, type ResponseData } from '../dashboard/response.ts';
import { DEFAULT_POLICY } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import { median, NOT_APPLICABLE, ratio } from '../disclosure/test-support.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { assessment, extract, K1, K2, K3, referral, request } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { presentResponse, type ResponseView } from './response.ts';

const POLICY = DEFAULT_POLICY;
const C: Shown = { value: null, symbol: 'c' };
const shown = (value: number): Shown => ({ value, symbol: null });

/** Every shown count of the view (shares and figures' values aside), with where it is. */
function shownCounts(view: unknown): { path: string; shown: Shown }[] {
	const out: { path: string; shown: Shown }[] = [];
	const derived = new Set(['share', 'value', 'points']);
	const walk = (v: unknown, path: string[]) => {
		if (v === null || typeof v !== 'object') return;
		if (path.some((p) => derived.has(p))) return;
		const keys = Object.keys(v);
		if (keys.length === 2 && keys.includes('value') && keys.includes('symbol')) {
			out.push({ path: path.join('.'), shown: v as Shown });
			return;
		}
		for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
	};
	walk(JSON.parse(JSON.stringify(view)), []);
	return out;
}

/**
 * Shown counts that give a count from 1 to the threshold away: under the publication profile,
 * a count not rounded to 5 (a rounded 5 stands for anything from 3 to 7, decided unrounded).
 */
function smallCounts(view: ResponseView, policy: DisclosurePolicy = POLICY) {
	return shownCounts(view).filter(({ shown }) =>
		shown.value === null ? false : policy.profile === 'publication' ? shown.value % 5 !== 0 : shown.value >= 1 && shown.value <= policy.threshold
	);
}

// ---------------------------------------------------------------- hand-made page data

const SCOPE = { period: { from: '2024-04-01', to: '2024-06-30' }, filters: { area: null, agency: null, sector: null } };
const WITHIN = ASSESSMENT_BINS.filter((b) => b.max !== null && b.max <= 45).length;
const MONTHS = ['2024-04', '2024-05', '2024-06'];

interface Month {
	/** Assessments by bin of `ASSESSMENT_BINS`. */
	bins: number[];
	/** Requests by agency and priority: [answered, requests]. */
	requests: Record<string, { urgent: [number, number]; routine: [number, number] }>;
}

const sum = (ns: readonly number[]) => ns.reduce((a, b) => a + b, 0);

function assessmentMetric(bins: readonly number[]): MetricValue {
	const d = sum(bins);
	return d === 0 ? { ...NOT_APPLICABLE, status: 'x' } : ratio(sum(bins.slice(0, WITHIN)), d);
}

function requestsMetric(month: Month['requests']): MetricValue {
	const cells = Object.values(month).flatMap((a) => [a.urgent, a.routine]);
	const d = sum(cells.map((c) => c[1]));
	return d === 0 ? { ...NOT_APPLICABLE, status: 'x', numerator: 0, denominator: 0 } : ratio(sum(cells.map((c) => c[0])), d);
}

/** Page data from months of assessments and requests (the figures and tables their sums). */
function responseData(months: readonly Month[], options: { agencyFiltered?: boolean } = {}): ResponseData {
	const bins = ASSESSMENT_BINS.map((_, i) => sum(months.map((m) => m.bins[i])));
	const agencies = [...new Set(months.flatMap((m) => Object.keys(m.requests)))].sort();
	const requests: Month['requests'] = Object.fromEntries(
		agencies.map((a) => {
			const cell = (p: 'urgent' | 'routine', k: 0 | 1) => sum(months.map((m) => m.requests[a]?.[p][k] ?? 0));
			return [a, { urgent: [cell('urgent', 0), cell('urgent', 1)], routine: [cell('routine', 0), cell('routine', 1)] }];
		})
	);
	const layout = (k: 0 | 1): CountTable => ({
		rows: agencies,
		columns: ['urgent', 'routine'],
		counts: agencies.map((a) => [requests[a].urgent[k], requests[a].routine[k]]),
		rowTotals: true,
		columnTotals: true
	});
	const filtered = options.agencyFiltered === true;
	const figures = (m: { bins: number[]; requests: Month['requests'] }) => ({
		referral_decision_1wd_pct: ratio(40, 50),
		assessment_45wd_pct: filtered ? NOT_APPLICABLE : assessmentMetric(m.bins),
		assessment_median_wd: filtered ? NOT_APPLICABLE : median(23, Math.max(1, sum(m.bins))),
		icpc_15wd_pct: filtered ? NOT_APPLICABLE : ratio(0, 0),
		info_request_on_time_pct: requestsMetric(m.requests),
		info_request_median_hours: median(12.5, 40)
	});
	return {
		...SCOPE,
		filters: { ...SCOPE.filters, agency: filtered ? 'POL' : null },
		figures: figures({ bins, requests }),
		// Referral decisions: all in the first month (40 of 50).
		trend: months.map((m, i) => ({
			month: MONTHS[i],
			metrics: { ...figures(m), referral_decision_1wd_pct: i === 0 ? ratio(40, 50) : ratio(0, 0) }
		})),
		assessmentDurations: filtered
			? null
			: { rows: ASSESSMENT_BINS.map((b) => b.label), columns: ['assessments'], counts: bins.map((n) => [n]), rowTotals: false, columnTotals: true },
		requestsByResponder: { answered: layout(0), requests: layout(1) }
	};
}

const figure = (view: ResponseView, key: string) => view.figures.find((f) => f.metric.key === key)!.figure;

describe('presentResponse over hand-made page data', () => {
	it('durations: the bins within 45 working days with the numerator, and those over with the late ones', () => {
		// 0–5: 1 (c), so the smallest other bin within 45 (41–45: 21) is c too; 46–60: 3 (c), so 61+.
		const view = presentResponse(responseData([{ bins: [1, 26, 62, 103, 87, 62, 52, 27, 21, 3, 30], requests: {} }]), POLICY);
		const d = view.durations!;
		expect(d.bins.map((b) => [b.label, b.within, b.count.value])).toEqual([
			['0–5', true, null],
			['6–10', true, 26],
			['11–15', true, 62],
			['16–20', true, 103],
			['21–25', true, 87],
			['26–30', true, 62],
			['31–35', true, 52],
			['36–40', true, 27],
			['41–45', true, null],
			['46–60', false, null],
			['61+', false, null]
		]);
		expect(d.within).toEqual(shown(441));
		expect(d.over).toEqual(shown(33));
		// The same numerator as the headline's, and the denominator their sum.
		expect(figure(view, 'assessment_45wd_pct')).toMatchObject({ numerator: d.within, denominator: shown(474) });
		expect(smallCounts(view)).toEqual([]);
	});

	it('the monthly trend and the headline are protected together', () => {
		// April's 3 assessments are c; May's 40 too, or April's would follow from the whole.
		const view = presentResponse(
			responseData([
				{ bins: [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], requests: {} },
				{ bins: [0, 20, 20, 0, 0, 0, 0, 0, 0, 0, 0], requests: {} },
				{ bins: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], requests: {} }
			]),
			POLICY
		);
		const trend = view.trends.find((t) => t.metric.key === 'assessment_45wd_pct')!;
		expect(trend.points.map((p) => [p.label, p.symbol])).toEqual([
			['2024-04', 'c'],
			['2024-05', 'c'],
			['2024-06', 'x']
		]);
		expect(figure(view, 'assessment_45wd_pct')).toMatchObject({ numerator: shown(43), denominator: shown(43), value: shown(100) });
		expect(smallCounts(view)).toEqual([]);
	});

	it('requests answered on time: shares of shown counts only', () => {
		const view = presentResponse(
			responseData([
				{
					bins: Array(11).fill(0),
					requests: {
						EDU: { urgent: [18, 20], routine: [20, 25] },
						HLT: { urgent: [3, 10], routine: [20, 30] },
						POL: { urgent: [12, 12], routine: [0, 0] },
						SCH: { urgent: [0, 0], routine: [9, 9] }
					}
				}
			]),
			POLICY
		);
		const r = view.requests;
		expect(r.priorities).toEqual(['urgent', 'routine']);
		expect(r.responders.map((x) => x.agency)).toEqual(['EDU', 'HLT', 'POL', 'SCH']);
		const [edu, hlt, pol, sch] = r.responders;
		// HLT's 3 urgent requests answered on time are c (and more answered cells with them); the requests are all shown.
		expect(hlt.byPriority[0]).toEqual({ answered: C, requests: shown(10), share: C });
		expect(hlt.byPriority[1]).toEqual({ answered: C, requests: shown(30), share: C });
		expect(hlt.all).toEqual({ answered: shown(23), requests: shown(40), share: shown(57.5) });
		expect(edu.byPriority[0]).toEqual({ answered: shown(18), requests: shown(20), share: shown(90) });
		expect(pol.byPriority[1]).toEqual({ answered: shown(0), requests: shown(0), share: { value: null, symbol: 'z' } });
		expect(sch.byPriority[0].share).toEqual({ value: null, symbol: 'z' });
		// Every share shown is its two shown counts' share; every share of a suppressed count is c.
		for (const cell of [...r.responders.flatMap((x) => [...x.byPriority, x.all]), ...r.total.byPriority, r.total.all]) {
			if (cell.answered.symbol === 'c' || cell.requests.symbol === 'c') expect(cell.share).toEqual(C);
			if (cell.share.value === null) continue;
			expect(cell.share.value).toBeCloseTo((100 * cell.answered.value!) / cell.requests.value!);
		}
		expect(figure(view, 'info_request_on_time_pct')).toMatchObject({ numerator: r.total.all.answered, denominator: r.total.all.requests });
		expect(figure(view, 'info_request_median_hours')).toEqual({ value: shown(12.5), numerator: { value: null, symbol: 'z' }, denominator: { value: null, symbol: 'z' } });
		expect(smallCounts(view)).toEqual([]);
	});

	it('under an agency filter: no durations (not applicable), assessment figures z', () => {
		const view = presentResponse(responseData([{ bins: Array(11).fill(0), requests: {} }], { agencyFiltered: true }), POLICY);
		expect(view.agencyFiltered).toBe(true);
		expect(view.durations).toBeNull();
		expect(figure(view, 'assessment_45wd_pct').value).toEqual({ value: null, symbol: 'z' });
		expect(view.trends.find((t) => t.metric.key === 'icpc_15wd_pct')!.points.every((p) => p.symbol === 'z')).toBe(true);
		expect(view.requests.total.all.share).toEqual({ value: null, symbol: 'z' });
	});

	it('figures in order, with their benchmarks', () => {
		const view = presentResponse(responseData([{ bins: Array(11).fill(10), requests: {} }]), POLICY, [
			{ benchmark_id: 'e', metric: 'assessment_45wd_pct', label: 'England 2023-24', period_start: '2023-04-01', period_end: '2024-03-31', value: 82, source: 'DfE', comparable: true }
		]);
		expect(view.figures.map((f) => f.metric.key)).toEqual([
			'referral_decision_1wd_pct',
			'assessment_45wd_pct',
			'assessment_median_wd',
			'icpc_15wd_pct',
			'info_request_on_time_pct',
			'info_request_median_hours'
		]);
		expect(view.figures[1].benchmarks).toEqual([{ label: 'England 2023-24', value: 82, source: 'DfE', period: { from: '2023-04-01', to: '2024-03-31' }, comparable: true }]);
		expect(view.trends[1].benchmarks).toHaveLength(1);
		expect(view.figures[0].benchmarks).toEqual([]);
	});

	it('property: the tables agree with the headline on every count they share, and show no count from 1 to 5', () => {
		const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 }));
		const cell = fc.tuple(count, count).map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]);
		const month = fc.record({
			bins: fc.array(count, { minLength: 11, maxLength: 11 }),
			requests: fc.record({ HLT: fc.record({ urgent: cell, routine: cell }), POL: fc.record({ urgent: cell, routine: cell }) }, { requiredKeys: [] })
		});
		fc.assert(
			fc.property(fc.array(month, { minLength: 1, maxLength: 3 }), fc.constantFrom<DisclosurePolicy>(POLICY, { threshold: 5, profile: 'publication' }), (months, policy) => {
				const view = presentResponse(responseData(months), policy);
				expect(smallCounts(view, policy)).toEqual([]);
				const a = figure(view, 'assessment_45wd_pct');
				const d = view.durations!;
				// The headline's numerator is the bins' within total, suppressed or not, the same way.
				if (a.value.symbol !== 'x') expect(d.within).toEqual(a.numerator);
				if (d.within.value !== null && d.over.value !== null && a.denominator.value !== null && policy.profile === 'dashboard') {
					expect(d.within.value + d.over.value).toBe(a.denominator.value);
				}
				const q = figure(view, 'info_request_on_time_pct');
				if (q.value.symbol !== 'x') {
					expect(view.requests.total.all.answered).toEqual(q.numerator);
					expect(view.requests.total.all.requests).toEqual(q.denominator);
				}
			}),
			{ numRuns: 300 }
		);
	});
});

// ---------------------------------------------------------------- through the warehouse

describe('presentResponse over a small extract', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				referrals: [
					referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-05 16:30:00', decided_at: '2024-04-08 09:00:00' }),
					referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-05 16:30:00', decided_at: '2024-04-09 09:00:00' })
				],
				assessments: [
					assessment({ assessment_id: 'a1', child_id: K1, started_on: '2024-04-02', completed_on: '2024-04-09' }),
					assessment({ assessment_id: 'a2', child_id: K2, started_on: '2024-04-15', completed_on: '2024-04-15' }),
					assessment({ assessment_id: 'a3', child_id: K3, started_on: '2024-02-22', completed_on: '2024-04-30' })
				],
				info_requests: [
					request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-04-10 10:00:00', responded_at: '2024-04-11 10:00:00' }),
					request({ request_id: 'q2', child_id: K3, requesting_agency_code: 'HLT', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-04-20 10:00:00' })
				]
			})
		);
	});
	afterAll(async () => t.dispose());

	it('every count is from the warehouse, and none from 1 to 5 is shown', async () => {
		const view = presentResponse(await responsePage(t.warehouse, { from: '2024-04-01', to: '2024-04-30' }), POLICY);
		expect(figure(view, 'assessment_45wd_pct')).toEqual({ value: C, numerator: C, denominator: C });
		expect(figure(view, 'assessment_median_wd').value).toEqual(C);
		expect(view.durations!.within).toEqual(C);
		expect(view.durations!.bins.filter((b) => b.count.symbol === 'c').map((b) => b.label)).toEqual(['0–5', '46–60']);
		expect(view.requests.responders.map((r) => r.agency)).toEqual(['HLT', 'POL']);
		expect(view.requests.total.all).toEqual({ answered: C, requests: C, share: C });
		expect(shownCounts(view).length).toBeGreaterThan(20);
		expect(smallCounts(view)).toEqual([]);
	});
});
