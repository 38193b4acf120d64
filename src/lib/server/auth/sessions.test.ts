/** Sessions: tokens stored only hashed, idle and absolute expiry, ending, and a refresh that never waits for the writer. */
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot } from '../testing/extract.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import { createUser, disableUser } from './accounts.ts';
import {
	createSession,
	endAllSessions,
	endSession,
	endSessionById,
	listSessions,
	markSecondFactor,
	setUnsuppressed,
	validateSession
} from './sessions.ts';
import { MINUTE, testClock } from './testing.ts';
import { hashToken } from './tokens.ts';

afterAll(() => removeTempRoot());

const PASS = 'a good long passphrase';

async function withWarehouse(fn: (w: Warehouse) => Promise<void>) {
	const w = await freshWarehouse();
	try {
		await fn(w);
	} finally {
		await w.close();
	}
}

async function lastSeen(w: Warehouse, token: string): Promise<number> {
	const [row] = await w.read((c) => query<{ ms: number }>(c, `SELECT epoch_ms(last_seen_at) AS ms FROM sessions WHERE token_hash = $1`, [hashToken(token)]));
	return row.ms;
}

/** Waits until every write queued so far has run. */
const flushWrites = (w: Warehouse) => w.write(async () => undefined);

describe('sessions', () => {
	it('hand out a 256-bit token once and store only its SHA-256', async () => {
		await withWarehouse(async (w) => {
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token, session } = await createSession(w, u.userId, { address: '192.0.2.1', userAgent: 'Firefox', secondFactorOk: true });
			expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(Buffer.from(token, 'base64url')).toHaveLength(32);
			expect(session.id).toBe(hashToken(token));
			expect(session.id).toMatch(/^[0-9a-f]{64}$/);
			const rows = await w.read((c) => query(c, `SELECT * FROM sessions`));
			expect(rows).toHaveLength(1);
			const everything = JSON.stringify(rows);
			expect(everything).not.toContain(token);
			expect(everything).not.toContain(Buffer.from(token, 'base64url').toString('hex'));
			expect(rows[0]).toMatchObject({ token_hash: hashToken(token), address: '192.0.2.1', user_agent: 'Firefox', second_factor_ok: true, unsuppressed: false });

			const v = await validateSession(w, token);
			expect(v).toMatchObject({ user: { email: 'viv@example.org' }, session: { id: session.id }, secondFactorPending: false, unsuppressed: false });
			expect(await validateSession(w, session.id)).toBeNull();
			expect(await validateSession(w, 'x'.repeat(43))).toBeNull();
			expect(await validateSession(w, '')).toBeNull();
		});
	});

	it('expire after 30 idle minutes', async () => {
		await withWarehouse(async (w) => {
			const clock = testClock();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createSession(w, u.userId, { secondFactorOk: true }, { now: clock.now });
			clock.advance(30 * MINUTE);
			expect(await validateSession(w, token, { now: clock.now })).not.toBeNull();
			await flushWrites(w);
			clock.advance(30 * MINUTE);
			expect(await validateSession(w, token, { now: clock.now })).not.toBeNull();
			await flushWrites(w);
			clock.advance(30 * MINUTE + 1);
			expect(await validateSession(w, token, { now: clock.now })).toBeNull();
		});
	});

	it('expire 12 hours after they began, however active', async () => {
		await withWarehouse(async (w) => {
			const clock = testClock();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createSession(w, u.userId, { secondFactorOk: true }, { now: clock.now });
			for (let m = 0; m < 12 * 60; m += 20) {
				clock.advance(20 * MINUTE);
				expect(await validateSession(w, token, { now: clock.now }), `at ${m + 20} minutes`).not.toBeNull();
			}
			clock.advance(1);
			expect(await validateSession(w, token, { now: clock.now })).toBeNull();
			expect((await listSessions(w, u.userId, { now: clock.now }))[0].active).toBe(false);
		});
	});

	it('refresh the idle clock at most once a minute', async () => {
		await withWarehouse(async (w) => {
			const clock = testClock();
			const start = clock.now().getTime();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createSession(w, u.userId, { secondFactorOk: true }, { now: clock.now });
			clock.advance(59_000);
			await validateSession(w, token, { now: clock.now });
			await flushWrites(w);
			expect(await lastSeen(w, token)).toBe(start);
			clock.advance(1_000);
			await validateSession(w, token, { now: clock.now });
			await flushWrites(w);
			expect(await lastSeen(w, token)).toBe(start + 60_000);
			clock.advance(30_000);
			await validateSession(w, token, { now: clock.now });
			await flushWrites(w);
			expect(await lastSeen(w, token)).toBe(start + 60_000);
		});
	});

	it('validate while the writer is held (an import), and the queued refresh keeps an active session alive', async () => {
		await withWarehouse(async (w) => {
			const clock = testClock();
			const start = clock.now().getTime();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createSession(w, u.userId, { secondFactorOk: true }, { now: clock.now });
			let release!: () => void;
			const held = w.write(() => new Promise<void>((r) => (release = r)));
			await new Promise((r) => setTimeout(r, 20));
			try {
				clock.advance(20 * MINUTE);
				const soon = <T>(p: Promise<T>) => Promise.race([p, new Promise<'waited'>((r) => setTimeout(() => r('waited'), 2_000))]);
				expect(await soon(validateSession(w, token, { now: clock.now }))).toMatchObject({ user: { userId: u.userId } });
				// 45 minutes after the last stored time, 25 after the queued refresh: still active.
				clock.advance(25 * MINUTE);
				expect(await soon(validateSession(w, token, { now: clock.now }))).not.toBeNull();
				expect(await lastSeen(w, token)).toBe(start);
			} finally {
				release();
				await held;
			}
			await flushWrites(w);
			expect(await lastSeen(w, token)).toBe(start + 45 * MINUTE);
		});
	});

	it('end one, all of a user, one by id; and a disabled account ends them all', async () => {
		await withWarehouse(async (w) => {
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const other = await createUser(w, { email: 'oth@example.org', role: 'viewer', password: PASS });
			const a = await createSession(w, u.userId, { secondFactorOk: true });
			const b = await createSession(w, u.userId, { secondFactorOk: true });
			const c = await createSession(w, u.userId, { secondFactorOk: true });
			const o = await createSession(w, other.userId, { secondFactorOk: true });
			await endSession(w, a.token);
			expect(await validateSession(w, a.token)).toBeNull();
			expect(await validateSession(w, b.token)).not.toBeNull();
			expect(await endSessionById(w, other.userId, b.session.id)).toBe(false);
			expect(await endSessionById(w, u.userId, b.session.id)).toBe(true);
			expect(await validateSession(w, b.token)).toBeNull();
			const listed = await listSessions(w, u.userId);
			expect(listed.map((s) => [s.id, s.active]).sort()).toEqual(
				[
					[a.session.id, false],
					[b.session.id, false],
					[c.session.id, true]
				].sort()
			);
			expect(JSON.stringify(listed)).not.toContain(c.token);

			await disableUser(w, u.userId);
			expect(await validateSession(w, c.token)).toBeNull();
			const [row] = await w.read((conn) => query<{ open: number }>(conn, `SELECT count(*) AS open FROM sessions WHERE user_id = $1 AND ended_at IS NULL`, [u.userId]));
			expect(row.open).toBe(0);
			expect(await validateSession(w, o.token)).not.toBeNull();
			await endAllSessions(w, other.userId);
			expect(await validateSession(w, o.token)).toBeNull();
		});
	});

	it('hold back an analyst until the second factor, and allow unsuppressed figures only then', async () => {
		await withWarehouse(async (w) => {
			const ana = await createUser(w, { email: 'ana@example.org', role: 'analyst', password: PASS });
			const viv = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createSession(w, ana.userId, { secondFactorOk: false });
			expect(await validateSession(w, token)).toMatchObject({ secondFactorPending: true, unsuppressed: false });
			expect(await setUnsuppressed(w, token, true)).toBe(false);
			expect(await markSecondFactor(w, token)).toBe(true);
			expect(await validateSession(w, token)).toMatchObject({ secondFactorPending: false, unsuppressed: false, session: { secondFactorOk: true } });
			expect(await setUnsuppressed(w, token, true)).toBe(true);
			expect(await validateSession(w, token)).toMatchObject({ unsuppressed: true, session: { unsuppressed: true } });
			expect(await setUnsuppressed(w, token, false)).toBe(true);
			expect(await validateSession(w, token)).toMatchObject({ unsuppressed: false });

			const viewer = await createSession(w, viv.userId, { secondFactorOk: true });
			expect(await setUnsuppressed(w, viewer.token, true)).toBe(false);
			expect(await validateSession(w, viewer.token)).toMatchObject({ unsuppressed: false, session: { unsuppressed: false } });
			await disableUser(w, viv.userId);
			await expect(createSession(w, viv.userId, { secondFactorOk: true })).rejects.toThrow(/no active account/);
		});
	});
});

describe('FP_SESSION_IDLE_SECONDS', () => {
	it('shortens the idle limit, never lengthens it, and refuses nonsense', async () => {
		const { sessionIdleMs } = await import('./sessions.ts');
		expect(sessionIdleMs({})).toBe(30 * 60_000);
		expect(sessionIdleMs({ FP_SESSION_IDLE_SECONDS: '120' })).toBe(120_000);
		expect(() => sessionIdleMs({ FP_SESSION_IDLE_SECONDS: '3600' })).toThrow(/from 1 to 1800/);
		expect(() => sessionIdleMs({ FP_SESSION_IDLE_SECONDS: 'soon' })).toThrow(/FP_SESSION_IDLE_SECONDS/);
	});
});
