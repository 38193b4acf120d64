/** Launching Debian's Chromium headless with playwright-core (never a downloaded browser). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A fresh headless Chromium; `javaScriptEnabled: false` for the pages as served, without scripts. */
export async function launch(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
	return chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'fp-chromium-')), {
		...options,
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
}

export const screenshotPath = (name: string) => path.resolve('tests', 'output', 'screenshots', `${name}.png`);
