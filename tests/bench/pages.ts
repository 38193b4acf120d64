/**
 * The pages the bench measures, each with its data function (what its route's load runs,
 * called directly: the route files import SvelteKit), and the filter sets it measures them
 * under. A page added to the dashboard is added to BENCH_PAGES, in one place.
 *
 * A dashboard page's request runs the (app) layout's load (filterOptions and parseFilters)
 * and the page's load: side by side, unless the page awaits `parent()` for the filters (all
 * but the overview and the data page do), as SvelteKit runs them. /api/metrics has no layout:
 * it reads the options and parses the filters itself, and answers JSON.
 */
import { auditsPage } from '../../src/lib/server/dashboard/audits.ts';
import { dataPage } from '../../src/lib/server/dashboard/data.ts';
import { driftPanel } from '../../src/lib/server/dashboard/drift.ts';
import { escalationPage } from '../../src/lib/server/dashboard/escalation.ts';
import { filterOptions, type FilterOptions } from '../../src/lib/server/dashboard/filters.ts';
import { meetingsPage } from '../../src/lib/server/dashboard/meetings.ts';
import { metricPage } from '../../src/lib/server/dashboard/metric.ts';
import { metricInfo } from '../../src/lib/server/dashboard/metrics.ts';
import { needPage } from '../../src/lib/server/dashboard/need.ts';
import { overviewPage } from '../../src/lib/server/dashboard/overview.ts';
import { responsePage } from '../../src/lib/server/dashboard/response.ts';
import { benchmarksFor } from '../../src/lib/server/dashboard/settings.ts';
import { policyFrom, suppressMetricSet } from '../../src/lib/server/disclosure/index.ts';
import type { DisclosurePolicy } from '../../src/lib/server/disclosure/types.ts';
import { filterSearch, parseFilters, type Filters } from '../../src/lib/server/http/filters.ts';
import { computeMetrics } from '../../src/lib/server/metrics/compute.ts';
import { METRIC_KEYS, METRICS_VERSION, type MetricKey } from '../../src/lib/server/metrics/keys.ts';
import { presentAudits } from '../../src/lib/server/present/audits.ts';
import { presentData } from '../../src/lib/server/present/data.ts';
import { presentDrift } from '../../src/lib/server/present/drift.ts';
import { presentEscalation } from '../../src/lib/server/present/escalation.ts';
import { presentMeetings } from '../../src/lib/server/present/meetings.ts';
import { parseBreakdowns, presentMetric } from '../../src/lib/server/present/metric.ts';
import { presentNeed } from '../../src/lib/server/present/need.ts';
import { presentOverview } from '../../src/lib/server/present/overview.ts';
import { presentResponse } from '../../src/lib/server/present/response.ts';
import { prng } from '../../src/lib/server/testing/random.ts';
import type { Warehouse } from '../../src/lib/server/warehouse/warehouse.ts';

/** What a page's data function is given: the warehouse, the request's disclosure policy and the URL's parameters. */
export interface PageContext {
	warehouse: Warehouse;
	policy: DisclosurePolicy;
	search: URLSearchParams;
}

export interface BenchPage {
	/** The URL's path. */
	path: string;
	/** What the route's load (or the endpoint) computes for a request, after disclosure control. */
	data: (ctx: PageContext) => Promise<unknown>;
}

/**
 * The policy of a person who is not an analyst in the unsuppressed view: the server's
 * (src/lib/server/http/policy.ts serverPolicy, with DISCLOSURE_THRESHOLD from the environment
 * as SvelteKit's $env would give it).
 */
export function viewerPolicy(): DisclosurePolicy {
	return policyFrom({ threshold: process.env.DISCLOSURE_THRESHOLD ?? null, profile: 'dashboard' });
}

interface LayoutData {
	filters: Filters & { search: string };
	options: FilterOptions;
}

