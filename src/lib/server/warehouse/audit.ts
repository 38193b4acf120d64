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
 * After each entry commits, its seq and hash go to the anchor outside the warehouse
 * (audit-anchor.ts); `verifyAuditLog` checks the log against it and writes nothing.
 *
 * A log made before the chain (no hash columns) is chained in place on its first append or
 * list (never by verify): its entries' times are cut to the millisecond and they are hashed in seq
 * order, and the meta row `audit_chain` records how many there were and when. Their content
 * before that moment is not attested by the chain.
 */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readAnchor, writeAnchor, type AnchorRead, type AnchorRecord } from './audit-anchor.ts';
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

/** The rows of a log made before the chain (no hash columns). */
const LEGACY_ROWS_SQL = `SELECT rowid AS rid, seq, epoch_us(logged_at) AS logged_us, actor, action,
	CAST(details AS VARCHAR) AS details, NULL AS prev_hash, NULL AS hash FROM audit_log`;

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

/** Which of the chain's columns the stored audit_log has (null: the table is gone). */
async function logColumns(conn: DuckDBConnection): Promise<{ prev: boolean; hash: boolean } | null> {
	const cols = await query<{ column_name: string }>(
		conn,
		`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'audit_log'`
	);
	if (cols.length === 0) return null;
	const names = new Set(cols.map((c) => c.column_name));
	return { prev: names.has('prev_hash'), hash: names.has('hash') };
}

/** The anchor holds records: the chain was started, whatever the warehouse now says. */
function anchorStarted(warehouse: Warehouse): boolean {
	const a = readAnchor(warehouse.auditAnchor);
	return a.state === 'unreadable' || (a.state === 'read' && (a.records.length > 0 || a.badLines.length > 0));
}

/**
 * Makes sure the audit log has the hash chain: a log made before it is chained in place, in
 * one transaction, and its anchor started. Runs on the writer. Refuses a log whose table or hash
 * columns were removed after the chain was started (by the meta row or by the anchor):
 * chaining it again would hide whatever was changed.
 */
async function ensureChain(warehouse: Warehouse): Promise<void> {
	if (chained.has(warehouse)) return;
	await warehouse.write(async (conn) => {
		const cols = await logColumns(conn);
		if (cols === null) throw new Error(`the warehouse ${warehouse.file} has no audit_log table: it was altered outside Full Picture`);
		if (cols.prev && cols.hash) return;
		const note = await readChainNote(conn);
		if (cols.prev || cols.hash || note || anchorStarted(warehouse)) {
			throw new Error(
				`the audit log of ${warehouse.file} has lost its hash column${cols.prev || cols.hash ? '' : 's'} although its chain was started: it was altered outside Full Picture, and is not chained again`
			);
		}
		await exec(conn, 'BEGIN TRANSACTION');
		let last: StoredAuditEntry | undefined;
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
				last = { ...entry, hash };
			}
			const value: ChainNote = { legacy_entries: rows.length, chained_at: new Date().toISOString() };
			await exec(conn, `INSERT INTO meta VALUES ($key, $value)`, { key: AUDIT_CHAIN_META_KEY, value: JSON.stringify(value) });
			await exec(conn, 'COMMIT');
		} catch (e) {
			await exec(conn, 'ROLLBACK');
			throw e;
		}
		// The chain starts here, and so does its anchor.
		if (last) anchorEntry(warehouse, last, true);
	});
	chained.add(warehouse);
}

/** Inserts the entry after the log's last row, on `conn`, inside the caller's open transaction. */
async function insertEntry(conn: DuckDBConnection, entry: AuditEntry): Promise<StoredAuditEntry> {
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
	return row;
}

/** After the entry's commit: its record in the anchor (the log's first entry, or `start`, may create it). */
function anchorEntry(warehouse: Warehouse, row: StoredAuditEntry, start = false): void {
	writeAnchor(warehouse.auditAnchor, { seq: row.seq, hash: row.hash ?? '', logged_at: row.logged_at }, start || row.seq === 1);
}

/**
 * Appends an entry at the end of the chain and returns it as stored; after the commit, its
 * record goes to the anchor. The time is now, to the millisecond (so the value read back hashes
 * the same). Must not be called from inside `warehouse.write` (it queues its own write).
 * `startAnchor`: this entry may create a missing anchor (only `cli audit-log anchor`).
 */
export async function appendAudit(warehouse: Warehouse, entry: AuditEntry, options: { startAnchor?: boolean } = {}): Promise<StoredAuditEntry> {
	await ensureChain(warehouse);
	return warehouse.write(async (conn) => {
		await exec(conn, 'BEGIN TRANSACTION');
		let row: StoredAuditEntry;
		try {
			row = await insertEntry(conn, entry);
			await exec(conn, 'COMMIT');
		} catch (e) {
			await exec(conn, 'ROLLBACK');
			throw e;
		}
		anchorEntry(warehouse, row, options.startAnchor);
		return row;
	});
}

