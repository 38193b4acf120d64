/**
 * Figures on the pages equal the command line's for the same filters, after suppression:
 * the filter bar shows the filters asked for; every figure a page shows as a number is the
 * command line's value in the metric's unit; a figure the page withholds (c) has a count from
 * 1 to the threshold, or is held to a table that suppresses one.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';
import { cliMetrics, expectedText, type CliFilters } from './expected.ts';
import { computeMetrics } from '../../src/lib/server/metrics/compute.ts';
import type { MetricKey } from '../../src/lib/server/metrics/keys.ts';
import { REGISTRY } from '../../src/lib/server/metrics/registry.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';

let context: BrowserContext;
let page: Page;
beforeAll(async () => {
	context = await launch();
	page = await context.newPage();
});
afterAll(async () => {
	await context?.close();
});

/** The period and filters a page says it shows (the filter bar's own reading of the URL). */
async function shownFilters(): Promise<CliFilters & { period: string }> {
	const period = await page.locator('#filter-period').inputValue();
	// The period's dates, as the note under the filter bar gives them (a viewer has no date fields: fixed periods only).
	const from = (await page.locator('.period-note').getAttribute('data-from')) ?? '';
	const to = (await page.locator('.period-note').getAttribute('data-to')) ?? '';
	const area = (await page.locator('#filter-area').inputValue()) || null;
	const agency = (await page.locator('#filter-agency').inputValue()) || null;
	return { period, from, to, area, agency };
}

/**
 * What the filter bar must show for a query: the period preset asked for (custom when only
 * dates are given), its dates when the query fixes them, and the area and agency asked for.
 * So a filter the page dropped, or read wrongly, fails the test.
 */
function askedFilters(query: string): { period: string; from: string | null; to: string | null; area: string | null; agency: string | null } {
	const q = new URLSearchParams(query);
	const period = q.get('period') ?? (q.get('from') || q.get('to') ? 'custom' : 'last12');
	let from = q.get('from');
	let to = q.get('to');
	const fy = /^fy:(\d{4})$/.exec(period);
	if (fy) [from, to] = [`${fy[1]}-04-01`, `${Number(fy[1]) + 1}-03-31`];
	const month = /^m:(\d{4})-(\d{2})$/.exec(period);
	if (month) [from, to] = [`${month[1]}-${month[2]}-01`, new Date(Date.UTC(Number(month[1]), Number(month[2]), 0)).toISOString().slice(0, 10)];
	const quarter = /^q:(\d{4})-Q([1-4])$/.exec(period);
	if (quarter) {
		const [y, n] = [Number(quarter[1]), Number(quarter[2])];
		from = `${y}-${String(n * 3 - 2).padStart(2, '0')}-01`;
		to = new Date(Date.UTC(y, n * 3, 0)).toISOString().slice(0, 10);
	}
	return { period, from, to, area: q.get('area'), agency: q.get('agency') };
}

/** The disclosure threshold the page says is in force ("Counts from 1 to 5 are suppressed"). */
async function shownThreshold(): Promise<number> {
	const note = (await page.locator('.period-note').textContent()) ?? '';
	const match = /Counts from 1 to (\d+) are suppressed/.exec(note);
	expect(match, `no threshold in the note: ${note}`).not.toBeNull();
	return Number(match![1]);
}

/**
 * Headline figures that a page holds to a table shown beside them (present/need.ts,
 * present/meetings.ts): shown as `c` when that table had to suppress a count they would give
 * away, whatever their own counts. Escalation's and Audits' headlines are never held: they are
 * the metrics' own figures, as the API gives them, and their tables are protected against them.
 */
const HELD_TO_A_TABLE: Partial<Record<MetricKey, string>> = {
	multi_agency_children_pct: 'withheld beside the table of agencies sharing children and the children by number of agencies',
	children_known_3plus_agencies: 'withheld beside the table of agencies sharing children and the children by number of agencies',
	contact_conversion_pct: 'held to the tables of contacts by outcome, with the contact counts beside them',
	cp_meeting_partner_attendance_pct: 'held to the tables of invitations by agency (with those not attended)',
	icpc_partner_attendance_pct: 'held to the tables of invitations by agency and meeting type',
	conference_reports_pct: 'held to the table of reports by agency'
};

/** The count of each count field of a metric (for a median, how many values it is the median of). */
async function countsOf(key: MetricKey, m: { value: number | null; numerator: number | null; denominator: number | null }, f: CliFilters): Promise<(number | null)[]> {
	const kind = REGISTRY[key].kind;
	if (kind === 'ratio') return [m.numerator, m.denominator];
	if (kind === 'per_10k') return [m.numerator];
	if (kind === 'count') return [m.value];
	// The command line does not print how many values a median has: the same computation it runs.
	const w = await openWarehouse(inject('cliWarehouse'));
	try {
		const result = await computeMetrics(w, { from: f.from, to: f.to, area: f.area ?? null, agency: f.agency ?? null });
		if (result.by !== null) throw new Error('a whole result was asked for');
		return [result.metrics[key].n];
	} finally {
		await w.close();
	}
}

