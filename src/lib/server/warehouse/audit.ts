/**
 * The audit log: who did what, when (UTC), with which filters; never child-level values.
 * Append-only, and tamper-evident: each entry is chained to the one before by SHA-256
 * (docs/audit-log.md).
 *
 *   hash = sha256_hex(utf8(canonicalJson([seq, logged_at, actor, action, details, prev_hash])))
 *
 * where logged_at is the stored TIMESTAMPTZ as UTC ISO-8601 with milliseconds
 * ("2025-04-07T08:10:00.123Z"), details is the JSON object itself, and canonicalJson is
 * JSON.stringify with every object's keys sorted (by UTF-16 code units, as RFC 8785) and no
 * spaces. The first entry's prev_hash is 64 zeros. The hash is computed here, in TypeScript,
 * inside the warehouse's single queued writer, from the last stored row: two appends can never
 * both chain to the same entry.
 *
 * A log made before the chain (no hash columns) is chained in place on first use (append,
 * verify or list): its entries' times are cut to the millisecond and they are hashed in seq
 * order, and the meta row `audit_chain` records how many there were and when. Their content
 * before that moment is not attested by the chain.
 */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AUDIT_CHAIN_META_KEY } from './ddl.ts';
import { exec, query, type Warehouse } from './warehouse.ts';

export interface AuditEntry {
	actor: string;
	action: string;
	details?: Record<string, unknown>;
}

/** An entry as stored, with its place in the chain. */
export interface StoredAuditEntry {
	seq: number;
	/** UTC ISO-8601 with milliseconds (microseconds only if the stored value was altered). */
	logged_at: string | null;
	actor: string | null;
	action: string | null;
	details: unknown;
	prev_hash: string | null;
	hash: string | null;
}

/** The prev_hash of the first entry, and the head of an empty log. */
export const GENESIS_HASH = '0'.repeat(64);

/** The operating-system user running the command line, as the log names them. */
export function osActor(): string {
	try {
		return `os:${userInfo().username}`;
	} catch {
		return `os:${process.env.USER ?? 'unknown'}`;
	}
}

/** JSON with every object's keys sorted and no whitespace; the value is first normalised as JSON.stringify would. */
export function canonicalJson(value: unknown): string {
	const normalised: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value) ?? 'null');
	return write(normalised);
	function write(v: unknown): string {
		if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
		if (v !== null && typeof v === 'object') {
			const obj = v as Record<string, unknown>;
			const keys = Object.keys(obj).sort();
			return `{${keys.map((k) => `${JSON.stringify(k)}:${write(obj[k])}`).join(',')}}`;
		}
		return JSON.stringify(v);
	}
}