/**
 * Makes sure the log is chained (outside any transaction: call it before the caller's
 * `warehouse.write`), so that `appendAuditInTransaction` can run inside one.
 */
export async function prepareAudit(warehouse: Warehouse): Promise<void> {
	await ensureChain(warehouse);
}

/**
 * Appends an entry inside the writer's open transaction on `conn` (an import's: the batch and
 * its entry commit together or not at all). The caller commits, then calls `afterCommit`, which
 * writes the entry's record to the anchor. `prepareAudit` must have run first.
 */
export async function appendAuditInTransaction(
	warehouse: Warehouse,
	conn: DuckDBConnection,
	entry: AuditEntry
): Promise<{ entry: StoredAuditEntry; afterCommit(): void }> {
	if (!chained.has(warehouse)) {
		const cols = await logColumns(conn);
		if (!cols?.prev || !cols.hash) throw new Error(`internal error: the audit log of ${warehouse.file} is not chained (call prepareAudit first)`);
		chained.add(warehouse);
	}
	const row = await insertEntry(conn, entry);
	return { entry: row, afterCommit: () => anchorEntry(warehouse, row) };
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
	/** The first entry where it shows, or null when it is not one entry's (a missing table or anchor). */
	seq: number | null;
	/**
	 * content: the entry's hash does not match its content; link: its prev_hash is not the
	 * previous entry's hash; anchor: the log does not hold what the anchor recorded (or there is
	 * no anchor); layout: the table or its hash columns were removed after the chain started.
	 */
	kind: 'content' | 'link' | 'anchor' | 'layout';
	message: string;
}

/** What `verify` found of the anchor. */
export interface AnchorReport {
	path: string;
	state: 'read' | 'absent' | 'unreadable';
	/** How many records it holds, and the last one's seq. */
	records: number;
	last_seq: number | null;
	/** Entries after its last record: committed while the anchor could not be written (said on stderr then), or by a process stopped between the two. */
	unanchored_entries: number;
	/** Why it could not be read (a pipe to syslog, a permission). */
	reason: string | null;
}

export interface AuditVerifyReport {
	/** The chain is whole, agrees with its anchor and, if a head was expected, holds it. */
	ok: boolean;
	entries: number;
	first_seq: number | null;
	last_seq: number | null;
	/** The last entry's stored hash (GENESIS_HASH for an empty log). */
	head: string;
	/** The first thing broken, or null. */
	broken: AuditBreak | null;
	expected_head: { hash: string; found: boolean; seq: number | null; entries_after: number | null } | null;
	/** From the meta row: entries that predate the chain were chained in place when it was added. */
	chain: ChainNote | null;
	/** The log was made before the hash chain and has not been chained yet (its next append chains it). */
	unchained: boolean;
	anchor: AnchorReport;
}

/**
 * Walks the chain in seq order, recomputes every hash, and checks the log against every record
 * of its anchor. Writes nothing: open the warehouse read-only for it (`cli audit-log verify`
 * does); a log made before the chain is reported, not chained.
 */
