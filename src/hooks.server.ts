import { isRedirect, redirect, type Handle, type ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { env } from '$env/dynamic/private';
import { validateSession } from '$lib/server/auth/sessions.ts';
import { decide, type Visitor } from '$lib/server/http/access.ts';
import { serverPolicy } from '$lib/server/http/policy.ts';
import { applySecurityHeaders, originAllowed } from '$lib/server/http/security.ts';
import { clearSessionCookie, SESSION_COOKIE } from '$lib/server/http/session.ts';
import { serverWarehouse, startupFailure } from '$lib/server/http/warehouse.ts';
import { warmInBackground } from '$lib/server/dashboard/warm.ts';

/**
 * At start-up: reads the disclosure policy (a bad DISCLOSURE_THRESHOLD stops the server with a
 * message naming it) and opens the warehouse, which the server then holds (one process per file).
 * A warehouse held by another process (DuckDB allows one per file) or missing stops the server
 * with one line on stderr and exit status 1, no stack trace (tests/browser/startup.test.ts).
 */
export const init: ServerInit = async () => {
	if (building) return;
	serverPolicy();
	if (!env.DATABASE_PATH) return;
	try {
		// The figures the first visitors ask for, computed ahead (dashboard/warm.ts).
		warmInBackground(await serverWarehouse());
	} catch (e) {
		const line = startupFailure(e, env.DATABASE_PATH);
		if (line === null) throw e;
		process.stderr.write(`${line}\n`);
		process.exit(1);
	}
};

const plain = (status: number, body: Record<string, unknown>) =>
	new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const page = (status: number, title: string, text: string) =>
	new Response(
		`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Full Picture</title></head><body><main><h1>${title}</h1><p>${text}</p><p><a href="/">Back to the overview</a></p></main></body></html>`,
		{ status, headers: { 'content-type': 'text/html; charset=utf-8' } }
	);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Every request, in one place:
 * 1. the origin check for state-changing requests (SvelteKit's own covers forms; this covers
 *    JSON and uploads too): 403;
 * 2. the session from its cookie (locals.user, locals.session);
 * 3. the access rule of the route and method (src/lib/server/http/access.ts): pages send a
 *    visitor without a session to /login (or to the second factor), endpoints answer 401; a
 *    role without the permission gets 403;
 * 4. the security headers and `Cache-Control: no-store` on the response.
 */
export const handle: Handle = async ({ event, resolve }) => {
	const respond = async (): Promise<Response> => {
		if (!originAllowed(event.request.method, event.request.headers.get('origin'), event.url.origin)) {
			return plain(403, { error: 'cross-origin request refused' });
		}
		event.locals.user = null;
		event.locals.session = null;
		const token = event.cookies.get(SESSION_COOKIE);
		if (token) {
			const valid = await validateSession(await serverWarehouse(), token);
			if (valid) {
				event.locals.user = valid.user;
				event.locals.session = {
					token,
					id: valid.session.id,
					secondFactorPending: valid.secondFactorPending,
					unsuppressed: valid.unsuppressed
				};
			} else {
				clearSessionCookie(event.cookies);
			}
		}
		const { user, session } = event.locals;
		const visitor: Visitor = !user || !session ? { kind: 'nobody' } : { kind: session.secondFactorPending ? 'pending' : 'signed_in', role: user.role };
		const decision = decide(event.route.id, event.request.method, visitor);
		const api = event.route.id?.startsWith('/api/') ?? false;
		switch (decision.outcome) {
			case 'allow':
				return resolve(event);
			case 'sign_in': {
				if (api || event.request.method !== 'GET') return plain(401, { error: 'sign in first' });
				const next = encodeURIComponent(event.url.pathname + event.url.search);
				redirect(303, decision.secondFactor ? `/login/second-factor?next=${next}` : `/login?next=${next}`);
				break;
			}
			case 'forbidden':
				return api ? plain(403, { error: decision.reason }) : page(403, 'Not allowed', escapeHtml(`This page is not for you: ${decision.reason}.`));
			case 'method_not_allowed':
				return plain(405, { error: `${event.request.method} is not allowed here` });
			case 'no_rule':
				// Fail closed: a route nobody gave an access rule is reachable by nobody.
				return plain(403, { error: 'no access rule for this route' });
		}
		return plain(500, { error: 'unreachable' });
	};
	let response: Response;
	try {
		response = await respond();
	} catch (e) {
		// redirect() throws: turn it into its response so the headers below apply too.
		if (!isRedirect(e)) throw e;
		response = new Response(null, { status: e.status, headers: { location: e.location } });
	}
	const cacheable = event.url.pathname.startsWith('/_app/immutable/');
	try {
		applySecurityHeaders(response.headers, cacheable);
	} catch {
		// Some responses have immutable headers: copy them into a new one.
		response = new Response(response.body, response);
		applySecurityHeaders(response.headers, cacheable);
	}
	return response;
};
