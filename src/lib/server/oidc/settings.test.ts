/** OIDC settings from the environment: off unless configured, each wrong variable named. */
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, oidcSettings } from './settings.ts';

const ORIGIN = 'https://fp.example.org';
const base = { OIDC_ISSUER: 'https://login.example.org/realm', OIDC_CLIENT_ID: 'fp', OIDC_CLIENT_SECRET: 's3cret' };

describe('oidcSettings', () => {
	it('is off (null) when neither the issuer nor the client is set, blank counting as unset', () => {
		expect(oidcSettings({}, ORIGIN)).toBeNull();
		expect(oidcSettings({ OIDC_ISSUER: ' ', OIDC_CLIENT_ID: '' }, ORIGIN)).toBeNull();
	});

	it('gives the defaults: redirect URI from ORIGIN (or the request), name, scopes', () => {
		const s = oidcSettings(base, ORIGIN)!;
		expect(s.issuer.href).toBe('https://login.example.org/realm');
		expect(s.redirectUri.href).toBe('https://fp.example.org/login/oidc/callback');
		expect(s.name).toBe('your organisation');
		expect(s.scopes).toBe('openid email');
		expect(s.clientSecret).toBe('s3cret');
		expect(s.allowHttp).toBe(false);
		expect(oidcSettings({ ...base, ORIGIN: 'https://dash.example.org/' }, ORIGIN)!.redirectUri.href).toBe('https://dash.example.org/login/oidc/callback');
	});

	it('takes the name, scopes and redirect URI given; no secret makes a public client', () => {
		const s = oidcSettings(
			{ OIDC_ISSUER: base.OIDC_ISSUER, OIDC_CLIENT_ID: 'fp', OIDC_NAME: '  Northshire   Council ', OIDC_SCOPES: 'openid email profile email', OIDC_REDIRECT_URI: 'https://x.example.org/login/oidc/callback' },
			ORIGIN
		)!;
		expect(s.name).toBe('Northshire Council');
		expect(s.scopes).toBe('openid email profile');
		expect(s.redirectUri.href).toBe('https://x.example.org/login/oidc/callback');
		expect(s.clientSecret).toBeNull();
	});

	it('refuses half a configuration, naming the variable', () => {
		expect(() => oidcSettings({ OIDC_ISSUER: base.OIDC_ISSUER }, ORIGIN)).toThrow(/OIDC_CLIENT_ID/);
		expect(() => oidcSettings({ OIDC_CLIENT_ID: 'fp' }, ORIGIN)).toThrow(/OIDC_ISSUER/);
	});

	it('refuses an http issuer except on loopback, and other wrong values', () => {
		expect(() => oidcSettings({ ...base, OIDC_ISSUER: 'http://login.example.org' }, ORIGIN)).toThrow(/https/);
		expect(() => oidcSettings({ ...base, OIDC_ISSUER: 'http://10.0.0.5' }, ORIGIN)).toThrow(/https/);
		expect(oidcSettings({ ...base, OIDC_ISSUER: 'http://127.0.0.1:4000' }, ORIGIN)!.allowHttp).toBe(true);
		expect(() => oidcSettings({ ...base, OIDC_ISSUER: 'not a url' }, ORIGIN)).toThrow(/OIDC_ISSUER/);
		expect(() => oidcSettings({ ...base, OIDC_ISSUER: 'ftp://login.example.org' }, ORIGIN)).toThrow(/OIDC_ISSUER/);
		expect(() => oidcSettings({ ...base, OIDC_SCOPES: 'email profile' }, ORIGIN)).toThrow(/openid/);
		expect(() => oidcSettings({ ...base, OIDC_REDIRECT_URI: 'https://fp.example.org/elsewhere' }, ORIGIN)).toThrow(/OIDC_REDIRECT_URI/);
	});

	it('knows loopback hosts', () => {
		for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
		for (const h of ['10.0.0.1', '192.168.1.1', 'example.org', '127.0.0.1.example.org']) expect(isLoopbackHost(h), h).toBe(false);
	});
});
