/**
 * The one DuckDB instance of a process for a warehouse file. It hands out reader
 * connections (a small pool) and keeps a single writer connection whose work is queued,
 * so that two imports never interleave. DuckDB's MVCC lets readers go on while a write
 * transaction is open: they see the last committed state until it commits.
 *
 * Every connection uses the Europe/London time zone before anything else runs on it.
 *
 * Hardened (docs/architecture.md, "DuckDB hardening"): extension auto-install and auto-load
 * are off; the memory limit and threads are set; before any connection is handed out, the
 * time zone is set for the whole instance, file access is limited to the warehouse's staging
 * directory (`allowed_directories`, then `enable_external_access = false`), and the
 * configuration is locked, so no SQL can read or write another file, load an extension or
 * change these settings.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { AUTH_TABLES, FIRST_KEYED_LAYOUT, warehouseDdl, WAREHOUSE_LAYOUT_VERSION } from './ddl.ts';
import { anchorPath } from './audit-anchor.ts';
import { migrateLayout, OLDEST_MIGRATABLE_LAYOUT } from './migrate.ts';
import { VersionedCache } from './versioned-cache.ts';
import { CellKeyError, cellKeyPath, createCellKey, hmacPads, PADS_DDL, readCellKey } from './cell-key.ts';

export const TIME_ZONE = 'Europe/London';

/** Raised when another process (usually the dashboard server) holds the warehouse file. */
export class WarehouseInUseError extends Error {
	constructor(file: string, detail: string) {
		super(
			`the warehouse ${file} is in use by another process (${detail}); DuckDB allows one process per warehouse file: stop the server, or use its pages, and try again`
		);
		this.name = 'WarehouseInUseError';
	}
}

export class WarehouseMissingError extends Error {
	constructor(file: string) {
		super(`no warehouse at ${file} (check --db; only import creates a new warehouse)`);
		this.name = 'WarehouseMissingError';
	}
}

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

function plain(value: unknown): unknown {
	if (typeof value === 'bigint') return Number(value);
	if (Array.isArray(value)) return value.map(plain);
	return value;
}

/** A statement as run: its text and bound values (`recordStatements`). */
export interface RecordedStatement {
	sql: string;
	params?: Params;
}

const recording = new AsyncLocalStorage<RecordedStatement[]>();

/**
 * Runs `fn` and answers, beside its result, every statement it ran through `query` and `exec`
 * (in the order they started): the bench runs them again on bare DuckDB to see what our
 * own code costs around them (docs/performance.md).
 */
export async function recordStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: RecordedStatement[] }> {
	const statements: RecordedStatement[] = [];
	const result = await recording.run(statements, fn);
	return { result, statements };
}

/** FP_SQL_TIMING=<ms> logs to stderr every statement slower than that (for profiling). */
const slowMs = Number(process.env.FP_SQL_TIMING ?? NaN);
async function timed<T>(sql: string, run: () => Promise<T>, params?: Params): Promise<T> {
	recording.getStore()?.push(params === undefined ? { sql } : { sql, params });
	if (Number.isNaN(slowMs)) return run();
	const start = performance.now();
	const result = await run();
	const ms = performance.now() - start;
	if (ms >= slowMs) process.stderr.write(`[sql ${ms.toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`);
	return result;
}

/** Runs a statement and returns its rows as plain objects (BIGINT as number). */
export async function query<T = Row>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
	const reader = await timed(sql, () => conn.runAndReadAll(sql, params), params);
	return reader.getRowObjectsJS().map((row) => {
		const out: Row = {};
		for (const [k, v] of Object.entries(row)) out[k] = plain(v);
		return out as T;
	});
}

/** Runs a statement for its effect. */
export async function exec(conn: DuckDBConnection, sql: string, params?: Params): Promise<void> {
	await timed(sql, () => conn.run(sql, params), params);
}

export interface OpenOptions {
	/** Create the file (and its tables) when it does not exist. Only `import` does. */
	create?: boolean;
	/**
	 * Open the file read-only (DuckDB's access_mode READ_ONLY): nothing is migrated, staging is
	 * left as it is, and the file is not modified (`audit-log verify`). Within a process that
	 * already holds the file, the instance it holds is used (and not written to by the caller).
	 */
	readOnly?: boolean;
}

