/**
 * For tests only (nothing in the app imports it): a real OpenID provider (the `oidc-provider`
 * package, a development dependency) on 127.0.0.1 at a free port, with one confidential client
 * and a table of accounts, and a scripted person who signs in through its development
 * interactions (login, then consent) by fetch, carrying cookies and following redirects by hand.
 *
 *   startTestProvider({ redirectUri, accounts, idTokenClaims? }): Promise<TestProvider>
 *   provider.signIn(authorizationUrl, login): Promise<URL>   the redirect back to the client
 *       (its callback URL with code and state), not followed
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface TestAccountClaims {
	email?: string;
	email_verified?: boolean;
}

export interface TestProvider {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** Signs in at the provider as the account `login` (a key of `accounts`); returns the callback URL. */
	signIn(authorizationUrl: URL | string, login: string): Promise<URL>;
	close(): Promise<void>;
}

/** A tiny cookie jar for one host: name → value. */
class Jar {
	private readonly cookies = new Map<string, string>();
	take(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const at = pair.indexOf('=');
			const name = pair.slice(0, at).trim();
			const value = pair.slice(at + 1).trim();
			const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()) || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
			if (expired || value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}
	header(): string {
		return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
	}
}

export async function startTestProvider(options: {
	redirectUri: string;
	accounts: Record<string, TestAccountClaims>;
	/** Put the email in the ID token too (otherwise only the UserInfo endpoint gives it). */
	idTokenClaims?: boolean;
}): Promise<TestProvider> {
	let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
	const server = createServer((req, res) => handler(req, res));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const clientId = 'full-picture-test';
	const clientSecret = `secret-${crypto.randomUUID()}`;
	const configuration: Configuration = {
		clients: [
			{
				client_id: clientId,
				client_secret: clientSecret,
				redirect_uris: [options.redirectUri],
				grant_types: ['authorization_code'],
				response_types: ['code']
			}
		],
		claims: { openid: ['sub'], email: ['email', 'email_verified'] },
		conformIdTokenClaims: !options.idTokenClaims,
		cookies: { keys: [crypto.randomUUID()] },
		ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
		features: { devInteractions: { enabled: true } },
		async findAccount(_ctx, sub) {
			const claims = options.accounts[sub];
			if (!claims) return undefined;
			return { accountId: sub, claims: async () => ({ sub, ...claims }) };
		}
	};
	const provider = new Provider(issuer, configuration);
	// Quiet: the development interactions warn once, and refused requests are expected in tests.
	provider.on('server_error', (_ctx, e) => console.error('test provider:', e));
	handler = provider.callback();

	async function signIn(authorizationUrl: URL | string, login: string): Promise<URL> {
		const jar = new Jar();
		const callback = new URL(options.redirectUri);
		let url = new URL(authorizationUrl);
		let method: 'GET' | 'POST' = 'GET';
		let body: URLSearchParams | undefined;
		for (let hop = 0; hop < 20; hop++) {
			if (url.origin !== issuer) throw new Error(`the sign-in left the provider for ${url.origin}`);
			const response = await fetch(url, {
				method,
				body,
				redirect: 'manual',
				headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }
			});
			jar.take(response);
			method = 'GET';
			body = undefined;
			const location = response.headers.get('location');
			if (response.status >= 300 && response.status < 400 && location) {
				const to = new URL(location, url);
				if (to.origin === callback.origin && to.pathname === callback.pathname) return to;
				url = to;
				continue;
			}
			const html = await response.text();
			if (response.status !== 200) throw new Error(`the provider answered ${response.status}: ${html.slice(0, 300)}`);
			const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
			const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
			if (!action || !prompt) throw new Error(`no interaction form at ${url.pathname}`);
			url = new URL(action.replaceAll('&amp;', '&'), url);
			method = 'POST';
			body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
		}
		throw new Error('too many redirects at the provider');
	}

	return {
		issuer,
		clientId,
		clientSecret,
		signIn,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
