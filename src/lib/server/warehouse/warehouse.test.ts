/** The warehouse's DuckDB is hardened: no file outside staging, no extension, no setting changed; London time on every connection. */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot, tempDir } from '../testing/extract.ts';
import { duckDbLimits, exec, query } from './warehouse.ts';

afterAll(() => removeTempRoot());

describe('the warehouse’s DuckDB', () => {
	it('reads and writes files only in the staging directory, loads no extension and refuses every SET', async () => {
		const w = await freshWarehouse();
		const outside = path.join(tempDir('outside'), 'secret.csv');
		writeFileSync(outside, 'a\n1\n');
		const inside = path.join(w.stagingDir, 'ok.csv');
		try {
			await w.read(async (conn) => {
				await expect(query(conn, `SELECT * FROM read_csv('${outside}')`)).rejects.toThrow(/disabled by configuration/);
				// A way out of the staging directory through "..". (DuckDB's own database files stay readable to it.)
				const sibling = path.join(path.dirname(w.file), 'beside.csv');
				writeFileSync(sibling, 'a\n1\n');
				await expect(query(conn, `SELECT * FROM read_csv('${w.stagingDir}/../beside.csv')`)).rejects.toThrow(/disabled by configuration/);
				await expect(exec(conn, `COPY (SELECT 1 AS a) TO '${path.join(path.dirname(outside), 'out.csv')}'`)).rejects.toThrow(/disabled by configuration/);
				expect(existsSync(path.join(path.dirname(outside), 'out.csv'))).toBe(false);
				await exec(conn, `COPY (SELECT 1 AS a) TO '${inside}'`);
				expect(await query(conn, `SELECT CAST(a AS INTEGER) AS a FROM read_csv('${inside}')`)).toEqual([{ a: 1 }]);
				await expect(exec(conn, `LOAD httpfs`)).rejects.toThrow();
				await expect(exec(conn, `INSTALL httpfs`)).rejects.toThrow();
				for (const statement of [`SET TimeZone = 'UTC'`, `SET enable_external_access = true`, `SET allowed_directories = ['/']`, `SET memory_limit = '100GB'`]) {
					await expect(exec(conn, statement), statement).rejects.toThrow(/configuration has been locked/);
				}
			});
		} finally {
			await w.close();
		}
	});

	it('uses Europe/London on every connection, reader and writer, and the limits it was given', async () => {
		const w = await freshWarehouse();
		try {
			const settings = `SELECT current_setting('TimeZone') AS tz, CAST(TIMESTAMPTZ '2024-06-03 00:30' AS DATE) = DATE '2024-06-03' AS local_day,
				current_setting('autoload_known_extensions') AS autoload, current_setting('autoinstall_known_extensions') AS autoinstall,
				CAST(current_setting('threads') AS INTEGER) AS threads`;
			const expected = { tz: 'Europe/London', local_day: true, autoload: false, autoinstall: false, threads: duckDbLimits().threads };
			// Several readers at once, so that more than one connection is made.
			const readers = await Promise.all([1, 2, 3].map(() => w.read((conn) => query(conn, settings))));
			for (const [row] of readers) expect(row).toEqual(expected);
			const [writer] = await w.write((conn) => query(conn, settings));
			expect(writer).toEqual(expected);
		} finally {
			await w.close();
		}
	});

	it('takes its limits from FP_DUCKDB_MEMORY_LIMIT and FP_DUCKDB_THREADS, refusing nonsense', () => {
		expect(duckDbLimits({ FP_DUCKDB_MEMORY_LIMIT: '4GB', FP_DUCKDB_THREADS: '2' })).toEqual({ memoryLimit: '4GB', threads: 2 });
		expect(() => duckDbLimits({ FP_DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(/FP_DUCKDB_MEMORY_LIMIT/);
		expect(() => duckDbLimits({ FP_DUCKDB_THREADS: '0' })).toThrow(/FP_DUCKDB_THREADS/);
		expect(duckDbLimits({}).memoryLimit).toMatch(/^\d+MB$/);
	});
});

describe('Warehouse.snapshot', () => {
	it('gives every read of a page the data committed when it began, whatever commits meanwhile', async () => {
		const w = await freshWarehouse();
		await w.write((conn) => exec(conn, 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)'));
		const count = (conn: Parameters<Parameters<typeof w.read>[0]>[0]) => query<{ n: number }>(conn, 'SELECT count(*) AS n FROM t').then((r) => r[0].n);
		const seen = await w.snapshot(async (view) => {
			const before = await view.read(count);
			// An import commits in the middle of the page.
			await w.write((conn) => exec(conn, 'INSERT INTO t VALUES (3)'));
			const [during, inTransaction, nested, outside] = await Promise.all([
				view.read(count),
				view.readTransaction(count),
				view.snapshot((inner) => inner.read(count)),
				w.read(count)
			]);
			return { before, during, inTransaction, nested, outside };
		});
		expect(seen).toEqual({ before: 2, during: 2, inTransaction: 2, nested: 2, outside: 3 });
		expect(await w.snapshot((view) => view.read(count))).toBe(3);
		// A failed read inside a snapshot does not keep its connection in a transaction.
		await expect(w.snapshot((view) => view.read((conn) => query(conn, 'SELECT * FROM no_such_table')))).rejects.toThrow();
		expect(await w.readTransaction(count)).toBe(3);
		await w.close();
	});
});
