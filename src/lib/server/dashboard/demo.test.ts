/**
 * Every page over a small generated demo partnership (2,000 children, 2 years to 31 March
 * 2025), imported with its priorities and benchmarks: each returns plain JSON, with data,
 * and the tables' totals agree with the metrics they stand beside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.ts';
import type { CountTable } from '../disclosure/types.ts';
import { importExtract } from '../import/import.ts';
import { METRIC_KEYS } from '../metrics/keys.ts';
import { importSettings } from '../settings/settings.ts';
import { openWarehouse, type Warehouse } from '../warehouse/warehouse.ts';
import { auditsPage } from './audits.ts';
import { dataPage } from './data.ts';
import { escalationPage } from './escalation.ts';
import { filterOptions, type FilterOptions } from './filters.ts';
import { metricPage } from './metric.ts';
import { needPage, NEED_DIMENSIONS } from './need.ts';
import { overviewPage } from './overview.ts';
import { resolvePeriod, type ResolvedPeriod } from './period.ts';
import { responsePage } from './response.ts';
import { meetingsPage } from './meetings.ts';
import { driftPanel } from './drift.ts';
import { metricInfo } from './metrics.ts';
import { computeMetrics } from '../metrics/compute.ts';
import { policyFrom, suppressGroups, suppressMetricSet } from '../disclosure/index.ts';
import type { DisclosurePolicy } from '../disclosure/types.ts';
import type { DashboardQuery } from './query.ts';
import { presentAudits } from '../present/audits.ts';
import { presentData } from '../present/data.ts';
import { presentDrift } from '../present/drift.ts';
import { presentEscalation } from '../present/escalation.ts';
import { presentMeetings } from '../present/meetings.ts';
import { parseBreakdowns, presentMetric } from '../present/metric.ts';
import { presentNeed } from '../present/need.ts';
import { presentOverview } from '../present/overview.ts';
import { presentResponse } from '../present/response.ts';

const END = '2025-03-31';

let root: string;
let warehouse: Warehouse;
let options: FilterOptions;
let period: ResolvedPeriod;

/** Sum of every cell (or of one column). */
function sum(table: CountTable, column?: string): number {
	const j = column === undefined ? null : table.columns.indexOf(column);
	return table.counts.reduce((s, row) => s + row.reduce<number>((r, n, k) => r + (j === null || k === j ? (n ?? 0) : 0), 0), 0);
}

/** Plain JSON: nothing lost or changed by a round trip (no Date, BigInt, undefined or NaN). */
function expectJson(value: unknown): void {
	expect(JSON.parse(JSON.stringify(value))).toStrictEqual(value);
}

beforeAll(async () => {
	root = mkdtempSync(path.join(os.tmpdir(), 'fp-dashboard-demo-'));
	const generated = await generateDemo({ outDir: path.join(root, 'demo'), children: 2000, years: 2, seed: 1, end: END, threads: 2 });
	warehouse = await openWarehouse(path.join(root, 'w.duckdb'), { create: true });
	const report = await importExtract(warehouse, generated.extractDir, { actor: 'test' });
	if (report.status !== 'committed') throw new Error(JSON.stringify(report.errors));
	for (const [table, file] of [
		['priorities', generated.prioritiesFile],
		['benchmarks', generated.benchmarksFile]
	] as const) {
		const r = await importSettings(warehouse, table, file);
		if (r.status !== 'committed') throw new Error(JSON.stringify(r.errors));
	}
	options = await filterOptions(warehouse);
	period = resolvePeriod({ preset: 'last12' }, options.lastEventDate, END);
});

afterAll(async () => {
	await warehouse?.close();
	if (root) rmSync(root, { recursive: true, force: true });
});

