/**
 * Figures on the pages equal the command line's for the same filters, after suppression:
 * every figure a page shows as a number is the command line's value in the metric's unit;
 * a figure the page withholds (c) is one the policy may withhold.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';
import { cliMetrics, expectedText, type CliFilters } from './expected.ts';
import type { MetricKey } from '../../src/lib/server/metrics/keys.ts';

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
async function shownFilters(): Promise<CliFilters> {
	const from = await page.locator('#filter-from').inputValue();
	const to = await page.locator('#filter-to').inputValue();
	const area = (await page.locator('#filter-area').inputValue()) || null;
	const agency = (await page.locator('#filter-agency').inputValue()) || null;
	return { from, to, area, agency };
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
	const cli = await cliMetrics(filters);
	const figures = await headlineFigures();
	expect(figures.size).toBeGreaterThan(0);
	let compared = 0;
	for (const [key, text] of figures) {
		const expected = expectedText(key, cli[key]);
		if (text === 'c') {
			// Withheld: the command line's count is small, or the page protects a breakdown beside it.
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

	it('on Escalation for a financial year, and Audits over custom dates', async () => {
		await page.goto(`${inject('baseURL')}/escalation`);
		const fy = await page.locator('#filter-period option[value^="fy:"]').first().getAttribute('value');
		expect(await compare('/escalation', `?period=${fy}`, 'figures-escalation-fy')).toBeGreaterThanOrEqual(2);
		// Audits are few (some 50 a year in the test's small demo): compare over all the years of data.
		expect(await compare('/audits', '?from=2020-01-01&to=2030-12-31', 'figures-audits-all')).toBeGreaterThanOrEqual(1);
	});

	it('on a metric page, under an area filter and for a quarter', async () => {
		await page.goto(`${inject('baseURL')}/metrics/referrals_per_10k`);
		const area = await page.locator('#filter-area option').nth(2).getAttribute('value');
		expect(await compare('/metrics/referrals_per_10k', `?area=${area}`, 'figures-metric-area')).toBe(1);
		const quarter = await page.locator('#filter-period option[value^="q:"]').nth(1).getAttribute('value');
		expect(await compare('/metrics/contacts_per_10k', `?period=${quarter}`, 'figures-metric-quarter')).toBe(1);
	});

	it('on Local need, under an area filter', async () => {
		await page.goto(`${inject('baseURL')}/need`);
		const area = await page.locator('#filter-area option').nth(1).getAttribute('value');
		expect(await compare('/need', `?area=${area}`, 'figures-need-area')).toBeGreaterThanOrEqual(1);
	});
});
