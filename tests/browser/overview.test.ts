/** The overview's figures equal the command line's, after suppression; filters live in the URL. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';
import { cli, cliMetrics, expectedText } from './expected.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { latestEventDate } from '../../src/lib/server/metrics/priorities.ts';
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

function parseCsv(text: string): Record<string, string>[] {
	const [header, ...lines] = text.trim().split('\n');
	const names = header.split(',');
	return lines.map((line) => {
		// The demo's settings have no quoted commas except in titles: split from the right.
		const cells: string[] = [];
		let rest = line;
		for (let i = names.length - 1; i > 0; i--) {
			const at = rest.lastIndexOf(',');
			cells.unshift(rest.slice(at + 1));
			rest = rest.slice(0, at);
		}
		cells.unshift(rest);
		return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
	});
}

describe('overview', () => {
	it("shows each priority's figure as the command line computes it, suppressed", async () => {
		const priorities = parseCsv(await cli('priorities', 'export', '--db', inject('cliWarehouse'), '-'));
		const w = await openWarehouse(inject('cliWarehouse'));
		const latest = await latestEventDate(w);
		await w.close();
		expect(latest).not.toBeNull();
		await page.goto(inject('baseURL'));
		await page.screenshot({ path: screenshotPath('overview'), fullPage: true });
		const rows = page.locator('table').first().locator('tbody tr');
		const active = priorities.filter((p) => !p.retired_on);
		expect(await rows.count()).toBe(active.length);
		let compared = 0;
		for (const p of active) {
			const to = p.ends_on < latest! ? p.ends_on : latest!;
			const key = p.metric as MetricKey;
			const metrics = await cliMetrics({ from: p.starts_on, to });
			const row = page.locator('tbody tr', { has: page.getByRole('link', { name: p.title.replace(/^"|"$/g, '') }) });
			const figure = (await row.locator('td').first().textContent())?.trim();
			// Withheld: a small count, a median of few values (the CLI does not print how many), or
			// a figure protected with the months of its trend.
			if (figure === 'c') continue;
			expect(figure, `${p.title} (${key}) ${p.starts_on} to ${to}`).toBe(expectedText(key, metrics[key]));
			compared++;
		}
		expect(compared).toBeGreaterThanOrEqual(3);
	});

	it('keeps the filters in the URL: apply, share, back and forward', async () => {
		await page.goto(inject('baseURL'));
		const area = page.getByLabel('Area');
		const options = await area.locator('option').allTextContents();
		expect(options.length).toBeGreaterThan(2);
		await area.selectOption({ index: 2 });
		const chosen = await area.inputValue();
		await page.getByLabel('Period').selectOption({ index: 1 });
		const period = await page.getByLabel('Period').inputValue();
		await Promise.all([page.waitForURL(/area=/), page.getByRole('button', { name: 'Apply filters' }).click()]);
		const url = new URL(page.url());
		expect(url.searchParams.get('area')).toBe(chosen);
		expect(url.searchParams.get('period')).toBe(period);
		expect(await page.locator('.period-note').textContent()).toMatch(/children living in/);
		// The filters follow the links to other pages.
		expect(await page.getByRole('link', { name: 'Local need' }).getAttribute('href')).toContain(`area=${chosen}`);
		await page.goBack();
		expect(new URL(page.url()).searchParams.get('area')).toBeNull();
		await page.goForward();
		expect(new URL(page.url()).searchParams.get('area')).toBe(chosen);
		// A shared link opens the same view.
		const other = await context.newPage();
		await other.goto(url.toString());
		expect(await other.getByLabel('Area').inputValue()).toBe(chosen);
		await other.close();
	});

	it('offers custom dates only when the period is custom', async () => {
		await page.goto(inject('baseURL'));
		await expect(page.getByLabel('From', { exact: true }).isDisabled()).resolves.toBe(true);
		await page.getByLabel('Period').selectOption('custom');
		await expect(page.getByLabel('From', { exact: true }).isDisabled()).resolves.toBe(false);
		await page.getByLabel('From', { exact: true }).fill('2025-01-01');
		await page.getByLabel('To', { exact: true }).fill('2025-03-31');
		await Promise.all([page.waitForURL(/from=2025-01-01/), page.getByRole('button', { name: 'Apply filters' }).click()]);
		expect(await page.locator('.period-note').textContent()).toContain('2025-01-01 to 2025-03-31');
	});
});
