/**
 * The relying party against a real OpenID provider on loopback (the oidc-provider package):
 * PKCE, state and nonce sent and checked, the email from UserInfo or the ID token, and each
 * refusal by its category.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginSignIn, completeSignIn, forgetProviders, providerConfiguration } from './client.ts';
import { oidcSettings, type OidcSettings } from './settings.ts';
import { startTestProvider, type TestProvider } from './test-provider.ts';

const REDIRECT = 'http://127.0.0.1:9/login/oidc/callback';
const ACCOUNTS = {
	jane: { email: 'Jane.Smith@Example.org', email_verified: true },
	unverified: { email: 'sam@example.org', email_verified: false },
	silent: { email: 'kim@example.org' },
	noemail: {}
};

function settingsOf(p: TestProvider, extra: Record<string, string> = {}): OidcSettings {
	return oidcSettings({ OIDC_ISSUER: p.issuer, OIDC_CLIENT_ID: p.clientId, OIDC_CLIENT_SECRET: p.clientSecret, OIDC_REDIRECT_URI: REDIRECT, ...extra }, 'http://127.0.0.1:9')!;
}

describe.each([
	['the email from the UserInfo endpoint', false],
	['the email in the ID token', true]
])('sign-in through a real provider: %s', (_label, idTokenClaims) => {
	let provider: TestProvider;
	let settings: OidcSettings;
	beforeAll(async () => {
		forgetProviders();
		provider = await startTestProvider({ redirectUri: REDIRECT, accounts: ACCOUNTS, idTokenClaims });
		settings = settingsOf(provider);
	});
	afterAll(() => provider?.close());

	it('signs in: PKCE (S256), state and nonce sent; the email lowercased; next kept', async () => {
		const { url, transaction } = await beginSignIn(settings, '/need');
		expect(url.origin).toBe(provider.issuer);
		expect(url.searchParams.get('code_challenge_method')).toBe('S256');
		expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
		expect(url.searchParams.get('state')).toBe(transaction.state);
		expect(url.searchParams.get('nonce')).toBe(transaction.nonce);
		expect(url.searchParams.get('scope')).toBe('openid email');
		expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
		expect(url.href).not.toContain(transaction.codeVerifier);
		const back = await provider.signIn(url, 'jane');
		expect(await completeSignIn(settings, back, transaction)).toEqual({ ok: true, email: 'jane.smith@example.org', next: '/need' });
		// The code is single-use.
		expect(await completeSignIn(settings, back, transaction)).toEqual({ ok: false, reason: 'token_rejected' });
	});

	it('accepts an email without email_verified; refuses email_verified false, and no email', async () => {
		for (const [login, want] of [
			['silent', { ok: true, email: 'kim@example.org', next: '/' }],
			['unverified', { ok: false, reason: 'email_unverified' }],
			['noemail', { ok: false, reason: 'no_email' }]
		] as const) {
			const { url, transaction } = await beginSignIn(settings, '/');
			expect(await completeSignIn(settings, await provider.signIn(url, login), transaction), login).toEqual(want);
		}
	});

	it('refuses a tampered or missing state, and no sign-in in flight, before redeeming the code', async () => {
		const { url, transaction } = await beginSignIn(settings, '/');
		const back = await provider.signIn(url, 'jane');
		const tampered = new URL(back);
		tampered.searchParams.set('state', `${transaction.state.slice(0, -1)}x`);
		expect(await completeSignIn(settings, tampered, transaction)).toEqual({ ok: false, reason: 'state_mismatch' });
		const missing = new URL(back);
		missing.searchParams.delete('state');
		expect(await completeSignIn(settings, missing, transaction)).toEqual({ ok: false, reason: 'state_mismatch' });
		expect(await completeSignIn(settings, back, null)).toEqual({ ok: false, reason: 'no_transaction' });
		// The code was not spent by the refusals above.
		expect((await completeSignIn(settings, back, transaction)).ok).toBe(true);
	});

	it('refuses a wrong code verifier (PKCE) and a wrong nonce', async () => {
		for (const change of [{ codeVerifier: 'x'.repeat(43) }, { nonce: 'another-nonce' }]) {
			const { url, transaction } = await beginSignIn(settings, '/');
			const back = await provider.signIn(url, 'jane');
			expect(await completeSignIn(settings, back, { ...transaction, ...change })).toEqual({ ok: false, reason: 'token_rejected' });
		}
	});

	it("names the provider's own error (the person cancelled)", async () => {
		const { transaction } = await beginSignIn(settings, '/');
		const back = new URL(REDIRECT);
		back.search = new URLSearchParams({ error: 'access_denied', state: transaction.state, iss: provider.issuer }).toString();
		expect(await completeSignIn(settings, back, transaction)).toEqual({ ok: false, reason: 'provider_error' });
	});

	it('discovers once per process', async () => {
		expect(providerConfiguration(settings)).toBe(providerConfiguration(settingsOf(provider)));
		expect(await providerConfiguration(settings)).toBe(await providerConfiguration(settings));
	});
});

describe('a provider that cannot be reached', () => {
	it('fails to begin, and a callback gives "unavailable"; the failure is not cached', async () => {
		forgetProviders();
		const p = await startTestProvider({ redirectUri: REDIRECT, accounts: ACCOUNTS });
		await p.close();
		const settings = settingsOf(p);
		await expect(beginSignIn(settings, '/')).rejects.toThrow();
		const back = new URL(`${REDIRECT}?code=abc&state=s1`);
		expect(await completeSignIn(settings, back, { codeVerifier: 'v'.repeat(43), state: 's1', nonce: 'n', next: '/' })).toEqual({ ok: false, reason: 'unavailable' });
		const first = providerConfiguration(settings);
		await first.catch(() => {});
		expect(providerConfiguration(settings)).not.toBe(first);
		await providerConfiguration(settings).catch(() => {});
	});
});
