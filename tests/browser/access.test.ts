/**
 * Access control on the production build: every route and endpoint as every role and as
 * nobody, status by status; a session waiting for its second factor reaches no data; signed-out,
 * forged, disabled and idle sessions are refused; sign-in is throttled (429).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { root } from '../../scripts/build-if-needed.js';
import { createUser, findUserByEmail } from '../../src/lib/server/auth/accounts.ts';
import { ROLES, type Role } from '../../src/lib/server/auth/roles.ts';
import { totpCode } from '../../src/lib/server/auth/totp.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { sessionCookie } from './browser.ts';
import { httpSignIn } from './global-setup.ts';

const base = () => inject('baseURL');
type Who = Role | 'nobody';
const WHO: Who[] = ['nobody', ...ROLES];

async function request(method: string, route: string, who: Who | string, body?: URLSearchParams | FormData): Promise<Response> {
	const cookie = who === 'nobody' ? undefined : (ROLES as readonly string[]).includes(who) ? sessionCookie(who as Role) : who;
	return fetch(`${base()}${route}`, {
		method,
		redirect: 'manual',
		headers: { origin: base(), accept: 'text/html', ...(cookie ? { cookie } : {}) },
		body
	});
}

/** What each visitor gets: allowed roles get `ok`, other roles 403, nobody `nobody`. */
interface Row {
	method: 'GET' | 'POST';
	route: string;
	allowed: readonly Role[];
	ok: number;
	nobody: number;
	body?: () => URLSearchParams | FormData;
}
const ALL = ROLES;
const ANALYSTS: Role[] = ['analyst', 'admin'];
const MATRIX: Row[] = [
	...['/', '/need', '/response', '/escalation', '/meetings', '/audits', '/data', '/about/counts', '/metrics/re_referrals_12m_pct', '/account', '/settings/priorities', '/settings/benchmarks'].map(
		(route): Row => ({ method: 'GET', route, allowed: ALL, ok: 200, nobody: 303 })
	),
	{ method: 'GET', route: '/data/import', allowed: ANALYSTS, ok: 200, nobody: 303 },
	{ method: 'GET', route: '/data/quarantine', allowed: ANALYSTS, ok: 200, nobody: 303 },
	{ method: 'GET', route: '/admin/users', allowed: ['admin'], ok: 200, nobody: 303 },
	{ method: 'GET', route: '/admin/audit', allowed: ['admin'], ok: 200, nobody: 303 },
	{ method: 'GET', route: '/api/metrics', allowed: ALL, ok: 200, nobody: 401 },
	{ method: 'GET', route: '/api/quarantine', allowed: ANALYSTS, ok: 200, nobody: 401 },
	{ method: 'GET', route: '/api/imports/no-such-import', allowed: ANALYSTS, ok: 404, nobody: 401 },
	{ method: 'POST', route: '/session/unsuppressed', allowed: ANALYSTS, ok: 303, nobody: 401, body: () => new URLSearchParams({ on: '0', next: '/' }) },
	// Every form action and write endpoint, with input it refuses: allowed roles reach the
	// action (400, 415: its own answer), the others are stopped before it (403, 401).
	...['create', 'edit', 'retire'].map((action): Row => ({ method: 'POST', route: `/settings/priorities?/${action}`, allowed: ['lead'], ok: 400, nobody: 401, body: () => new URLSearchParams({}) })),
	...['create', 'edit', 'delete'].map(
		(action): Row => ({ method: 'POST', route: `/settings/benchmarks?/${action}`, allowed: ['lead', 'analyst', 'admin'], ok: 400, nobody: 401, body: () => new URLSearchParams({}) })
	),
	...['add', 'role', 'disable', 'reset'].map((action): Row => ({ method: 'POST', route: `/admin/users?/${action}`, allowed: ['admin'], ok: 400, nobody: 401, body: () => new URLSearchParams({}) })),
	{ method: 'POST', route: '/data/quarantine?/undo', allowed: ANALYSTS, ok: 400, nobody: 401, body: () => new URLSearchParams({ batch: 'none' }) },
	{ method: 'POST', route: '/data/import?/upload', allowed: ANALYSTS, ok: 415, nobody: 401, body: () => new URLSearchParams({ a: '1' }) },
	{ method: 'POST', route: '/api/imports', allowed: ANALYSTS, ok: 415, nobody: 401, body: () => new URLSearchParams({ a: '1' }) },
	{ method: 'POST', route: '/account?/end', allowed: ALL, ok: 400, nobody: 401, body: () => new URLSearchParams({ id: 'none' }) },
	// The public pages: a reset link (this one is not valid: the page says so), the second
	// factor (nothing to do for a whole session: on to the overview; nobody: to sign in first), and
	// OpenID Connect, not configured on this server.
	{ method: 'GET', route: `/reset/${'A'.repeat(43)}`, allowed: ALL, ok: 200, nobody: 200 },
	{ method: 'GET', route: '/login/second-factor', allowed: ALL, ok: 303, nobody: 303 },
	{ method: 'GET', route: '/login/oidc', allowed: ALL, ok: 404, nobody: 404 },
	{ method: 'GET', route: '/login/oidc/callback', allowed: ALL, ok: 404, nobody: 404 }
];

