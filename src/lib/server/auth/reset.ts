/**
 * Password reset by one-time link. An admin (or the command line) creates a link for an
 * account; the person opens it and chooses a new password. The token is 32 random bytes
 * (base64url), returned once and stored only as its SHA-256 in `reset_tokens`. A link expires
 * after 60 minutes, works once, and is void once a newer link is made for the same account or
 * the account is disabled. Using it sets the new password (the policy applies; a refused
 * password leaves the link usable) and ends all the account's sessions.
 *
 *   createResetToken(warehouse, userId, { createdBy }, options?): Promise<{ token; expiresAt }>
 *   resetLink(baseUrl, token): string                  `<base>/reset/<token>`
 *   checkResetToken(warehouse, token, options?): Promise<ResetCheck>    before showing the form
 *   consumeResetToken(warehouse, token, newPassword, options?): Promise<ResetResult>
 *
 *   ResetCheck  = { ok: true; user } | { ok: false; reason: 'invalid' | 'expired' | 'used' }
 *   ResetResult = { ok: true; user }
 *               | { ok: false; reason: 'invalid' | 'expired' | 'used' }
 *               | { ok: false; reason: 'policy'; rule: PasswordRule; message }
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { AccountError, endSessionsOf, getUser, USER_COLUMNS, userOf, type ClockOption, type User, type UserRow } from './accounts.ts';
import { inTransaction, iso } from './db.ts';
import { checkPasswordPolicy, hashPassword, type PasswordRule } from './passwords.ts';
import { hashToken, looksLikeToken, newToken, systemClock } from './tokens.ts';

export const RESET_TOKEN_LIFETIME_MS = 60 * 60_000;

export type ResetRefusal = 'invalid' | 'expired' | 'used';
export type ResetCheck = { ok: true; user: User } | { ok: false; reason: ResetRefusal };
export type ResetResult =
	| { ok: true; user: User }
	| { ok: false; reason: ResetRefusal }
	| { ok: false; reason: 'policy'; rule: PasswordRule; message: string };

export async function createResetToken(
	warehouse: Warehouse,
	userId: string,
	details: { createdBy: string },
	options: ClockOption = {}
): Promise<{ token: string; expiresAt: Date }> {
	const token = newToken();
	const now = (options.now ?? systemClock)();
	const expiresAt = new Date(now.getTime() + RESET_TOKEN_LIFETIME_MS);
	await warehouse.write((conn) =>
		inTransaction(conn, async () => {
			const [user] = await query(conn, `SELECT 1 FROM users WHERE user_id = $1 AND disabled_at IS NULL`, [userId]);
			if (!user) throw new AccountError('not_found', `no active account with id ${userId}`);
			// A newer link voids the older ones.
			await exec(conn, `UPDATE reset_tokens SET used_at = CAST($1 AS TIMESTAMPTZ) WHERE user_id = $2 AND used_at IS NULL`, [iso(now), userId]);
			await exec(
				conn,
				`INSERT INTO reset_tokens (token_hash, user_id, created_at, created_by, expires_at, used_at)
				 VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), $4, CAST($5 AS TIMESTAMPTZ), NULL)`,
				[hashToken(token), userId, iso(now), details.createdBy, iso(expiresAt)]
			);
		})
	);
	return { token, expiresAt };
}

export function resetLink(baseUrl: string, token: string): string {
	return `${baseUrl.replace(/\/+$/, '')}/reset/${encodeURIComponent(token)}`;
}

interface TokenRow extends UserRow {
	expires_at: Date;
	used_at: Date | null;
}

async function lookUp(conn: DuckDBConnection, tokenHash: string, now: Date): Promise<ResetCheck> {
	const [row] = await query<TokenRow>(
		conn,
		`SELECT r.expires_at, r.used_at, ${USER_COLUMNS} FROM reset_tokens r JOIN users u ON u.user_id = r.user_id
		 WHERE r.token_hash = $1 LIMIT 1`,
		[tokenHash]
	);
	if (!row || row.disabled_at !== null) return { ok: false, reason: 'invalid' };
	if (row.used_at !== null) return { ok: false, reason: 'used' };
	if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
	return { ok: true, user: userOf(row) };
}

/** Whether the link can be used now, and for whom (nothing is changed). */
export async function checkResetToken(warehouse: Warehouse, token: string, options: ClockOption = {}): Promise<ResetCheck> {
	if (!looksLikeToken(token)) return { ok: false, reason: 'invalid' };
	const now = (options.now ?? systemClock)();
	return warehouse.read((conn) => lookUp(conn, hashToken(token), now));
}

export async function consumeResetToken(
	warehouse: Warehouse,
	token: string,
	newPassword: string,
	options: ClockOption = {}
): Promise<ResetResult> {
	const check = await checkResetToken(warehouse, token, options);
	if (!check.ok) return check;
	const policy = checkPasswordPolicy(newPassword, check.user.email);
	if (!policy.ok) return { ok: false, reason: 'policy', rule: policy.rule, message: policy.message };
	const passwordHash = await hashPassword(newPassword);
	const tokenHash = hashToken(token);
	const now = (options.now ?? systemClock)();
	const result = await warehouse.write((conn) =>
		inTransaction(conn, async (): Promise<ResetCheck> => {
			// Checked again on the writer: of two uses of one link, only the first gets here.
			const again = await lookUp(conn, tokenHash, now);
			if (!again.ok) return again;
			await exec(conn, `UPDATE reset_tokens SET used_at = CAST($1 AS TIMESTAMPTZ) WHERE token_hash = $2`, [iso(now), tokenHash]);
			await exec(conn, `UPDATE users SET password_hash = $1, password_changed_at = CAST($2 AS TIMESTAMPTZ) WHERE user_id = $3`, [
				passwordHash,
				iso(now),
				again.user.userId
			]);
			await endSessionsOf(conn, again.user.userId, now);
			return again;
		})
	);
	if (!result.ok) return result;
	return { ok: true, user: (await getUser(warehouse, result.user.userId)) ?? result.user };
}
