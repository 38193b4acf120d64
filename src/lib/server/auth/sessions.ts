/**
 * Sign-in sessions, stored in the warehouse's `sessions` table.
 *
 * A session's token is 32 random bytes (base64url) handed to the browser once, in a cookie;
 * the table holds only its SHA-256 (token_hash), which is also the session's `id` in listings.
 * A session is valid while it has not been ended, its account is not disabled, it has been used
 * within the last 30 minutes (idle limit) and it began less than 12 hours ago (absolute limit).
 *
 * Validation reads on a reader connection and never waits for the writer, which an import may
 * hold for minutes. The idle clock (last_seen_at) is refreshed at most once a minute per session:
 * the update is queued on the writer and not awaited, and until it lands this process remembers
 * the newer time, so a long import cannot make an active session look idle.
 *
 *   createSession(warehouse, userId, { address, userAgent, secondFactorOk }, options?)
 *       : Promise<{ token: string; session: Session }>     the token is returned only here
 *   validateSession(warehouse, token, options?): Promise<ValidSession | null>
 *   endSession(warehouse, token, options?): Promise<void>  sign out
 *   endAllSessions(warehouse, userId, options?): Promise<void>
 *   endSessionById(warehouse, userId, id, options?): Promise<boolean>   from a list of one's sessions
 *   listSessions(warehouse, userId, options?): Promise<SessionInfo[]>   newest first
 *   markSecondFactor(warehouse, token): Promise<boolean>   after verifySecondFactor / enrolSecondFactor
 *   setUnsuppressed(warehouse, token, on: boolean): Promise<boolean>
 *       false (nothing changed) unless the session is valid, its role may see unsuppressed figures
 *       and its second factor is done; the caller writes the audit-log entry for each switch
 *
 * ValidSession = { user, session, secondFactorPending, unsuppressed }: secondFactorPending is true
 * while the role needs a second factor that this session has not shown (send the person to the
 * code page and allow nothing else); unsuppressed is the session's switch, already limited to what
 * the role and the second factor allow.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { endSessionsOf, USER_COLUMNS, userOf, type ClockOption, type User, type UserRow } from './accounts.ts';
import { dateOf, inTransaction, iso } from './db.ts';
import { can, needsSecondFactor } from './roles.ts';
import { hashToken, looksLikeToken, newToken, systemClock } from './tokens.ts';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** The idle clock is written at most this often per session. */
export const SESSION_REFRESH_MS = 60_000;
const USER_AGENT_MAX = 512;
const ADDRESS_MAX = 128;

export interface Session {
	/** The token's SHA-256 (hex): identifies the session in listings; it cannot be used to sign in. */
	id: string;
	userId: string;
	createdAt: Date;
	lastSeenAt: Date;
	endedAt: Date | null;
	address: string | null;
	userAgent: string | null;
	secondFactorOk: boolean;
	unsuppressed: boolean;
}

export interface SessionInfo extends Session {
	/** Not ended, and within the idle and absolute limits now. */
	active: boolean;
}

export interface ValidSession {
	user: User;
	session: Session;
	/** The role needs a second factor and this session has not shown it yet. */
	secondFactorPending: boolean;
	/** Whether this request may see unsuppressed figures. */
	unsuppressed: boolean;
}

interface SessionRow {
	token_hash: string;
	user_id: string;
	created_at: Date;
	last_seen_at: Date;
	ended_at: Date | null;
	address: string | null;
	user_agent: string | null;
	second_factor_ok: boolean | null;
	unsuppressed: boolean | null;
}

const SESSION_COLUMNS = `s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.ended_at, s.address, s.user_agent,
	s.second_factor_ok, s.unsuppressed`;

function sessionOf(row: SessionRow): Session {
	return {
		id: row.token_hash,
		userId: row.user_id,
		createdAt: dateOf(row.created_at) as Date,
		lastSeenAt: dateOf(row.last_seen_at) as Date,
		endedAt: dateOf(row.ended_at),
		address: row.address,
		userAgent: row.user_agent,
		secondFactorOk: row.second_factor_ok === true,
		unsuppressed: row.unsuppressed === true
	};
}

