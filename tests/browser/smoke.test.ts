import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';

let context: BrowserContext;
beforeAll(async () => {
	context = await launch();
});
afterAll(async () => {
	await context?.close();
});

describe('the dashboard serves the demo warehouse', () => {
	it('opens the home page', async () => {
		const page = await context.newPage();
		const response = await page.goto(inject('baseURL'));
		expect(response?.status()).toBe(200);
		await expect(page.locator('h1').textContent()).resolves.toContain('Partnership priorities');
		await expect(page.locator('table caption').first().textContent()).resolves.toContain('Priorities');
		await page.screenshot({ path: screenshotPath('home'), fullPage: true });
	});
});
