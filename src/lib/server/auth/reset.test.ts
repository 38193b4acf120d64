/** Password reset links: one use, 60 minutes, stored hashed, the policy applied, sessions ended. */
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot } from '../testing/extract.ts';
import { query } from '../warehouse/warehouse.ts';
import { authenticate, createUser, disableUser } from './accounts.ts';
import { checkResetToken, consumeResetToken, createResetToken, resetLink } from './reset.ts';
import { createSession, validateSession } from './sessions.ts';
import { MINUTE, testClock } from './testing.ts';
import { Throttle } from './throttle.ts';

afterAll(() => removeTempRoot());

const PASS = 'a good long passphrase';
const NEW = 'a brand new passphrase';

describe('password reset', () => {
	it('sets a new password once, ends the sessions, and stores the token only hashed', async () => {
		const w = await freshWarehouse();
		try {
			const clock = testClock();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const session = await createSession(w, u.userId, { secondFactorOk: true }, { now: clock.now });
			const { token, expiresAt } = await createResetToken(w, u.userId, { createdBy: 'os:admin' }, { now: clock.now });
			expect(expiresAt.getTime() - clock.now().getTime()).toBe(60 * MINUTE);
			expect(resetLink('https://fp.example.org/', token)).toBe(`https://fp.example.org/reset/${token}`);
			expect(JSON.stringify(await w.read((c) => query(c, `SELECT * FROM reset_tokens`)))).not.toContain(token);

			clock.advance(10 * MINUTE);
			expect(await checkResetToken(w, token, { now: clock.now })).toMatchObject({ ok: true, user: { email: 'viv@example.org' } });
			// A refused password leaves the link usable.
			expect(await consumeResetToken(w, token, 'short', { now: clock.now })).toMatchObject({ ok: false, reason: 'policy', rule: 'too_short' });
			expect(await consumeResetToken(w, token, 'viv@example.org is me', { now: clock.now })).toMatchObject({ reason: 'policy', rule: 'contains_email' });
			expect(await consumeResetToken(w, token, NEW, { now: clock.now })).toMatchObject({ ok: true, user: { passwordChangedAt: clock.now() } });
			expect(await consumeResetToken(w, token, 'yet another passphrase', { now: clock.now })).toEqual({ ok: false, reason: 'used' });
			expect(await checkResetToken(w, token, { now: clock.now })).toEqual({ ok: false, reason: 'used' });

			expect(await validateSession(w, session.token, { now: clock.now })).toBeNull();
			const t = new Throttle();
			expect((await authenticate(w, 'viv@example.org', PASS, 'a', { throttle: t })).outcome).toBe('invalid');
			expect((await authenticate(w, 'viv@example.org', NEW, 'a', { throttle: t })).outcome).toBe('ok');
		} finally {
			await w.close();
		}
	});

	it('expires after 60 minutes', async () => {
		const w = await freshWarehouse();
		try {
			const clock = testClock();
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const { token } = await createResetToken(w, u.userId, { createdBy: 'os:admin' }, { now: clock.now });
			clock.advance(60 * MINUTE - 1);
			expect((await checkResetToken(w, token, { now: clock.now })).ok).toBe(true);
			clock.advance(1);
			expect(await consumeResetToken(w, token, NEW, { now: clock.now })).toEqual({ ok: false, reason: 'expired' });
			expect((await authenticate(w, 'viv@example.org', PASS, 'a', { throttle: new Throttle() })).outcome).toBe('ok');
		} finally {
			await w.close();
		}
	});

	it('is void once a newer link is made, or the account disabled; an unknown token is invalid', async () => {
		const w = await freshWarehouse();
		try {
			const u = await createUser(w, { email: 'viv@example.org', role: 'viewer', password: PASS });
			const first = await createResetToken(w, u.userId, { createdBy: 'os:admin' });
			const second = await createResetToken(w, u.userId, { createdBy: 'os:admin' });
			expect(await checkResetToken(w, first.token)).toEqual({ ok: false, reason: 'used' });
			expect((await checkResetToken(w, second.token)).ok).toBe(true);
			expect(await checkResetToken(w, 'A'.repeat(43))).toEqual({ ok: false, reason: 'invalid' });
			expect(await checkResetToken(w, '../etc')).toEqual({ ok: false, reason: 'invalid' });
			await disableUser(w, u.userId);
			expect((await checkResetToken(w, second.token)).ok).toBe(false);
			expect((await consumeResetToken(w, second.token, NEW)).ok).toBe(false);
			await expect(createResetToken(w, u.userId, { createdBy: 'os:admin' })).rejects.toMatchObject({ code: 'not_found' });
		} finally {
			await w.close();
		}
	});
});
