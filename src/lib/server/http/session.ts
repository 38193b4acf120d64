/**
 * The session cookie and the request's session (hooks.server.ts reads it; the sign-in pages
 * set and clear it). `__Host-` prefix: Secure, Path=/, no Domain; HttpOnly; SameSite=Lax.
 * Browsers treat http://localhost and 127.0.0.1 as secure, so Secure holds there too.
 */
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { SESSION_ABSOLUTE_MS } from '../auth/sessions.ts';
import { appendAudit } from '../warehouse/audit.ts';
import { serverWarehouse } from './warehouse.ts';

export const SESSION_COOKIE = '__Host-fp_session';

export function setSessionCookie(cookies: Cookies, token: string): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		secure: true,
		sameSite: 'lax',
		maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000)
	});
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}

/** The client's address, as the adapter sees it (ADDRESS_HEADER / XFF_DEPTH behind a proxy). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/**
 * Writes an audit-log entry for a request: who (the signed-in person's email, or
 * `anonymous`), what, and details (never child-level values). The address goes in too.
 */
export async function auditRequest(
	event: Pick<RequestEvent, 'locals' | 'getClientAddress'>,
	action: string,
	details: Record<string, unknown> = {},
	actor?: string
): Promise<void> {
	const warehouse = await serverWarehouse();
	await appendAudit(warehouse, {
		actor: actor ?? (event.locals.user ? `user:${event.locals.user.email}` : 'anonymous'),
		action,
		details: { ...details, address: clientAddress(event) }
	});
}

/** Where to go after signing in: a path on this site, or `/` (next.ts). */
export { safeNext } from './next.ts';
