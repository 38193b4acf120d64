/**
 * The Users page's changes to accounts, over the auth core (../auth/): the form's fields
 * checked with zod, and the rules of the page itself.
 *
 *   parseAccountForm(kind, form): { ok, values } | { ok: false, fieldErrors, message }
 *   addAccount(warehouse, { email, role }, createdBy): AccountOutcome & { token, expiresAt }
 *       the account gets a random password nobody sees; the person sets their own with the
 *       one-time reset link made at once (valid 60 minutes)
 *   changeRole(warehouse, actor, userId, role): AccountOutcome & { from }
 *   disableAccount(warehouse, actor, userId): AccountOutcome
 *   makeResetLink(warehouse, userId, createdBy): AccountOutcome & { token, expiresAt }
 *
 * An administrator cannot disable their own account or take away their own admin role (so
 * there is always an administrator left who can undo a mistake). Nothing here returns a
 * password or a hash; the reset token is returned once, for the page to show as a link.
 */
import { z } from 'zod';
import { AccountError, createUser, disableUser, getUser, setRole, type User } from '../auth/accounts.ts';
import { generatePassword } from '../auth/passwords.ts';
import { createResetToken } from '../auth/reset.ts';
import { ROLES, type Role } from '../auth/roles.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

const text = (max: number) =>
	z
		.string({ error: 'not text' })
		.optional()
		.transform((v) => (v ?? '').trim())
		.pipe(z.string().min(1, 'required, but empty').max(max, `longer than ${max} characters`));

const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
const userId = z.string({ error: 'no account given' }).regex(/^[0-9a-f-]{36}$/, 'no such account');

const SCHEMAS = {
	add: z.object({ email: text(254), role }),
	role: z.object({ user_id: userId, role }),
	disable: z.object({ user_id: userId }),
	reset: z.object({ user_id: userId })
};
export type AccountFormKind = keyof typeof SCHEMAS;
export type AccountForm<K extends AccountFormKind> = z.infer<(typeof SCHEMAS)[K]>;

export type Parsed<T> = { ok: true; values: T } | { ok: false; fieldErrors: Record<string, string[]>; message: string };

/** The fields of one of the Users page's forms. */
export function parseAccountForm<K extends AccountFormKind>(kind: K, form: FormData | Record<string, unknown>): Parsed<AccountForm<K>> {
	const names = Object.keys(SCHEMAS[kind].shape);
	const get = (name: string) => (form instanceof FormData ? (form.get(name) ?? undefined) : form[name]);
	const parsed = SCHEMAS[kind].safeParse(Object.fromEntries(names.map((n) => [n, get(n)])));
	if (parsed.success) return { ok: true, values: parsed.data as AccountForm<K> };
	const fieldErrors = z.flattenError(parsed.error as z.ZodError).fieldErrors as Record<string, string[]>;
	const message = Object.entries(fieldErrors)
		.map(([k, v]) => `${k === 'user_id' ? 'Account' : k[0].toUpperCase() + k.slice(1)}: ${v.join('; ')}`)
		.join('. ');
	return { ok: false, fieldErrors, message };
}

export type AccountOutcome<T = object> = ({ ok: true; user: User } & T) | { ok: false; message: string; field?: 'email' | 'role' };

/** The person's own words for an auth core refusal. */
function refusal(e: unknown): { ok: false; message: string; field?: 'email' } {
	if (e instanceof AccountError) {
		switch (e.code) {
			case 'invalid_email':
				return { ok: false, field: 'email', message: 'This is not an email address.' };
			case 'exists':
				return { ok: false, field: 'email', message: 'An account with this email exists already.' };
			case 'not_found':
				return { ok: false, message: 'There is no such account, or it is disabled.' };
			case 'invalid_role':
				return { ok: false, message: 'That is not a role.' };
		}
	}
	throw e;
}

export async function addAccount(
	warehouse: Warehouse,
	input: { email: string; role: Role },
	createdBy: string
): Promise<AccountOutcome<{ token: string; expiresAt: Date }>> {
	let user: User;
	try {
		user = await createUser(warehouse, { email: input.email, role: input.role, password: generatePassword(input.email) });
	} catch (e) {
		return refusal(e);
	}
	const { token, expiresAt } = await createResetToken(warehouse, user.userId, { createdBy });
	return { ok: true, user, token, expiresAt };
}

export async function changeRole(warehouse: Warehouse, actor: Pick<User, 'userId'>, userId: string, to: Role): Promise<AccountOutcome<{ from: Role }>> {
	const user = await getUser(warehouse, userId);
	if (!user) return { ok: false, message: 'There is no such account.' };
	if (user.userId === actor.userId && to !== 'admin') {
		return { ok: false, field: 'role', message: 'You cannot take away your own admin role: ask another administrator.' };
	}
	if (user.role === to) return { ok: false, field: 'role', message: `${user.email} is ${to} already.` };
	try {
		return { ok: true, user: await setRole(warehouse, userId, to), from: user.role };
	} catch (e) {
		return refusal(e);
	}
}

export async function disableAccount(warehouse: Warehouse, actor: Pick<User, 'userId'>, userId: string): Promise<AccountOutcome> {
	const user = await getUser(warehouse, userId);
	if (!user) return { ok: false, message: 'There is no such account.' };
	if (user.userId === actor.userId) return { ok: false, message: 'You cannot disable your own account: ask another administrator.' };
	if (user.disabledAt) return { ok: false, message: `${user.email} is disabled already.` };
	try {
		return { ok: true, user: await disableUser(warehouse, userId) };
	} catch (e) {
		return refusal(e);
	}
}

export async function makeResetLink(warehouse: Warehouse, userId: string, createdBy: string): Promise<AccountOutcome<{ token: string; expiresAt: Date }>> {
	const user = await getUser(warehouse, userId);
	if (!user || user.disabledAt) return { ok: false, message: 'There is no such account, or it is disabled: a disabled account gets no reset link.' };
	try {
		const { token, expiresAt } = await createResetToken(warehouse, userId, { createdBy });
		return { ok: true, user, token, expiresAt };
	} catch (e) {
		return refusal(e);
	}
}
