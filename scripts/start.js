#!/usr/bin/env node
/**
 * `npm start`: builds the app when the build is missing or older than the sources, prepares
 * the warehouse, and serves the dashboard on PORT (default 3000).
 *
 * Without DATABASE_PATH it runs the demo: on the first run it generates a fictional
 * partnership's extract and settings and imports them into data/demo.duckdb, and makes one
 * demo account per role (printed once, and in data/demo-accounts.txt, mode 0600). With
 * DATABASE_PATH it serves that warehouse and never creates demo data.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildIfNeeded, root } from './build-if-needed.js';

function run(command, args, env = process.env) {
	const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

try {
	buildIfNeeded();
} catch (e) {
	console.error(e.message);
	process.exit(1);
}

const env = { ...process.env, PORT: process.env.PORT ?? '3000' };
// The address people use, for the origin check of forms and JSON posts (adapter-node would
// otherwise assume https). Behind a proxy, set ORIGIN (or PROTOCOL_HEADER and HOST_HEADER).
env.ORIGIN ??= `http://localhost:${env.PORT}`;
// Uploads in the browser may weigh FP_UPLOAD_LIMIT_MB (default 200): let the adapter take that
// much (its own default is 512K). A deployment may set BODY_SIZE_LIMIT itself.
env.BODY_SIZE_LIMIT ??= `${Number(env.FP_UPLOAD_LIMIT_MB ?? 200) + 1}M`;
if (!env.DATABASE_PATH) {
	env.DATABASE_PATH = path.join(root, 'data', 'demo.duckdb');
	env.FULL_PICTURE_DEMO = '1';
	if (!existsSync(env.DATABASE_PATH)) {
		console.log('Demo mode: generating a fictional partnership and importing it (first run only)…');
		run(process.execPath, [
			path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
			path.join(root, 'src', 'cli', 'main.ts'),
			'demo',
			'--db',
			env.DATABASE_PATH,
			'--accounts',
			path.join(root, 'data', 'demo-accounts.txt')
		]);
	}
} else if (!existsSync(env.DATABASE_PATH)) {
	console.error(`DATABASE_PATH=${env.DATABASE_PATH}: no warehouse there (import an extract into it with the command line first).`);
	process.exit(1);
}

console.log(`Full Picture: starting on ${env.ORIGIN} (warehouse ${env.DATABASE_PATH})`);
// The server says itself why it cannot start (e.g. another process holds the warehouse: one
// line on stderr, exit status 1): its output and exit status pass through as they are.
const server = spawn(process.execPath, [path.join(root, 'build', 'index.js')], { cwd: root, stdio: 'inherit', env });
let forwarded = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		forwarded = true;
		server.kill(signal);
	});
}
server.on('exit', (code, signal) => {
	if (code !== null) process.exit(code);
	// Stopped by the signal we passed on (Ctrl-C): a normal end. Killed by anything else: a failure.
	if (!forwarded) console.error(`Full Picture: the server was stopped by ${signal}.`);
	process.exit(forwarded ? 0 : 1);
});
