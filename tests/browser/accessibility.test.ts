/** axe-core finds no WCAG 2.2 AA violation on any page; each page prints on A4. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, screenshotPath } from './browser.ts';

export const PAGES = ['/', '/need', '/response', '/escalation', '/audits', '/metrics/re_referrals_12m_pct', '/data'];

let context: BrowserContext;
beforeAll(async () => {
	context = await launch();
});
afterAll(async () => {
	await context?.close();
});

describe('accessibility', () => {
	for (const path of PAGES) {
		it(`${path} has no axe violations`, async () => {
			const page = await context.newPage();
			const response = await page.goto(`${inject('baseURL')}${path}`);
			expect(response?.status()).toBe(200);
			await page.waitForLoadState('networkidle');
			await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
			const result = await page.evaluate(async () => {
				// @ts-expect-error: axe is injected above
				const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
				return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
			});
			expect(result).toEqual([]);
			const name = path === '/' ? 'overview' : path.slice(1).replaceAll('/', '-');
			await page.screenshot({ path: screenshotPath(`page-${name}`), fullPage: true });
			await page.emulateMedia({ media: 'print' });
			await page.pdf({ path: screenshotPath(`print-${name}`).replace(/\.png$/, '.pdf'), format: 'A4', printBackground: true });
			await page.close();
		});
	}
});