/** Each headline figure of the page (marked `data-metric`): its first word, by metric. */
async function headlineFigures(): Promise<Map<MetricKey, string>> {
	const out = new Map<MetricKey, string>();
	for (const el of await page.locator('[data-metric]').all()) {
		const key = (await el.getAttribute('data-metric')) as MetricKey;
		out.set(key, (await el.innerText()).trim().split(/\s+/)[0]);
	}
	return out;
}

async function compare(path: string, query: string, name: string): Promise<number> {
	const response = await page.goto(`${inject('baseURL')}${path}${query}`);
	expect(response?.status()).toBe(200);
	await page.screenshot({ path: screenshotPath(name), fullPage: true });
	const filters = await shownFilters();
	// The filter bar shows exactly what was asked for.
	const asked = askedFilters(query);
	expect({ period: filters.period, area: filters.area, agency: filters.agency }, `${path}${query}: the filter bar`).toEqual({
		period: asked.period,
		area: asked.area,
		agency: asked.agency
	});
	if (asked.from !== null) expect(filters.from, `${path}${query}: from`).toBe(asked.from);
	if (asked.to !== null) expect(filters.to, `${path}${query}: to`).toBe(asked.to);
	const threshold = await shownThreshold();
	const cli = await cliMetrics(filters);
	const figures = await headlineFigures();
	expect(figures.size).toBeGreaterThan(0);
	let compared = 0;
	for (const [key, text] of figures) {
		const expected = expectedText(key, cli[key]);
		if (text === 'c') {
			// Withheld: one of the command line's counts is from 1 to the threshold, or (a figure held to a
			// table beside it) that table suppresses a count the figure would give away.
			const counts = await countsOf(key, cli[key], filters);
			const small = counts.some((n) => n !== null && n >= 1 && n <= threshold);
			if (!small) {
				expect(HELD_TO_A_TABLE[key], `${path}${query} ${key}: shown as c, but its counts ${JSON.stringify(counts)} are not from 1 to ${threshold}`).toBeDefined();
				const suppressedCells = await page.locator('table abbr').filter({ hasText: /^c$/ }).count();
				expect(suppressedCells, `${path}${query} ${key}: ${HELD_TO_A_TABLE[key]}, but no table shows a c`).toBeGreaterThan(0);
			}
			continue;
		}
		expect(text, `${path}${query} ${key}`).toBe(expected);
		compared++;
	}
	return compared;
}

describe('figures equal the command line after suppression', () => {
	it('on Response times, for the last 12 months and under an agency filter', async () => {
		expect(await compare('/response', '', 'figures-response')).toBeGreaterThanOrEqual(4);
		await page.goto(`${inject('baseURL')}/response`);
		const agency = await page.locator('#filter-agency option').nth(1).getAttribute('value');
		expect(await compare('/response', `?agency=${agency}`, 'figures-response-agency')).toBeGreaterThanOrEqual(1);
	});

	it('on Escalation for a financial year, Response times for a month, and Audits for a financial year', async () => {
		await page.goto(`${inject('baseURL')}/escalation`);
		const fy = await page.locator('#filter-period option[value^="fy:"]').first().getAttribute('value');
		expect(await compare('/escalation', `?period=${fy}`, 'figures-escalation-fy')).toBeGreaterThanOrEqual(2);
		// A month of the test's small demo: escalations are then all small; referrals and requests are not.
		const month = await page.locator('#filter-period option[value^="m:"]').nth(1).getAttribute('value');
		expect(await compare('/response', `?period=${month}`, 'figures-response-month')).toBeGreaterThanOrEqual(1);
		// Audits are few (some 50 a year in the test's small demo): the latest whole financial year.
		const years = await page.locator('#filter-period option[value^="fy:"]').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
		expect(await compare('/audits', `?period=${years[1] ?? years[0]}`, 'figures-audits-fy')).toBeGreaterThanOrEqual(1);
	});

	it('on a metric page, under an area filter and for a quarter', async () => {
		await page.goto(`${inject('baseURL')}/metrics/referrals_per_10k`);
		const area = await page.locator('#filter-area option').nth(2).getAttribute('value');
		expect(await compare('/metrics/referrals_per_10k', `?area=${area}`, 'figures-metric-area')).toBe(1);
		const quarter = await page.locator('#filter-period option[value^="q:"]').nth(1).getAttribute('value');
		expect(await compare('/metrics/contacts_per_10k', `?period=${quarter}`, 'figures-metric-quarter')).toBe(1);
	});

	it('on Meetings, for the last 12 months and under an area filter', async () => {
		expect(await compare('/meetings', '', 'figures-meetings')).toBeGreaterThanOrEqual(2);
		await page.goto(`${inject('baseURL')}/meetings`);
		const area = await page.locator('#filter-area option').nth(1).getAttribute('value');
		expect(await compare('/meetings', `?area=${area}`, 'figures-meetings-area')).toBeGreaterThanOrEqual(1);
	});

	it('on Local need, under an area filter and under an agency filter', async () => {
		await page.goto(`${inject('baseURL')}/need`);
		const area = await page.locator('#filter-area option').nth(1).getAttribute('value');
		expect(await compare('/need', `?area=${area}`, 'figures-need-area')).toBeGreaterThanOrEqual(1);
		const agency = await page.locator('#filter-agency option').nth(1).getAttribute('value');
		expect(await compare('/need', `?agency=${agency}`, 'figures-need-agency')).toBeGreaterThanOrEqual(1);
	});
});
