/**
 * Sign-in through a council's identity provider (OpenID Connect): its settings, from the
 * environment. Nothing here imports SvelteKit; the web layer passes its `env`.
 *
 *   oidcSettings(env, origin): OidcSettings | null      null: not configured (no OIDC_ISSUER
 *       and no OIDC_CLIENT_ID); throws OidcSettingsError naming the variable when one is wrong
 *
 * Variables: OIDC_ISSUER (the issuer, or its discovery document's URL), OIDC_CLIENT_ID,
 * OIDC_CLIENT_SECRET (none: a public client, PKCE only), OIDC_REDIRECT_URI (default
 * `<ORIGIN>/login/oidc/callback`), OIDC_NAME (the link's text, default "your organisation"),
 * OIDC_SCOPES (default "openid email"). The issuer must use https, except on a loopback
 * address (127.0.0.0/8, localhost, [::1]), where http is allowed for tests and trials.
 */

export interface OidcSettings {
	/** The issuer identifier, or the URL of its discovery document (`…/.well-known/…`). */
	issuer: URL;
	clientId: string;
	/** Null: a public client (no secret; PKCE alone). */
	clientSecret: string | null;
	redirectUri: URL;
	/** Who the provider is, for the link "Sign in with …". */
	name: string;
	/** Space-separated, `openid` among them. */
	scopes: string;
	/** True only for an http issuer on a loopback address. */
	allowHttp: boolean;
}

export class OidcSettingsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OidcSettingsError';
	}
}

export const DEFAULT_NAME = 'your organisation';
export const DEFAULT_SCOPES = 'openid email';
export const CALLBACK_PATH = '/login/oidc/callback';

type Env = Record<string, string | undefined>;

/** Loopback hosts only: 127.0.0.0/8, localhost and [::1]. */
export function isLoopbackHost(hostname: string): boolean {
	const h = hostname.toLowerCase();
	return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function url(name: string, text: string): URL {
	let u: URL;
	try {
		u = new URL(text);
	} catch {
		throw new OidcSettingsError(`${name} must be an absolute URL (got "${text}")`);
	}
	if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OidcSettingsError(`${name} must be an https URL (got "${text}")`);
	if (u.username || u.password) throw new OidcSettingsError(`${name} must not hold a user name or password`);
	return u;
}

/**
 * The settings in force, or null when OIDC is not configured. `origin` is the server's origin
 * (the ORIGIN variable, or the request's), for the default redirect URI.
 */
export function oidcSettings(env: Env, origin: string): OidcSettings | null {
	const get = (name: string) => env[name]?.trim() || undefined;
	const issuerText = get('OIDC_ISSUER');
	const clientId = get('OIDC_CLIENT_ID');
	if (!issuerText && !clientId) return null;
	if (!issuerText) throw new OidcSettingsError('OIDC_CLIENT_ID is set but OIDC_ISSUER is not: set both, or neither');
	if (!clientId) throw new OidcSettingsError('OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both, or neither');
	const issuer = url('OIDC_ISSUER', issuerText);
	const allowHttp = issuer.protocol === 'http:';
	if (allowHttp && !isLoopbackHost(issuer.hostname)) {
		throw new OidcSettingsError(`OIDC_ISSUER must use https (http is allowed only on a loopback address): "${issuerText}"`);
	}
	if (issuer.search || issuer.hash) throw new OidcSettingsError('OIDC_ISSUER must not have a query or a fragment');
	const redirectText = get('OIDC_REDIRECT_URI') ?? `${(get('ORIGIN') ?? origin).replace(/\/+$/, '')}${CALLBACK_PATH}`;
	const redirectUri = url('OIDC_REDIRECT_URI', redirectText);
	if (redirectUri.pathname !== CALLBACK_PATH || redirectUri.search || redirectUri.hash) {
		throw new OidcSettingsError(`OIDC_REDIRECT_URI must be this server's ${CALLBACK_PATH}, without a query (got "${redirectText}")`);
	}
	const scopes = (get('OIDC_SCOPES') ?? DEFAULT_SCOPES).split(/\s+/).filter(Boolean);
	if (!scopes.includes('openid')) throw new OidcSettingsError(`OIDC_SCOPES must include "openid" (got "${scopes.join(' ')}")`);
	if (scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) throw new OidcSettingsError('OIDC_SCOPES holds a character a scope cannot have');
	const name = (get('OIDC_NAME') ?? DEFAULT_NAME).replace(/\s+/g, ' ').slice(0, 80);
	return {
		issuer,
		clientId,
		clientSecret: get('OIDC_CLIENT_SECRET') ?? null,
		redirectUri,
		name,
		scopes: [...new Set(scopes)].join(' '),
		allowHttp
	};
}