const READER_POOL = 4;

/** How many reader connections a snapshot holds (a page's reads run side by side on them). */
const SNAPSHOT_CONNECTIONS = 3;

/** What every import and undo changes: read by each connection of a snapshot to know they see the same data. */
const DATA_VERSION_SQL = `SELECT count(*) AS batches, max(batch_id) AS last_batch, count(undone_at) AS undone FROM batches`;

/** The data version as the connection (in its transaction, if one is open) sees it. */
async function versionOn(conn: DuckDBConnection): Promise<string> {
	const [row] = await query<Record<string, unknown>>(conn, DATA_VERSION_SQL);
	return JSON.stringify(row);
}

/** DuckDB's memory limit and threads: FP_DUCKDB_MEMORY_LIMIT (e.g. `8GB`) and FP_DUCKDB_THREADS, else half the memory and every core. */
export function duckDbLimits(env: NodeJS.ProcessEnv = process.env): { memoryLimit: string; threads: number } {
	const memory = env.FP_DUCKDB_MEMORY_LIMIT?.trim();
	if (memory !== undefined && !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memory)) {
		throw new Error(`FP_DUCKDB_MEMORY_LIMIT must be a size such as 4GB or 512MB (got "${memory}")`);
	}
	const threadsText = env.FP_DUCKDB_THREADS?.trim();
	const threads = threadsText === undefined ? Math.max(1, os.availableParallelism()) : Number(threadsText);
	if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
		throw new Error(`FP_DUCKDB_THREADS must be a whole number from 1 to 256 (got "${threadsText}")`);
	}
	return { memoryLimit: memory ?? `${Math.max(256, Math.floor(os.totalmem() / 2 / 2 ** 20))}MB`, threads };
}

/**
 * DuckDB's instance for the file, with the memory and thread limits and no extension loading: the
 * process-wide cached one, or (`readOnly`) one of its own in READ_ONLY mode. A lock held by
 * another process is a WarehouseInUseError naming it.
 */
async function duckDbInstance(file: string, readOnly: boolean): Promise<DuckDBInstance> {
	const limits = duckDbLimits();
	const options: Record<string, string> = {
		autoinstall_known_extensions: 'false',
		autoload_known_extensions: 'false',
		memory_limit: limits.memoryLimit,
		threads: String(limits.threads)
	};
	try {
		return readOnly ? await DuckDBInstance.create(file, { ...options, access_mode: 'READ_ONLY' }) : await DuckDBInstance.fromCache(file, options);
	} catch (e) {
		const message = e instanceof Error ? e.message : String(e);
		if (/Could not set lock|Conflicting lock/i.test(message)) {
			const pid = /PID (\d+)/.exec(message)?.[1];
			throw new WarehouseInUseError(file, pid ? `PID ${pid}` : 'a lock is held');
		}
		throw e;
	}
}

export class Warehouse {
	readonly file: string;
	/** Where imports unpack and normalise files: the only directory DuckDB reads files from. */
	readonly stagingDir: string;
	/** The audit log's anchor file (audit-anchor.ts): FP_AUDIT_ANCHOR, else beside the warehouse. */
	readonly auditAnchor: string;
	/** Opened read-only: every write is refused by DuckDB. */
	readonly readOnly: boolean;
	/** The cell key secret's file (cell-key.ts): FP_CELL_KEY_FILE, else beside the warehouse. */
	readonly cellKeyFile: string;
	/** The secret, for the writer to key the rows it loads; null when its file is missing (or read-only). */
	private cellKey: Buffer | null = null;
	private readonly instance: DuckDBInstance;
	private writer: DuckDBConnection | undefined;
	private writeQueue: Promise<unknown> = Promise.resolve();
	private idleReaders: DuckDBConnection[] = [];
	private closed = false;
	/** True on the view `snapshot` hands out. */
	private readonly inSnapshot: boolean = false;
	/** On the view `snapshot` hands out: the data version its connections see. */
	private readonly snapshotVersion: string | null = null;
	/** Figures kept per data version (versioned-cache.ts), shared by every view of this warehouse. */
	private readonly figures = new VersionedCache();

