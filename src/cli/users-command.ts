/**
 * `cli users`: the dashboard's accounts, for the data controller who holds the warehouse file
 * (docs/accounts.md). Passwords are read from standard input (--password-stdin), never from the
 * command line, or generated and printed once; a reset prints a one-time link. Nothing prints a
 * hash or a second-factor secret. Each change and each listing is written to the audit log.
 *
 * Standard input is read through `ctx.stdin` when the context has one (tests give it through
 * run()'s io, which the context spreads), else from process.stdin.
 */
import { AccountError, createUser, disableUser, findUserByEmail, listUsers, normaliseEmail, setRole, type User } from '../lib/server/auth/accounts.ts';
import { generatePassword, PasswordPolicyError } from '../lib/server/auth/passwords.ts';
import { createResetToken, RESET_TOKEN_LIFETIME_MS, resetLink } from '../lib/server/auth/reset.ts';
import { isRole, ROLES, type Role } from '../lib/server/auth/roles.ts';
import type { Warehouse } from '../lib/server/warehouse/warehouse.ts';
import { osActor } from '../lib/server/warehouse/audit.ts';
import { CommandFailed, parse, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

/** Reads all of standard input. */
export type StdinReader = () => Promise<string>;

export const USERS_HELP = `Usage: cli users add --db <warehouse> --email E --role R [--password-stdin]
       cli users disable --db <warehouse> --email E
       cli users set-role --db <warehouse> --email E --role R
       cli users reset --db <warehouse> --email E [--base-url URL]
       cli users list --db <warehouse> [--json]

Manages the dashboard's accounts (docs/accounts.md). Roles: ${ROLES.join(', ')}.

  add        creates an account. With --password-stdin the password is read from standard
             input (one line; e.g. from a password manager); without it a random password is
             generated and printed once. The password must have 12 to 128 characters, must not
             be a common password and must not contain the email's first part.
  disable    disables the account and ends all its sessions (it stays listed).
  set-role   changes the account's role; it applies to its open sessions at once.
  reset      prints a one-time link, <base-url>/reset/<token>, valid for 60 minutes, with which
             the person sets a new password (ending all their sessions). A newer link voids it.
             --base-url defaults to http://localhost:3000.
  list       lists the accounts: email, role, active or disabled, second factor, created.
             --json prints [{user_id, email, role, disabled_at, created_at,
             password_changed_at, second_factor_enrolled}]. No hash or secret is ever printed.

Each run is written to the warehouse's audit log under the operating-system user.
Exit status: 0 success, 1 failed (e.g. no such account, a refused password), 2 usage error.
`;

async function readProcessStdin(): Promise<string> {
	if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	return Buffer.concat(chunks).toString('utf8');
}

function stdinOf(ctx: Context): StdinReader {
	return (ctx as Context & { stdin?: StdinReader }).stdin ?? readProcessStdin;
}

/** The one line of a password from standard input, without its line ending. */
async function passwordFromStdin(ctx: Context): Promise<string> {
	const text = (await stdinOf(ctx)()).replace(/\r?\n$/, '');
	if (text === '') throw new UsageError('--password-stdin: standard input held no password');
	if (/[\r\n]/.test(text)) throw new UsageError('--password-stdin: give the password on one line');
	return text;
}

function roleFlag(value: string | undefined): Role {
	const role = requireValue(value, '--role');
	if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${role}"`);
	return role;
}

function emailFlag(value: string | undefined): string {
	const email = normaliseEmail(requireValue(value, '--email'));
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`--email "${value}" is not an email address`);
	return email;
}

function baseUrlFlag(value: string | undefined): string {
	const text = value ?? 'http://localhost:3000';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`--base-url "${text}" is not a URL`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--base-url must start with http:// or https://');
	return text;
}

async function existing(warehouse: Warehouse, email: string): Promise<User> {
	const user = await findUserByEmail(warehouse, email);
	if (!user) throw new CommandFailed(`no account for ${email}`);
	return user;
}

function asJson(u: User) {
	return {
		user_id: u.userId,
		email: u.email,
		role: u.role,
		disabled_at: u.disabledAt?.toISOString() ?? null,
		created_at: u.createdAt.toISOString(),
		password_changed_at: u.passwordChangedAt.toISOString(),
		second_factor_enrolled: u.secondFactorEnrolled
	};
}

