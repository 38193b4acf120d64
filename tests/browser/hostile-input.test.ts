/**
 * Hostile input on the production build, over plain fetch (no Chromium): a `next` that a
 * browser would resolve to another host never leaves the site, nor does one with a newline
 * give a 500 (sign-in, the second factor, the unsuppressed switch; OpenID Connect: oidc.test.ts);
 * and a battery of bodies that are not forms, posted to every form action and form-reading
 * endpoint with a valid Origin and the session it needs, gets a 4xx (400, or Kit's own 415 for
 * a content type form actions never take, 413 when too large), never a 5xx.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Role } from '../../src/lib/server/auth/roles.ts';
import { FORM_TOO_LARGE, FORM_UNREADABLE, MAX_FORM_BYTES } from '../../src/lib/server/http/form.ts';
import { sessionCookie } from './browser.ts';

const base = () => inject('baseURL');
const origin = () => new URL(base()).origin;

function send(method: 'GET' | 'POST', route: string, cookie: string | undefined, body?: BodyInit, contentType?: string): Promise<Response> {
	return fetch(`${base()}${route}`, {
		method,
		redirect: 'manual',
		headers: { origin: base(), accept: 'text/html', ...(cookie ? { cookie } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
		body
	});
}
const postForm = (route: string, cookie: string | undefined, fields: Record<string, string>) =>
	send('POST', route, cookie, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');

const sessionOf = (r: Response) => /(__Host-fp_session=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];

/** The reported one, and its cousins: each resolves to another host in a browser. */
const OFF_SITE = [
	'/\t/127.0.0.1:3999/',
	'/\n/127.0.0.1:3999/',
	'/\r\n/127.0.0.1:3999/',
	'/\\127.0.0.1:3999/',
	'//127.0.0.1:3999/',
	'/.//127.0.0.1:3999/',
	'/%2e//127.0.0.1:3999/',
	'https://127.0.0.1:3999/',
	'javascript:alert(document.domain)',
	'／／127.0.0.1:3999/'
];
/** A newline (and a header it would inject), a lone one, a NUL. */
const BREAKS_HEADERS = ['/need\r\nX-Injected: yes', '/need\n', '/need\u0000'];

/** The redirect's target, as a browser would resolve it from the page it was asked on. */
function expectOnSite(r: Response, route: string, exactly?: string) {
	expect(r.status, route).toBe(303);
	const location = r.headers.get('location') ?? '';
	expect(new URL(location, `${base()}${route}`).origin, `${route} → ${JSON.stringify(location)}`).toBe(origin());
	if (exactly !== undefined) expect(location, route).toBe(exactly);
	expect(r.headers.get('x-injected'), route).toBeNull();
}

describe('next never leads off the site', () => {
	const q = (next: string) => encodeURIComponent(next);

	it('GET /login with the reported URL sends a signed-in visitor to /, not to another host', async () => {
		const route = '/login?next=%2F%09%2F127.0.0.1%3A3999%2F';
		expectOnSite(await send('GET', route, sessionCookie('viewer')), route, '/');
	});

	it('GET /login, each hostile next and each that breaks a header: a redirect to /, never a 500', async () => {
		for (const next of [...OFF_SITE, ...BREAKS_HEADERS]) {
			const route = `/login?next=${q(next)}`;
			expectOnSite(await send('GET', route, sessionCookie('viewer')), route, '/');
		}
	});

	it('GET /login signed out keeps / as next in the form, not the hostile value', async () => {
		const r = await send('GET', `/login?next=${q(OFF_SITE[0])}`, undefined);
		expect(r.status).toBe(200);
		const html = await r.text();
		expect(html).toMatch(/<input type="hidden" name="next" value="\/"\s*\/?>/);
		expect(html).not.toContain('127.0.0.1:3999');
	});

	it('a path on the site is kept, percent-encoded where a header needs it (a raw U+2028 gave a 500)', async () => {
		for (const [next, kept] of [
			['/metrics/re_referrals_12m_pct?q=a b', '/metrics/re_referrals_12m_pct?q=a%20b'],
			['/need\u2028', '/need%E2%80%A8']
		]) {
			const route = `/login?next=${q(next)}`;
			expectOnSite(await send('GET', route, sessionCookie('viewer')), route, kept);
		}
	});

	it('POST /login with a hostile next: signed in, and sent to /', async () => {
		const { email, password } = inject('accounts').viewer2;
		for (const next of [OFF_SITE[0], OFF_SITE[3], OFF_SITE[5], BREAKS_HEADERS[0]]) {
			const r = await postForm('/login', undefined, { email, password, next });
			expectOnSite(r, '/login', '/');
			expect(sessionOf(r), JSON.stringify(next)).toBeTruthy();
		}
	});

	it('POST /login for a role with a second factor: on to it with next=/, and that page keeps /', async () => {
		const { email, password } = inject('accounts').analyst;
		const r = await postForm('/login', undefined, { email, password, next: OFF_SITE[0] });
		expectOnSite(r, '/login', '/login/second-factor?next=%2F');
		const pending = sessionOf(r)!;
		const page = await send('GET', `/login/second-factor?next=${q(OFF_SITE[0])}`, pending);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toMatch(/<input type="hidden" name="next" value="\/"\s*\/?>/);
		expect(html).not.toContain('127.0.0.1:3999');
	});

	it('GET /login/second-factor with a whole session: on to /, never another host', async () => {
		for (const next of [...OFF_SITE, ...BREAKS_HEADERS]) {
			const route = `/login/second-factor?next=${q(next)}`;
			expectOnSite(await send('GET', route, sessionCookie('viewer')), route, '/');
		}
	});

	it('the unsuppressed switch goes back to /, never another host, never a 500', async () => {
		for (const next of [...OFF_SITE, ...BREAKS_HEADERS]) {
			const r = await postForm('/session/unsuppressed', sessionCookie('analyst'), { on: '0', next });
			expectOnSite(r, '/session/unsuppressed', '/');
		}
		// Its own page is kept.
		expectOnSite(await postForm('/session/unsuppressed', sessionCookie('analyst'), { on: '0', next: '/need?agency=LA' }), '/session/unsuppressed', '/need?agency=LA');
	});
});