/** src/routes/(app)/+layout.server.ts: the filter bar's options and the URL's filters (fixed periods only). */
async function layout(ctx: PageContext): Promise<LayoutData> {
	const options = await filterOptions(ctx.warehouse);
	const filters = parseFilters(ctx.search, options, { customDates: false });
	return { filters: { ...filters, search: filterSearch(filters) }, options };
}

/** A dashboard page: its load after the layout's (`parent()` awaited) or beside it. */
function dashboardPage(path: string, load: (ctx: PageContext, parent: () => Promise<LayoutData>) => Promise<unknown>, awaitsParent = true): BenchPage {
	return {
		path,
		async data(ctx) {
			const parent = layout(ctx);
			if (awaitsParent) return { layout: await parent, page: await load(ctx, () => parent) };
			const [l, page] = await Promise.all([parent, load(ctx, () => parent)]);
			return { layout: l, page };
		}
	};
}

const periodOf = (f: Filters) => ({ from: f.period.from, to: f.period.to });
const queryOf = (f: Filters) => ({ ...periodOf(f), area: f.area, agency: f.agency });

/** /metrics/<key>: src/routes/(app)/metrics/[key]/+page.server.ts, with the default breakdowns (no `by`). */
function metricBenchPage(key: MetricKey): BenchPage {
	return dashboardPage(`/metrics/${key}`, async (ctx, parent) => {
		const info = metricInfo(key);
		const { filters } = await parent();
		const by = parseBreakdowns(info, ctx.search.getAll('by'), filters);
		const data = await metricPage(ctx.warehouse, key, queryOf(filters), { by: by.shown });
		return { view: presentMetric(data, ctx.policy, by), byAsked: by.asked, threshold: ctx.policy.threshold };
	});
}

/** src/routes/api/metrics/+server.ts without `by`: every metric for the filters, suppressed, as the JSON text it sends. */
const apiMetrics: BenchPage = {
	path: '/api/metrics',
	async data(ctx) {
		const filters = parseFilters(ctx.search, await filterOptions(ctx.warehouse), { customDates: false });
		const q = queryOf(filters);
		return ctx.warehouse.snapshot(async (view) => {
			const whole = await computeMetrics(view, q);
			if (whole.by !== null) throw new Error('unexpected breakdown');
			const disclosure = { profile: ctx.policy.profile, threshold: ctx.policy.threshold };
			const head = { period: whole.period, filters: whole.filters, metrics_version: METRICS_VERSION, disclosure };
			return JSON.stringify({ ...head, metrics: suppressMetricSet(whole.metrics, ctx.policy) });
		});
	}
};

/** Every page the bench measures. */
export const BENCH_PAGES: readonly BenchPage[] = [
	dashboardPage(
		'/',
		async (ctx) => {
			const [overview, drift] = await Promise.all([overviewPage(ctx.warehouse), driftPanel(ctx.warehouse)]);
			return { ...presentOverview(overview, ctx.policy), drift: drift && presentDrift(drift, ctx.policy) };
		},
		false
	),
	dashboardPage('/need', async (ctx, parent) => {
		const { filters } = await parent();
		const [data, benchmarks] = await Promise.all([needPage(ctx.warehouse, queryOf(filters)), benchmarksFor(ctx.warehouse, null, periodOf(filters))]);
		return presentNeed(data, ctx.policy, benchmarks);
	}),
	dashboardPage('/response', async (ctx, parent) => {
		const { filters } = await parent();
		const [data, benchmarks] = await Promise.all([responsePage(ctx.warehouse, queryOf(filters)), benchmarksFor(ctx.warehouse, null, periodOf(filters))]);
		return presentResponse(data, ctx.policy, benchmarks);
	}),
	dashboardPage('/escalation', async (ctx, parent) => {
		const { filters, options } = await parent();
		const [data, benchmarks] = await Promise.all([escalationPage(ctx.warehouse, queryOf(filters)), benchmarksFor(ctx.warehouse, null, periodOf(filters))]);
		return presentEscalation(data, ctx.policy, { benchmarks, agencies: options.agencies });
	}),
	dashboardPage('/meetings', async (ctx, parent) => {
		const { filters, options } = await parent();
		const [data, benchmarks] = await Promise.all([meetingsPage(ctx.warehouse, queryOf(filters)), benchmarksFor(ctx.warehouse, null, periodOf(filters))]);
		return presentMeetings(data, ctx.policy, { benchmarks, agencies: options.agencies });
	}),
	dashboardPage('/audits', async (ctx, parent) => {
		const { filters, options } = await parent();
		const [data, benchmarks] = await Promise.all([auditsPage(ctx.warehouse, queryOf(filters)), benchmarksFor(ctx.warehouse, null, periodOf(filters))]);
		return presentAudits(data, ctx.policy, { benchmarks, agencies: options.agencies });
	}),
	dashboardPage('/data', async (ctx) => presentData(await dataPage(ctx.warehouse), ctx.policy), false),
	...METRIC_KEYS.map(metricBenchPage),
	apiMetrics
];