describe('the access matrix', () => {
	for (const row of MATRIX) {
		it(`${row.method} ${row.route}`, async () => {
			const got: Record<string, number> = {};
			const want: Record<string, number> = {};
			for (const who of WHO) {
				const response = await request(row.method, row.route, who, row.body?.());
				got[who] = response.status;
				want[who] = who === 'nobody' ? row.nobody : row.allowed.includes(who) ? row.ok : 403;
				if (who === 'nobody' && row.nobody === 303) expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(row.route)}`);
			}
			expect(got).toEqual(want);
		});
	}

	it('the sign-in page is for everyone; a signed-in visitor is sent on', async () => {
		expect((await request('GET', '/login', 'nobody')).status).toBe(200);
		const signed = await request('GET', '/login?next=/need', 'viewer');
		expect(signed.status).toBe(303);
		expect(signed.headers.get('location')).toBe('/need');
	});

	it('a route without a rule does not exist for anybody, and a method without one gets 405', async () => {
		expect((await request('GET', '/no-such-page', 'admin')).status).toBe(404);
		expect((await request('POST', '/need', 'admin', new URLSearchParams({ a: '1' }))).status).toBe(405);
	});
});

describe('the second factor', () => {
	it('an analyst without it reaches the second-factor page and no data; once shown, the session is a new one', async () => {
		const a = inject('accounts').analyst2;
		const cookie = await httpSignIn(base(), { ...a, totpSecret: null });
		for (const route of ['/', '/need', '/data/import', '/metrics/re_referrals_12m_pct']) {
			const r = await request('GET', route, cookie);
			expect(r.status, route).toBe(303);
			expect(r.headers.get('location')).toBe(`/login/second-factor?next=${encodeURIComponent(route)}`);
		}
		expect((await request('GET', '/api/metrics', cookie)).status).toBe(401);
		expect((await request('POST', '/session/unsuppressed', cookie, new URLSearchParams({ on: '1' }))).status).toBe(401);
		const page = await request('GET', '/login/second-factor', cookie);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toMatch(/Set-up key/);

		// Setting it up starts a new session: the token that waited for the factor is refused after.
		const secret = /data-secret[^>]*>([A-Z2-7]+)</.exec(html)![1];
		const done = await request('POST', '/login/second-factor', cookie, new URLSearchParams({ code: totpCode(secret, new Date()), next: '/need' }));
		expect(done.status).toBe(303);
		expect(done.headers.get('location')).toBe('/need');
		const rotated = /(__Host-fp_session=[^;]+)/.exec(done.headers.get('set-cookie') ?? '')![1];
		expect(rotated).not.toBe(cookie);
		expect((await request('GET', '/need', rotated)).status).toBe(200);
		const old = await request('GET', '/need', cookie);
		expect(old.status).toBe(303);
		expect(old.headers.get('location')).toMatch(/^\/login\?/);
		expect((await request('GET', '/api/metrics', cookie)).status).toBe(401);
	});
});

describe('sessions that no longer hold', () => {
	it('a signed-out session is refused, and so is a forged one', async () => {
		const cookie = await httpSignIn(base(), inject('accounts').viewer2);
		expect((await request('GET', '/need', cookie)).status).toBe(200);
		const out = await request('POST', '/logout', cookie);
		expect(out.status).toBe(303);
		expect(out.headers.get('set-cookie')).toMatch(/__Host-fp_session=;/);
		const after = await request('GET', '/need', cookie);
		expect(after.status).toBe(303);
		expect(after.headers.get('location')).toMatch(/^\/login/);
		expect((await request('GET', '/api/metrics', cookie)).status).toBe(401);
		expect((await request('GET', '/api/metrics', `__Host-fp_session=${'A'.repeat(43)}`)).status).toBe(401);
	});

	it('each sign-in starts a new session, with its own token', async () => {
		const a = await httpSignIn(base(), inject('accounts').viewer2);
		const b = await httpSignIn(base(), inject('accounts').viewer2);
		expect(a).not.toBe(b);
		expect((await request('GET', '/api/metrics', a)).status).toBe(200);
		expect((await request('GET', '/api/metrics', b)).status).toBe(200);
	});

	it('sign-in is throttled after repeated failures (429), with one generic message', async () => {
		const email = inject('accounts').viewer3.email;
		const statuses: number[] = [];
		let text = '';
		for (let i = 0; i < 7; i++) {
			const r = await fetch(`${base()}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: base(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ email, password: `not the password ${i} at all`, next: '/' })
			});
			statuses.push(r.status);
			text = await r.text();
		}
		expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
		expect(statuses.slice(5)).toEqual([429, 429]);
		expect(text).toMatch(/Too many attempts/);
		// Even the right password waits now.
		await expect(httpSignIn(base(), inject('accounts').viewer3)).rejects.toThrow(/failed: 429/);
	});
});

