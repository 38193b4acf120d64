/**
 * metrics.md version 2's nine practice measures on their metric pages, as a viewer sees them:
 * each page answers, shows its figure as the command line computes it for the page's period
 * (suppressed), draws its SPC chart with a table, and offers the breakdowns the metric has.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';
import { cliMetrics, expectedText } from './expected.ts';
import { VERSION_2_KEYS } from '../../src/lib/server/metrics/keys.ts';


let context: BrowserContext;
let page: Page;
beforeAll(async () => {
	context = await launch();
	page = await context.newPage();
});
afterAll(async () => {
	await context?.close();
});

describe('the practice measures of metrics.md version 2', () => {
	it.each(VERSION_2_KEYS)('/metrics/%s shows its figure as the command line computes it, with its chart and table', async (key) => {
		const response = await page.goto(`${inject('baseURL')}/metrics/${key}`);
		expect(response?.status()).toBe(200);
		await page.screenshot({ path: screenshotPath(`metric-${key}`), fullPage: true });
		const from = (await page.locator('.period-note').getAttribute('data-from')) ?? '';
		const to = (await page.locator('.period-note').getAttribute('data-to')) ?? '';
		const cli = await cliMetrics({ from, to });
		const shown = (await page.locator(`[data-metric="${key}"]`).innerText()).trim().split(/\s+/)[0];
		if (shown === 'c') {
			// Withheld: a count from 1 to 5 behind it, or a breakdown on the page that had to suppress it.
			const counts = [cli[key].value, cli[key].numerator, cli[key].denominator].filter((n): n is number => n !== null);
			const small = counts.some((n) => n >= 1 && n <= 5);
			if (!small) expect(await page.locator('table abbr').filter({ hasText: /^c$/ }).count()).toBeGreaterThan(0);
		} else {
			expect(shown, key).toBe(expectedText(key, cli[key]));
		}
		// The definition, and the monthly chart with its numbers.
		expect(await page.locator('main').innerText()).toContain('Definition');
		expect(await page.locator('figure svg, svg[role="img"]').count()).toBeGreaterThan(0);
		expect(await page.locator('table').count()).toBeGreaterThan(0);
	});
});
