/**
 * Accounts, stored in the warehouse's `users` table, and signing in with email and password.
 *
 * An email is stored trimmed and lowercased and is unique: every change goes through the
 * warehouse's single queued writer, which checks before it inserts. Passwords are kept only as
 * argon2id hashes (./passwords.ts); nothing here returns a hash or a second-factor secret.
 * A disabled account cannot sign in and its sessions are ended; it stays listed.
 *
 *   createUser(warehouse, { email, role, password }, options?): Promise<User>
 *       throws AccountError ('invalid_email' | 'exists') or PasswordPolicyError
 *   disableUser(warehouse, userId, options?): Promise<User>    also ends all the user's sessions
 *   setRole(warehouse, userId, role): Promise<User>            a role without `unsuppressed`
 *       switches it off in the user's sessions
 *   setPassword(warehouse, userId, password, options?): Promise<User>
 *       policy applied; ends all the user's sessions
 *   listUsers(warehouse): Promise<User[]>                      by email
 *   findUserByEmail(warehouse, email): Promise<User | null>
 *   getUser(warehouse, userId): Promise<User | null>
 *   authenticate(warehouse, email, password, address, options?): Promise<AuthResult>
 *
 * authenticate() reads on a reader connection (it never waits for an import holding the
 * writer) and answers:
 *   { outcome: 'ok', user, secondFactor: { required, enrolled } }  required = needsSecondFactor(role)
 *   { outcome: 'invalid' }          one outcome for an unknown email, a wrong password and a
 *                                   disabled account: show one generic text
 *   { outcome: 'throttled', retryAfterSeconds }   (./throttle.ts)
 * The password is verified even when no such account exists (against a dummy hash) so the time
 * taken does not tell which emails have accounts. The caller writes the audit-log entry.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { dateOf, inTransaction, iso } from './db.ts';
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts';
import { can, isRole, needsSecondFactor, type Role } from './roles.ts';
import { signInThrottle, type Throttle } from './throttle.ts';
import { systemClock, type Clock } from './tokens.ts';

export interface User {
	userId: string;
	email: string;
	role: Role;
	/** When the account was disabled; null while it is active. */
	disabledAt: Date | null;
	createdAt: Date;
	passwordChangedAt: Date;
	/** Whether a second factor (TOTP) is set up. */
	secondFactorEnrolled: boolean;
}

export type AuthResult =
	| { outcome: 'ok'; user: User; secondFactor: { required: boolean; enrolled: boolean } }
	| { outcome: 'invalid' }
	| { outcome: 'throttled'; retryAfterSeconds: number };

export type AccountErrorCode = 'invalid_email' | 'invalid_role' | 'exists' | 'not_found';

export class AccountError extends Error {
	readonly code: AccountErrorCode;
	constructor(code: AccountErrorCode, message: string) {
		super(message);
		this.name = 'AccountError';
		this.code = code;
	}
}

