/** On the production build: security headers on every route, and cross-origin posts refused. */
import { describe, expect, inject, it } from 'vitest';
import { sessionCookie } from './browser.ts';

const ROUTES = ['/', '/need', '/response', '/escalation', '/meetings', '/audits', '/data', '/metrics/re_referrals_12m_pct', '/api/metrics', '/account', '/settings/priorities', '/no-such-page', '/login'];

describe('security headers', () => {
	it.each(ROUTES)('%s carries the CSP and the other headers, and no-store', async (route) => {
		const response = await fetch(`${inject('baseURL')}${route}`, { redirect: 'manual', headers: { cookie: sessionCookie('viewer') } });
		const h = response.headers;
		expect(h.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
		expect(h.get('x-content-type-options')).toBe('nosniff');
		expect(h.get('referrer-policy')).toBe('same-origin');
		expect(h.get('cache-control')).toBe('no-store');
		if ((h.get('content-type') ?? '').startsWith('text/html')) {
			const csp = h.get('content-security-policy') ?? '';
			const script = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
			expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
			expect(script).not.toContain('unsafe-inline');
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).toContain("object-src 'none'");
			expect(csp).toContain("base-uri 'none'");
			// Every script of the page carries the nonce.
			const nonce = /'nonce-([^']+)'/.exec(script)![1];
			const html = await response.text();
			const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
			expect(scripts.length).toBeGreaterThan(0);
			for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
		}
	});
});

describe('cross-origin requests that change state', () => {
	it('a cross-origin form POST gets 403', async () => {
		const response = await fetch(`${inject('baseURL')}/`, {
			method: 'POST',
			headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			body: 'a=1'
		});
		expect(response.status).toBe(403);
	});

	it('a cross-origin JSON POST gets 403, and so does one without an Origin', async () => {
		for (const headers of [{ origin: 'https://evil.example', 'content-type': 'application/json' }, { 'content-type': 'application/json' }] as Record<string, string>[]) {
			const response = await fetch(`${inject('baseURL')}/api/metrics`, { method: 'POST', headers, body: '{}' });
			expect(response.status).toBe(403);
			expect(await response.json()).toEqual({ error: 'cross-origin request refused' });
		}
	});
});