// ---------------------------------------------------------------------------------------------

type Who = Role | 'nobody' | 'pending';
interface Target {
	route: string;
	who: Who;
	/** A form action (Kit answers 415 itself to a content type no form sends) or an endpoint. */
	kind: 'action' | 'endpoint';
	/** The route's own answer to an empty form (its missing fields). */
	empty: number;
	/** The page shown again says why. */
	says: boolean;
}
const TARGETS: Target[] = [
	{ route: '/login', who: 'nobody', kind: 'action', empty: 400, says: true },
	{ route: '/login/second-factor', who: 'pending', kind: 'action', empty: 400, says: true },
	// Not a valid link: the page says so instead, but the form is read (or refused) first.
	{ route: `/reset/${'A'.repeat(43)}`, who: 'nobody', kind: 'action', empty: 400, says: false },
	{ route: '/account?/end', who: 'viewer', kind: 'action', empty: 400, says: true },
	...['create', 'edit', 'retire'].map((a): Target => ({ route: `/settings/priorities?/${a}`, who: 'lead', kind: 'action', empty: 400, says: true })),
	...['create', 'edit', 'delete'].map((a): Target => ({ route: `/settings/benchmarks?/${a}`, who: 'analyst', kind: 'action', empty: 400, says: true })),
	...['add', 'role', 'disable', 'reset'].map((a): Target => ({ route: `/admin/users?/${a}`, who: 'admin', kind: 'action', empty: 400, says: true })),
	{ route: '/data/quarantine?/undo', who: 'analyst', kind: 'action', empty: 400, says: true },
	// An empty form switches unsuppressed figures off, and goes back to /.
	{ route: '/session/unsuppressed', who: 'analyst', kind: 'endpoint', empty: 303, says: false }
];

const text = (s: string) => new TextEncoder().encode(s);
/** Deterministic bytes that are neither UTF-8 nor a form. */
const GARBAGE = new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 151 + 89) % 256));
const MULTIPART = ['--XyZ', 'Content-Disposition: form-data; name="email"', '', 'a@b.test', '--XyZ', 'Content-Disposition: form-data; name="next"', '', '/', '--XyZ--', ''].join('\r\n');