/** Per warehouse: the newest last-seen time (ms) of each session whose refresh is queued but not yet written. */
const pendingSeen = new WeakMap<Warehouse, Map<string, number>>();
function pendingOf(warehouse: Warehouse): Map<string, number> {
	let map = pendingSeen.get(warehouse);
	if (!map) pendingSeen.set(warehouse, (map = new Map()));
	return map;
}

/**
 * The session's last-seen time: the stored one or a newer queued one. `before` is the queued time
 * noted before the stored row was read: a refresh that lands during the read is forgotten from
 * the map at once, and the row read may predate it.
 */
function lastSeenMs(warehouse: Warehouse, session: Session, before?: number): number {
	return Math.max(session.lastSeenAt.getTime(), before ?? 0, pendingOf(warehouse).get(session.id) ?? 0);
}

/**
 * The idle limit in force: 30 minutes, or shorter where a deployment sets
 * FP_SESSION_IDLE_SECONDS (never longer than 30 minutes; a bad value is refused).
 */
export function sessionIdleMs(env: NodeJS.ProcessEnv = process.env): number {
	const text = env.FP_SESSION_IDLE_SECONDS?.trim();
	if (!text) return SESSION_IDLE_MS;
	const seconds = Number(text);
	if (!Number.isInteger(seconds) || seconds < 1 || seconds * 1000 > SESSION_IDLE_MS) {
		throw new Error(`FP_SESSION_IDLE_SECONDS must be a whole number of seconds from 1 to ${SESSION_IDLE_MS / 1000} (got "${text}")`);
	}
	return seconds * 1000;
}

function isActive(session: Session, lastSeen: number, now: number): boolean {
	return session.endedAt === null && now - session.createdAt.getTime() <= SESSION_ABSOLUTE_MS && now - lastSeen <= sessionIdleMs();
}

function clip(text: string | null | undefined, max: number): string | null {
	return text ? text.slice(0, max) : null;
}

export async function createSession(
	warehouse: Warehouse,
	userId: string,
	details: { address?: string | null; userAgent?: string | null; secondFactorOk: boolean },
	options: ClockOption = {}
): Promise<{ token: string; session: Session }> {
	const token = newToken();
	const tokenHash = hashToken(token);
	const now = iso((options.now ?? systemClock)());
	const session = await warehouse.write((conn) =>
		inTransaction(conn, async () => {
			const [user] = await query(conn, `SELECT 1 FROM users WHERE user_id = $1 AND disabled_at IS NULL`, [userId]);
			if (!user) throw new Error(`no active account with id ${userId}`);
			await exec(
				conn,
				`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ended_at, address, user_agent, second_factor_ok, unsuppressed)
				 VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), CAST($3 AS TIMESTAMPTZ), NULL, $4, $5, $6, false)`,
				[tokenHash, userId, now, clip(details.address, ADDRESS_MAX), clip(details.userAgent, USER_AGENT_MAX), details.secondFactorOk]
			);
			const [row] = await query<SessionRow>(conn, `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.token_hash = $1`, [tokenHash]);
			return sessionOf(row);
		})
	);
	return { token, session };
}

async function readValid(conn: DuckDBConnection, tokenHash: string): Promise<{ user: User; session: Session } | null> {
	const [row] = await query<SessionRow & UserRow>(
		conn,
		`SELECT ${SESSION_COLUMNS}, ${USER_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id
		 WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.disabled_at IS NULL LIMIT 1`,
		[tokenHash]
	);
	return row ? { user: userOf(row), session: sessionOf(row) } : null;
}

export async function validateSession(warehouse: Warehouse, token: string, options: ClockOption = {}): Promise<ValidSession | null> {
	if (!looksLikeToken(token)) return null;
	const tokenHash = hashToken(token);
	const queuedBefore = pendingOf(warehouse).get(tokenHash);
	const found = await warehouse.read((conn) => readValid(conn, tokenHash));
	if (!found) return null;
	const now = (options.now ?? systemClock)().getTime();
	const lastSeen = lastSeenMs(warehouse, found.session, queuedBefore);
	if (!isActive(found.session, lastSeen, now)) return null;
	if (now - lastSeen >= Math.min(SESSION_REFRESH_MS, sessionIdleMs() / 2)) refreshLastSeen(warehouse, tokenHash, now);
	const { user, session } = found;
	const secondFactorPending = needsSecondFactor(user.role) && !session.secondFactorOk;
	return {
		user,
		session: { ...session, lastSeenAt: new Date(Math.max(lastSeen, now)) },
		secondFactorPending,
		unsuppressed: session.unsuppressed && !secondFactorPending && can(user.role, 'unsuppressed')
	};
}