/** The hash of an entry, over its content and its stored prev_hash. */
export function entryHash(e: Omit<StoredAuditEntry, 'hash'>): string {
	const canonical = canonicalJson([e.seq, e.logged_at, e.actor, e.action, e.details ?? null, e.prev_hash]);
	return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** A stored TIMESTAMPTZ, read as microseconds since the epoch, as the ISO text the hash covers. */
function isoOfMicros(us: number | null): string | null {
	if (us === null) return null;
	const ms = Math.floor(us / 1000);
	const iso = new Date(ms).toISOString();
	const extra = us - ms * 1000;
	// A stored value finer than the millisecond was not written by appendAudit: hash it as it is.
	return extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
}

const ROWS_SQL = `SELECT rowid AS rid, seq, epoch_us(logged_at) AS logged_us, actor, action,
	CAST(details AS VARCHAR) AS details, prev_hash, hash FROM audit_log`;

interface RawRow {
	rid: number;
	seq: number;
	logged_us: number | null;
	actor: string | null;
	action: string | null;
	details: string | null;
	prev_hash: string | null;
	hash: string | null;
}

function parseDetails(text: string | null): unknown {
	if (text === null) return null;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function stored(r: RawRow): StoredAuditEntry {
	return {
		seq: r.seq,
		logged_at: isoOfMicros(r.logged_us),
		actor: r.actor,
		action: r.action,
		details: parseDetails(r.details),
		prev_hash: r.prev_hash,
		hash: r.hash
	};
}

/** Warehouses (this process's instances) whose audit log is known to have the chain. */
const chained = new WeakSet<Warehouse>();

/** What the meta row `audit_chain` says: how many entries predate the chain, and when they were chained. */
export interface ChainNote {
	legacy_entries: number;
	chained_at: string | null;
}

async function readChainNote(conn: DuckDBConnection): Promise<ChainNote | null> {
	const [row] = await query<{ value: string }>(conn, `SELECT value FROM meta WHERE key = $key`, { key: AUDIT_CHAIN_META_KEY });
	return row ? (JSON.parse(row.value) as ChainNote) : null;
}

/**
 * Makes sure the audit log has the hash chain: a log made before it is chained in place, in
 * one transaction. Runs on the writer. Refuses a log whose hash columns were removed after
 * the chain was started (re-chaining it would hide whatever was changed).
 */
async function ensureChain(warehouse: Warehouse): Promise<void> {
	if (chained.has(warehouse)) return;
	await warehouse.write(async (conn) => {
		const cols = await query<{ column_name: string }>(
			conn,
			`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'audit_log'`
		);
		const names = new Set(cols.map((c) => c.column_name));
		const hasPrev = names.has('prev_hash');
		const hasHash = names.has('hash');
		if (hasPrev && hasHash) return;
		const note = await readChainNote(conn);
		if (hasPrev || hasHash || note) {
			throw new Error(
				`the audit log of ${warehouse.file} has lost its hash column${hasPrev || hasHash ? '' : 's'} although its chain was started: it was altered outside Full Picture, and is not chained again`
			);
		}
		await exec(conn, 'BEGIN TRANSACTION');
		try {
			await exec(conn, 'ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR');
			await exec(conn, 'ALTER TABLE audit_log ADD COLUMN hash VARCHAR');
			const rows = await query<RawRow>(conn, `${ROWS_SQL} ORDER BY seq, rowid`);
			let prev = GENESIS_HASH;
			for (const r of rows) {
				const us = r.logged_us === null ? null : Math.floor(r.logged_us / 1000) * 1000;
				const entry = { ...stored({ ...r, logged_us: us }), prev_hash: prev };
				const hash = entryHash(entry);
				await exec(
					conn,
					`UPDATE audit_log SET logged_at = CAST($logged_at AS TIMESTAMPTZ), prev_hash = $prev, hash = $hash WHERE rowid = $rid`,
					{ logged_at: entry.logged_at, prev, hash, rid: r.rid }
				);
				prev = hash;
			}
			const value: ChainNote = { legacy_entries: rows.length, chained_at: new Date().toISOString() };
			await exec(conn, `INSERT INTO meta VALUES ($key, $value)`, { key: AUDIT_CHAIN_META_KEY, value: JSON.stringify(value) });
			await exec(conn, 'COMMIT');
		} catch (e) {
			await exec(conn, 'ROLLBACK');
			throw e;
		}
	});
	chained.add(warehouse);
}

/**
 * Appends an entry at the end of the chain and returns it as stored. The time is now, to the
 * millisecond (so the value read back hashes the same). Must not be called from inside
 * `warehouse.write` (it queues its own write).
 */
export async function appendAudit(warehouse: Warehouse, entry: AuditEntry): Promise<StoredAuditEntry> {
	await ensureChain(warehouse);
	return warehouse.write(async (conn) => {
		await exec(conn, 'BEGIN TRANSACTION');
		try {
			const [last] = await query<{ seq: number; hash: string | null }>(conn, `SELECT seq, hash FROM audit_log ORDER BY seq DESC, rowid DESC LIMIT 1`);
			if (last && !last.hash) throw new Error(`the audit log's last entry (seq ${last.seq}) has no hash: run "cli audit-log verify"`);
			const details = JSON.parse(canonicalJson(entry.details ?? {})) as unknown;
			const row: StoredAuditEntry = {
				seq: (last?.seq ?? 0) + 1,
				logged_at: new Date().toISOString(),
				actor: entry.actor,
				action: entry.action,
				details,
				prev_hash: last?.hash ?? GENESIS_HASH,
				hash: null
			};
			row.hash = entryHash(row);
			await exec(
				conn,
				`INSERT INTO audit_log (seq, logged_at, actor, action, details, prev_hash, hash)
				VALUES (CAST($seq AS BIGINT), CAST($logged_at AS TIMESTAMPTZ), $actor, $action, $details, $prev_hash, $hash)`,
				{
					seq: String(row.seq),
					logged_at: row.logged_at,
					actor: row.actor,
					action: row.action,
					details: canonicalJson(details),
					prev_hash: row.prev_hash,
					hash: row.hash
				}
			);
			await exec(conn, 'COMMIT');
			return row;
		} catch (e) {
			await exec(conn, 'ROLLBACK');
			throw e;
		}
	});
}

/**
 * PROVISIONAL (replaced by the anchored audit log's version): appends an entry inside the
 * writer's already-open transaction on `conn`; the caller commits, then calls afterCommit.
 */
export async function appendAuditInTransaction(
	warehouse: Warehouse,
	conn: DuckDBConnection,
	entry: AuditEntry
): Promise<{ entry: StoredAuditEntry; afterCommit(): Promise<void> }> {
	void warehouse;
	const [last] = await query<{ seq: number; hash: string | null }>(conn, `SELECT seq, hash FROM audit_log ORDER BY seq DESC, rowid DESC LIMIT 1`);
	const details = JSON.parse(canonicalJson(entry.details ?? {})) as unknown;
	const row: StoredAuditEntry = {
		seq: (last?.seq ?? 0) + 1,
		logged_at: new Date().toISOString(),
		actor: entry.actor,
		action: entry.action,
		details,
		prev_hash: last?.hash ?? GENESIS_HASH,
		hash: null
	};
	row.hash = entryHash(row);
	await exec(
		conn,
		`INSERT INTO audit_log (seq, logged_at, actor, action, details, prev_hash, hash)
		VALUES (CAST($seq AS BIGINT), CAST($logged_at AS TIMESTAMPTZ), $actor, $action, $details, $prev_hash, $hash)`,
		{ seq: String(row.seq), logged_at: row.logged_at, actor: row.actor, action: row.action, details: canonicalJson(details), prev_hash: row.prev_hash, hash: row.hash }
	);
	return { entry: row, afterCommit: async () => {} };
}

/** The log in seq order; with `limit`, only its last `limit` entries. */
export async function readAuditLog(warehouse: Warehouse, options: { limit?: number } = {}): Promise<StoredAuditEntry[]> {
	await ensureChain(warehouse);
	return warehouse.read(async (conn) => {
		const sql =
			options.limit === undefined
				? `${ROWS_SQL} ORDER BY seq, rowid`
				: `SELECT * FROM (${ROWS_SQL} ORDER BY seq DESC, rowid DESC LIMIT ${Math.max(0, Math.floor(options.limit))}) ORDER BY seq, rid`;
		return (await query<RawRow>(conn, sql)).map(stored);
	});
}

export interface AuditBreak {
	seq: number;
	/** content: the entry's hash does not match its content; link: its prev_hash is not the previous entry's hash. */
	kind: 'content' | 'link';
	message: string;
}

export interface AuditVerifyReport {
	/** The chain is whole and, if a head was expected, it is in the chain. */
	ok: boolean;
	entries: number;
	first_seq: number | null;
	last_seq: number | null;
	/** The last entry's stored hash (GENESIS_HASH for an empty log): record it to detect a later cut. */
	head: string;
	/** The first broken entry, or null. */
	broken: AuditBreak | null;
	expected_head: { hash: string; found: boolean; seq: number | null; entries_after: number | null } | null;
	/** From the meta row: entries that predate the chain were chained in place when it was added. */
	chain: ChainNote | null;
}

/** Walks the chain in seq order and recomputes every hash. Writes nothing (but chains a log made before the chain). */
export async function verifyAuditLog(warehouse: Warehouse, options: { expectHead?: string } = {}): Promise<AuditVerifyReport> {
	await ensureChain(warehouse);
	const { rows, chain } = await warehouse.read(async (conn) => ({
		rows: await query<RawRow>(conn, `${ROWS_SQL} ORDER BY seq, rowid`),
		chain: await readChainNote(conn)
	}));
	let broken: AuditBreak | null = null;
	let prevHash = GENESIS_HASH;
	let prevSeq: number | null = null;
	for (const r of rows) {
		const e = stored(r);
		if (e.hash !== entryHash(e)) {
			broken = {
				seq: e.seq,
				kind: 'content',
				message: `seq ${e.seq}: content changed (its stored hash does not match its seq, time, actor, action, details and prev_hash)`
			};
			break;
		}
		if (e.prev_hash !== prevHash) {
			const where =
				prevSeq === null
					? `it is the first entry but its prev_hash is not the start of the chain (entries before it are missing)`
					: e.seq !== prevSeq + 1
						? `its prev_hash is not the hash of seq ${prevSeq}: the row(s) between seq ${prevSeq} and ${e.seq} are missing`
						: `its prev_hash is not the hash of seq ${prevSeq}: seq ${prevSeq} was rewritten, or a row between them is missing`;
			broken = { seq: e.seq, kind: 'link', message: `seq ${e.seq}: link broken or row missing (${where})` };
			break;
		}
		prevHash = e.hash;
		prevSeq = e.seq;
	}
	const head = rows.length > 0 ? (rows[rows.length - 1].hash ?? '') : GENESIS_HASH;
	let expected: AuditVerifyReport['expected_head'] = null;
	if (options.expectHead !== undefined) {
		const hash = options.expectHead.toLowerCase();
		const index = hash === GENESIS_HASH ? -1 : rows.findIndex((r) => r.hash === hash);
		const found = hash === GENESIS_HASH || index >= 0;
		expected = {
			hash,
			found,
			seq: found && index >= 0 ? rows[index].seq : null,
			entries_after: found ? rows.length - 1 - index : null
		};
	}
	return {
		ok: broken === null && (expected === null || expected.found),
		entries: rows.length,
		first_seq: rows[0]?.seq ?? null,
		last_seq: rows[rows.length - 1]?.seq ?? null,
		head,
		broken,
		expected_head: expected,
		chain
	};
}

/** Which entries `queryAuditLog` reads: every condition given must hold. */
export interface AuditQuery {
	/** Actions starting with this text (`priority.` gives priority.create, priority.edit…). */
	actionPrefix?: string;
	/** Actors containing this text, in any case (`lead@` finds `user:lead@example.org`). */
	actor?: string;
	/** From this London date (`YYYY-MM-DD`), inclusive. */
	since?: string;
	/** To this London date, inclusive. */
	until?: string;
	/** At most this many entries, newest first… */
	limit: number;
	/** …after skipping this many. */
	offset?: number;
}

export interface AuditPage {
	/** The matching entries, newest first (by seq). */
	entries: StoredAuditEntry[];
	/** How many entries match, over every page. */
	matching: number;
	/** How many entries the whole log holds. */
	total: number;
	/** The last entry's hash (GENESIS_HASH for an empty log): the head `cli audit-log verify` prints. */
	head: string;
}

/**
 * A page of the log, newest first, filtered by action prefix, actor and London date range.
 * Every value is a bound parameter. The head is the whole log's, whatever the filter.
 */
export async function queryAuditLog(warehouse: Warehouse, q: AuditQuery): Promise<AuditPage> {
	await ensureChain(warehouse);
	const where = `WHERE ($action IS NULL OR starts_with(action, $action))
		AND ($actor IS NULL OR contains(lower(actor), lower($actor)))
		AND ($since IS NULL OR CAST(timezone('Europe/London', logged_at) AS DATE) >= CAST($since AS DATE))
		AND ($until IS NULL OR CAST(timezone('Europe/London', logged_at) AS DATE) <= CAST($until AS DATE))`;
	const params = { action: q.actionPrefix ?? null, actor: q.actor ?? null, since: q.since ?? null, until: q.until ?? null };
	const limit = Math.max(0, Math.floor(q.limit));
	const offset = Math.max(0, Math.floor(q.offset ?? 0));
	return warehouse.read(async (conn) => {
		const rows = await query<RawRow>(conn, `${ROWS_SQL} ${where} ORDER BY seq DESC, rowid DESC LIMIT $limit OFFSET $offset`, {
			...params,
			limit,
			offset
		});
		const [counts] = await query<{ matching: number; total: number }>(
			conn,
			`SELECT count(*) FILTER (${where.replace(/^WHERE /, '')}) AS matching, count(*) AS total FROM audit_log`,
			params
		);
		const [last] = await query<{ hash: string | null }>(conn, `SELECT hash FROM audit_log ORDER BY seq DESC, rowid DESC LIMIT 1`);
		return { entries: rows.map(stored), matching: counts.matching, total: counts.total, head: last ? (last.hash ?? '') : GENESIS_HASH };
	});
}