describe('an idle session', () => {
	let server: ChildProcess | undefined;
	let work: string | undefined;
	afterAll(() => {
		server?.kill();
		if (work) rmSync(work, { recursive: true, force: true });
	});

	it('ends after the idle limit (a server with FP_SESSION_IDLE_SECONDS=2)', async () => {
		work = mkdtempSync(path.join(tmpdir(), 'fp-idle-'));
		const db = path.join(work, 'idle.duckdb');
		copyFileSync(inject('cliWarehouse'), db);
		const account = { email: 'idle@test.invalid', role: 'viewer' as Role, password: 'a slow walk past the quiet harbour', secondFactor: false };
		const w = await openWarehouse(db);
		try {
			if (!(await findUserByEmail(w, account.email))) await createUser(w, account);
		} finally {
			await w.close();
		}
		const port = await new Promise<number>((resolve) => {
			const s = createServer().listen(0, '127.0.0.1', () => {
				const a = s.address();
				s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
			});
		});
		server = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
			cwd: root,
			env: { ...process.env, DATABASE_PATH: db, FULL_PICTURE_DEMO: '', PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://127.0.0.1:${port}`, FP_SESSION_IDLE_SECONDS: '2' },
			stdio: ['ignore', 'pipe', 'inherit']
		});
		await new Promise<void>((resolve) => server!.stdout!.on('data', (d: Buffer) => d.toString().includes('Listening') && resolve()));
		const url = `http://127.0.0.1:${port}`;
		const cookie = await httpSignIn(url, account);
		const get = () => fetch(`${url}/api/metrics`, { headers: { cookie } });
		expect((await get()).status).toBe(200);
		await new Promise((r) => setTimeout(r, 3000));
		expect((await get()).status).toBe(401);
	});
});