export interface ClockOption {
	now?: Clock;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The stored form of an email: trimmed and lowercased. */
export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

function validEmail(email: string): string {
	const e = normaliseEmail(email);
	if (!EMAIL_PATTERN.test(e) || e.length > 254) throw new AccountError('invalid_email', `"${email}" is not an email address`);
	return e;
}

/** The columns a User is made from (never the hash or the secret). */
export const USER_COLUMNS = `u.user_id, u.email, u.role, u.disabled_at, u.created_at, u.password_changed_at,
	u.totp_secret IS NOT NULL AS second_factor_enrolled`;

export interface UserRow {
	user_id: string;
	email: string;
	role: string;
	disabled_at: Date | null;
	created_at: Date;
	password_changed_at: Date;
	second_factor_enrolled: boolean;
}

export function userOf(row: UserRow): User {
	if (!isRole(row.role)) throw new Error(`the account ${row.email} has an unknown role "${row.role}"`);
	return {
		userId: row.user_id,
		email: row.email,
		role: row.role,
		disabledAt: dateOf(row.disabled_at),
		createdAt: dateOf(row.created_at) as Date,
		passwordChangedAt: dateOf(row.password_changed_at) as Date,
		secondFactorEnrolled: row.second_factor_enrolled === true
	};
}

async function selectUser(conn: DuckDBConnection, where: string, params: string[]): Promise<User | null> {
	const [row] = await query<UserRow>(conn, `SELECT ${USER_COLUMNS} FROM users u WHERE ${where} LIMIT 1`, params);
	return row ? userOf(row) : null;
}

async function requireUser(conn: DuckDBConnection, userId: string): Promise<User> {
	const user = await selectUser(conn, 'u.user_id = $1', [userId]);
	if (!user) throw new AccountError('not_found', `no account with id ${userId}`);
	return user;
}

/** Ends every open session of a user, on the writer inside the caller's transaction. */
export async function endSessionsOf(conn: DuckDBConnection, userId: string, now: Date): Promise<void> {
	await exec(conn, `UPDATE sessions SET ended_at = CAST($1 AS TIMESTAMPTZ) WHERE user_id = $2 AND ended_at IS NULL`, [iso(now), userId]);
}

export async function createUser(
	warehouse: Warehouse,
	input: { email: string; role: Role; password: string },
	options: ClockOption = {}
): Promise<User> {
	const email = validEmail(input.email);
	if (!isRole(input.role)) throw new AccountError('invalid_role', `"${String(input.role)}" is not a role`);
	assertPasswordPolicy(input.password, email);
	const passwordHash = await hashPassword(input.password);
	const now = iso((options.now ?? systemClock)());
	return warehouse.write((conn) =>
		inTransaction(conn, async () => {
			const [taken] = await query(conn, `SELECT 1 FROM users WHERE email = $1`, [email]);
			if (taken) throw new AccountError('exists', `an account for ${email} exists already`);
			const userId = randomUUID();
			await exec(
				conn,
				`INSERT INTO users (user_id, email, role, password_hash, totp_secret, totp_last_step, disabled_at, created_at, password_changed_at)
				 VALUES ($1, $2, $3, $4, NULL, NULL, NULL, CAST($5 AS TIMESTAMPTZ), CAST($5 AS TIMESTAMPTZ))`,
				[userId, email, input.role, passwordHash, now]
			);
			return requireUser(conn, userId);
		})
	);
}

export async function disableUser(warehouse: Warehouse, userId: string, options: ClockOption = {}): Promise<User> {
	const now = (options.now ?? systemClock)();
	return warehouse.write((conn) =>
		inTransaction(conn, async () => {
			await requireUser(conn, userId);
			await exec(conn, `UPDATE users SET disabled_at = CAST($1 AS TIMESTAMPTZ) WHERE user_id = $2 AND disabled_at IS NULL`, [iso(now), userId]);
			await endSessionsOf(conn, userId, now);
			await exec(conn, `UPDATE reset_tokens SET used_at = CAST($1 AS TIMESTAMPTZ) WHERE user_id = $2 AND used_at IS NULL`, [iso(now), userId]);
			return requireUser(conn, userId);
		})
	);
}

export async function setRole(warehouse: Warehouse, userId: string, role: Role): Promise<User> {
	if (!isRole(role)) throw new AccountError('invalid_role', `"${String(role)}" is not a role`);
	return warehouse.write((conn) =>
		inTransaction(conn, async () => {
			await requireUser(conn, userId);
			await exec(conn, `UPDATE users SET role = $1 WHERE user_id = $2`, [role, userId]);
			if (!can(role, 'unsuppressed')) {
				await exec(conn, `UPDATE sessions SET unsuppressed = false WHERE user_id = $1 AND ended_at IS NULL`, [userId]);
			}
			return requireUser(conn, userId);
		})
	);
}

export async function setPassword(warehouse: Warehouse, userId: string, password: string, options: ClockOption = {}): Promise<User> {
	const user = await getUser(warehouse, userId);
	if (!user) throw new AccountError('not_found', `no account with id ${userId}`);
	assertPasswordPolicy(password, user.email);
	const passwordHash = await hashPassword(password);
	const now = (options.now ?? systemClock)();
	return warehouse.write((conn) =>
		inTransaction(conn, async () => {
			await exec(conn, `UPDATE users SET password_hash = $1, password_changed_at = CAST($2 AS TIMESTAMPTZ) WHERE user_id = $3`, [
				passwordHash,
				iso(now),
				userId
			]);
			await endSessionsOf(conn, userId, now);
			return requireUser(conn, userId);
		})
	);
}

export async function listUsers(warehouse: Warehouse): Promise<User[]> {
	const rows = await warehouse.read((conn) => query<UserRow>(conn, `SELECT ${USER_COLUMNS} FROM users u ORDER BY u.email`));
	return rows.map(userOf);
}

export async function findUserByEmail(warehouse: Warehouse, email: string): Promise<User | null> {
	return warehouse.read((conn) => selectUser(conn, 'u.email = $1', [normaliseEmail(email)]));
}

export async function getUser(warehouse: Warehouse, userId: string): Promise<User | null> {
	return warehouse.read((conn) => selectUser(conn, 'u.user_id = $1', [userId]));
}

/**
 * A hash with the same parameters as every stored one, of a random password nobody kept:
 * verified when there is no such account, so that both paths take as long.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$JPexGWGyBAnJTF3BHrXw6Q$lqIWQDfUbCOUe5KfvyVJv3Jm7pkFKUYNRSQCgrkbbFI';

export async function authenticate(
	warehouse: Warehouse,
	email: string,
	password: string,
	address: string,
	options: ClockOption & { throttle?: Throttle } = {}
): Promise<AuthResult> {
	const throttle = options.throttle ?? signInThrottle;
	const account = normaliseEmail(email);
	const check = throttle.check(account, address);
	if (!check.allowed) return { outcome: 'throttled', retryAfterSeconds: check.retryAfterSeconds };
	const [row] = await warehouse.read((conn) =>
		query<UserRow & { password_hash: string }>(conn, `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1 LIMIT 1`, [account])
	);
	const matches = await verifyPassword(row?.password_hash ?? DUMMY_HASH, password);
	if (!row || !matches || row.disabled_at !== null) {
		throttle.fail(account, address);
		return { outcome: 'invalid' };
	}
	throttle.succeed(account);
	const user = userOf(row);
	return { outcome: 'ok', user, secondFactor: { required: needsSecondFactor(user.role), enrolled: user.secondFactorEnrolled } };
}