	private constructor(file: string, instance: DuckDBInstance, readOnly = false) {
		this.file = file;
		this.instance = instance;
		this.stagingDir = `${file}.staging`;
		this.auditAnchor = anchorPath(file);
		this.readOnly = readOnly;
		this.cellKeyFile = cellKeyPath(file);
	}

	/**
	 * Throws unless the writer holds the cell key secret: loading or restoring rows keys them
	 * with it (import, undo, migration). Its file is made with the warehouse; a warehouse whose
	 * rows were keyed cannot key more without it.
	 */
	requireCellKey(): void {
		if (this.cellKey === null) {
			throw new CellKeyError(
				`the cell key file ${this.cellKeyFile} is missing: the warehouse's rows were keyed with it, so no row can be loaded or restored without it; restore it from your backup (docs/disclosure.md, "The cell key method")`
			);
		}
	}

	static async open(file: string, options: OpenOptions = {}): Promise<Warehouse> {
		const resolved = path.resolve(file);
		let entry = open.get(resolved);
		if (!entry && options.readOnly) return Warehouse.openReadOnly(resolved);
		if (!entry) {
			entry = Warehouse.openNew(resolved, options);
			open.set(resolved, entry);
			entry.catch(() => open.delete(resolved));
		}
		return entry;
	}

	private static async openNew(file: string, options: OpenOptions): Promise<Warehouse> {
		const exists = existsSync(file);
		if (!exists && !options.create) throw new WarehouseMissingError(file);
		if (!exists && existsSync(anchorPath(file))) {
			// A new warehouse's log would be checked against the records of the one it replaces.
			throw new Error(
				`the audit log's anchor ${anchorPath(file)} of an earlier warehouse exists: move it aside (and keep it) before making a new warehouse at ${file}`
			);
		}
		if (!exists) mkdirSync(path.dirname(file), { recursive: true });
		const warehouse = new Warehouse(file, await duckDbInstance(file, false));
		await warehouse.harden();
		// This process holds the file now (DuckDB's lock): whatever staging holds was left by one
		// that stopped mid-import or mid-upload.
		removeStagingLeftovers(warehouse.stagingDir);
		// The cell key secret: made with the warehouse, or for a warehouse whose rows have no keys
		// yet (before layout 3: the migration keys them); never made again for keyed rows.
		warehouse.cellKey = readCellKey(warehouse.cellKeyFile);
		if (warehouse.cellKey === null) {
			const layout = exists ? await warehouse.read((conn) => warehouse.storedLayout(conn)) : null;
			if (layout === null || layout < FIRST_KEYED_LAYOUT) warehouse.cellKey = createCellKey(warehouse.cellKeyFile);
		}
		await warehouse.write((conn) => warehouse.ensureLayout(conn));
		return warehouse;
	}

	/** A read-only instance of its own (not cached): checks the layout, changes nothing. */
	private static async openReadOnly(file: string): Promise<Warehouse> {
		if (!existsSync(file)) throw new WarehouseMissingError(file);
		const warehouse = new Warehouse(file, await duckDbInstance(file, true), true);
		await warehouse.harden();
		// verify reads only the audit log, which no migration changes: an older layout is fine.
		await warehouse.read((conn) => warehouse.checkLayoutVersion(conn, { migratable: true }));
		return warehouse;
	}

	/** Sets the time zone for every connection, confines file access to the staging directory, then locks the configuration. */
	private async harden(): Promise<void> {
		if (!this.readOnly) mkdirSync(this.stagingDir, { recursive: true });
		const conn = await this.instance.connect();
		try {
			// An instance DuckDB's cache hands back is hardened already (and refuses any SET).
			const [locked] = (await conn.runAndReadAll(`SELECT current_setting('lock_configuration') AS locked`)).getRowObjectsJS();
			if (locked?.locked === true) return;
			const staging = `'${`${path.resolve(this.stagingDir)}${path.sep}`.replaceAll("'", "''")}'`;
			await conn.run(`SET GLOBAL TimeZone = '${TIME_ZONE}'`);
			await conn.run(`SET allowed_directories = [${staging}]`);
			await conn.run('SET enable_external_access = false');
			await conn.run('SET lock_configuration = true');
		} finally {
			conn.closeSync();
		}
	}

