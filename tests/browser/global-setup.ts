/**
 * Browser tests' setup: build the app if needed, make a small demo warehouse (data to a fixed
 * date, so that every run sees the same figures), keep a copy for
 * the command line (the server holds the original: one process per warehouse file), and start
 * the built server on a free port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIfNeeded, root } from '../../scripts/build-if-needed.js';

declare module 'vitest' {
	export interface ProvidedContext {
		baseURL: string;
		/** A copy of the served warehouse, for the command line. */
		cliWarehouse: string;
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const address = s.address();
			s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

let server: ChildProcess | undefined;
let work: string | undefined;

export async function setup(project: TestProject): Promise<void> {
	buildIfNeeded((m) => process.stderr.write(`${m}\n`));
	work = mkdtempSync(path.join(tmpdir(), 'fp-browser-'));
	const db = path.join(work, 'demo.duckdb');
	const made = spawnSync(
		process.execPath,
		[path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'src', 'cli', 'main.ts'), 'demo', '--db', db, '--children', '3000', '--end', '2026-03-31'],
		{ cwd: root, encoding: 'utf8' }
	);
	if (made.status !== 0) throw new Error(`demo warehouse failed: ${made.stderr}`);
	const cliWarehouse = path.join(work, 'cli.duckdb');
	copyFileSync(db, cliWarehouse);
	mkdirSync(path.join(root, 'tests', 'output', 'screenshots'), { recursive: true });
	const port = await freePort();
	server = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
		cwd: root,
		env: { ...process.env, DATABASE_PATH: db, FULL_PICTURE_DEMO: '1', PORT: String(port), HOST: '127.0.0.1' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the server did not start in 30 s')), 30_000);
		server!.stdout!.on('data', (d: Buffer) => {
			if (d.toString().includes('Listening')) {
				clearTimeout(timer);
				resolve();
			}
		});
		server!.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
	});
	project.provide('baseURL', `http://127.0.0.1:${port}`);
	project.provide('cliWarehouse', cliWarehouse);
}

export async function teardown(): Promise<void> {
	server?.kill();
	if (work) rmSync(work, { recursive: true, force: true });
}
