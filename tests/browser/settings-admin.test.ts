/**
 * The settings and admin pages on the production build: a lead adds, edits and retires a
 * priority (seen on the overview while it is active); a viewer reads the list without any form
 * and is refused the action; an analyst enters a benchmark; an admin adds an account whose
 * one-time reset link lets the new person choose a password and sign in; the audit log page
 * lists those changes. What the tests add is retired or deleted again, so that the other
 * browser tests see the demo's own settings.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../src/lib/server/auth/roles.ts';
import { launch, screenshotPath, sessionCookie } from './browser.ts';

let context: BrowserContext | undefined;
afterEach(async () => {
	await context?.close();
	context = undefined;
});

const base = () => inject('baseURL');
const TITLE = 'Browser test: decisions within a working day';

async function open(role: Role, path: string): Promise<Page> {
	context = await launch({ role });
	const page = await context.newPage();
	await page.goto(`${base()}${path}`);
	return page;
}

/** Posts a form as a browser would (same origin), with a role's session. */
function post(path: string, role: 'viewer' | 'lead', body: Record<string, string>) {
	return fetch(`${base()}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: base(), cookie: sessionCookie(role), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(body)
	});
}

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/** axe-core's WCAG 2.2 AA violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
	// Evaluated through the debugging protocol: the page's CSP refuses an injected script tag.
	await page.evaluate(AXE);
	return page.evaluate(async () => {
		// @ts-expect-error: axe is evaluated above
		const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
		return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	});
}

let priorityId = '';
let resetToken = '';

describe('priorities', () => {
	it('a lead adds a priority (on the overview), is shown each refused field beside it, changes the target, and retires it', async () => {
		const page = await open('lead', '/settings/priorities');
		await expect(page.locator('h1').textContent()).resolves.toBe('Priorities');
		await page.getByLabel('Title').first().fill(TITLE);
		await page.locator('#create-metric').selectOption('referral_decision_1wd_pct');
		await page.locator('#create-target').fill('77');
		await page.locator('#create-direction').selectOption('higher_is_better');
		await page.locator('#create-starts_on').fill('2025-04-01');
		await page.locator('#create-ends_on').fill('2027-03-31');
		await Promise.all([page.waitForURL(/how=created/), page.getByRole('button', { name: 'Add the priority' }).click()]);
		priorityId = new URL(page.url()).searchParams.get('saved')!;
		expect(priorityId).toMatch(/^P\d+$/);
		await expect(page.getByRole('status').textContent()).resolves.toContain(`Priority ${priorityId} was added`);
		const row = page.locator(`#priority-${priorityId}`);
		await expect(row.textContent()).resolves.toMatch(new RegExp(`${TITLE}.*77%.*Higher is better.*1 April 2025 to 31 March 2027.*Active`));

		await page.goto(`${base()}/`);
		await expect(page.locator('main').textContent()).resolves.toContain(TITLE);

		// Edit: a target that is not a number is refused, beside the field and in the summary.
		await page.goto(`${base()}/settings/priorities?edit=${priorityId}`);
		await page.locator('#edit-target').fill('eighty');
		await page.locator('#edit-ends_on').fill('2025-03-31');
		await Promise.all([page.waitForURL(/\?\/edit/), page.getByRole('button', { name: `Save priority ${priorityId}` }).click()]);
		await expect(page.locator('#edit-target-error').textContent()).resolves.toContain('not a number');
		await expect(page.locator('#edit-target').getAttribute('aria-describedby')).resolves.toContain('edit-target-error');
		await expect(page.locator('#edit-target').getAttribute('aria-invalid')).resolves.toBe('true');
		await expect(page.locator('#edit-ends_on-error').textContent()).resolves.toContain('before “Starts on”');
		await expect(page.locator('.error-summary a[href="#edit-target"]').count()).resolves.toBe(1);
		await expect(axeViolations(page)).resolves.toEqual([]);
		await page.screenshot({ path: screenshotPath('settings-priority-refused'), fullPage: true });
		await page.locator('#edit-target').fill('80');
		await page.locator('#edit-ends_on').fill('2027-03-31');
		await Promise.all([page.waitForURL(/how=edited/), page.getByRole('button', { name: `Save priority ${priorityId}` }).click()]);
		await expect(row.textContent()).resolves.toContain('80%');

		// Retire: asked to confirm, then it leaves the overview.
		await row.getByRole('link', { name: `Retire ${priorityId}` }).click();
		await Promise.all([page.waitForURL(/how=retired/), page.getByRole('button', { name: `Retire ${priorityId}` }).click()]);
		await expect(row.textContent()).resolves.toContain('Retired on');
		await page.goto(`${base()}/`);
		await expect(page.locator('main').textContent()).resolves.not.toContain(TITLE);
	});

	it('a viewer sees the list without any form, and is refused the actions (403)', async () => {
		const page = await open('viewer', '/settings/priorities');
		await expect(page.locator(`#priority-${priorityId}`).textContent()).resolves.toContain(TITLE);
		await expect(page.locator('main form').count()).resolves.toBe(0);
		await expect(page.getByRole('heading', { name: 'Add a priority' }).count()).resolves.toBe(0);
		await expect(axeViolations(page)).resolves.toEqual([]);
		await page.goto(`${base()}/settings/priorities?edit=${priorityId}`);
		await expect(page.locator('main form').count()).resolves.toBe(0);
		const refused = await post('/settings/priorities?/create', 'viewer', { title: 'Not allowed', metric: 'referral_decision_1wd_pct', target: '1' });
		expect(refused.status).toBe(403);
		expect((await post('/settings/priorities?/retire', 'viewer', { priority_id: 'P01' })).status).toBe(403);
		// A lead's post of the same form is let through (and refused on its content: 400).
		expect((await post('/settings/priorities?/create', 'lead', { title: '' })).status).toBe(400);
	});
});

