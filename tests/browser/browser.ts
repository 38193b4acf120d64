/** Launching Debian's Chromium headless with playwright-core (never a downloaded browser). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';
import type { Role } from '../../src/lib/server/auth/roles.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A fresh headless Chromium, signed in as `role` (default viewer; null: signed out);
 * `javaScriptEnabled: false` for the pages as served, without scripts.
 */
export async function launch(options: { javaScriptEnabled?: boolean; role?: Role | null } = {}): Promise<BrowserContext> {
	const { role = 'viewer', ...rest } = options;
	const context = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'fp-chromium-')), {
		...rest,
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		],
		viewport: { width: 1280, height: 900 }
	});
	if (role) await signIn(context, role);
	return context;
}

/** The session cookie header (`__Host-fp_session=…`) of the role's test account, signed in by global-setup. */
export function sessionCookie(role: Role): string {
	return inject('sessions')[role];
}

/** Signs a browser context in as the role's test account (its session made by global-setup). */
export async function signIn(context: BrowserContext, role: Role): Promise<void> {
	const [name, value] = sessionCookie(role).split(/=(.*)/s);
	// A Secure cookie is set through an https URL of the same host (Chromium refuses one set for
	// an http URL), as a host-only cookie; Chromium sends it to http://127.0.0.1, a secure context.
	await context.addCookies([{ name, value, url: inject('baseURL').replace(/^http:/, 'https:'), secure: true, httpOnly: true, sameSite: 'Lax' }]);
}

export const screenshotPath = (name: string) => path.resolve('tests', 'output', 'screenshots', `${name}.png`);