	private async ensureLayout(conn: DuckDBConnection): Promise<void> {
		const hasMeta = await query(conn, `SELECT 1 FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'`);
		if (hasMeta.length === 0) {
			await exec(conn, 'BEGIN TRANSACTION');
			try {
				for (const statement of warehouseDdl()) await exec(conn, statement);
				await exec(conn, 'COMMIT');
			} catch (e) {
				await exec(conn, 'ROLLBACK');
				throw e;
			}
			return;
		}
		const version = await this.checkLayoutVersion(conn, { migratable: true });
		if (version < WAREHOUSE_LAYOUT_VERSION) await migrateLayout(conn, version);
		await this.addMissingAuthTables(conn);
	}

	/**
	 * The warehouse's layout version; throws unless it is this Full Picture's, or (`migratable`:
	 * the writer's open, which migrates it, and a read-only open, which reads only the audit
	 * log) an older one that ./migrate.ts can bring up to date.
	 */
	/** The layout version the warehouse records (NaN for one that is not a number; null with no meta table). */
	private async storedLayout(conn: DuckDBConnection): Promise<number | null> {
		const hasMeta = await query(conn, `SELECT 1 FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'`);
		if (hasMeta.length === 0) return null;
		const [row] = await query<{ value: string }>(conn, `SELECT value FROM meta WHERE key = 'layout_version'`);
		return row && /^\d+$/.test(row.value) ? Number(row.value) : NaN;
	}

	private async checkLayoutVersion(conn: DuckDBConnection, options: { migratable?: boolean } = {}): Promise<number> {
		const stored = await this.storedLayout(conn);
		const version = stored ?? NaN;
		const row = stored === null ? undefined : { value: String(stored) };
		const accepted = version === WAREHOUSE_LAYOUT_VERSION || (options.migratable === true && version >= OLDEST_MIGRATABLE_LAYOUT && version < WAREHOUSE_LAYOUT_VERSION);
		if (!accepted) {
			throw new Error(
				`the warehouse ${this.file} has layout version ${row?.value ?? 'unknown'}; this Full Picture needs version ${WAREHOUSE_LAYOUT_VERSION}`
			);
		}
		return version;
	}

