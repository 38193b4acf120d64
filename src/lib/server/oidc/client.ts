/**
 * The OpenID Connect relying party (openid-client): the authorization code flow with PKCE
 * (S256), state and nonce. Nothing here imports SvelteKit or the warehouse.
 *
 *   providerConfiguration(settings): Promise<Configuration>   discovery, cached per process
 *       (a failed discovery is not cached: the next sign-in tries again)
 *   beginSignIn(settings, next): Promise<{ url, transaction }>  where to send the browser, and
 *       what to keep (transaction.ts seals it in a cookie)
 *   completeSignIn(settings, callbackUrl, transaction): Promise<Completion>
 *       checks the state (before anything is sent), then openid-client checks the response,
 *       redeems the code with the verifier and validates the ID token (signature, issuer,
 *       audience, expiry, nonce). The email comes from the ID token, or else from the UserInfo
 *       endpoint (for the same subject). It must be there and `email_verified` must not be
 *       false. A failure gives a category (`reason`), never a token or a claim.
 */
import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcSettings } from './settings.ts';
import type { Transaction } from './transaction.ts';

export type OidcFailureReason =
	/** No sign-in in flight: the cookie is missing, altered, expired, or from before a restart. */
	| 'no_transaction'
	/** The state that came back is not the one sent. */
	| 'state_mismatch'
	/** The provider answered with an error (the person cancelled, the client is not allowed…). */
	| 'provider_error'
	/** The provider could not be reached (discovery, token or UserInfo endpoint). */
	| 'unavailable'
	/** The response, the token exchange or the ID token did not pass the checks. */
	| 'token_rejected'
	/** No email claim. */
	| 'no_email'
	/** `email_verified` is false. */
	| 'email_unverified';

export type Completion = { ok: true; email: string; next: string } | { ok: false; reason: OidcFailureReason };

/** Seconds for each request to the provider. */
const TIMEOUT_SECONDS = 10;

const configurations = new Map<string, Promise<client.Configuration>>();

function cacheKey(s: OidcSettings): string {
	return JSON.stringify([s.issuer.href, s.clientId, s.clientSecret, s.allowHttp]);
}

async function discover(s: OidcSettings): Promise<client.Configuration> {
	const options: client.DiscoveryRequestOptions = { timeout: TIMEOUT_SECONDS, ...(s.allowHttp ? { execute: [client.allowInsecureRequests] } : {}) };
	const auth = s.clientSecret === null ? client.None() : client.ClientSecretBasic(s.clientSecret);
	const config = await client.discovery(s.issuer, s.clientId, s.clientSecret ?? undefined, auth, options);
	const methods = config.serverMetadata().token_endpoint_auth_methods_supported;
	// client_secret_basic is the default of the spec; a provider that lists only _post gets that.
	if (s.clientSecret !== null && methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')) {
		const again = new client.Configuration(config.serverMetadata(), s.clientId, s.clientSecret, client.ClientSecretPost(s.clientSecret));
		if (s.allowHttp) client.allowInsecureRequests(again);
		again.timeout = TIMEOUT_SECONDS;
		return again;
	}
	config.timeout = TIMEOUT_SECONDS;
	return config;
}

export function providerConfiguration(s: OidcSettings): Promise<client.Configuration> {
	const key = cacheKey(s);
	let found = configurations.get(key);
	if (!found) {
		found = discover(s);
		configurations.set(key, found);
		found.catch(() => configurations.delete(key));
	}
	return found;
}

/** Forgets the discovered providers (tests). */
export function forgetProviders(): void {
	configurations.clear();
}

export async function beginSignIn(s: OidcSettings, next: string): Promise<{ url: URL; transaction: Transaction }> {
	const config = await providerConfiguration(s);
	const codeVerifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const url = client.buildAuthorizationUrl(config, {
		redirect_uri: s.redirectUri.href,
		scope: s.scopes,
		response_type: 'code',
		code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256',
		state,
		nonce
	});
	return { url, transaction: { codeVerifier, state, nonce, next } };
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

/** A failure to reach the provider (network, timeout) rather than a refusal. */
function unreachable(e: unknown): boolean {
	for (let err = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
		if (err.name === 'AbortError' || err.name === 'TimeoutError') return true;
		if (err instanceof TypeError && /fetch failed/i.test(err.message)) return true;
		if ('code' in err && typeof err.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UND_ERR_)/.test(err.code)) return true;
	}
	return false;
}

function reasonOf(e: unknown): OidcFailureReason {
	if (e instanceof client.AuthorizationResponseError) return 'provider_error';
	return unreachable(e) ? 'unavailable' : 'token_rejected';
}

/** `email_verified` counts as false when false, or the text "false" (some providers send text). */
function verifiedFalse(value: unknown): boolean {
	return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

/**
 * Completes a sign-in from the provider's redirect back. `callbackUrl` is the URL the browser
 * came back to; its query is read against the configured redirect URI (the one sent).
 */
export async function completeSignIn(s: OidcSettings, callbackUrl: URL, transaction: Transaction | null): Promise<Completion> {
	if (!transaction) return { ok: false, reason: 'no_transaction' };
	const state = callbackUrl.searchParams.get('state');
	if (state === null || !sameText(state, transaction.state)) return { ok: false, reason: 'state_mismatch' };
	if (callbackUrl.searchParams.has('error')) return { ok: false, reason: 'provider_error' };
	let config: client.Configuration;
	try {
		config = await providerConfiguration(s);
	} catch {
		return { ok: false, reason: 'unavailable' };
	}
	const current = new URL(s.redirectUri.href);
	current.search = callbackUrl.search;
	let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
	try {
		tokens = await client.authorizationCodeGrant(config, current, {
			pkceCodeVerifier: transaction.codeVerifier,
			expectedState: transaction.state,
			expectedNonce: transaction.nonce,
			idTokenExpected: true
		});
	} catch (e) {
		return { ok: false, reason: reasonOf(e) };
	}
	const claims = tokens.claims();
	if (!claims) return { ok: false, reason: 'token_rejected' };
	let email: unknown = claims.email;
	let verified: unknown = claims.email_verified;
	if (email === undefined && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
		try {
			const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
			email = info.email;
			verified = info.email_verified;
		} catch (e) {
			return { ok: false, reason: reasonOf(e) };
		}
	}
	if (typeof email !== 'string' || !email.includes('@') || email.length > 254) return { ok: false, reason: 'no_email' };
	if (verifiedFalse(verified)) return { ok: false, reason: 'email_unverified' };
	return { ok: true, email: email.trim().toLowerCase(), next: transaction.next };
}