export async function verifyAuditLog(warehouse: Warehouse, options: { expectHead?: string } = {}): Promise<AuditVerifyReport> {
	const anchorRead = readAnchor(warehouse.auditAnchor);
	const { cols, rows, chain } = await warehouse.read(async (conn) => {
		const cols = await logColumns(conn);
		const chain = await readChainNote(conn);
		const whole = cols !== null && cols.prev && cols.hash;
		const rows = cols === null ? [] : await query<RawRow>(conn, whole ? `${ROWS_SQL} ORDER BY seq, rowid` : `${LEGACY_ROWS_SQL} ORDER BY seq, rowid`);
		return { cols, rows, chain };
	});
	const records = anchorRead.state === 'read' ? anchorRead.records : [];
	const anchored = anchorRead.state === 'unreadable' || records.length > 0 || (anchorRead.state === 'read' && anchorRead.badLines.length > 0);
	let broken: AuditBreak | null = null;
	let unchained = false;
	if (cols === null) {
		broken = { seq: null, kind: 'layout', message: 'the audit_log table is missing: it was dropped outside Full Picture' };
	} else if (!cols.prev || !cols.hash) {
		if (cols.prev || cols.hash || chain || anchored) {
			const by = [chain ? 'the meta row audit_chain' : '', anchored ? `its anchor ${anchorRead.path}` : ''].filter(Boolean).join(' and ');
			broken = {
				seq: null,
				kind: 'layout',
				message: `the log's hash columns were removed although its chain was started (as ${by || 'the column that remains'} shows): it was altered outside Full Picture`
			};
		} else unchained = true;
	}
	const bySeq = new Map<number, string | null>();
	if (!broken && !unchained) {
		let prevHash = GENESIS_HASH;
		let prevSeq: number | null = null;
		for (const r of rows) {
			const e = stored(r);
			bySeq.set(e.seq, e.hash);
			if (broken) continue;
			if (e.hash !== entryHash(e)) {
				broken = {
					seq: e.seq,
					kind: 'content',
					message: `seq ${e.seq}: content changed (its stored hash does not match its seq, time, actor, action, details and prev_hash)`
				};
				continue;
			}
			if (e.prev_hash !== prevHash) {
				const where =
					prevSeq === null
						? `it is the first entry but its prev_hash is not the start of the chain (entries before it are missing)`
						: e.seq !== prevSeq + 1
							? `its prev_hash is not the hash of seq ${prevSeq}: the row(s) between seq ${prevSeq} and ${e.seq} are missing`
							: `its prev_hash is not the hash of seq ${prevSeq}: seq ${prevSeq} was rewritten, or a row between them is missing`;
				broken = { seq: e.seq, kind: 'link', message: `seq ${e.seq}: link broken or row missing (${where})` };
				continue;
			}
			prevHash = e.hash;
			prevSeq = e.seq;
		}
		broken ??= anchorBreak(anchorRead, records, bySeq, rows.length);
	}
	const lastSeq = rows[rows.length - 1]?.seq ?? null;
	const lastRecord = records[records.length - 1]?.seq ?? null;
	const anchor: AnchorReport = {
		path: anchorRead.path,
		state: anchorRead.state,
		records: records.length,
		last_seq: lastRecord,
		unanchored_entries: lastSeq !== null && lastRecord !== null && lastSeq > lastRecord ? rows.filter((r) => r.seq > lastRecord).length : 0,
		reason: anchorRead.state === 'unreadable' ? anchorRead.reason : null
	};
	const head = unchained ? GENESIS_HASH : rows.length > 0 ? (rows[rows.length - 1].hash ?? '') : GENESIS_HASH;
	let expected: AuditVerifyReport['expected_head'] = null;
	if (options.expectHead !== undefined) {
		const hash = options.expectHead.toLowerCase();
		const index = hash === GENESIS_HASH ? -1 : rows.findIndex((r) => r.hash === hash);
		const found = hash === GENESIS_HASH || index >= 0;
		expected = { hash, found, seq: found && index >= 0 ? rows[index].seq : null, entries_after: found ? rows.length - 1 - index : null };
	}
	return {
		ok: broken === null && (expected === null || expected.found),
		entries: rows.length,
		first_seq: rows[0]?.seq ?? null,
		last_seq: lastSeq,
		head,
		broken,
		expected_head: expected,
		chain,
		unchained,
		anchor
	};
}

/** The first record of the anchor the log does not hold, or a missing anchor for a log with entries. */
function anchorBreak(read: AnchorRead, records: AnchorRecord[], bySeq: Map<number, string | null>, entries: number): AuditBreak | null {
	if (read.state === 'unreadable') return null;
	if (read.state === 'absent') {
		if (entries === 0) return null;
		return {
			seq: null,
			kind: 'anchor',
			message: `there is no anchor at ${read.path}: a cut at the log's end cannot be ruled out. If the anchor was kept elsewhere, set FP_AUDIT_ANCHOR to it; if this warehouse was made before anchors, start one with "cli audit-log anchor" (docs/audit-log.md)`
		};
	}
	if (read.badLines.length > 0) {
		return { seq: null, kind: 'anchor', message: `line ${read.badLines[0]} of the anchor ${read.path} is not a record ("<seq> <hash> <time>"): the anchor was edited` };
	}
	if (records.length === 0 && entries > 0) {
		return { seq: null, kind: 'anchor', message: `the anchor ${read.path} holds no record but the log has ${entries} entries: the anchor was emptied` };
	}
	const lastSeq = Math.max(0, ...bySeq.keys());
	for (const r of records) {
		const hash = bySeq.get(r.seq);
		if (hash === undefined) {
			const message =
				r.seq > lastSeq
					? `the anchor recorded seq ${r.seq} (line ${r.line}) but the log ${entries === 0 ? 'is empty' : `ends at seq ${lastSeq}`}: entries were deleted from its end, or the log was truncated or recreated`
					: `the anchor recorded seq ${r.seq} (line ${r.line}), which is missing from the log`;
			return { seq: r.seq, kind: 'anchor', message };
		}
		if (hash !== r.hash) {
			return {
				seq: r.seq,
				kind: 'anchor',
				message: `seq ${r.seq} is not the entry the anchor recorded (line ${r.line}): the log was rewritten (re-chained or recreated) after it`
			};
		}
	}
	return null;
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
