/**
 * Browser tests' setup: build the app if needed, make a small demo warehouse (data to a fixed
 * date, so that every run sees the same figures), keep a copy for
 * the command line (the server holds the original: one process per warehouse file), make one
 * test account per role (analyst and admin with a second factor set up; `analyst2` without
 * one), start the built server on a free port (not in demo mode, so the second factor is
 * asked), and sign each role in once over HTTP, as a browser would: tests reuse those
 * sessions (a second-factor code is accepted once, so signing in again at once would fail).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIfNeeded, root } from '../../scripts/build-if-needed.js';
import { createUser } from '../../src/lib/server/auth/accounts.ts';
import { ROLES, type Role } from '../../src/lib/server/auth/roles.ts';
import { enrolSecondFactor, generateTotpSecret, totpCode } from '../../src/lib/server/auth/totp.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { TEST_ACCOUNTS, type TestAccount } from './accounts.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		baseURL: string;
		/** A copy of the served warehouse, for the command line. */
		cliWarehouse: string;
		/** The served warehouse itself (held by the server: for tests of a second process on it). */
		warehouse: string;
		/** The served server's process id. */
		serverPid: number;
		/** The test accounts: email, password and second-factor secret, by name. */
		accounts: Record<string, TestAccount>;
		/** A signed-in session cookie (`name=value`) for each role. */
		sessions: Record<Role, string>;
	}
}

/** Signs in over HTTP as the login form does; answers the second factor when asked. */
export async function httpSignIn(baseURL: string, account: TestAccount, at = new Date()): Promise<string> {
	const post = (path: string, body: Record<string, string>, cookie?: string) =>
		fetch(`${baseURL}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: baseURL, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
			body: new URLSearchParams(body)
		});
	const signed = await post('/login', { email: account.email, password: account.password, next: '/' });
	const set = signed.headers.get('set-cookie') ?? '';
	const cookie = /(__Host-fp_session=[^;]+)/.exec(set)?.[1];
	if (signed.status !== 303 || !cookie) throw new Error(`sign-in as ${account.email} failed: ${signed.status}`);
	if (account.totpSecret) {
		// The code of the next 30-second step: the one of this step was used to set the factor up.
		const code = totpCode(account.totpSecret, new Date(at.getTime() + 30_000));
		const factor = await post('/login/second-factor', { code, next: '/' }, cookie);
		const rotated = /(__Host-fp_session=[^;]+)/.exec(factor.headers.get('set-cookie') ?? '')?.[1];
		if (factor.status !== 303 || !rotated) throw new Error(`second factor for ${account.email} failed: ${factor.status}`);
		// The session is a new one once the factor is shown.
		return rotated;
	}
	return cookie;
}

/** A TCP port free on the loopback interface just now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const address = s.address();
			s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

/** Runs the command line (`npm run cli -- <args>`) in a child process and answers its stdout; throws with its stderr when it fails. */
export function runCli(args: string[]): string {
	const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'src', 'cli', 'main.ts'), ...args], {
		cwd: root,
		encoding: 'utf8',
		maxBuffer: 64 * 2 ** 20
	});
	if (r.status !== 0) throw new Error(`cli ${args[0]} failed (${r.status}): ${r.stderr}`);
	return r.stdout;
}

/** Makes a demo warehouse at `db` (by default the browser tests' small one, data to a fixed date). */
export function makeDemoWarehouse(db: string, args: string[] = ['--children', '3000', '--end', '2026-03-31']): void {
	runCli(['demo', '--db', db, ...args]);
}

/** Makes the accounts in the warehouse (not served yet), setting up a second factor where asked; answers them with their secrets. */
export async function createAccounts(db: string, wanted: Record<string, TestAccount>): Promise<Record<string, TestAccount>> {
	const accounts: Record<string, TestAccount> = {};
	const warehouse = await openWarehouse(db);
	try {
		for (const [name, a] of Object.entries(wanted)) {
			const user = await createUser(warehouse, { email: a.email, role: a.role, password: a.password });
			let totpSecret: string | null = null;
			if (a.secondFactor) {
				totpSecret = generateTotpSecret();
				const done = await enrolSecondFactor(warehouse, user.userId, totpSecret, totpCode(totpSecret, new Date()), 'setup');
				if (done.outcome !== 'ok') throw new Error(`could not set up the second factor of ${a.email}`);
			}
			accounts[name] = { ...a, totpSecret };
		}
	} finally {
		await warehouse.close();
	}
	return accounts;
}

/**
 * Starts the built server (build/index.js) on 127.0.0.1:`port` serving `db` (not in demo mode)
 * and resolves once it listens; rejects if it exits first or does not listen in 30 s.
 * `env` adds to or overrides the environment (e.g. BODY_SIZE_LIMIT).
 */
export async function startBuiltServer(db: string, port: number, env: Record<string, string> = {}): Promise<{ server: ChildProcess; baseURL: string }> {
	const baseURL = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
		cwd: root,
		env: { ...process.env, DATABASE_PATH: db, FULL_PICTURE_DEMO: '', PORT: String(port), HOST: '127.0.0.1', ORIGIN: baseURL, ...env },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the server did not start in 30 s')), 30_000);
		child.stdout!.on('data', (d: Buffer) => {
			if (d.toString().includes('Listening')) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the server exited (${code})`));
		});
	});
	// Keep reading its output so that a full pipe never blocks it.
	child.stdout!.resume();
	return { server: child, baseURL };
}

let server: ChildProcess | undefined;
let keepAlive: ReturnType<typeof setInterval> | undefined;
let work: string | undefined;

export async function setup(project: TestProject): Promise<void> {
	buildIfNeeded((m) => process.stderr.write(`${m}\n`));
	work = mkdtempSync(path.join(tmpdir(), 'fp-browser-'));
	const db = path.join(work, 'demo.duckdb');
	makeDemoWarehouse(db);
	const cliWarehouse = path.join(work, 'cli.duckdb');
	copyFileSync(db, cliWarehouse);
	// A copy of a warehouse is of use to an import only with its cell key secret.
	copyFileSync(`${db}.cellkey`, `${cliWarehouse}.cellkey`);
	const accounts = await createAccounts(db, TEST_ACCOUNTS);
	mkdirSync(path.join(root, 'tests', 'output', 'screenshots'), { recursive: true });
	const started = await startBuiltServer(db, await freePort());
	server = started.server;
	const baseURL = started.baseURL;
	const sessions = {} as Record<Role, string>;
	for (const role of ROLES) sessions[role] = await httpSignIn(baseURL, accounts[role]);
	project.provide('baseURL', baseURL);
	project.provide('accounts', accounts);
	project.provide('sessions', sessions);
	project.provide('cliWarehouse', cliWarehouse);
	project.provide('warehouse', db);
	project.provide('serverPid', server.pid!);
	// The shared sessions are signed in once, here; a test file may first use one 30 minutes
	// later on a busy machine, past the idle limit. A light request every 5 minutes keeps each alive.
	keepAlive = setInterval(() => {
		for (const cookie of Object.values(sessions)) void fetch(`${baseURL}/account`, { headers: { cookie }, redirect: 'manual' }).catch(() => {});
	}, 5 * 60_000);
	keepAlive.unref();
}

export async function teardown(): Promise<void> {
	clearInterval(keepAlive);
	server?.kill();
	if (work) rmSync(work, { recursive: true, force: true });
}
