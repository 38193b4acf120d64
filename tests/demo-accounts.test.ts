/** The demo makes one account per role, printed once and written to a file only its owner can read. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.ts';
import { authenticate, listUsers } from '../src/lib/server/auth/accounts.ts';
import { ROLES } from '../src/lib/server/auth/roles.ts';
import { removeTempRoot, tempDir } from '../src/lib/server/testing/extract.ts';
import { readAuditLog } from '../src/lib/server/warehouse/audit.ts';
import { openWarehouse } from '../src/lib/server/warehouse/warehouse.ts';

afterAll(() => removeTempRoot());

describe('cli demo --accounts', () => {
	it('makes an account per role with a random password, in a 0600 file and printed once, that signs in', async () => {
		const dir = tempDir('demo-accounts');
		const db = path.join(dir, 'demo.duckdb');
		const file = path.join(dir, 'demo-accounts.txt');
		let out = '';
		const code = await run(['demo', '--db', db, '--children', '300', '--end', '2025-03-31', '--accounts', file], { out: (t) => (out += t), err: () => {} });
		expect(code).toBe(0);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const text = readFileSync(file, 'utf8');
		const accounts = [...text.matchAll(/^(\w+)\s+(\S+@demo\.invalid)\s+(\S+)$/gm)].map((m) => ({ role: m[1], email: m[2], password: m[3] }));
		expect(accounts.map((a) => a.role)).toEqual([...ROLES]);
		expect(new Set(accounts.map((a) => a.password)).size).toBe(ROLES.length);
		for (const a of accounts) {
			expect(a.password.length).toBeGreaterThanOrEqual(20);
			expect(out).toContain(a.password);
		}
		const w = await openWarehouse(db);
		try {
			expect((await listUsers(w)).map((u) => [u.email, u.role]).sort()).toEqual(accounts.map((a) => [a.email, a.role]).sort());
			const signed = await authenticate(w, accounts[0].email, accounts[0].password, '127.0.0.1');
			expect(signed.outcome).toBe('ok');
		} finally {
			await w.close();
		}
	});

	it('makes no account without --accounts; its batch has its audit entry, anchored beside the demo, and its cell key secret beside it', async () => {
		const dir = tempDir('demo-none');
		const db = path.join(dir, 'demo.duckdb');
		expect(await run(['demo', '--db', db, '--children', '300', '--end', '2025-03-31'], { out: () => {}, err: () => {} })).toBe(0);
		let verified = '';
		expect(await run(['audit-log', 'verify', '--db', db], { out: (t) => (verified += t), err: (t) => (verified += t) })).toBe(0);
		expect(verified).toContain(`Anchor: ${db}.audit-anchor, 1 records, the last for seq 1.`);
		const w = await openWarehouse(db);
		try {
			expect(await listUsers(w)).toEqual([]);
			const [entry] = await readAuditLog(w, { limit: 1 });
			expect(entry).toMatchObject({ seq: 1, action: 'cli.demo', details: { status: 'committed', batch_id: 1 } });
			// The secret its rows were keyed with came with it: the next import can key its rows.
			expect(statSync(`${db}.cellkey`).mode & 0o777).toBe(0o600);
			expect(() => w.requireCellKey()).not.toThrow();
			expect(readdirSync(dir)).not.toContain('demo.duckdb.making');
		} finally {
			await w.close();
		}
	});
});
