/**
 * Builds the dashboard (vite build) when build/ is missing or older than the sources.
 * Used by `npm start` and by the browser tests' setup.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'build', 'handler.js');

/** @param {string} p */
function newest(p) {
	const s = statSync(p);
	if (!s.isDirectory()) return s.mtimeMs;
	let max = s.mtimeMs;
	for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
	return max;
}

/**
 * True when it built; throws when the build fails.
 * @param {(message: string) => void} [log]
 */
export function buildIfNeeded(log = console.log) {
	const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => path.join(root, p)).filter(existsSync);
	if (existsSync(built) && Math.max(...sources.map(newest)) <= statSync(built).mtimeMs) return false;
	log('Building the dashboard…');
	// NODE_ENV=production whoever calls it: under vitest (NODE_ENV=test) the build would otherwise
	// be made with development conditions (SvelteKit's `dev` true in the built server).
	const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, NODE_ENV: 'production' }
	});
	if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
	return true;
}
