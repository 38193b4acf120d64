/**
 * Security headers and the origin check, for every response of the server (hooks.server.ts).
 * The Content-Security-Policy itself is SvelteKit's (kit.csp in svelte.config.js: scripts by
 * nonce only); these are the headers it does not set.
 *
 * - Strict-Transport-Security, X-Content-Type-Options, Referrer-Policy, Permissions-Policy and
 *   Cross-Origin-Opener-Policy on every response.
 * - `Cache-Control: no-store` on every response that is not a static asset, so that no page or
 *   figure a signed-in person saw stays in a cache.
 * - The origin check: SvelteKit refuses cross-origin form posts (kit.csrf); a request with a
 *   body that is not a form (JSON, uploads by fetch) must carry an Origin header equal to the
 *   server's own origin too, or it is refused with 403.
 */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'strict-transport-security': 'max-age=31536000; includeSubDomains',
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
	'cross-origin-opener-policy': 'same-origin'
});

/** Methods that change state: they must come from the server's own pages. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a request may go on: safe methods always; a state-changing one only with an Origin
 * header naming this server (browsers send it on every cross-site and same-site POST).
 */
export function originAllowed(method: string, origin: string | null, serverOrigin: string): boolean {
	if (!UNSAFE.has(method.toUpperCase())) return true;
	return origin !== null && origin === serverOrigin;
}

/** Sets the security headers (and no-store unless `cacheable`) on a response's headers. */
export function applySecurityHeaders(headers: Headers, cacheable: boolean): void {
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
	if (!cacheable) headers.set('cache-control', 'no-store');
}