describe('benchmarks', () => {
	it('an analyst enters a benchmark, then deletes it', async () => {
		const page = await open('analyst', '/settings/benchmarks');
		await page.locator('#create-metric').selectOption('referrals_per_10k');
		await page.locator('#create-label').fill('Browser test neighbours 2010-11');
		await page.locator('#create-period_start').fill('2010-04-01');
		await page.locator('#create-period_end').fill('2011-03-31');
		await page.locator('#create-value').fill('123.4');
		await page.locator('#create-source').fill('A test, not published');
		await Promise.all([page.waitForURL(/how=created/), page.getByRole('button', { name: 'Add the benchmark' }).click()]);
		const id = new URL(page.url()).searchParams.get('saved')!;
		const row = page.locator(`#benchmark-${id}`);
		await expect(row.textContent()).resolves.toMatch(/Browser test neighbours 2010-11.*1 April 2010 to 31 March 2011.*123\.4 per 10,000 children.*A test, not published/);
		await expect(axeViolations(page)).resolves.toEqual([]);
		await row.getByRole('link', { name: `Delete ${id}` }).click();
		await Promise.all([page.waitForURL(/how=deleted/), page.getByRole('button', { name: `Delete ${id}` }).click()]);
		await expect(page.locator(`#benchmark-${id}`).count()).resolves.toBe(0);
	});
});

