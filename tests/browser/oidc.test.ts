/**
 * Sign-in through an identity provider (OpenID Connect) on the production build, against a
 * real provider on loopback (the oidc-provider package, development interactions): a second
 * app server on a copy of the warehouse, with OIDC_* set. Chromium signs a viewer in through
 * the link on the sign-in page; fetch (cookies carried and redirects followed by hand) checks
 * the refusals: an unknown email, a disabled account, an unverified email and a tampered state
 * get the one generic failure and no session; an analyst still shows the second factor; the
 * failures count against the address; a `next` that would lead off the site (or break a header)
 * ends at / instead. The main test server, without OIDC, answers 404.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { root } from '../../scripts/build-if-needed.js';
import { createUser, disableUser } from '../../src/lib/server/auth/accounts.ts';
import type { Role } from '../../src/lib/server/auth/roles.ts';
import { startTestProvider, type TestProvider } from '../../src/lib/server/oidc/test-provider.ts';
import { readAuditLog } from '../../src/lib/server/warehouse/audit.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { launch, screenshotPath } from './browser.ts';

const NAME = 'Northshire Council';
const FAILED = `Signing in with ${NAME} did not work, or the account cannot sign in here.`;
const PASSWORD = 'a long walk along the northern shore';

/** The provider's accounts, by login; the app's accounts are made for the first three. */
const PROVIDER_ACCOUNTS = {
	viewer: { email: 'OIDC-Viewer@test.invalid', email_verified: true },
	analyst: { email: 'oidc-analyst@test.invalid', email_verified: true },
	disabled: { email: 'oidc-disabled@test.invalid', email_verified: true },
	stranger: { email: 'stranger@test.invalid', email_verified: true },
	unverified: { email: 'oidc-viewer@test.invalid', email_verified: false }
};
const APP_ACCOUNTS: { email: string; role: Role; disable?: boolean }[] = [
	{ email: 'oidc-viewer@test.invalid', role: 'viewer' },
	{ email: 'oidc-analyst@test.invalid', role: 'analyst' },
	{ email: 'oidc-disabled@test.invalid', role: 'viewer', disable: true }
];

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const a = s.address();
			s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
		});
	});
}

const cookieOf = (response: Response, name: string): string | undefined =>
	response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

describe('with OIDC unconfigured (the main test server)', () => {
	it('the routes answer 404 and the sign-in page shows no link', async () => {
		const base = inject('baseURL');
		for (const route of ['/login/oidc?next=%2Fneed', '/login/oidc/callback?code=abc&state=def']) {
			const r = await fetch(`${base}${route}`, { redirect: 'manual', headers: { accept: 'text/html' } });
			expect(r.status, route).toBe(404);
			expect(r.headers.get('set-cookie') ?? '').not.toMatch(/fp_oidc|fp_session/);
		}
		const page = await (await fetch(`${base}/login`)).text();
		expect(page).not.toContain('/login/oidc');
		expect(page).not.toMatch(/Sign in with/);
	});
});

