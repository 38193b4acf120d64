/**
 * Signing in through the pages as each role: the second factor set up on first use for the
 * roles that need it, then each sees only what its role allows: the navigation, the pages,
 * the switch to unsuppressed figures (analysts: a banner, and no c left on the page).
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { totpCode } from '../../src/lib/server/auth/totp.ts';
import type { Role } from '../../src/lib/server/auth/roles.ts';
import { launch, screenshotPath } from './browser.ts';

let context: BrowserContext | undefined;
/** Second-factor secrets set up through the pages, and the last step used, by account. */
const secrets = new Map<string, { secret: string; step: number }>();
afterEach(async () => {
	await context?.close();
	context = undefined;
});

async function signInThroughPages(name: string): Promise<Page> {
	const account = inject('accounts')[name];
	context = await launch({ role: null });
	const page = await context.newPage();
	await page.goto(`${inject('baseURL')}/need`);
	expect(new URL(page.url()).pathname).toBe('/login');
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await Promise.all([page.waitForURL((u) => u.pathname !== '/login' || u.search.includes('reset')), page.getByRole('button', { name: 'Sign in' }).click()]);
	if (account.role === 'analyst' || account.role === 'admin') {
		expect(new URL(page.url()).pathname).toBe('/login/second-factor');
		await page.screenshot({ path: screenshotPath(`second-factor-${name}`), fullPage: true });
		// First time: the page shows the set-up key. After: the code of a step not used yet.
		const shown = await page.locator('[data-secret]').count();
		const secret = shown ? (await page.locator('[data-secret]').textContent())!.trim() : secrets.get(name)!.secret;
		const now = Math.floor(Date.now() / 30_000);
		const step = Math.max(now, (secrets.get(name)?.step ?? now - 1) + 1);
		if (step > now + 1) throw new Error('a second-factor code is needed again too soon');
		secrets.set(name, { secret, step });
		await page.getByLabel('6-digit code').fill(totpCode(secret, new Date(step * 30_000 + 1000)));
		await Promise.all([page.waitForURL((u) => u.pathname === '/need'), page.getByRole('button', { name: 'Continue' }).click()]);
	}
	expect(new URL(page.url()).pathname).toBe('/need');
	return page;
}

const CAN: Record<Role, { import: boolean; admin: boolean; unsuppressed: boolean }> = {
	viewer: { import: false, admin: false, unsuppressed: false },
	lead: { import: false, admin: false, unsuppressed: false },
	auditor: { import: false, admin: false, unsuppressed: false },
	analyst: { import: true, admin: false, unsuppressed: true },
	admin: { import: true, admin: true, unsuppressed: true }
};
const SIGN_IN_AS: Record<Role, string> = { viewer: 'viewer', lead: 'lead', auditor: 'auditor', analyst: 'analyst3', admin: 'admin2' };

describe('signed in through the pages, each role sees what it may', () => {
	for (const role of Object.keys(CAN) as Role[]) {
		it(role, async () => {
			const page = await signInThroughPages(SIGN_IN_AS[role]);
			const base = inject('baseURL');
			await expect(page.locator('header.site').getByRole('link', { name: /\(.*\)$/ }).textContent()).resolves.toContain(`(${role})`);
			expect(await page.locator('nav.main').getByRole('link', { name: 'Admin' }).count()).toBe(CAN[role].admin ? 1 : 0);
			expect(await page.getByRole('button', { name: 'Show unsuppressed figures' }).count()).toBe(CAN[role].unsuppressed ? 1 : 0);
			expect((await page.goto(`${base}/data/import`))?.status()).toBe(CAN[role].import ? 200 : 403);
			expect((await page.goto(`${base}/admin/users`))?.status()).toBe(CAN[role].admin ? 200 : 403);
			expect((await page.goto(`${base}/account`))?.status()).toBe(200);
			await expect(page.locator('main').textContent()).resolves.toContain(`role ${role}`);
			// Sign out: the session ends; the pages send us to sign in again.
			await page.goto(`${base}/need`);
			await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('button', { name: 'Sign out' }).click()]);
			await page.goto(`${base}/need`);
			expect(new URL(page.url()).pathname).toBe('/login');
		});
	}

	it('an analyst switches to unsuppressed figures and back; the figures follow', async () => {
		const page = await signInThroughPages('analyst3');
		const base = inject('baseURL');
		await page.goto(`${base}/escalation`);
		const suppressed = await page.locator('main abbr', { hasText: /^c$/ }).count();
		expect(suppressed).toBeGreaterThan(0);
		await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Show unsuppressed figures' }).click()]);
		await page.waitForURL((u) => u.pathname === '/escalation');
		await expect(page.getByRole('status').filter({ hasText: 'Unsuppressed figures' }).count()).resolves.toBe(1);
		expect(await page.locator('main abbr', { hasText: /^c$/ }).count()).toBe(0);
		await page.screenshot({ path: screenshotPath('unsuppressed-escalation'), fullPage: true });
		// Custom dates are the unsuppressed view's own (rule 7).
		await page.locator('#filter-period').selectOption('custom');
		await page.getByLabel('From', { exact: true }).fill('2025-01-01');
		await page.getByLabel('To', { exact: true }).fill('2025-07-03');
		await Promise.all([page.waitForURL(/from=2025-01-01/), page.getByRole('button', { name: 'Apply filters' }).click()]);
		await expect.poll(async () => page.locator('.period-note').textContent(), { timeout: 20_000 }).toContain('2025-01-01 to 2025-07-03');
		// Back to suppressed figures: the page comes back without the custom dates, not as a 400.
		await page.getByRole('button', { name: 'Back to suppressed figures' }).click();
		await page.waitForURL((u) => u.pathname === '/escalation' && !u.searchParams.has('from'));
		expect(await page.locator('#filter-period').inputValue()).toBe('last12');
		expect(await page.locator('main abbr', { hasText: /^c$/ }).count()).toBe(suppressed);
	});
});
