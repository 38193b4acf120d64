import { describe, expect, it } from 'vitest';
import { applySecurityHeaders, originAllowed } from './security.ts';

describe('the origin check', () => {
	it('lets safe methods through and refuses a state change from elsewhere or without an Origin', () => {
		const me = 'http://localhost:3000';
		expect(originAllowed('GET', null, me)).toBe(true);
		expect(originAllowed('HEAD', 'https://evil.example', me)).toBe(true);
		expect(originAllowed('POST', me, me)).toBe(true);
		for (const method of ['POST', 'put', 'PATCH', 'DELETE']) {
			expect(originAllowed(method, 'https://evil.example', me), method).toBe(false);
			expect(originAllowed(method, null, me), method).toBe(false);
			expect(originAllowed(method, 'http://localhost:3001', me), method).toBe(false);
		}
	});
});

describe('security headers', () => {
	it('are set on every response, with no-store unless the response is a static asset', () => {
		const page = new Headers({ 'cache-control': 'public, max-age=600' });
		applySecurityHeaders(page, false);
		expect(page.get('cache-control')).toBe('no-store');
		expect(page.get('strict-transport-security')).toMatch(/^max-age=\d+/);
		expect(page.get('x-content-type-options')).toBe('nosniff');
		expect(page.get('referrer-policy')).toBe('same-origin');
		const asset = new Headers({ 'cache-control': 'public, max-age=31536000, immutable' });
		applySecurityHeaders(asset, true);
		expect(asset.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(asset.get('x-content-type-options')).toBe('nosniff');
	});
});