describe('with OIDC configured (a second server and a provider on loopback)', () => {
	let provider: TestProvider;
	let server: ChildProcess | undefined;
	let work: string | undefined;
	let db: string;
	let app: string;
	let context: BrowserContext | undefined;

	beforeAll(async () => {
		work = mkdtempSync(path.join(tmpdir(), 'fp-oidc-'));
		db = path.join(work, 'oidc.duckdb');
		copyFileSync(inject('cliWarehouse'), db);
		const w = await openWarehouse(db);
		try {
			for (const a of APP_ACCOUNTS) {
				const user = await createUser(w, { email: a.email, role: a.role, password: PASSWORD });
				if (a.disable) await disableUser(w, user.userId);
			}
		} finally {
			await w.close();
		}
		const port = await freePort();
		app = `http://127.0.0.1:${port}`;
		provider = await startTestProvider({ redirectUri: `${app}/login/oidc/callback`, accounts: PROVIDER_ACCOUNTS });
		server = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
			cwd: root,
			env: {
				...process.env,
				DATABASE_PATH: db,
				FULL_PICTURE_DEMO: '',
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: app,
				OIDC_ISSUER: provider.issuer,
				OIDC_CLIENT_ID: provider.clientId,
				OIDC_CLIENT_SECRET: provider.clientSecret,
				OIDC_NAME: NAME
			},
			stdio: ['ignore', 'pipe', 'inherit']
		});
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('the OIDC app server did not start in 30 s')), 30_000);
			server!.stdout!.on('data', (d: Buffer) => {
				if (d.toString().includes('Listening')) {
					clearTimeout(timer);
					resolve();
				}
			});
			server!.on('exit', (code) => reject(new Error(`the OIDC app server exited (${code})`)));
		});
	});

	afterAll(async () => {
		await context?.close();
		server?.kill();
		await provider?.close();
		if (work) rmSync(work, { recursive: true, force: true });
	});

	/** GET /login/oidc, sign in at the provider as `login`: the callback URL and the transaction cookie. */
	async function throughProvider(login: keyof typeof PROVIDER_ACCOUNTS, next = '/need'): Promise<{ callback: URL; cookie: string }> {
		const start = await fetch(`${app}/login/oidc?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
		expect(start.status).toBe(302);
		const set = start.headers.getSetCookie().find((c) => c.startsWith('__Host-fp_oidc='));
		expect(set).toMatch(/; Max-Age=600;/);
		expect(set).toMatch(/; HttpOnly/);
		expect(set).toMatch(/; Secure/);
		expect(set).toMatch(/; SameSite=Lax/);
		expect(set).toMatch(/; Path=\//);
		const cookie = cookieOf(start, '__Host-fp_oidc')!;
		const location = new URL(start.headers.get('location')!);
		expect(location.origin).toBe(provider.issuer);
		expect(location.searchParams.get('code_challenge_method')).toBe('S256');
		return { callback: await provider.signIn(location, login), cookie };
	}

	const back = (callback: URL, cookie: string) => fetch(`${app}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { cookie } });

	it('the sign-in page shows "Sign in with …", keeping next', async () => {
		const html = await (await fetch(`${app}/login?next=%2Fneed`)).text();
		expect(html).toContain(`Sign in with ${NAME}`);
		expect(html).toContain('href="/login/oidc?next=%2Fneed"');
	});

	it('a viewer signs in through the provider in Chromium and reaches /need', async () => {
		context = await launch({ role: null });
		const page = await context.newPage();
		await page.goto(`${app}/need`);
		expect(new URL(page.url()).pathname).toBe('/login');
		await page.getByRole('link', { name: `Sign in with ${NAME}` }).click();
		await page.waitForURL((u) => u.origin === provider.issuer);
		await page.locator('input[name="login"]').fill('viewer');
		await page.locator('input[name="password"]').fill('anything');
		await page.locator('button[type="submit"]').click();
		// The consent page of the development interactions.
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL(`${app}/need`);
		await expect(page.locator('h1').textContent()).resolves.toBeTruthy();
		await page.screenshot({ path: screenshotPath('oidc-signed-in') });
		const cookies = await context.cookies(app);
		expect(cookies.find((c) => c.name === '__Host-fp_session')).toBeTruthy();
		expect(cookies.find((c) => c.name === '__Host-fp_oidc')).toBeUndefined();
		await page.close();
	});

	it('a viewer signs in over fetch too: a session cookie, then /need', async () => {
		const { callback, cookie } = await throughProvider('viewer');
		const r = await back(callback, cookie);
		expect(r.status).toBe(303);
		expect(r.headers.get('location')).toBe('/need');
		const session = cookieOf(r, '__Host-fp_session');
		expect(session).toBeTruthy();
		expect(r.headers.getSetCookie().some((c) => /^__Host-fp_oidc=;/.test(c))).toBe(true);
		expect((await fetch(`${app}/need`, { redirect: 'manual', headers: { cookie: session! } })).status).toBe(200);
	});

	it('an analyst still shows the second factor', async () => {
		const { callback, cookie } = await throughProvider('analyst', '/data');
		const r = await back(callback, cookie);
		expect(r.status).toBe(303);
		expect(r.headers.get('location')).toBe('/login/second-factor?next=%2Fdata');
		const session = cookieOf(r, '__Host-fp_session')!;
		const data = await fetch(`${app}/data`, { redirect: 'manual', headers: { cookie: session } });
		expect(data.status).toBe(303);
		expect(data.headers.get('location')).toBe('/login/second-factor?next=%2Fdata');
	});

	it('an unknown email, a disabled account and an unverified email get one generic failure and no session', async () => {
		for (const login of ['stranger', 'disabled', 'unverified'] as const) {
			const { callback, cookie } = await throughProvider(login);
			const r = await back(callback, cookie);
			expect(r.status, login).toBe(303);
			expect(r.headers.get('location'), login).toBe('/login?oidc=failed&next=%2Fneed');
			expect(cookieOf(r, '__Host-fp_session'), login).toBeUndefined();
		}
		const html = await (await fetch(`${app}/login?oidc=failed&next=%2Fneed`)).text();
		expect(html).toContain(FAILED);
		expect(html).not.toMatch(/no account|not found|disabled|unverified/i);
	});

	it('a tampered state is refused, and so is a callback without its cookie', async () => {
		const { callback, cookie } = await throughProvider('viewer');
		const tampered = new URL(callback);
		const state = tampered.searchParams.get('state')!;
		// The first character changed: a base64url value's last character may carry only padding bits.
		tampered.searchParams.set('state', `${state.startsWith('A') ? 'B' : 'A'}${state.slice(1)}`);
		const r = await back(tampered, cookie);
		expect(r.status).toBe(303);
		expect(r.headers.get('location')).toBe('/login?oidc=failed&next=%2Fneed');
		expect(cookieOf(r, '__Host-fp_session')).toBeUndefined();
		const without = await back(callback, '');
		expect(without.headers.get('location')).toBe('/login?oidc=failed');
		expect(cookieOf(without, '__Host-fp_session')).toBeUndefined();
		// A transaction cookie altered by one character does not open either.
		// (the first character of its value: the last may carry only padding bits, and decode the same).
		const altered = cookie.replace(/=(.)/, (_, c: string) => `=${c === 'A' ? 'B' : 'A'}`);
		expect((await back(callback, altered)).headers.get('location')).toBe('/login?oidc=failed');
	});

	it('a next that leads off the site, or breaks a header, is not carried through the provider: the round trip ends at /', async () => {
		for (const next of ['/\t/127.0.0.1:3999/', '/need\r\nX-Injected: yes']) {
			const { callback, cookie } = await throughProvider('viewer', next);
			const r = await back(callback, cookie);
			expect(r.status, JSON.stringify(next)).toBe(303);
			expect(r.headers.get('location'), JSON.stringify(next)).toBe('/');
			expect(r.headers.get('x-injected')).toBeNull();
			expect(cookieOf(r, '__Host-fp_session')).toBeTruthy();
		}
		// A failure goes back to the sign-in page without it.
		const failed = await throughProvider('stranger', '/\\127.0.0.1:3999/');
		expect((await back(failed.callback, failed.cookie)).headers.get('location')).toBe('/login?oidc=failed');
	});

	it('failures count against the address: it is throttled, for the password form too', async () => {
		let location = '';
		for (let i = 0; i < 21 && !location.includes('throttled'); i++) {
			const r = await fetch(`${app}/login/oidc/callback?code=nothing&state=nothing`, { redirect: 'manual' });
			location = r.headers.get('location') ?? '';
		}
		expect(location).toBe('/login?oidc=throttled');
		const password = await fetch(`${app}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: app, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ email: 'oidc-viewer@test.invalid', password: PASSWORD, next: '/' })
		});
		expect(password.status).toBe(429);
	});

	it('the audit log has each outcome by its category, and no token', async () => {
		const exited = new Promise((resolve) => server!.once('exit', resolve));
		server!.kill();
		await exited;
		server = undefined;
		const w = await openWarehouse(db);
		try {
			const entries = (await readAuditLog(w)).filter((e) => e.action?.startsWith('sign_in'));
			const details = (e: (typeof entries)[number]) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as Record<string, unknown>;
			const oidc = entries.filter((e) => details(e).method === 'oidc');
			expect(oidc.filter((e) => e.action === 'sign_in' && e.actor === 'user:oidc-viewer@test.invalid')).toHaveLength(4);
			expect(oidc.filter((e) => e.action === 'sign_in.oidc_ok' && e.actor === 'user:oidc-analyst@test.invalid')).toHaveLength(1);
			const reasons = oidc.filter((e) => e.action === 'sign_in.failed').map((e) => details(e).reason);
			for (const reason of ['no_account', 'disabled', 'email_unverified', 'state_mismatch', 'no_transaction']) expect(reasons).toContain(reason);
			expect(oidc.some((e) => e.action === 'sign_in.throttled')).toBe(true);
			const text = JSON.stringify(oidc);
			expect(text).not.toMatch(/code=|eyJ|state=|nothing/);
		} finally {
			await w.close();
		}
	});
});
