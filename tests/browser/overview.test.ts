/**
 * The overview's figures equal the command line's, after suppression (no filter applies
 * there); on the pages they apply to, the filters live in the URL and the filter bar and the
 * figures follow it, with or without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';
import { cli, cliMetrics, expectedText } from './expected.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { latestEventDate } from '../../src/lib/server/metrics/priorities.ts';
import type { MetricKey } from '../../src/lib/server/metrics/keys.ts';
import { last12, londonToday } from '../../src/lib/server/dashboard/period.ts';

let context: BrowserContext;
let page: Page;
beforeAll(async () => {
	context = await launch();
	page = await context.newPage();
});
afterAll(async () => {
	await context?.close();
});

/** Client-side navigation loads the page's data before the page changes: wait for it. */
const POLL = { timeout: 20_000, interval: 100 };

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
			// The first word: a symbol is followed by its meaning for screen readers.
			const figure = (await row.locator('td').first().innerText()).trim().split(/\s+/)[0];
			// Withheld: a small count, a median of few values (the CLI does not print how many), or
			// a figure protected with the months of its trend.
			if (figure === 'c') continue;
			expect(figure, `${p.title} (${key}) ${p.starts_on} to ${to}`).toBe(expectedText(key, metrics[key]));
			compared++;
		}
		expect(compared).toBeGreaterThanOrEqual(3);
	});

	it("shows the drift panel's counts at the end of the last 12 months as the command line computes them, suppressed, each linking to its detail", async () => {
		const w = await openWarehouse(inject('cliWarehouse'));
		const latest = await latestEventDate(w);
		await w.close();
		const period = last12(latest, londonToday());
		const metrics = await cliMetrics(period);
		await page.goto(inject('baseURL'));
		const panel = page.locator('section', { has: page.locator('#drift-heading') });
		await panel.screenshot({ path: screenshotPath('overview-drift') });
		const keys: MetricKey[] = ['assessments_open_over_45wd_at_end', 'info_requests_overdue_at_end', 'escalations_open_at_end', 'audit_actions_overdue_at_end'];
		for (const key of keys) {
			const figure = (await panel.locator(`[data-metric="${key}"]`).innerText()).trim().split(/\s+/)[0];
			expect(figure, key).toBe(expectedText(key, metrics[key]));
			const card = panel.locator('section', { has: page.locator(`[data-metric="${key}"]`) });
			const href = await card.getByRole('link', { name: /^Detail/ }).getAttribute('href');
			expect((await page.request.get(`${inject('baseURL')}${href}`)).status(), `${key}: ${href}`).toBe(200);
		}
		// The chart has its table: one row a month, one column a count.
		const table = panel.locator('table').first();
		expect(await table.locator('tbody tr').count()).toBe(12);
	});

	it('says the filters do not apply to it, with no filter bar, and keeps them for the other pages', async () => {
		await page.goto(`${inject('baseURL')}/need`);
		const area = await page.locator('#filter-area option').nth(1).getAttribute('value');
		await page.goto(`${inject('baseURL')}/?area=${area}`);
		expect(await page.locator('form.filters').count()).toBe(0);
		const note = (await page.locator('.period-note').textContent()) ?? '';
		expect(note).toContain('The period, area and agency filters do not apply to this page');
		expect(note).not.toMatch(/children living in/);
		expect(note).toMatch(/Counts from 1 to \d+ are suppressed/);
		expect(await page.getByRole('link', { name: 'Local need' }).getAttribute('href')).toBe(`/need?area=${area}`);
	});

	it('keeps the filters in the URL: apply, share, back and forward, the filter bar and the figures following', async () => {
		/** The filter bar's values and the page's headline figures. */
		const view = async (p: Page = page) => ({
			period: await p.locator('#filter-period').inputValue(),
			area: await p.locator('#filter-area').inputValue(),
			figures: await p.locator('[data-metric]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-metric')}=${(e as HTMLElement).innerText.trim()}`))
		});
		await page.goto(`${inject('baseURL')}/need`);
		const before = await view();
		expect(before).toMatchObject({ period: 'last12', area: '' });
		expect(before.figures.length).toBeGreaterThan(0);
		const area = page.locator('#filter-area');
		const options = await area.locator('option').allTextContents();
		expect(options.length).toBeGreaterThan(2);
		await area.selectOption({ index: 2 });
		const chosen = await area.inputValue();
		await page.locator('#filter-period').selectOption({ index: 1 });
		const period = await page.locator('#filter-period').inputValue();
		await Promise.all([page.waitForURL(/area=/), page.getByRole('button', { name: 'Apply filters' }).click()]);
		const url = new URL(page.url());
		expect(url.searchParams.get('area')).toBe(chosen);
		expect(url.searchParams.get('period')).toBe(period);
		// Not custom: the date fields are not sent.
		expect(url.searchParams.has('from')).toBe(false);
		await expect.poll(async () => (await view()).figures, POLL).not.toEqual(before.figures);
		const after = await view();
		expect(after).toMatchObject({ period, area: chosen });
		expect(await page.locator('.period-note').textContent()).toMatch(/children living in/);
		// The filters follow the links to other pages.
		expect(await page.getByRole('link', { name: 'Response times' }).getAttribute('href')).toContain(`area=${chosen}`);
		await page.goBack();
		expect(new URL(page.url()).searchParams.get('area')).toBeNull();
		await expect.poll(() => view(), POLL).toEqual(before);
		await page.goForward();
		expect(new URL(page.url()).searchParams.get('area')).toBe(chosen);
		await expect.poll(() => view(), POLL).toEqual(after);
		// A shared link opens the same view.
		const other = await context.newPage();
		await other.goto(url.toString());
		expect(await view(other)).toEqual(after);
		await other.close();
	});

	it("keeps a metric page's own breakdowns when the filters are applied", async () => {
		await page.goto(`${inject('baseURL')}/metrics/referrals_per_10k?by=sector`);
		await page.locator('#filter-area').selectOption({ index: 1 });
		const chosen = await page.locator('#filter-area').inputValue();
		await Promise.all([page.waitForURL(/area=/), page.getByRole('button', { name: 'Apply filters' }).click()]);
		const url = new URL(page.url());
		expect(url.searchParams.get('area')).toBe(chosen);
		expect(url.searchParams.getAll('by')).toEqual(['sector']);
		// The other pages get the filters only.
		expect(await page.getByRole('link', { name: 'Local need' }).getAttribute('href')).toBe(`/need?area=${chosen}`);
	});

	it('offers a viewer fixed periods only (rule 7), and answers a custom period with 400 naming them', async () => {
		await page.goto(`${inject('baseURL')}/need`);
		const choices = await page.locator('#filter-period option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
		expect(choices[0]).toBe('last12');
		expect(choices.some((c) => /^fy:\d{4}$/.test(c))).toBe(true);
		expect(choices.some((c) => /^q:\d{4}-Q[1-4]$/.test(c))).toBe(true);
		expect(choices.some((c) => /^m:\d{4}-\d{2}$/.test(c))).toBe(true);
		expect(choices).not.toContain('custom');
		expect(await page.getByLabel('From', { exact: true }).count()).toBe(0);
		// A month chosen from the list.
		const month = choices.find((c) => c.startsWith('m:'))!;
		await page.locator('#filter-period').selectOption(month);
		await Promise.all([page.waitForURL(/period=m%3A|period=m:/), page.getByRole('button', { name: 'Apply filters' }).click()]);
		const [y, m] = month.slice(2).split('-');
		await expect.poll(async () => page.locator('.period-note').getAttribute('data-from'), POLL).toBe(`${y}-${m}-01`);
		// The reproduction of issue 11: two custom periods a few days apart are refused.
		for (const query of ['?from=2026-01-01&to=2026-06-30', '?from=2026-01-01&to=2026-07-03', '?period=custom&from=2025-01-01&to=2025-03-31']) {
			const response = await page.goto(`${inject('baseURL')}/escalation${query}`);
			expect(response?.status(), query).toBe(400);
			expect(await page.locator('main').innerText()).toMatch(/custom dates are only for an analyst's unsuppressed view/);
		}
	});

	it('works without JavaScript: a fixed period submits', async () => {
		const plain = await launch({ javaScriptEnabled: false });
		try {
			const p = await plain.newPage();
			await p.goto(`${inject('baseURL')}/need`);
			await p.locator('#filter-period').selectOption({ index: 1 });
			const fy = await p.locator('#filter-period').inputValue();
			const [preset] = await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Apply filters' }).click()]);
			expect(preset?.status()).toBe(200);
			expect(new URL(p.url()).searchParams.get('period')).toBe(fy);
			expect(new URL(p.url()).searchParams.has('from')).toBe(false);
			expect(await p.locator('#filter-period').inputValue()).toBe(fy);
		} finally {
			await plain.close();
		}
	});
});
