/** `cli users` through run(): passwords from standard input, generated passwords, reset links, the audit log, exit codes. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type Io } from '../src/cli/main.ts';
import { authenticate, findUserByEmail } from '../src/lib/server/auth/accounts.ts';
import { consumeResetToken } from '../src/lib/server/auth/reset.ts';
import { createSession, validateSession } from '../src/lib/server/auth/sessions.ts';
import { Throttle } from '../src/lib/server/auth/throttle.ts';
import { removeTempRoot, tempDir } from '../src/lib/server/testing/extract.ts';
import { openWarehouse, query, type Warehouse } from '../src/lib/server/warehouse/warehouse.ts';

afterAll(() => removeTempRoot());

async function cli(argv: string[], stdin?: string) {
	let stdout = '';
	let stderr = '';
	// The context spreads run()'s io, so a `stdin` reader given here reaches the command.
	const io: Io & { stdin: () => Promise<string> } = {
		out: (t) => (stdout += t),
		err: (t) => (stderr += t),
		stdin: async () => {
			if (stdin === undefined) throw new Error('the command read standard input unasked');
			return stdin;
		}
	};
	const code = await run(argv, io);
	return { code, stdout, stderr };
}

async function newWarehouse(): Promise<string> {
	const file = path.join(tempDir('users-cli'), 'w.duckdb');
	await (await openWarehouse(file, { create: true })).close();
	return file;
}

async function withWarehouse<T>(db: string, fn: (w: Warehouse) => Promise<T>): Promise<T> {
	const w = await openWarehouse(db);
	try {
		return await fn(w);
	} finally {
		await w.close();
	}
}

const PASS = 'a good long passphrase';

describe('cli users', () => {
	it('adds an account with the password from standard input, never printing or logging it', async () => {
		const db = await newWarehouse();
		const r = await cli(['users', 'add', '--db', db, '--email', 'Ana@Example.org', '--role', 'analyst', '--password-stdin'], `${PASS}\n`);
		expect(r).toMatchObject({ code: 0, stderr: '' });
		expect(r.stdout).toBe('Created ana@example.org (analyst).\n');
		await withWarehouse(db, async (w) => {
			expect(await authenticate(w, 'ana@example.org', PASS, 'a', { throttle: new Throttle() })).toMatchObject({
				outcome: 'ok',
				secondFactor: { required: true, enrolled: false }
			});
			const log = await w.read((c) => query<{ actor: string; action: string; details: string }>(c, `SELECT actor, action, CAST(details AS VARCHAR) AS details FROM audit_log`));
			expect(log).toEqual([{ actor: expect.stringMatching(/^os:/), action: 'cli.users.add', details: expect.stringContaining('"password":"stdin"') }]);
			expect(JSON.stringify(log)).not.toContain(PASS);
		});
	});

	it('generates a password and prints it once when there is no --password-stdin', async () => {
		const db = await newWarehouse();
		const r = await cli(['users', 'add', '--db', db, '--email', 'viv@example.org', '--role', 'viewer']);
		expect(r.code).toBe(0);
		const password = /^Password \(shown only now\): (\S+)$/m.exec(r.stdout)?.[1];
		expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
		await withWarehouse(db, async (w) => {
			expect((await authenticate(w, 'viv@example.org', password!, 'a', { throttle: new Throttle() })).outcome).toBe('ok');
			const [log] = await w.read((c) => query<{ details: string }>(c, `SELECT CAST(details AS VARCHAR) AS details FROM audit_log`));
			expect(log.details).not.toContain(password!);
		});
	});

	it('refuses a weak password (1), a taken email (1), a bad role or email (2), naming the rule', async () => {
		const db = await newWarehouse();
		const short = await cli(['users', 'add', '--db', db, '--email', 'a@example.org', '--role', 'viewer', '--password-stdin'], 'short\n');
		expect(short.code).toBe(1);
		expect(short.stderr).toMatch(/at least 12 characters/);
		const common = await cli(['users', 'add', '--db', db, '--email', 'a@example.org', '--role', 'viewer', '--password-stdin'], 'Qwerty123456');
		expect(common.code).toBe(1);
		expect(common.stderr).toMatch(/commonly used/);
		const mine = await cli(['users', 'add', '--db', db, '--email', 'jane.doe@example.org', '--role', 'viewer', '--password-stdin'], 'jane.doe rocks 2025');
		expect(mine.code).toBe(1);
		expect(mine.stderr).toMatch(/email/);
		expect((await cli(['users', 'add', '--db', db, '--email', 'a@example.org', '--role', 'viewer', '--password-stdin'], PASS)).code).toBe(0);
		const again = await cli(['users', 'add', '--db', db, '--email', 'A@example.org', '--role', 'admin', '--password-stdin'], PASS);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/exists already/);
		expect((await cli(['users', 'add', '--db', db, '--email', 'b@example.org', '--role', 'root'])).code).toBe(2);
		expect((await cli(['users', 'add', '--db', db, '--email', 'not-an-email', '--role', 'viewer'])).code).toBe(2);
		expect((await cli(['users', 'add', '--db', db, '--email', 'b@example.org', '--role', 'viewer', '--password', PASS])).code).toBe(2);
		expect((await cli(['users', 'add', '--db', db, '--email', 'b@example.org', '--role', 'viewer', '--password-stdin'], '\n')).code).toBe(2);
		expect((await cli(['users', 'frobnicate', '--db', db])).code).toBe(2);
		expect((await cli(['users', 'list'])).code).toBe(2);
		expect((await cli(['users', 'list', '--db', path.join(tempDir('none'), 'missing.duckdb')])).code).toBe(1);
	});

	it('lists accounts without hashes or secrets, changes a role, disables an account and ends its sessions', async () => {
		const db = await newWarehouse();
		await cli(['users', 'add', '--db', db, '--email', 'viv@example.org', '--role', 'viewer', '--password-stdin'], PASS);
		await cli(['users', 'add', '--db', db, '--email', 'adm@example.org', '--role', 'admin', '--password-stdin'], PASS);

		const list = await cli(['users', 'list', '--db', db, '--json']);
		expect(list.code).toBe(0);
		const rows = JSON.parse(list.stdout);
		expect(rows.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
			['adm@example.org', 'admin'],
			['viv@example.org', 'viewer']
		]);
		expect(Object.keys(rows[0]).sort()).toEqual(['created_at', 'disabled_at', 'email', 'password_changed_at', 'role', 'second_factor_enrolled', 'user_id']);
		expect(list.stdout).not.toMatch(/argon2|hash|totp_secret/);
		const text = await cli(['users', 'list', '--db', db]);
		expect(text.stdout).toMatch(/^viv@example\.org\s+viewer\s+active\s+no\s+\d{4}-\d{2}-\d{2}$/m);

		const role = await cli(['users', 'set-role', '--db', db, '--email', 'VIV@example.org', '--role', 'lead']);
		expect(role).toMatchObject({ code: 0, stdout: 'viv@example.org: viewer → lead.\n' });
		expect((await cli(['users', 'set-role', '--db', db, '--email', 'nobody@example.org', '--role', 'lead'])).code).toBe(1);

		const token = await withWarehouse(db, async (w) => {
			const user = await findUserByEmail(w, 'viv@example.org');
			expect(user?.role).toBe('lead');
			return (await createSession(w, user!.userId, { secondFactorOk: true })).token;
		});
		const off = await cli(['users', 'disable', '--db', db, '--email', 'viv@example.org']);
		expect(off).toMatchObject({ code: 0, stdout: 'Disabled viv@example.org; its sessions are ended.\n' });
		expect((await cli(['users', 'disable', '--db', db, '--email', 'viv@example.org'])).stdout).toMatch(/already disabled/);
		expect((await cli(['users', 'list', '--db', db])).stdout).toMatch(/^viv@example\.org\s+lead\s+disabled/m);
		await withWarehouse(db, async (w) => {
			expect(await validateSession(w, token)).toBeNull();
			expect((await authenticate(w, 'viv@example.org', PASS, 'a', { throttle: new Throttle() })).outcome).toBe('invalid');
			const actions = await w.read((c) => query<{ action: string }>(c, `SELECT action FROM audit_log ORDER BY seq`));
			expect(actions.map((a) => a.action)).toEqual([
				'cli.users.add',
				'cli.users.add',
				'cli.users.list',
				'cli.users.list',
				'cli.users.set-role',
				'cli.users.disable',
				'cli.users.disable',
				'cli.users.list'
			]);
		});
	});

	it('prints a one-time reset link that sets a new password once', async () => {
		const db = await newWarehouse();
		await cli(['users', 'add', '--db', db, '--email', 'viv@example.org', '--role', 'viewer', '--password-stdin'], PASS);
		const r = await cli(['users', 'reset', '--db', db, '--email', 'viv@example.org', '--base-url', 'https://fp.example.org/']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/valid for 60 minutes/);
		const link = /^(https:\/\/fp\.example\.org\/reset\/([A-Za-z0-9_-]{43}))$/m.exec(r.stdout);
		expect(link).not.toBeNull();
		const local = await cli(['users', 'reset', '--db', db, '--email', 'viv@example.org']);
		const token = /^http:\/\/localhost:3000\/reset\/([A-Za-z0-9_-]{43})$/m.exec(local.stdout)?.[1];
		expect(token).toBeDefined();
		expect((await cli(['users', 'reset', '--db', db, '--email', 'viv@example.org', '--base-url', 'ftp://x'])).code).toBe(2);
		await withWarehouse(db, async (w) => {
			// The newer link voided the first.
			expect(await consumeResetToken(w, link![2], 'a brand new passphrase')).toEqual({ ok: false, reason: 'used' });
			expect((await consumeResetToken(w, token!, 'a brand new passphrase')).ok).toBe(true);
			expect(await consumeResetToken(w, token!, 'a brand new passphrase')).toEqual({ ok: false, reason: 'used' });
			const log = await w.read((c) => query<{ details: string }>(c, `SELECT CAST(details AS VARCHAR) AS details FROM audit_log WHERE action = 'cli.users.reset'`));
			expect(log).toHaveLength(2);
			expect(JSON.stringify(log)).not.toContain(token!);
		});
	});

	it('is in the command list and has its own help', async () => {
		expect((await cli(['--help'])).stdout).toMatch(/^ {2}users +add\|disable\|set-role\|reset\|list/m);
		const help = await cli(['users', '--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/--password-stdin/);
	});
});