// ---------------------------------------------------------------- filter sets

/** A page's filters as the URL carries them. */
export interface FilterSet {
	period: string;
	area: string | null;
	agency: string | null;
}

/**
 * The periods the filter sets draw from: fixed periods only (a viewer's), within the data
 * (three years to 2026-03-31): the last 12 months, financial years, calendar quarters and
 * months. WARM_UP's period is not among them, so no measured request repeats the warm-up's.
 */
const PERIODS = [
	'last12',
	'fy:2025',
	'fy:2024',
	'fy:2023',
	'q:2026-Q1',
	'q:2025-Q4',
	'q:2025-Q3',
	'q:2025-Q1',
	'q:2024-Q2',
	'q:2023-Q3',
	'm:2026-03',
	'm:2026-01',
	'm:2025-06',
	'm:2024-11',
	'm:2023-08'
] as const;

/** The filter set the servers and the data functions are warmed with, never measured. */
export const WARM_UP: FilterSet = { period: 'q:2024-Q4', area: null, agency: null };

const keyOf = (f: FilterSet) => `${f.period}|${f.area ?? ''}|${f.agency ?? ''}`;

/**
 * `n` different filter sets, the same every run for the same warehouse: the first is the
 * default page (the last 12 months, no area, no agency); the others a period each, about half
 * of them an area, about a third an agency (so some both, some neither).
 */
export function filterSets(options: Pick<FilterOptions, 'areas' | 'agencies'>, n: number): FilterSet[] {
	const areas = options.areas.map((a) => a.code).sort();
	const agencies = options.agencies.map((a) => a.code).sort();
	const room = PERIODS.length * (areas.length + 1) * (agencies.length + 1);
	if (n > room) throw new Error(`only ${room} different filter sets can be made from this warehouse (asked for ${n})`);
	const random = prng(12);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
	const sets: FilterSet[] = [{ period: 'last12', area: null, agency: null }];
	const seen = new Set([keyOf(sets[0]), keyOf(WARM_UP)]);
	while (sets.length < n) {
		// Every period in turn first, so that a small n still has them all.
		const period = sets.length < PERIODS.length ? PERIODS[sets.length] : pick(PERIODS);
		const area = areas.length > 0 && random() < 0.5 ? pick(areas) : null;
		const agency = agencies.length > 0 && random() < 0.35 ? pick(agencies) : null;
		const set = { period, area, agency };
		if (seen.has(keyOf(set))) continue;
		seen.add(keyOf(set));
		sets.push(set);
	}
	return sets;
}

/** The filter set as URL parameters. */
export function searchOf(f: FilterSet): URLSearchParams {
	const p = new URLSearchParams({ period: f.period });
	if (f.area) p.set('area', f.area);
	if (f.agency) p.set('agency', f.agency);
	return p;
}

/** A short label for progress lines. */
export const labelOf = (f: FilterSet) => [f.period, f.area && `area ${f.area}`, f.agency && `agency ${f.agency}`].filter(Boolean).join(', ');