async function run(args: string[], ctx: Context): Promise<number> {
	const [action, ...rest] = args;
	switch (action) {
		case 'add': {
			const { values } = parse(
				rest,
				{ db: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
				false
			);
			const db = requireValue(values.db, '--db');
			const email = emailFlag(values.email);
			const role = roleFlag(values.role);
			const fromStdin = values['password-stdin'] === true;
			const password = fromStdin ? await passwordFromStdin(ctx) : generatePassword(email);
			const warehouse = await ctx.warehouse(db);
			let user: User;
			try {
				user = await createUser(warehouse, { email, role, password });
			} catch (e) {
				if (e instanceof PasswordPolicyError || e instanceof AccountError) throw new CommandFailed(e.message);
				throw e;
			}
			await ctx.audit('users.add', { email: user.email, role: user.role, user_id: user.userId, password: fromStdin ? 'stdin' : 'generated' });
			ctx.out(`Created ${user.email} (${user.role}).\n`);
			if (!fromStdin) ctx.out(`Password (shown only now): ${password}\n`);
			return 0;
		}
		case 'disable': {
			const { values } = parse(rest, { db: { type: 'string' }, email: { type: 'string' } }, false);
			const db = requireValue(values.db, '--db');
			const email = emailFlag(values.email);
			const warehouse = await ctx.warehouse(db);
			const before = await existing(warehouse, email);
			const user = await disableUser(warehouse, before.userId);
			await ctx.audit('users.disable', { email: user.email, user_id: user.userId, already: before.disabledAt !== null });
			ctx.out(before.disabledAt ? `${user.email} was already disabled.\n` : `Disabled ${user.email}; its sessions are ended.\n`);
			return 0;
		}
		case 'set-role': {
			const { values } = parse(rest, { db: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } }, false);
			const db = requireValue(values.db, '--db');
			const email = emailFlag(values.email);
			const role = roleFlag(values.role);
			const warehouse = await ctx.warehouse(db);
			const before = await existing(warehouse, email);
			const user = await setRole(warehouse, before.userId, role);
			await ctx.audit('users.set-role', { email: user.email, user_id: user.userId, from: before.role, to: user.role });
			ctx.out(`${user.email}: ${before.role} → ${user.role}.\n`);
			return 0;
		}
		case 'reset': {
			const { values } = parse(rest, { db: { type: 'string' }, email: { type: 'string' }, 'base-url': { type: 'string' } }, false);
			const db = requireValue(values.db, '--db');
			const email = emailFlag(values.email);
			const base = baseUrlFlag(values['base-url']);
			const warehouse = await ctx.warehouse(db);
			const user = await existing(warehouse, email);
			if (user.disabledAt) throw new CommandFailed(`${email} is disabled: no reset link for a disabled account`);
			const { token, expiresAt } = await createResetToken(warehouse, user.userId, { createdBy: osActor() });
			await ctx.audit('users.reset', { email: user.email, user_id: user.userId, expires_at: expiresAt.toISOString() });
			ctx.out(
				`One-time reset link for ${user.email}, valid for ${RESET_TOKEN_LIFETIME_MS / 60_000} minutes (until ${expiresAt.toISOString()}):\n${resetLink(base, token)}\n`
			);
			return 0;
		}
		case 'list': {
			const { values } = parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } }, false);
			const warehouse = await ctx.warehouse(requireValue(values.db, '--db'));
			const users = await listUsers(warehouse);
			await ctx.audit('users.list', { accounts: users.length });
			if (values.json) ctx.out(`${JSON.stringify(users.map(asJson), null, 2)}\n`);
			else if (users.length === 0) ctx.out('No accounts.\n');
			else {
				const w = Math.max(...users.map((u) => u.email.length), 5);
				ctx.out(`${'email'.padEnd(w)}  ${'role'.padEnd(7)}  ${'status'.padEnd(8)}  ${'2nd factor'.padEnd(10)}  created\n`);
				for (const u of users) {
					ctx.out(
						`${u.email.padEnd(w)}  ${u.role.padEnd(7)}  ${(u.disabledAt ? 'disabled' : 'active').padEnd(8)}  ${(u.secondFactorEnrolled ? 'yes' : 'no').padEnd(10)}  ${u.createdAt.toISOString().slice(0, 10)}\n`
					);
				}
			}
			return 0;
		}
		default:
			throw new UsageError(action ? `unknown action "${action}": say add, disable, set-role, reset or list` : 'say add, disable, set-role, reset or list');
	}
}

export const usersCommand: Command = { help: USERS_HELP, run };
