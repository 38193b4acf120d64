/**
 * Where to go after signing in (or after the unsuppressed switch): `next`, from a query string,
 * a form field or the OpenID Connect transaction.
 *
 *   safeNext(next: string | null | undefined): string
 *       a path on this site, normalised, or `/` for anything else
 *
 * Browsers forgive a great deal in a URL: they drop tabs and newlines (`/\t/host` is `//host`),
 * read `\` as `/`, and resolve `/.//host` to the path `//host`, which a Location header then
 * sends to another host. So `next` is kept only when the raw text starts with a single `/`, holds
 * no control character (tab, CR, LF, NUL, DEL, C1) and no backslash, is not over MAX_NEXT
 * characters, and resolves (WHATWG URL parser, against a dummy origin) to a path on that same
 * origin that does not itself start with `//`. What comes back is the parser's serialisation
 * (path, query, fragment): percent-encoded, plain ASCII, safe in a Location header.
 */

/** Far above any real path of the app; the OIDC transaction cookie carries it, sealed. */
export const MAX_NEXT = 1000;

const DUMMY_ORIGIN = 'http://x.invalid';

export function safeNext(next: string | null | undefined): string {
	if (typeof next !== 'string' || next.length === 0 || next.length > MAX_NEXT) return '/';
	if (!next.startsWith('/') || next.startsWith('//')) return '/';
	if (/[\p{Cc}\\]/u.test(next)) return '/';
	let url: URL;
	try {
		url = new URL(next, DUMMY_ORIGIN);
	} catch {
		return '/';
	}
	if (url.origin !== DUMMY_ORIGIN) return '/';
	const path = `${url.pathname}${url.search}${url.hash}`;
	if (!path.startsWith('/') || path.startsWith('//') || path.length > MAX_NEXT) return '/';
	return path;
}