/** Queues the idle clock's update on the writer without waiting for it. */
function refreshLastSeen(warehouse: Warehouse, tokenHash: string, now: number): void {
	const pending = pendingOf(warehouse);
	pending.set(tokenHash, now);
	const forget = () => {
		if (pending.get(tokenHash) === now) pending.delete(tokenHash);
	};
	warehouse
		.write((conn) =>
			exec(
				conn,
				`UPDATE sessions SET last_seen_at = CAST($1 AS TIMESTAMPTZ) WHERE token_hash = $2 AND ended_at IS NULL AND last_seen_at < CAST($1 AS TIMESTAMPTZ)`,
				[iso(new Date(now)), tokenHash]
			)
		)
		.then(forget, forget);
}

export async function endSession(warehouse: Warehouse, token: string, options: ClockOption = {}): Promise<void> {
	if (!looksLikeToken(token)) return;
	const now = iso((options.now ?? systemClock)());
	await warehouse.write((conn) =>
		exec(conn, `UPDATE sessions SET ended_at = CAST($1 AS TIMESTAMPTZ) WHERE token_hash = $2 AND ended_at IS NULL`, [now, hashToken(token)])
	);
}

export async function endAllSessions(warehouse: Warehouse, userId: string, options: ClockOption = {}): Promise<void> {
	const now = (options.now ?? systemClock)();
	await warehouse.write((conn) => endSessionsOf(conn, userId, now));
}

/** Ends one of the user's own sessions by its id (from listSessions); false if there was none open. */
export async function endSessionById(warehouse: Warehouse, userId: string, id: string, options: ClockOption = {}): Promise<boolean> {
	const now = iso((options.now ?? systemClock)());
	const ended = await warehouse.write((conn) =>
		query(
			conn,
			`UPDATE sessions SET ended_at = CAST($1 AS TIMESTAMPTZ) WHERE token_hash = $2 AND user_id = $3 AND ended_at IS NULL RETURNING user_id`,
			[now, id, userId]
		)
	);
	return ended.length > 0;
}

export async function listSessions(warehouse: Warehouse, userId: string, options: ClockOption = {}): Promise<SessionInfo[]> {
	const queuedBefore = new Map(pendingOf(warehouse));
	const rows = await warehouse.read((conn) =>
		query<SessionRow>(conn, `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.user_id = $1 ORDER BY s.created_at DESC`, [userId])
	);
	const now = (options.now ?? systemClock)().getTime();
	return rows.map((row) => {
		const session = sessionOf(row);
		const lastSeen = lastSeenMs(warehouse, session, queuedBefore.get(session.id));
		return { ...session, lastSeenAt: new Date(lastSeen), active: isActive(session, lastSeen, now) };
	});
}

/** Records that this session has shown the second factor. False if the session is not open. */
export async function markSecondFactor(warehouse: Warehouse, token: string): Promise<boolean> {
	if (!looksLikeToken(token)) return false;
	const marked = await warehouse.write((conn) =>
		query(conn, `UPDATE sessions SET second_factor_ok = true WHERE token_hash = $1 AND ended_at IS NULL RETURNING user_id`, [hashToken(token)])
	);
	return marked.length > 0;
}

/** Switches unsuppressed figures on or off for this session (see the module's note). */
export async function setUnsuppressed(warehouse: Warehouse, token: string, on: boolean, options: ClockOption = {}): Promise<boolean> {
	if (on) {
		const valid = await validateSession(warehouse, token, options);
		if (!valid || valid.secondFactorPending || !can(valid.user.role, 'unsuppressed')) return false;
	} else if (!looksLikeToken(token)) return false;
	const changed = await warehouse.write((conn) =>
		query(conn, `UPDATE sessions SET unsuppressed = $1 WHERE token_hash = $2 AND ended_at IS NULL RETURNING user_id`, [on, hashToken(token)])
	);
	return changed.length > 0;
}
