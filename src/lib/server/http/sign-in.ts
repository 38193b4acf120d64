/**
 * Sign-in steps for the pages under routes/(public): the password, the second factor (set up
 * on first use), sign-out. Each writes the audit log (sign-ins, failures, throttling,
 * second-factor set-up, sign-out). Messages are generic: they never say whether an email has
 * an account.
 */
import type { Cookies } from '@sveltejs/kit';
import { authenticate, type User } from '../auth/accounts.ts';
import { createSession, endSession } from '../auth/sessions.ts';
import { enrolSecondFactor, generateTotpSecret, totpUri, verifySecondFactor } from '../auth/totp.ts';
import { auditRequest, setSessionCookie } from './session.ts';
import { isDemo, serverWarehouse } from './warehouse.ts';

export const SIGN_IN_FAILED = 'The email or password is not right, or the account cannot sign in. Try again, or ask an administrator.';

export type SignInOutcome =
	| { outcome: 'signed_in'; secondFactor: boolean }
	| { outcome: 'invalid'; message: string }
	| { outcome: 'throttled'; message: string; retryAfterSeconds: number };

interface RequestParts {
	cookies: Cookies;
	locals: App.Locals;
	getClientAddress: () => string;
	request: Request;
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/**
 * Checks the password and starts a session. In demo mode no second factor is asked (the demo's
 * accounts have none: docs/accounts.md); otherwise roles that need one get a session that
 * reaches only the second-factor page until it is shown.
 */
export async function signIn(event: RequestParts, email: string, password: string, address: string): Promise<SignInOutcome> {
	const warehouse = await serverWarehouse();
	const result = await authenticate(warehouse, email, password, address);
	if (result.outcome === 'throttled') {
		await auditRequest(event, 'sign_in.throttled', { email_given: email.slice(0, 254) }, 'anonymous');
		return {
			outcome: 'throttled',
			retryAfterSeconds: result.retryAfterSeconds,
			message: `Too many attempts. Try again in ${minutes(result.retryAfterSeconds)} minute${minutes(result.retryAfterSeconds) === 1 ? '' : 's'}.`
		};
	}
	if (result.outcome === 'invalid') {
		await auditRequest(event, 'sign_in.failed', { email_given: email.slice(0, 254) }, 'anonymous');
		return { outcome: 'invalid', message: SIGN_IN_FAILED };
	}
	const needsFactor = result.secondFactor.required && !isDemo();
	const { token } = await createSession(warehouse, result.user.userId, {
		address,
		userAgent: event.request.headers.get('user-agent'),
		secondFactorOk: !needsFactor
	});
	setSessionCookie(event.cookies, token);
	await auditRequest(event, needsFactor ? 'sign_in.password_ok' : 'sign_in', { role: result.user.role }, `user:${result.user.email}`);
	return { outcome: 'signed_in', secondFactor: needsFactor };
}

/** Second-factor secrets being set up, by session id, until the code confirms them (10 minutes). */
const enrolling = new Map<string, { secret: string; until: number }>();
const ENROL_MS = 10 * 60_000;

/** The secret to show a person setting up their second factor (the same one until it expires). */
export function enrolmentFor(sessionId: string, user: User): { secret: string; uri: string } {
	const now = Date.now();
	for (const [id, e] of enrolling) if (e.until < now) enrolling.delete(id);
	let entry = enrolling.get(sessionId);
	if (!entry) {
		entry = { secret: generateTotpSecret(), until: now + ENROL_MS };
		enrolling.set(sessionId, entry);
	}
	return { secret: entry.secret, uri: totpUri(entry.secret, user.email) };
}

export type FactorOutcome = { outcome: 'ok' } | { outcome: 'invalid' | 'expired'; message: string } | { outcome: 'throttled'; message: string };

/** Checks (or, on first use, sets up) the second factor of the signed-in session. */
export async function secondFactor(event: RequestParts, code: string, address: string): Promise<FactorOutcome> {
	const { user, session } = event.locals;
	if (!user || !session) return { outcome: 'expired', message: 'Your sign-in has expired: sign in again.' };
	const warehouse = await serverWarehouse();
	let result;
	if (user.secondFactorEnrolled) {
		result = await verifySecondFactor(warehouse, user.userId, code.replace(/\s+/g, ''), address);
	} else {
		const entry = enrolling.get(session.id);
		if (!entry || entry.until < Date.now()) return { outcome: 'expired', message: 'The set-up code has expired: here is a new one.' };
		result = await enrolSecondFactor(warehouse, user.userId, entry.secret, code.replace(/\s+/g, ''), address);
		if (result.outcome === 'ok') {
			enrolling.delete(session.id);
			await auditRequest(event, 'second_factor.enrolled', {});
		}
	}
	if (result.outcome === 'throttled') {
		await auditRequest(event, 'second_factor.throttled', {});
		return { outcome: 'throttled', message: `Too many attempts. Try again in ${minutes(result.retryAfterSeconds)} minutes.` };
	}
	if (result.outcome === 'invalid') {
		await auditRequest(event, 'second_factor.failed', {});
		return { outcome: 'invalid', message: 'That code is not right. Enter the code your app shows now.' };
	}
	// A new session (token) for the whole sign-in: the one that waited for the factor ends, so
	// a token seen before the second factor is never worth more after it.
	await endSession(warehouse, session.token);
	const fresh = await createSession(warehouse, user.userId, { address, userAgent: event.request.headers.get('user-agent'), secondFactorOk: true });
	setSessionCookie(event.cookies, fresh.token);
	event.locals.session = { token: fresh.token, id: fresh.session.id, secondFactorPending: false, unsuppressed: false };
	await auditRequest(event, 'sign_in', { role: user.role, second_factor: true });
	return { outcome: 'ok' };
}

/** Ends the session on the server (its cookie is cleared by the caller). */
export async function signOut(event: RequestParts): Promise<void> {
	if (!event.locals.session) return;
	await endSession(await serverWarehouse(), event.locals.session.token);
	await auditRequest(event, 'sign_out', {});
}
