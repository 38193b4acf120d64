/**
 * The two routes of sign-in through the identity provider, for routes/(public)/login/oidc:
 *
 *   startOidc(event): Response      GET /login/oidc?next=…  → 302 to the provider
 *   finishOidc(event): Response     GET /login/oidc/callback → 303 to `next`, to the second
 *       factor, or back to /login?oidc=failed|throttled|unavailable
 *   oidcLink(origin): { name } | null   for the sign-in page: the link's text, or null when
 *       OIDC is not configured (or wrongly: logged)
 *
 * Not configured: both routes answer 404. The account is found by the verified email the
 * provider gives; an unknown email and a disabled account fail with the one generic message
 * (the page never tells whether an account exists). Analysts and admins still show their own
 * second factor (TOTP) after the provider, except in demo mode: the provider's own factors are
 * not known here. Each outcome is audit-logged (`sign_in` / `sign_in.oidc_ok` /
 * `sign_in.failed` with `method: 'oidc'` and a reason category, never a token or a claim).
 * Failures count against the address in the password sign-in's throttle (20 within 15
 * minutes lock the address out for 15 minutes, for both ways of signing in).
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { findUserByEmail } from '../auth/accounts.ts';
import { needsSecondFactor } from '../auth/roles.ts';
import { createSession } from '../auth/sessions.ts';
import { signInThrottle } from '../auth/throttle.ts';
import { auditRequest, clientAddress, safeNext, setSessionCookie } from '../http/session.ts';
import { isDemo, serverWarehouse } from '../http/warehouse.ts';
import { beginSignIn, completeSignIn, type OidcFailureReason } from './client.ts';
import { oidcSettings, OidcSettingsError, type OidcSettings } from './settings.ts';
import { openTransaction, sealTransaction, TRANSACTION_COOKIE, TRANSACTION_MS } from './transaction.ts';

/** What /login?oidc=… shows. */
export type OidcFlag = 'failed' | 'throttled' | 'unavailable';

const reported = new Set<string>();

/** The settings, or null; a wrong setting is logged (once) and counts as not configured. */
function settingsFor(origin: string): OidcSettings | null {
	try {
		return oidcSettings(env, origin);
	} catch (e) {
		if (!(e instanceof OidcSettingsError)) throw e;
		if (!reported.has(e.message)) {
			reported.add(e.message);
			console.error(`Sign-in through the identity provider is off: ${e.message}`);
		}
		return null;
	}
}

export function oidcLink(origin: string): { name: string } | null {
	const s = settingsFor(origin);
	return s ? { name: s.name } : null;
}

const cookieOptions = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' } as const;

const to = (status: 302 | 303, location: string) => new Response(null, { status, headers: { location } });

function back(flag: OidcFlag, next: string): Response {
	const query = new URLSearchParams({ oidc: flag });
	if (next !== '/') query.set('next', next);
	return to(303, `/login?${query}`);
}

export async function startOidc(event: RequestEvent): Promise<Response> {
	const settings = settingsFor(event.url.origin);
	if (!settings) error(404, 'Not Found');
	const next = safeNext(event.url.searchParams.get('next'));
	let begun;
	try {
		begun = await beginSignIn(settings, next);
	} catch (e) {
		console.error(`The identity provider could not be reached: ${e instanceof Error ? e.message : String(e)}`);
		await auditRequest(event, 'sign_in.failed', { method: 'oidc', reason: 'unavailable' }, 'anonymous');
		return back('unavailable', next);
	}
	event.cookies.set(TRANSACTION_COOKIE, sealTransaction(begun.transaction), { ...cookieOptions, maxAge: TRANSACTION_MS / 1000 });
	return to(302, begun.url.href);
}

export async function finishOidc(event: RequestEvent): Promise<Response> {
	const settings = settingsFor(event.url.origin);
	if (!settings) error(404, 'Not Found');
	const address = clientAddress(event);
	const transaction = openTransaction(event.cookies.get(TRANSACTION_COOKIE));
	// Used once, whatever happens next.
	event.cookies.delete(TRANSACTION_COOKIE, cookieOptions);
	// Checked at the start, sealed since; checked again all the same (safeNext is cheap).
	const next = safeNext(transaction?.next);
	const failed = async (reason: OidcFailureReason | 'no_account' | 'disabled', email?: string): Promise<Response> => {
		// The provider being down is nobody's attempt; everything else counts against the address.
		if (reason !== 'unavailable') signInThrottle.failAddress(address);
		await auditRequest(event, 'sign_in.failed', { method: 'oidc', reason, ...(email ? { email_given: email.slice(0, 254) } : {}) }, 'anonymous');
		return back(reason === 'unavailable' ? 'unavailable' : 'failed', next);
	};
	// Only the address's count: the provider names the account only after the attempt.
	const check = signInThrottle.checkAddress(address);
	if (!check.allowed) {
		await auditRequest(event, 'sign_in.throttled', { method: 'oidc' }, 'anonymous');
		return back('throttled', next);
	}
	const done = await completeSignIn(settings, event.url, transaction);
	if (!done.ok) return failed(done.reason);
	const warehouse = await serverWarehouse();
	const user = await findUserByEmail(warehouse, done.email);
	if (!user) return failed('no_account', done.email);
	if (user.disabledAt) return failed('disabled', done.email);
	const needsFactor = needsSecondFactor(user.role) && !isDemo();
	let token: string;
	try {
		({ token } = await createSession(warehouse, user.userId, {
			address,
			userAgent: event.request.headers.get('user-agent'),
			secondFactorOk: !needsFactor
		}));
	} catch {
		// Disabled between the look-up and now.
		return failed('disabled', done.email);
	}
	setSessionCookie(event.cookies, token);
	await auditRequest(event, needsFactor ? 'sign_in.oidc_ok' : 'sign_in', { method: 'oidc', role: user.role }, `user:${user.email}`);
	const after = safeNext(done.next);
	return to(303, needsFactor ? `/login/second-factor?next=${encodeURIComponent(after)}` : after);
}
