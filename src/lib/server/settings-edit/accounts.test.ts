/** The Users page's account changes: a new account signs in only through its reset link; an admin cannot lock themselves out. */
import { afterAll, describe, expect, it } from 'vitest';
import { authenticate, createUser, getUser } from '../auth/accounts.ts';
import { checkResetToken, consumeResetToken } from '../auth/reset.ts';
import { Throttle } from '../auth/throttle.ts';
import { freshWarehouse, removeTempRoot } from '../testing/extract.ts';
import { query } from '../warehouse/warehouse.ts';
import { addAccount, changeRole, disableAccount, makeResetLink, parseAccountForm } from './accounts.ts';

afterAll(() => removeTempRoot());

const PASS = 'a good long passphrase';

describe('the account forms', () => {
	it('are checked with zod, by field', () => {
		expect(parseAccountForm('add', { email: '  Sam@Example.org ', role: 'lead' })).toEqual({ ok: true, values: { email: 'Sam@Example.org', role: 'lead' } });
		const bad = parseAccountForm('add', { email: ' ', role: 'root' });
		expect(bad).toMatchObject({ ok: false, fieldErrors: { email: ['required, but empty'], role: [expect.stringContaining('viewer, lead')] } });
		expect(bad.ok ? '' : bad.message).toMatch(/^Email: required, but empty\. Role: must be one of/);
		const fd = new FormData();
		fd.set('user_id', '../../x');
		expect(parseAccountForm('disable', fd)).toMatchObject({ ok: false, message: 'Account: no such account' });
		expect(parseAccountForm('reset', {})).toMatchObject({ ok: false });
	});
});

describe('account changes', () => {
	it('add an account nobody knows the password of, with a reset link that lets the person in', async () => {
		const w = await freshWarehouse();
		try {
			const added = await addAccount(w, { email: 'Sam@Example.org', role: 'viewer' }, 'user:admin@example.org');
			expect(added).toMatchObject({ ok: true, user: { email: 'sam@example.org', role: 'viewer', disabledAt: null } });
			if (!added.ok) return;
			expect(added.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
			const [stored] = await w.read((conn) => query<{ created_by: string }>(conn, 'SELECT created_by FROM reset_tokens'));
			expect(stored.created_by).toBe('user:admin@example.org');
			expect(await checkResetToken(w, added.token)).toMatchObject({ ok: true, user: { email: 'sam@example.org' } });
			expect(await consumeResetToken(w, added.token, PASS)).toMatchObject({ ok: true });
			expect(await authenticate(w, 'sam@example.org', PASS, '127.0.0.1', { throttle: new Throttle() })).toMatchObject({ outcome: 'ok' });

			expect(await addAccount(w, { email: 'SAM@example.org', role: 'lead' }, 'x')).toEqual({
				ok: false,
				field: 'email',
				message: 'An account with this email exists already.'
			});
			expect(await addAccount(w, { email: 'not an email', role: 'lead' }, 'x')).toMatchObject({ ok: false, field: 'email' });
		} finally {
			await w.close();
		}
	});

	it('change roles and disable accounts, but never the admin\'s own', async () => {
		const w = await freshWarehouse();
		try {
			const admin = await createUser(w, { email: 'admin@example.org', role: 'admin', password: PASS });
			const other = await createUser(w, { email: 'lee@example.org', role: 'viewer', password: PASS });

			expect(await changeRole(w, admin, admin.userId, 'lead')).toMatchObject({ ok: false, field: 'role', message: expect.stringContaining('your own admin role') });
			expect(await disableAccount(w, admin, admin.userId)).toMatchObject({ ok: false, message: expect.stringContaining('your own account') });
			expect((await getUser(w, admin.userId))?.role).toBe('admin');

			expect(await changeRole(w, admin, other.userId, 'lead')).toMatchObject({ ok: true, from: 'viewer', user: { role: 'lead' } });
			expect(await changeRole(w, admin, other.userId, 'lead')).toMatchObject({ ok: false, message: 'lee@example.org is lead already.' });
			expect(await changeRole(w, admin, '00000000-0000-0000-0000-000000000000', 'lead')).toMatchObject({ ok: false, message: 'There is no such account.' });

			const link = await makeResetLink(w, other.userId, 'user:admin@example.org');
			expect(link).toMatchObject({ ok: true, user: { email: 'lee@example.org' } });
			expect(await disableAccount(w, admin, other.userId)).toMatchObject({ ok: true, user: { disabledAt: expect.any(Date) } });
			expect(await disableAccount(w, admin, other.userId)).toMatchObject({ ok: false, message: 'lee@example.org is disabled already.' });
			// Disabling voids the link, and a disabled account gets no new one.
			if (link.ok) expect(await checkResetToken(w, link.token)).toEqual({ ok: false, reason: 'invalid' });
			expect(await makeResetLink(w, other.userId, 'x')).toMatchObject({ ok: false });
		} finally {
			await w.close();
		}
	});
});