describe('accounts', () => {
	const EMAIL = 'new.person@test.invalid';
	const PASSWORD = 'a fresh passphrase by the river';

	it('an admin adds an account; its reset link, opened elsewhere, lets the person choose a password and sign in', async () => {
		const page = await open('admin', '/admin/users');
		await expect(page.locator('h1').textContent()).resolves.toBe('Accounts');
		await expect(page.locator('tr', { hasText: 'admin@test.invalid (you)' }).getByRole('link', { name: /Disable/ }).count()).resolves.toBe(0);
		await page.locator('#add-email').fill(EMAIL);
		await page.locator('#add-role').selectOption('viewer');
		await Promise.all([page.waitForURL(/\?\/add/), page.getByRole('button', { name: 'Add the account' }).click()]);
		const link = (await page.locator('#reset-link').textContent())!.trim();
		expect(link).toMatch(new RegExp(`^${base()}/reset/[A-Za-z0-9_-]{43}$`));
		resetToken = link.split('/').pop()!;
		await expect(axeViolations(page)).resolves.toEqual([]);
		await page.screenshot({ path: screenshotPath('admin-users-added'), fullPage: true });
		const row = page.locator('tr', { hasText: EMAIL });
		await expect(row.textContent()).resolves.toMatch(/viewer.*Not set up.*Active/);

		// The same email again is refused beside the field.
		await page.goto(`${base()}/admin/users`);
		await page.locator('#add-email').fill(EMAIL.toUpperCase());
		await Promise.all([page.waitForURL(/\?\/add/), page.getByRole('button', { name: 'Add the account' }).click()]);
		await expect(page.locator('#add-email-error').textContent()).resolves.toContain('exists already');
		await expect(page.locator('#add-email').getAttribute('aria-describedby')).resolves.toBe('add-email-error');
		await expect(axeViolations(page)).resolves.toEqual([]);

		// A role change.
		await row.locator('select').selectOption('lead');
		await Promise.all([page.waitForURL(/\?\/role/), row.getByRole('button', { name: /Change/ }).click()]);
		await expect(page.getByRole('status').textContent()).resolves.toContain(`${EMAIL} is now lead (was viewer)`);

		// The new person, in a browser of their own.
		const own = await launch({ role: null });
		try {
			const p = await own.newPage();
			await p.goto(link);
			await p.locator('#password').fill(PASSWORD);
			await p.locator('#confirm').fill(PASSWORD);
			await Promise.all([p.waitForURL(/\/login\?reset=done/), p.getByRole('button', { name: 'Change my password' }).click()]);
			await p.getByLabel('Email').fill(EMAIL);
			await p.getByLabel('Password').fill(PASSWORD);
			await Promise.all([p.waitForURL((u) => u.pathname === '/'), p.getByRole('button', { name: 'Sign in' }).click()]);
			await expect(p.locator('header.site').textContent()).resolves.toContain(`${EMAIL} (lead)`);
			// The link works once.
			await p.goto(link);
			await expect(p.locator('main').textContent()).resolves.toContain('has been used already');
		} finally {
			await own.close();
		}
	});
});

describe('the audit log page', () => {
	it('lists these changes newest first, filters them, and refuses a bad filter', async () => {
		const page = await open('admin', '/admin/audit');
		await expect(page.locator('#audit-head').textContent()).resolves.toMatch(/^[0-9a-f]{64}$/);
		const actions = await page.locator('tbody tr td:nth-child(5)').allTextContents();
		for (const a of ['priority.create', 'priority.edit', 'priority.retire', 'benchmark.create', 'benchmark.delete', 'account.create', 'account.reset_link', 'account.role']) {
			expect(actions).toContain(a);
		}
		// Newest first.
		const seqs = (await page.locator('tbody tr th').allTextContents()).map(Number);
		expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
		// No token or password in any entry.
		const text = await page.locator('main').textContent();
		expect(resetToken).not.toBe('');
		expect(text).not.toContain(resetToken);
		expect(text).not.toContain(PASSWORD_WORD);

		await page.getByLabel('Action starts with').fill('priority.');
		await page.getByLabel('Actor contains').fill('lead@test');
		await Promise.all([page.waitForURL(/action=priority/), page.getByRole('button', { name: 'Filter' }).click()]);
		const filtered = await page.locator('tbody tr td:nth-child(5)').allTextContents();
		expect(filtered.sort()).toEqual(['priority.create', 'priority.edit', 'priority.retire']);
		const details = await page.locator('tbody tr td:nth-child(6)').allTextContents();
		expect(details.some((d) => d.includes(`"priority_id":"${priorityId}"`) && d.includes('"target":{"from":"77","to":"80"}'))).toBe(true);
		await expect(axeViolations(page)).resolves.toEqual([]);
		await page.screenshot({ path: screenshotPath('admin-audit'), fullPage: true });

		const bad = await page.goto(`${base()}/admin/audit?since=2025-13-01`);
		expect(bad?.status()).toBe(400);
		await expect(page.locator('main').textContent()).resolves.toContain('since');
	});
});

const PASSWORD_WORD = 'passphrase by the river';
