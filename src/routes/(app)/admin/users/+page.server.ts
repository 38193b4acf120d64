import { fail } from '@sveltejs/kit';
import { listUsers } from '$lib/server/auth/accounts.ts';
import { resetLink } from '$lib/server/auth/reset.ts';
import { ROLES } from '$lib/server/auth/roles.ts';
import { readForm } from '$lib/server/http/form.ts';
import { auditRequest } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { addAccount, changeRole, disableAccount, makeResetLink, parseAccountForm } from '$lib/server/settings-edit/accounts.ts';
import type { Actions, PageServerLoad } from './$types';

/**
 * Accounts (manage_accounts: administrators). A new account gets a random password nobody
 * sees and a one-time reset link, shown once here, with which the person chooses their own.
 * Each change is written to the audit log (never a password or a token). An administrator
 * cannot disable their own account or take away their own admin role. `?disable=<id>` asks to
 * confirm a disabling.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const me = locals.user!;
	const users = (await listUsers(await serverWarehouse())).map((u) => ({
		id: u.userId,
		email: u.email,
		role: u.role,
		secondFactor: u.secondFactorEnrolled,
		disabledAt: u.disabledAt?.toISOString() ?? null,
		createdAt: u.createdAt.toISOString(),
		self: u.userId === me.userId
	}));
	const disableId = url.searchParams.get('disable');
	const disabling = users.find((u) => u.id === disableId && !u.self && u.disabledAt === null) ?? null;
	return { users, roles: [...ROLES], disabling, filtersIgnored: 'it lists accounts, not figures' };
};

const actor = (locals: App.Locals) => `user:${locals.user!.email}`;

export const actions: Actions = {
	add: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { ok: false as const, action: 'add' as const, email: '', role: '', fieldErrors: {}, message: read.message });
		const { form } = read;
		const email = String(form.get('email') ?? '').slice(0, 300);
		const role = String(form.get('role') ?? '');
		const parsed = parseAccountForm('add', form);
		if (!parsed.ok) return fail(400, { ok: false as const, action: 'add' as const, email, role, fieldErrors: parsed.fieldErrors, message: parsed.message });
		const warehouse = await serverWarehouse();
		const added = await addAccount(warehouse, parsed.values, actor(event.locals));
		if (!added.ok) return fail(400, { ok: false as const, action: 'add' as const, email, role, fieldErrors: added.field ? { [added.field]: [added.message] } : {}, message: added.message });
		const { user } = added;
		await auditRequest(event, 'account.create', { user_id: user.userId, email: user.email, role: user.role });
		await auditRequest(event, 'account.reset_link', { user_id: user.userId, email: user.email, expires_at: added.expiresAt.toISOString() });
		return {
			ok: true as const,
			action: 'add' as const,
			message: `The account for ${user.email} (${user.role}) was added.`,
			link: { email: user.email, url: resetLink(event.url.origin, added.token), expiresAt: added.expiresAt.toISOString() }
		};
	},
	role: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { ok: false as const, action: 'role' as const, message: read.message });
		const parsed = parseAccountForm('role', read.form);
		if (!parsed.ok) return fail(400, { ok: false as const, action: 'role' as const, message: parsed.message });
		const changed = await changeRole(await serverWarehouse(), event.locals.user!, parsed.values.user_id, parsed.values.role);
		if (!changed.ok) return fail(400, { ok: false as const, action: 'role' as const, message: changed.message });
		const { user, from } = changed;
		await auditRequest(event, 'account.role', { user_id: user.userId, email: user.email, from, to: user.role });
		return { ok: true as const, action: 'role' as const, message: `${user.email} is now ${user.role} (was ${from}). Their open sessions have the new role at once.` };
	},
	disable: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { ok: false as const, action: 'disable' as const, message: read.message });
		const parsed = parseAccountForm('disable', read.form);
		if (!parsed.ok) return fail(400, { ok: false as const, action: 'disable' as const, message: parsed.message });
		const disabled = await disableAccount(await serverWarehouse(), event.locals.user!, parsed.values.user_id);
		if (!disabled.ok) return fail(400, { ok: false as const, action: 'disable' as const, message: disabled.message });
		await auditRequest(event, 'account.disable', { user_id: disabled.user.userId, email: disabled.user.email });
		return { ok: true as const, action: 'disable' as const, message: `${disabled.user.email} is disabled: they cannot sign in, and their sessions and reset links have ended.` };
	},
	reset: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { ok: false as const, action: 'reset' as const, message: read.message });
		const parsed = parseAccountForm('reset', read.form);
		if (!parsed.ok) return fail(400, { ok: false as const, action: 'reset' as const, message: parsed.message });
		const made = await makeResetLink(await serverWarehouse(), parsed.values.user_id, actor(event.locals));
		if (!made.ok) return fail(400, { ok: false as const, action: 'reset' as const, message: made.message });
		await auditRequest(event, 'account.reset_link', { user_id: made.user.userId, email: made.user.email, expires_at: made.expiresAt.toISOString() });
		return {
			ok: true as const,
			action: 'reset' as const,
			message: `A new reset link for ${made.user.email} was made; any older one no longer works.`,
			link: { email: made.user.email, url: resetLink(event.url.origin, made.token), expiresAt: made.expiresAt.toISOString() }
		};
	}
};