	/** Sign-in's tables (ddl.ts AUTH_TABLES) came after layout version 1: an older warehouse gets the missing ones. */
	private async addMissingAuthTables(conn: DuckDBConnection): Promise<void> {
		const present = new Set(
			(await query<{ table_name: string }>(conn, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`)).map((r) => r.table_name)
		);
		const missing = AUTH_TABLES.filter((t) => !present.has(t.name));
		if (missing.length === 0) return;
		await exec(conn, 'BEGIN TRANSACTION');
		try {
			for (const t of missing) await exec(conn, t.ddl);
			await exec(conn, 'COMMIT');
		} catch (e) {
			await exec(conn, 'ROLLBACK');
			throw e;
		}
	}

	private async connect(): Promise<DuckDBConnection> {
		if (this.closed) throw new Error(`the warehouse ${this.file} is closed`);
		// The instance's time zone (set in harden) applies; the locked configuration refuses any SET.
		return this.instance.connect();
	}

	/** Runs `fn` on a reader connection. Readers never wait for the writer. */
	async read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
		const conn = this.idleReaders.pop() ?? (await this.connect());
		try {
			return await fn(conn);
		} finally {
			if (!this.closed && this.idleReaders.length < READER_POOL) this.idleReaders.push(conn);
			else conn.closeSync();
		}
	}

	/** Runs `fn` on a reader connection inside one transaction: every statement of it sees the same committed data. */
	readTransaction<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
		return this.read(async (conn) => {
			await exec(conn, 'BEGIN TRANSACTION');
			try {
				const result = await fn(conn);
				await exec(conn, 'COMMIT');
				return result;
			} catch (e) {
				await exec(conn, 'ROLLBACK').catch(() => {});
				throw e;
			}
		});
	}

	/**
	 * Runs `fn` with a view of the warehouse whose every read (`read`, `readTransaction`) sees
	 * the same committed data, so that an import committed in the middle of a page cannot give it
	 * groups from after and a whole from before. Writes go to the warehouse as usual; inside a
	 * snapshot, `snapshot` runs `fn` in it.
	 *
	 * The view holds up to SNAPSHOT_CONNECTIONS reader connections, each in a transaction begun
	 * together, so that a page's reads still run side by side. Their transactions are known to
	 * see the same data when the batches table (which every import and undo changes) reads the
	 * same in all of them; otherwise they are begun again, and after a few tries the view makes
	 * do with one connection, its reads one after the other.
	 */
	async snapshot<T>(fn: (view: Warehouse) => Promise<T>): Promise<T> {
		if (this.inSnapshot) return fn(this);
		const { conns, version } = await this.pinnedReaders();
		const idle = [...conns];
		const waiting: ((c: DuckDBConnection) => void)[] = [];
		const take = (): Promise<DuckDBConnection> => {
			const c = idle.pop();
			return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
		};
		const give = (c: DuckDBConnection) => {
			const next = waiting.shift();
			if (next) next(c);
			else idle.push(c);
		};
		const pending = new Set<Promise<unknown>>();
		const onPinned = <U>(f: (c: DuckDBConnection) => Promise<U>): Promise<U> => {
			const result = take().then(async (c) => {
				try {
					return await f(c);
				} finally {
					give(c);
				}
			});
			const settled = result.catch(() => undefined);
			pending.add(settled);
			void settled.then(() => pending.delete(settled));
			return result;
		};
		const view = Object.create(this) as Warehouse;
		Object.defineProperties(view, {
			inSnapshot: { value: true },
			snapshotVersion: { value: version },
			read: { value: onPinned },
			readTransaction: { value: onPinned },
			write: { value: <U>(f: (c: DuckDBConnection) => Promise<U>) => this.write(f) }
		});
		try {
			return await fn(view);
		} finally {
			await Promise.all(pending);
			for (const c of conns) {
				// A failed statement leaves its transaction aborted: ROLLBACK ends it either way.
				await exec(c, 'ROLLBACK').catch(() => {});
				if (!this.closed && this.idleReaders.length < READER_POOL) this.idleReaders.push(c);
				else c.closeSync();
			}
		}
	}

	/**
	 * What every import and undo changes (the batches table), as a string: inside a snapshot,
	 * the version its connections see; outside, the latest committed one.
	 */
	async dataVersion(): Promise<string> {
		if (this.snapshotVersion !== null) return this.snapshotVersion;
		return this.read(versionOn);
	}

	/**
	 * The figure of `key` for this data version, computed by `compute` once per version
	 * (versioned-cache.ts): only for what is the same for every requester (figures before
	 * disclosure control, filter options). `key` names everything the figure depends on beside
	 * the data (its query, normalised). Inside a snapshot, it is the snapshot's version, so the
	 * figure agrees with everything else the page reads.
	 */
	async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
		if (process.env.FP_FIGURE_CACHE === 'off') return compute();
		return this.figures.get(await this.dataVersion(), key, compute);
	}

	/** `cached` for several keys at once: those not kept are computed together (`VersionedCache.getMany`). */
	async cachedMany<T>(keys: readonly string[], compute: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
		if (process.env.FP_FIGURE_CACHE === 'off') return compute([...keys]);
		return this.figures.getMany(await this.dataVersion(), keys, compute);
	}

	/** How often `cached` answered from memory (the bench reports it). */
	cacheStats(): { entries: number; hits: number; misses: number } {
		return this.figures.stats();
	}

	/** Reader connections in transactions that see the same batches (see `snapshot`), and that version. */
	private async pinnedReaders(): Promise<{ conns: DuckDBConnection[]; version: string }> {
		const conns: DuckDBConnection[] = [];
		for (let i = 0; i < SNAPSHOT_CONNECTIONS; i++) conns.push(this.idleReaders.pop() ?? (await this.connect()));
		for (let attempt = 0; ; attempt++) {
			const seen = await Promise.all(
				conns.map(async (c) => {
					await exec(c, 'BEGIN TRANSACTION');
					return versionOn(c);
				})
			);
			if (seen.every((v) => v === seen[0])) return { conns, version: seen[0] };
			for (const c of conns) await exec(c, 'ROLLBACK').catch(() => {});
			if (attempt === 2) break;
		}
		// Imports commit faster than three tries could begin together: one connection will do.
		for (const c of conns.slice(1)) {
			if (!this.closed && this.idleReaders.length < READER_POOL) this.idleReaders.push(c);
			else c.closeSync();
		}
		await exec(conns[0], 'BEGIN TRANSACTION');
		return { conns: [conns[0]], version: await versionOn(conns[0]) };
	}

	/**
	 * Runs `fn` on the single writer connection, after every write queued before it.
	 * `fn` opens and commits its own transaction.
	 */
	write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
		const run = async () => {
			if (!this.writer) {
				const conn = await this.connect();
				// The pads of the cell key secret, for the key expressions of derived.ts: bound, never in SQL text, never stored.
				if (this.cellKey) await exec(conn, PADS_DDL, hmacPads(this.cellKey));
				this.writer = conn;
			}
			return fn(this.writer);
		};
		const result = this.writeQueue.then(run, run);
		this.writeQueue = result.catch(() => undefined);
		return result;
	}

	/** Closes every connection and the instance; the next open starts afresh. */
	async close(): Promise<void> {
		if (this.closed) return;
		await this.writeQueue;
		this.closed = true;
		for (const c of this.idleReaders) c.closeSync();
		this.idleReaders = [];
		this.writer?.closeSync();
		this.writer = undefined;
		if (!this.readOnly) open.delete(this.file);
		this.instance.closeSync();
	}
}

const open = new Map<string, Promise<Warehouse>>();

/**
 * Removes everything in a staging directory: the work folders of imports and uploads that a
 * stopped process left (unpacked extract data). Called when a process takes the warehouse, and
 * so only while no import of it can be running. Returns how many entries went.
 */
export function removeStagingLeftovers(stagingDir: string): number {
	let entries: string[];
	try {
		entries = readdirSync(stagingDir);
	} catch {
		return 0;
	}
	for (const entry of entries) rmSync(path.join(stagingDir, entry), { recursive: true, force: true });
	return entries.length;
}

/**
 * Moves a closed warehouse file to `to` with the files that follow it: its audit log's anchor
 * and its cell key secret, each unless configured elsewhere (FP_AUDIT_ANCHOR, FP_CELL_KEY_FILE),
 * where both warehouses share it. A warehouse whose rows were keyed is of no use to an import
 * without its secret, so the two never part (the demo command builds beside and moves in).
 */
export function moveWarehouse(from: string, to: string, env: NodeJS.ProcessEnv = process.env): void {
	const a = path.resolve(from);
	const b = path.resolve(to);
	mkdirSync(path.dirname(b), { recursive: true });
	renameSync(a, b);
	for (const follows of [anchorPath, cellKeyPath]) {
		const source = follows(a, env);
		const target = follows(b, env);
		if (source !== target && existsSync(source)) renameSync(source, target);
	}
}

/** Opens (or returns the already open) warehouse of this process for `file`. */
export function openWarehouse(file: string, options: OpenOptions = {}): Promise<Warehouse> {
	return Warehouse.open(file, options);
}

/** A DuckDB of its own, in memory, for work that needs no warehouse (the import's reader: import/prepare.ts). */
export interface ScratchDuckDb {
	conn: DuckDBConnection;
	close(): void;
}

/**
 * Opens an in-memory DuckDB hardened as a warehouse is: no extensions, the memory limit and
 * threads of FP_DUCKDB_MEMORY_LIMIT and FP_DUCKDB_THREADS, Europe/London, files only under
 * `dir` (where it also spills what does not fit in memory), configuration locked.
 */
export async function openScratchDuckDb(dir: string): Promise<ScratchDuckDb> {
	const limits = duckDbLimits();
	const root = `${path.resolve(dir)}${path.sep}`;
	const spill = path.join(root, 'duckdb-spill');
	mkdirSync(spill, { recursive: true });
	const instance = await DuckDBInstance.create(':memory:', {
		autoinstall_known_extensions: 'false',
		autoload_known_extensions: 'false',
		memory_limit: limits.memoryLimit,
		threads: String(limits.threads),
		temp_directory: spill
	});
	const conn = await instance.connect();
	const quoted = `'${root.replaceAll("'", "''")}'`;
	await conn.run(`SET GLOBAL TimeZone = '${TIME_ZONE}'`);
	await conn.run(`SET allowed_directories = [${quoted}]`);
	await conn.run('SET enable_external_access = false');
	await conn.run('SET lock_configuration = true');
	return {
		conn,
		close() {
			conn.closeSync();
			instance.closeSync();
		}
	};
}