interface Body {
	name: string;
	contentType?: string;
	body: () => BodyInit | undefined;
	/** The status for a target (of its kind). */
	status: (t: Target) => number;
	/** The helper's message, which the page then shows. */
	message?: string;
}
const refused = () => 400;
const BODIES: Body[] = [
	{ name: 'a JSON body', contentType: 'application/json', body: () => '{"email":"a@b.test","next":"/"}', status: (t) => (t.kind === 'action' ? 415 : 400) },
	{ name: 'no content type', body: () => text('email=a%40b.test'), status: (t) => (t.kind === 'action' ? 415 : 400) },
	{ name: 'text/plain', contentType: 'text/plain', body: () => 'email=a@b.test\r\nnext=/\r\n', status: refused, message: FORM_UNREADABLE },
	{ name: "SvelteKit's binary form type", contentType: 'application/x-sveltekit-formdata', body: () => GARBAGE, status: refused, message: FORM_UNREADABLE },
	{ name: 'multipart without a boundary', contentType: 'multipart/form-data', body: () => MULTIPART, status: refused, message: FORM_UNREADABLE },
	{ name: 'multipart with a garbage boundary', contentType: 'multipart/form-data; boundary=%%%-not-it-%%%', body: () => MULTIPART, status: refused, message: FORM_UNREADABLE },
	{ name: 'multipart with a boundary too long', contentType: `multipart/form-data; boundary=${'b'.repeat(200)}`, body: () => MULTIPART, status: refused, message: FORM_UNREADABLE },
	{ name: 'truncated multipart', contentType: 'multipart/form-data; boundary=XyZ', body: () => MULTIPART.slice(0, MULTIPART.indexOf('a@b.test') + 3), status: refused, message: FORM_UNREADABLE },
	{ name: 'multipart, binary garbage', contentType: 'multipart/form-data; boundary=XyZ', body: () => GARBAGE, status: refused, message: FORM_UNREADABLE },
	{ name: 'multipart, empty body', contentType: 'multipart/form-data; boundary=XyZ', body: () => '', status: refused, message: FORM_UNREADABLE },
	{ name: 'urlencoded, invalid percent-encoding', contentType: 'application/x-www-form-urlencoded', body: () => 'email=%zz%&next=%E0%A4%A', status: refused, message: FORM_UNREADABLE },
	{ name: 'urlencoded, escapes that are not UTF-8', contentType: 'application/x-www-form-urlencoded', body: () => 'email=%C3%28&next=%FF', status: refused, message: FORM_UNREADABLE },
	{ name: 'urlencoded, binary garbage', contentType: 'application/x-www-form-urlencoded', body: () => GARBAGE, status: refused, message: FORM_UNREADABLE },
	{ name: 'urlencoded, empty body', contentType: 'application/x-www-form-urlencoded', body: () => '', status: (t) => t.empty },
	{ name: 'urlencoded, too large', contentType: 'application/x-www-form-urlencoded', body: () => `email=${'x'.repeat(MAX_FORM_BYTES + 1)}`, status: () => 413, message: FORM_TOO_LARGE },
	{ name: 'multipart, over the server’s body limit', contentType: 'multipart/form-data; boundary=XyZ', body: () => `--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n${'x'.repeat(600 * 1024)}\r\n--XyZ--\r\n`, status: () => 413 }
];

describe('malformed bodies get a 4xx, never a 5xx', () => {
	let pending: string;
	beforeAll(async () => {
		// A session waiting for its second factor (a password sign-in of an analyst).
		const { email, password } = inject('accounts').analyst;
		const r = await postForm('/login', undefined, { email, password, next: '/' });
		expect(r.headers.get('location')).toBe('/login/second-factor?next=%2F');
		pending = sessionOf(r)!;
	});
	const cookieOf = (who: Who) => (who === 'nobody' ? undefined : who === 'pending' ? pending : sessionCookie(who));

	for (const target of TARGETS) {
		it(`POST ${target.route} (${target.who})`, async () => {
			const got: Record<string, number> = {};
			const want: Record<string, number> = {};
			const unsaid: string[] = [];
			for (const b of BODIES) {
				let r: Response;
				try {
					r = await send('POST', target.route, cookieOf(target.who), b.body(), b.contentType);
				} catch (e) {
					// A reset connection is no answer at all: it shows in the table as 0.
					got[b.name] = 0;
					want[b.name] = b.status(target);
					console.error(`${target.route}, ${b.name}: ${e instanceof Error ? `${e.message} (${String(e.cause)})` : String(e)}`);
					continue;
				}
				got[b.name] = r.status;
				want[b.name] = b.status(target);
				const html = await r.text();
				if (b.message && target.says && !html.includes(b.message)) unsaid.push(b.name);
			}
			expect(got).toEqual(want);
			expect(Object.values(got).filter((s) => s >= 500)).toEqual([]);
			// The page is shown again, saying why.
			expect(unsaid).toEqual([]);
		});
	}

	it('the sessions used are still good after it all', async () => {
		for (const role of ['viewer', 'lead', 'analyst', 'admin'] as const) {
			expect((await send('GET', '/account', sessionCookie(role))).status, role).toBe(200);
		}
		expect((await send('GET', '/login/second-factor', pending)).status).toBe(200);
	});
});
