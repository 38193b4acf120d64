/**
 * The pages' data functions in this process, and the same statements on bare DuckDB.
 *
 * Each (filter set, page): the page's data function on the warehouse (wall and CPU ms,
 * `recordStatements` capturing what it ran), then at once the statements it ran, one after
 * another on one connection of a READ_ONLY copy of the warehouse opened as the warehouse is
 * (same memory limit, threads, time zone), then the next. `bare_ratio` is the data function's
 * CPU over the bare statements' CPU: what our code around the SQL costs (its JavaScript, the
 * conversion of rows, disclosure control, the statements it runs side by side).
 *
 * Transaction control on bare DuckDB: a page's snapshot begins a transaction on each of its
 * connections and rolls each back; on one connection the second BEGIN would fail, and a failed
 * statement aborts DuckDB's transaction. So a BEGIN inside a transaction, and a COMMIT or
 * ROLLBACK outside one (those that would fail), are skipped; every other statement runs.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { filterOptions, type FilterOptions } from '../../src/lib/server/dashboard/filters.ts';
import { duckDbLimits, openWarehouse, recordStatements, TIME_ZONE, type RecordedStatement } from '../../src/lib/server/warehouse/warehouse.ts';
import { labelOf, searchOf, viewerPolicy, WARM_UP, type BenchPage, type FilterSet, type PageContext } from './pages.ts';
import { benchError, progress, timed, type BenchError, type Timing } from './stats.ts';

/** One (filter set, page) measured: the data function, and its statements bare (null when one failed bare). */
export interface DataSample {
	data: Timing;
	statements: number;
	bare: Timing | null;
}

export interface InProcessResult {
	options: FilterOptions;
	filterSets: FilterSet[];
	/** Per page path, one sample per filter set that did not fail, in the filter sets' order. */
	samples: Map<string, DataSample[]>;
	/** The warehouse's figure cache over the measured calls (warm-up excluded): entries kept at the end, hits and misses. */
	figureCache: { entries: number; hits: number; misses: number };
	errors: BenchError[];
}

/** The bare DuckDB: a READ_ONLY instance of the copy, with the warehouse's limits and time zone (warehouse.ts harden). */
async function openBare(copy: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
	const limits = duckDbLimits();
	const instance = await DuckDBInstance.create(copy, {
		access_mode: 'READ_ONLY',
		autoinstall_known_extensions: 'false',
		autoload_known_extensions: 'false',
		memory_limit: limits.memoryLimit,
		threads: String(limits.threads)
	});
	const conn = await instance.connect();
	// The time zone cannot be given when creating the instance (it needs ICU, loaded after): as harden does.
	await conn.run(`SET GLOBAL TimeZone = '${TIME_ZONE}'`);
	return { instance, conn };
}

const control = (sql: string) => /^\s*(BEGIN|COMMIT|ROLLBACK|ABORT|END)\b/i.exec(sql)?.[1].toUpperCase() ?? null;

/** Runs the statements one after another on `conn`; a failure is thrown with the statement at fault (its `sql`). */
async function runBare(conn: DuckDBConnection, statements: readonly RecordedStatement[]): Promise<void> {
	let inTransaction = false;
	try {
		for (const s of statements) {
			const c = control(s.sql);
			if (c === 'BEGIN') {
				if (inTransaction) continue;
				inTransaction = true;
			} else if (c !== null) {
				if (!inTransaction) continue;
				inTransaction = false;
			}
			try {
				await conn.runAndReadAll(s.sql, s.params);
			} catch (e) {
				throw Object.assign(new Error(e instanceof Error ? e.message : String(e)), { sql: s.sql });
			}
		}
	} finally {
		if (inTransaction) await conn.run('ROLLBACK').catch(() => {});
	}
}

/**
 * Measures every page under every filter set (after one warm-up call of each page and its
 * statements under WARM_UP). `makeFilterSets` is given the warehouse's filter options.
 */
export async function measureInProcess(
	warehouseFile: string,
	bareFile: string,
	pages: readonly BenchPage[],
	makeFilterSets: (options: FilterOptions) => FilterSet[]
): Promise<InProcessResult> {
	// The bare copy, of the warehouse as this code has it: opened once first (a cached warehouse of an
	// older layout is migrated) and closed (checkpointed); a WAL left beside it is copied too.
	await (await openWarehouse(warehouseFile)).close();
	rmSync(bareFile, { force: true });
	rmSync(`${bareFile}.wal`, { force: true });
	copyFileSync(warehouseFile, bareFile);
	if (existsSync(`${warehouseFile}.wal`)) copyFileSync(`${warehouseFile}.wal`, `${bareFile}.wal`);

	const warehouse = await openWarehouse(warehouseFile);
	const bare = await openBare(bareFile);
	try {
		const policy = viewerPolicy();
		const options = await filterOptions(warehouse);
		const filterSets = makeFilterSets(options);
		const samples = new Map<string, DataSample[]>(pages.map((p) => [p.path, []]));
		const errors: BenchError[] = [];

		/** The page's data function, then its statements bare; null when the data function failed (an error is kept). */
		const one = async (page: BenchPage, f: FilterSet): Promise<DataSample | null> => {
			const ctx: PageContext = { warehouse, policy, search: searchOf(f) };
			let data;
			try {
				data = await timed(() => recordStatements(() => page.data(ctx)));
			} catch (e) {
				errors.push(benchError('data function', page.path, labelOf(f), e));
				return null;
			}
			const { statements } = data.result;
			let bareTiming: Timing | null = null;
			try {
				const t = await timed(() => runBare(bare.conn, statements));
				bareTiming = { wallMs: t.wallMs, cpuMs: t.cpuMs };
			} catch (e) {
				errors.push(benchError('bare DuckDB', page.path, labelOf(f), e, (e as { sql?: string }).sql));
			}
			return { data: { wallMs: data.wallMs, cpuMs: data.cpuMs }, statements: statements.length, bare: bareTiming };
		};

		progress(`data functions: warming up (${pages.length} pages, ${labelOf(WARM_UP)})`);
		for (const page of pages) await one(page, WARM_UP);
		const before = warehouse.cacheStats();
		for (const [i, f] of filterSets.entries()) {
			progress(`data functions: filter set ${i + 1}/${filterSets.length} (${labelOf(f)})`);
			for (const page of pages) {
				const sample = await one(page, f);
				if (sample) samples.get(page.path)!.push(sample);
			}
		}
		const after = warehouse.cacheStats();
		const figureCache = { entries: after.entries, hits: after.hits - before.hits, misses: after.misses - before.misses };
		return { options, filterSets, samples, figureCache, errors };
	} finally {
		bare.conn.closeSync();
		bare.instance.closeSync();
		await warehouse.close();
		rmSync(bareFile, { force: true });
		rmSync(`${bareFile}.wal`, { force: true });
	}
}