describe('over the demo partnership', () => {
	it('filter options and the last 12 months', () => {
		expect(options.areas.length).toBeGreaterThan(1);
		expect(options.agencies.length).toBeGreaterThan(5);
		expect(options.lastEventDate! >= END).toBe(true);
		expect(period).toMatchObject({ months: 12 });
		expectJson(options);
	});

	it('overview: every priority not retired, with figures, trends and changes', async () => {
		const page = await overviewPage(warehouse, { today: '2025-04-05' });
		expectJson(page);
		expect(page.priorities.length).toBeGreaterThan(3);
		for (const p of page.priorities) {
			expect(p.period).not.toBeNull();
			expect(p.status).not.toBe('no_data');
			expect(p.trend?.points).toHaveLength(24);
		}
		// The demo's data start 6 months before its 2 years: only the 12-month priority has a previous period with data.
		expect(page.priorities.filter((p) => p.change !== null).map((p) => p.priority.metric)).toEqual(['assessment_45wd_pct']);
		expect(page.priorities.some((p) => p.benchmarks.length > 0)).toBe(true);
	});

	it('need: rates, counts and overlap, the counts adding up to the rates\' numerators', async () => {
		const page = await needPage(warehouse, period);
		expectJson(page);
		expect(page.totals.referrals.numerator).toBeGreaterThan(100);
		expect(page.areas.every((a) => a.rank !== null)).toBe(true);
		for (const d of NEED_DIMENSIONS.filter((d) => d !== 'concern')) {
			expect(sum(page.breakdowns[d], 'contacts')).toBe(page.totals.contacts.numerator);
			expect(sum(page.breakdowns[d], 'referrals')).toBe(page.totals.referrals.numerator);
		}
		expect(sum(page.breakdowns.concern)).toBeGreaterThan(0);
		expect(page.trend).toHaveLength(12);
		const o = page.multiAgency.overlap;
		expect(o.rows.length).toBeGreaterThan(2);
		// The diagonal counts children with at least that agency; the children with any are the metric's denominator.
		expect(Math.max(...o.rows.map((_, i) => o.counts[i][i] ?? 0))).toBeLessThanOrEqual(page.multiAgency.figure.denominator!);
		// Children by number of agencies: the figure's and the 3-plus count's children.
		const [one, two, three, four] = page.multiAgency.byCount.map((g) => g.children);
		expect([one + two + three + four, two + three + four, three + four]).toEqual([
			page.multiAgency.figure.denominator,
			page.multiAgency.figure.numerator,
			page.multiAgency.threePlus.value
		]);
		expect(four).toBeGreaterThan(0);
		// Contacts by outcome: the referral column and the decided ones are the conversion's counts.
		const { bySector, byAgency, figure } = page.conversion;
		const decided = (t: typeof bySector) => [0, 1, 2, 3].reduce((a, c) => a + sum(t, t.columns[c]), 0);
		expect([sum(bySector, 'referral'), decided(bySector)]).toEqual([figure.numerator, figure.denominator]);
		expect(decided(bySector) + sum(bySector, 'undecided')).toBe(page.totals.contacts.numerator);
		expect(decided(byAgency)).toBeLessThanOrEqual(decided(bySector));
		expect(byAgency.rows.every((a) => page.conversion.agencySectors[a] !== undefined)).toBe(true);
	});

	it('response: the distributions add up to the metrics', async () => {
		const page = await responsePage(warehouse, period);
		expectJson(page);
		const d = page.assessmentDurations!;
		expect(sum(d)).toBe(page.figures.assessment_45wd_pct.denominator);
		expect(d.counts.slice(0, 9).reduce((s, r) => s + (r[0] ?? 0), 0)).toBe(page.figures.assessment_45wd_pct.numerator);
		expect(sum(page.requestsByResponder.requests)).toBe(page.figures.info_request_on_time_pct.denominator);
		expect(sum(page.requestsByResponder.answered)).toBe(page.figures.info_request_on_time_pct.numerator);
		expect(page.figures.info_request_on_time_pct.denominator).toBeGreaterThan(0);
		expect(sum(page.requestsByResponder.acknowledged)).toBe(page.figures.info_request_ack_1wd_pct.numerator);
		expect(page.figures.info_request_ack_1wd_pct.denominator).toBe(page.figures.info_request_on_time_pct.denominator);
		expect(sum(page.overdueAtEnd)).toBe(page.figures.info_requests_overdue_at_end.value);
	});

	it('escalation: the tables add up to the metrics', async () => {
		const page = await escalationPage(warehouse, period);
		expectJson(page);
		const raised = page.figures.escalations_per_100_referrals.numerator;
		expect(raised).toBeGreaterThan(0);
		expect(sum(page.stageByCategory)).toBe(raised);
		expect(sum(page.stageByCategory, '3') + sum(page.stageByCategory, '4')).toBe(page.figures.escalations_stage3_pct.numerator);
		expect(sum(page.between)).toBe(raised);
		expect(sum(page.resolutionDays)).toBe(page.figures.escalation_resolution_median_days.n);
		const agreed = page.figures.escalations_agreed_pct;
		expect(agreed.denominator).toBeGreaterThan(0);
		expect(sum(page.outcomeByCategory)).toBe(agreed.denominator);
		expect(sum(page.outcomeByPair.table)).toBe(agreed.denominator);
		expect(sum(page.outcomeByCategory, 'agreed') + sum(page.outcomeByCategory, 'plan_changed')).toBe(agreed.numerator);
	});

	it('audits: the tables add up to the metrics', async () => {
		const page = await auditsPage(warehouse, period);
		expectJson(page);
		expect(sum(page.gradesByMonth!)).toBe(page.figures.audits_good_or_better_pct.denominator);
		expect(sum(page.gradesByTheme!)).toBe(page.figures.audits_good_or_better_pct.denominator);
		expect(sum(page.gradesByMonth!, 'outstanding') + sum(page.gradesByMonth!, 'good')).toBe(page.figures.audits_good_or_better_pct.numerator);
		expect(sum(page.actions)).toBe(page.figures.audit_actions_on_time_pct.denominator);
		expect(sum(page.actions, 'on_time')).toBe(page.figures.audit_actions_on_time_pct.numerator);
		expect(sum(page.findings.findings)).toBeGreaterThan(0);
		expect(sum(page.findings.goodOrBetter)).toBeLessThanOrEqual(sum(page.findings.findings));
	});

	it('metric: every metric, and every breakdown of one', async () => {
		for (const key of METRIC_KEYS) {
			const page = await metricPage(warehouse, key, period, { by: [] });
			expectJson(page);
			expect(page.series.points).toHaveLength(24);
			expect(page.figure.status).toBe('ok');
		}
		const page = await metricPage(warehouse, 'referrals_per_10k', period);
		expect(page.breakdowns.map((b) => b.by)).toEqual(['area', 'sector', 'agency', 'concern']);
		expect(page.benchmarks.length).toBeGreaterThan(0);
		expect(page.benchmarks.every((b) => b.comparable)).toBe(true); // financial years against a 12-month period
	});

	it('filtered pages: an area, an agency, a sector', async () => {
		const area = options.areas[0].code;
		const agency = options.agencies.find((a) => a.sector === 'police')!.code;
		for (const filters of [{ area }, { agency }, { sector: 'health' as const }, { area, agency }]) {
			const q = { ...period, ...filters };
			for (const page of await Promise.all([needPage(warehouse, q), responsePage(warehouse, q), escalationPage(warehouse, q), auditsPage(warehouse, q)])) {
				expectJson(page);
				expect(page.filters).toMatchObject(filters);
			}
		}
	});

	it('data: every supplier\'s tables, with dates', async () => {
		const page = await dataPage(warehouse);
		expectJson(page);
		expect(page.batches).toHaveLength(1);
		expect(page.freshness.length).toBeGreaterThan(10);
		expect(page.freshness.every((f) => f.supplied_by === 'partnership' && f.extracted_on === '2025-04-04')).toBe(true);
		expect(page.freshness.find((f) => f.table === 'contacts')?.latest_event_on).toBe(END);
	});

	// Under a deployment's policy every shown count is perturbed by its own cell key: none may reach disclosure control without one.
	const pages: Record<string, (q: DashboardQuery, policy: DisclosurePolicy) => Promise<unknown>> = {
		need: async (q, policy) => presentNeed(await needPage(warehouse, q), policy),
		response: async (q, policy) => presentResponse(await responsePage(warehouse, q), policy),
		escalation: async (q, policy) => presentEscalation(await escalationPage(warehouse, q), policy, { benchmarks: [], agencies: options.agencies }),
		meetings: async (q, policy) => presentMeetings(await meetingsPage(warehouse, q), policy, { benchmarks: [], agencies: options.agencies }),
		audits: async (q, policy) => presentAudits(await auditsPage(warehouse, q), policy, { benchmarks: [], agencies: options.agencies }),
		metrics: async (q, policy) => {
			const out = [];
			for (const key of METRIC_KEYS) {
				const by = parseBreakdowns(metricInfo(key), [], { area: q.area ?? null, agency: q.agency ?? null });
				out.push(presentMetric(await metricPage(warehouse, key, q, { by: by.shown }), policy, by));
			}
			return out;
		},
		api: async (query, policy) => {
			const q = { from: query.from, to: query.to, area: query.area, agency: query.agency };
			const whole = await computeMetrics(warehouse, q);
			if (whole.by !== null) throw new Error('expected the whole');
			const out: unknown[] = [suppressMetricSet(whole.metrics, policy)];
			for (const by of ['area', 'agency', 'sector', 'concern', 'month'] as const) {
				const grouped = await computeMetrics(warehouse, { ...q, by });
				if (grouped.by === null) throw new Error('expected groups');
				out.push(suppressGroups(grouped, whole, policy));
			}
			return out;
		},
		overview: async (_q, policy) => presentOverview(await overviewPage(warehouse, { today: '2025-04-05' }), policy),
		drift: async (_q, policy) => {
			const drift = await driftPanel(warehouse, { today: '2025-04-05' });
			return drift && presentDrift(drift, policy);
		},
		data: async (_q, policy) => presentData(await dataPage(warehouse), policy)
	};
	it.each(Object.keys(pages))("%s under a deployment's policy (the cell key method): every count shown with its own cell key", async (name) => {
		for (const policy of [policyFrom({}), policyFrom({ profile: 'publication' })]) {
			expect(policy.cellKey).toBe(true);
			for (const filters of [{}, { area: options.areas[0].code }]) {
				expectJson(await pages[name]({ ...period, area: null, agency: null, ...filters }, policy));
			}
		}
	});

	it('consistency under the cell key method: the same rows give the same shown count, however they were reached (fast-check over filters)', async () => {
		const policy = policyFrom({});
		const area = options.areas[0].code;
		const agency = options.agencies.find((a) => a.sector === 'police')!.code;
		// Counts whose rows a month, an area or an agency picks out alike, from every kind of metric.
		const COUNTS = [
			['referrals_per_10k', 'numerator'],
			['contacts_per_10k', 'numerator'],
			['referral_decision_1wd_pct', 'denominator'],
			['re_referrals_12m_pct', 'numerator'],
			['escalations_per_100_referrals', 'numerator']
		] as const;
		const monthEnd = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
		// The financial year 2024-25 of the demo (it ends on 31 March 2025).
		const year = { from: '2024-04-01', to: '2025-03-31' };
		const months = [...Array(12).keys()].map((i) => new Date(Date.UTC(2024, 3 + i, 1)).toISOString().slice(0, 7));
		let compared = 0;
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...months), fc.constantFrom<{ area: string | null; agency: string | null }>({ area: null, agency: null }, { area, agency: null }, { area: null, agency }), async (month, f) => {
				const alone = await computeMetrics(warehouse, { from: `${month}-01`, to: monthEnd(month), ...f });
				const again = await computeMetrics(warehouse, { from: `${month}-01`, to: monthEnd(month), ...f });
				const whole = await computeMetrics(warehouse, { ...year, ...f });
				const byMonth = await computeMetrics(warehouse, { ...year, ...f, by: 'month' });
				if (alone.by !== null || again.by !== null || whole.by !== null || byMonth.by !== 'month') throw new Error('unexpected shapes');
				const shownAlone = suppressMetricSet(alone.metrics, policy);
				// The same view twice: the same figures.
				expect(suppressMetricSet(again.metrics, policy)).toEqual(shownAlone);
				// The month as the period, and the month's point of the year's chart.
				const point = suppressGroups(byMonth, whole, policy).groups.find((g) => g.group === month)!;
				for (const [key, field] of COUNTS) {
					const a = shownAlone[key][field];
					const b = point.metrics[key][field];
					if (a.symbol === null && b.symbol === null) {
						expect(b.value, `${key} ${field} ${month} ${JSON.stringify(f)}`).toBe(a.value);
						compared++;
					}
				}
				// One agency reached by its filter, and as its group of the breakdown by agency.
				if (f.agency === null && f.area === null) {
					const byAgency = await computeMetrics(warehouse, { from: `${month}-01`, to: monthEnd(month), by: 'agency' });
					const filtered = await computeMetrics(warehouse, { from: `${month}-01`, to: monthEnd(month), agency });
					if (byAgency.by !== 'agency' || filtered.by !== null) throw new Error('unexpected shapes');
					const group = suppressGroups(byAgency, alone, policy).groups.find((g) => g.group === agency);
					const alone2 = suppressMetricSet(filtered.metrics, policy);
					for (const key of ['escalations_per_100_referrals', 'info_request_on_time_pct'] as const) {
						const a = alone2[key].numerator;
						const b = group?.metrics[key].numerator;
						if (b && a.symbol === null && b.symbol === null) expect(b.value, `${key} ${agency} ${month}`).toBe(a.value);
					}
				}
			}),
			{ numRuns: 8, seed: 42 }
		);
		expect(compared).toBeGreaterThan(20);
	});

	it("the partnership's contacts and referrals on Local need are the same numbers as on their metrics' pages", async () => {
		const policy = policyFrom({});
		const q = { ...period, area: null, agency: null };
		const need = presentNeed(await needPage(warehouse, q), policy);
		for (const key of ['contacts_per_10k', 'referrals_per_10k'] as const) {
			const by = parseBreakdowns(metricInfo(key), [], { area: null, agency: null });
			const metric = presentMetric(await metricPage(warehouse, key, q, { by: by.shown }), policy, by);
			const onNeed = key === 'contacts_per_10k' ? need.totals.contacts : need.totals.referrals;
			expect(onNeed.numerator, key).toEqual(metric.figure.numerator);
			expect(onNeed.numerator.symbol).toBeNull();
		}
	});
});
