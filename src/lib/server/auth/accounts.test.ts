/** Accounts in the warehouse and signing in: one generic refusal, throttling, the second factor asked of analysts and admins. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot, tempDir } from '../testing/extract.ts';
import { exec, openWarehouse, query } from '../warehouse/warehouse.ts';
import { AccountError, authenticate, createUser, disableUser, findUserByEmail, getUser, listUsers, setPassword, setRole } from './accounts.ts';
import { PasswordPolicyError } from './passwords.ts';
import { createSession, validateSession } from './sessions.ts';
import { testClock } from './testing.ts';
import { Throttle } from './throttle.ts';

afterAll(() => removeTempRoot());

const PASS = 'a good long passphrase';

describe('accounts', () => {
	it('are created with a lowercased unique email, a role and a hash, and listed without secrets', async () => {
		const w = await freshWarehouse();
		try {
			const clock = testClock();
			const u = await createUser(w, { email: '  Jane.Smith@Example.ORG ', role: 'lead', password: PASS }, { now: clock.now });
			expect(u).toEqual({
				userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
				email: 'jane.smith@example.org',
				role: 'lead',
				disabledAt: null,
				createdAt: clock.now(),
				passwordChangedAt: clock.now(),
				secondFactorEnrolled: false
			});
			await expect(createUser(w, { email: 'JANE.SMITH@example.org', role: 'viewer', password: PASS })).rejects.toMatchObject({ code: 'exists' });
			await expect(createUser(w, { email: 'not an email', role: 'viewer', password: PASS })).rejects.toBeInstanceOf(AccountError);
			await expect(createUser(w, { email: 'b@example.org', role: 'root' as never, password: PASS })).rejects.toMatchObject({ code: 'invalid_role' });
			await expect(createUser(w, { email: 'bob@example.org', role: 'viewer', password: 'password' })).rejects.toBeInstanceOf(PasswordPolicyError);
			await createUser(w, { email: 'al@example.org', role: 'admin', password: PASS });

			expect((await listUsers(w)).map((x) => [x.email, x.role])).toEqual([
				['al@example.org', 'admin'],
				['jane.smith@example.org', 'lead']
			]);
			expect(JSON.stringify(await listUsers(w))).not.toMatch(/argon2|password_hash|totp_secret/);
			expect(await findUserByEmail(w, 'JANE.smith@example.org')).toEqual(u);
			expect(await findUserByEmail(w, 'nobody@example.org')).toBeNull();
			expect(await getUser(w, u.userId)).toEqual(u);
			const [stored] = await w.read((c) => query<{ password_hash: string }>(c, `SELECT password_hash FROM users WHERE user_id = $1`, [u.userId]));
			expect(stored.password_hash).toMatch(/^\$argon2id\$/);
			expect(stored.password_hash).not.toContain(PASS);
		} finally {
			await w.close();
		}
	});

	it('change role, and a role without unsuppressed figures switches them off in open sessions', async () => {
		const w = await freshWarehouse();
		try {
			const u = await createUser(w, { email: 'ana@example.org', role: 'analyst', password: PASS });
			const { token } = await createSession(w, u.userId, { secondFactorOk: true });
			await w.write((c) => exec(c, `UPDATE sessions SET unsuppressed = true`));
			expect((await validateSession(w, token))?.unsuppressed).toBe(true);
			expect((await setRole(w, u.userId, 'viewer')).role).toBe('viewer');
			const v = await validateSession(w, token);
			expect(v?.user.role).toBe('viewer');
			expect(v?.session.unsuppressed).toBe(false);
			await expect(setRole(w, 'no-such-id', 'admin')).rejects.toMatchObject({ code: 'not_found' });
		} finally {
			await w.close();
		}
	});

	it('set a new password under the policy, ending the sessions', async () => {
		const w = await freshWarehouse();
		try {
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createSession(w, u.userId, { secondFactorOk: true });
			await expect(setPassword(w, u.userId, 'viv@example.org-2025')).rejects.toMatchObject({ rule: 'contains_email' });
			expect(await validateSession(w, token)).not.toBeNull();
			await setPassword(w, u.userId, 'another long passphrase');
			expect(await validateSession(w, token)).toBeNull();
			const t = new Throttle();
			expect((await authenticate(w, 'viv@example.org', PASS, 'a', { throttle: t })).outcome).toBe('invalid');
			expect((await authenticate(w, 'viv@example.org', 'another long passphrase', 'a', { throttle: t })).outcome).toBe('ok');
		} finally {
			await w.close();
		}
	});
});

describe('authenticate', () => {
	it('says ok with whether a second factor is needed and set up', async () => {
		const w = await freshWarehouse();
		try {
			await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			await createUser(w, { email: 'adm@example.org', role: 'admin', password: PASS });
			const t = new Throttle();
			expect(await authenticate(w, 'VIV@example.org ', PASS, '192.0.2.1', { throttle: t })).toMatchObject({
				outcome: 'ok',
				user: { email: 'viv@example.org', role: 'viewer' },
				secondFactor: { required: false, enrolled: false }
			});
			expect(await authenticate(w, 'adm@example.org', PASS, '192.0.2.1', { throttle: t })).toMatchObject({
				outcome: 'ok',
				secondFactor: { required: true, enrolled: false }
			});
		} finally {
			await w.close();
		}
	});

	it('gives one outcome for an unknown email, a wrong password and a disabled account', async () => {
		const w = await freshWarehouse();
		try {
			const t = new Throttle();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			await createUser(w, { email: 'off@example.org', role: 'viewer', password: PASS });
			await disableUser(w, (await findUserByEmail(w, 'off@example.org'))!.userId);
			const outcomes = [
				await authenticate(w, 'nobody@example.org', PASS, 'a', { throttle: t }),
				await authenticate(w, 'viv@example.org', 'the wrong passphrase', 'b', { throttle: t }),
				await authenticate(w, 'off@example.org', PASS, 'c', { throttle: t })
			];
			expect(outcomes).toEqual([{ outcome: 'invalid' }, { outcome: 'invalid' }, { outcome: 'invalid' }]);
			expect((await getUser(w, u.userId))?.disabledAt).toBeNull();
		} finally {
			await w.close();
		}
	});

	it('verifies a password even when there is no such account (the time does not tell)', async () => {
		const w = await freshWarehouse();
		try {
			await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const t = new Throttle({ maxPerAccount: 1000, maxPerAddress: 1000 });
			const time = async (email: string) => {
				const start = performance.now();
				await authenticate(w, email, 'the wrong passphrase', 'a', { throttle: t });
				return performance.now() - start;
			};
			await time('viv@example.org');
			const known: number[] = [];
			const unknown: number[] = [];
			for (let i = 0; i < 3; i++) {
				known.push(await time('viv@example.org'));
				unknown.push(await time(`nobody${i}@example.org`));
			}
			// Both run one argon2id verification (tens of milliseconds); without the dummy hash an unknown email takes ~1 ms.
			expect(Math.min(...unknown)).toBeGreaterThan(Math.min(...known) / 3);
		} finally {
			await w.close();
		}
	});

	it('refuses the 6th attempt after 5 failures, even with the right password, with a retry-after', async () => {
		const w = await freshWarehouse();
		try {
			const clock = testClock();
			const t = new Throttle({ now: clock.now });
			await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			for (let i = 0; i < 5; i++) expect((await authenticate(w, 'viv@example.org', `wrong ${i} passphrase`, 'a', { throttle: t })).outcome).toBe('invalid');
			expect(await authenticate(w, 'viv@example.org', PASS, 'a', { throttle: t })).toEqual({ outcome: 'throttled', retryAfterSeconds: 900 });
			// An unknown email is throttled the same way, so throttling tells nothing either.
			for (let i = 0; i < 5; i++) await authenticate(w, 'nobody@example.org', `wrong ${i} passphrase`, 'b', { throttle: t });
			expect(await authenticate(w, 'nobody@example.org', PASS, 'b', { throttle: t })).toMatchObject({ outcome: 'throttled' });
			clock.advance(15 * 60_000);
			expect((await authenticate(w, 'viv@example.org', PASS, 'a', { throttle: t })).outcome).toBe('ok');
		} finally {
			await w.close();
		}
	});
});

describe('an older warehouse', () => {
	it('gets the missing sign-in tables when opened', async () => {
		const file = path.join(tempDir('old'), 'w.duckdb');
		const w = await openWarehouse(file, { create: true });
		await w.write(async (c) => {
			for (const t of ['users', 'sessions', 'reset_tokens']) await exec(c, `DROP TABLE ${t}`);
		});
		await w.close();
		const again = await openWarehouse(file);
		try {
			const tables = await again.read((c) =>
				query<{ table_name: string }>(c, `SELECT table_name FROM information_schema.tables WHERE table_name IN ('users', 'sessions', 'reset_tokens') ORDER BY 1`)
			);
			expect(tables.map((t) => t.table_name)).toEqual(['reset_tokens', 'sessions', 'users']);
			await createUser(again, { email: 'viv@example.org', role: 'viewer', password: PASS });
			expect(await listUsers(again)).toHaveLength(1);
		} finally {
			await again.close();
		}
	});
});
