/**
 * A second server on the served warehouse (DuckDB allows one process per file) stops at once
 * with one line on stderr naming the file and the holder, and exit status 1: no stack trace.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { root } from '../../scripts/build-if-needed.js';
import { freePort } from './global-setup.ts';

function runServer(env: Record<string, string>, script = path.join('build', 'index.js')): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(root, script)], {
			cwd: root,
			env: { ...process.env, FULL_PICTURE_DEMO: '', HOST: '127.0.0.1', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`the second server did not exit in 30 s (stdout: ${stdout})`));
		}, 30_000);
		child.on('exit', (code) => {
			clearTimeout(timer);
			// Let the pipes drain.
			setImmediate(() => resolve({ code, stdout, stderr }));
		});
	});
}

describe('a second server on the same warehouse', () => {
	it('exits with status 1 and one line naming the file and the process holding it', async () => {
		const port = await freePort();
		const warehouse = inject('warehouse');
		const { code, stdout, stderr } = await runServer({ DATABASE_PATH: warehouse, PORT: String(port), ORIGIN: `http://127.0.0.1:${port}` });
		expect(code).toBe(1);
		expect(stdout).not.toMatch(/Listening/);
		const lines = stderr.split('\n').filter((l) => l.trim() !== '');
		expect(lines).toEqual([`Full Picture: the warehouse ${path.resolve(warehouse)} is in use by another process (PID ${inject('serverPid')}): stop it first.`]);
		// The first server still serves.
		const still = await fetch(`${inject('baseURL')}/login`);
		expect(still.status).toBe(200);
	});

	it('passes through npm start (scripts/start.js): the same line, status 1', async () => {
		const port = await freePort();
		const warehouse = inject('warehouse');
		const { code, stdout, stderr } = await runServer({ DATABASE_PATH: warehouse, PORT: String(port) }, path.join('scripts', 'start.js'));
		expect(code).toBe(1);
		expect(stdout).not.toMatch(/Listening/);
		expect(stderr.trim().split('\n')).toEqual([`Full Picture: the warehouse ${path.resolve(warehouse)} is in use by another process (PID ${inject('serverPid')}): stop it first.`]);
	});

	it('exits with status 1 and one line when there is no warehouse at DATABASE_PATH', async () => {
		const port = await freePort();
		const missing = path.join(path.dirname(inject('warehouse')), 'no-such.duckdb');
		const { code, stderr } = await runServer({ DATABASE_PATH: missing, PORT: String(port), ORIGIN: `http://127.0.0.1:${port}` });
		expect(code).toBe(1);
		expect(stderr.trim().split('\n')).toEqual([`Full Picture: no warehouse at ${missing} (DATABASE_PATH): import an extract into it with the command line first.`]);
	});
});
