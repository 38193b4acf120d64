#!/usr/bin/env node
/**
 * `npm start`: builds the app when the build is missing or older than the sources, prepares
 * the warehouse, and serves the dashboard on PORT (default 3000).
 *
 * Without DATABASE_PATH it runs the demo: on the first run it generates a fictional
 * partnership's extract and settings and imports them into data/demo.duckdb. With
 * DATABASE_PATH it serves that warehouse and never creates demo data.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'build', 'handler.js');

function newest(p) {
	const s = statSync(p);
	if (!s.isDirectory()) return s.mtimeMs;
	let max = s.mtimeMs;
	for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
	return max;
}

function run(command, args, env = process.env) {
	const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => path.join(root, p)).filter(existsSync);
if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
	console.log('Building the dashboard…');
	run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build']);
}

const env = { ...process.env, PORT: process.env.PORT ?? '3000' };
if (!env.DATABASE_PATH) {
	env.DATABASE_PATH = path.join(root, 'data', 'demo.duckdb');
	env.FULL_PICTURE_DEMO = '1';
	if (!existsSync(env.DATABASE_PATH)) {
		console.log('Demo mode: generating a fictional partnership and importing it (first run only)…');
		run(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'src', 'cli', 'main.ts'), 'demo', '--db', env.DATABASE_PATH]);
	}
} else if (!existsSync(env.DATABASE_PATH)) {
	console.error(`DATABASE_PATH=${env.DATABASE_PATH}: no warehouse there (import an extract into it with the command line first).`);
	process.exit(1);
}

console.log(`Full Picture on http://localhost:${env.PORT} (warehouse ${env.DATABASE_PATH})`);
const server = spawn(process.execPath, [path.join(root, 'build', 'index.js')], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
