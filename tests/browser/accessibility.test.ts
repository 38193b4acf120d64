/** axe-core finds no WCAG 2.2 AA violation on any page, signed in as a role that may see it; each page prints on A4. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { Role } from '../../src/lib/server/auth/roles.ts';
import { launch, screenshotPath } from './browser.ts';

/** Each page with the role that sees it (null: signed out). */
export const PAGES: [string, Role | null][] = [
	['/', 'viewer'],
	['/need', 'viewer'],
	['/response', 'viewer'],
	['/escalation', 'viewer'],
	['/meetings', 'viewer'],
	['/audits', 'viewer'],
	['/metrics/re_referrals_12m_pct', 'viewer'],
	['/data', 'viewer'],
	['/about/counts', 'viewer'],
	['/account', 'viewer'],
	['/settings/priorities', 'lead'],
	['/settings/benchmarks', 'analyst'],
	['/data/import', 'analyst'],
	['/data/quarantine', 'analyst'],
	['/admin/users', 'admin'],
	['/admin/audit', 'admin'],
	['/login', null]
];

// The CSP allows scripts by nonce only: axe goes in through the DevTools protocol, as evaluated code.
const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const contexts = new Map<Role | null, BrowserContext>();
async function contextFor(role: Role | null): Promise<BrowserContext> {
	let c = contexts.get(role);
	if (!c) {
		c = await launch({ role });
		contexts.set(role, c);
	}
	return c;
}
afterAll(async () => {
	for (const c of contexts.values()) await c.close();
});

describe('accessibility', () => {
	for (const [path, role] of PAGES) {
		it(`${path} (${role ?? 'signed out'}) has no axe violations`, async () => {
			const page = await (await contextFor(role)).newPage();
			const response = await page.goto(`${inject('baseURL')}${path}`);
			expect(response?.status()).toBe(200);
			await page.waitForLoadState('networkidle');
			await page.evaluate(AXE);
			const result = await page.evaluate(async () => {
				// @ts-expect-error: axe was evaluated above
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
