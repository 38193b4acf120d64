/**
 * Importing an extract into the warehouse (extract-format.md, "What an import does with a row").
 *
 * 1. Open the folder or zip and read the manifest (./source.ts).
 * 2. Stage every file into temp tables (./stage.ts): a file that cannot be read fails the
 *    whole import, before anything is stored.
 * 3. The content hash (manifest and files) identifies the batch: an extract already imported
 *    (and not undone) changes nothing.
 * 4. In ONE transaction, table by table in reference order: judge and load the file's rows
 *    (./load.ts), quarantine the rest, then try again the rows that earlier imports
 *    quarantined only for a missing reference. Then recompute the derived columns of rows
 *    whose child or agency changed, and record the batch. Any error rolls everything back.
 *
 * Readers are never blocked: DuckDB's MVCC shows them the last committed state until COMMIT.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EXTRACT_TABLES, LOAD_ORDER } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { createTouchedTables, judgeAndLoad, quarantineRejects, recomputeStale } from './load.ts';
import { ExtractError, openExtract, type OpenedExtract } from './source.ts';
import { stageFile, type StagedFile } from './stage.ts';
import type { FileReport, ImportOptions, ImportReport, RetryReport } from './types.ts';
import { VALIDATION_MACROS } from './validate.ts';
import { findIdentifierColumns, findIdentifiers, identifiersFound } from '../identifiers/check.ts';

export { ExtractError };

export async function prepareConnection(conn: DuckDBConnection): Promise<void> {
	for (const macro of VALIDATION_MACROS) await exec(conn, macro);
}

/** Drops every temp table of the connection (the import's working tables). */
export async function dropTempTables(conn: DuckDBConnection): Promise<void> {
	const temps = await query<{ name: string }>(conn, `SELECT table_name AS name FROM duckdb_tables() WHERE temporary`);
	for (const t of temps) await exec(conn, `DROP TABLE IF EXISTS temp.${ident(t.name)}`);
}

function failed(e: unknown): ImportReport {
	const error =
		e instanceof ExtractError
			? { file: e.file, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message }
			: { file: null, message: e instanceof Error ? e.message : String(e) };
	return { batch_id: null, status: 'failed', files: [], errors: [error], retried: [] };
}

/** The batch's identity: the manifest's and every file's SHA-256, by file name. */
function contentHash(opened: OpenedExtract, staged: StagedFile[]): string {
	const h = createHash('sha256');
	h.update(`manifest.json\0${opened.manifestSha256}\n`);
	for (const s of [...staged].sort((a, b) => a.file.name.localeCompare(b.file.name))) h.update(`${s.file.name}\0${s.sha256}\n`);
	return h.digest('hex');
}

export async function importExtract(warehouse: Warehouse, source: string, options: ImportOptions = {}): Promise<ImportReport> {
	const progress = options.onProgress ?? (() => {});
	let opened: OpenedExtract;
	try {
		opened = await openExtract(source, warehouse.stagingDir);
	} catch (e) {
		return failed(e);
	}
	const ordered = LOAD_ORDER.map((t) => opened.files.find((f) => f.table.name === t.name)).filter((f) => f !== undefined);
	const total = ordered.length + LOAD_ORDER.length + 1;
	let done = 0;
	const step = (stage: string) => progress({ stage, done: done++, total });

	return warehouse.write(async (conn) => {
		await fs.mkdir(warehouse.stagingDir, { recursive: true });
		const workDir = await fs.mkdtemp(path.join(warehouse.stagingDir, 'import-'));
		let inTransaction = false;
		try {
			await prepareConnection(conn);
			// The identifier check at the door: column names, then every cell of every file (even a
			// file whose header breaks a rule), before anything is stored or quarantined.
			const identifierColumns = await findIdentifierColumns(conn, ordered);
			const staged: StagedFile[] = [];
			for (const file of ordered) {
				step(`reading ${file.name}`);
				staged.push(await stageFile(conn, file, workDir, opened.manifest.extracted_on, 0, { deferColumnCheck: true }));
			}
			const identifiers = [...identifierColumns, ...(await findIdentifiers(conn, staged))];
			if (identifiers.length) return identifiersFound(identifiers);
			const columnError = staged.find((s) => s.columnError)?.columnError;
			if (columnError) throw columnError;
			const hash = contentHash(opened, staged);
			const [previous] = await query<{ batch_id: number }>(
				conn,
				`SELECT batch_id FROM batches WHERE content_hash = $hash AND status = 'committed'`,
				{ hash }
			);
			if (previous) {
				progress({ stage: 'unchanged', done: total, total });
				return { batch_id: previous.batch_id, status: 'unchanged', files: [], errors: [], retried: [] } satisfies ImportReport;
			}

			await exec(conn, 'BEGIN TRANSACTION');
			inTransaction = true;
			const [{ next }] = await query<{ next: number }>(conn, 'SELECT coalesce(max(batch_id), 0) + 1 AS next FROM batches');
			const batch = next;
			await createTouchedTables(conn);
			const files: FileReport[] = [];
			const retried: RetryReport[] = [];
			for (const table of LOAD_ORDER) {
				step(`checking ${table.name}`);
				const file = staged.find((s) => s.file.table.name === table.name);
				if (file) {
					const result = await judgeAndLoad(conn, table, file.table, batch, 'file');
					const rejected = file.rejects ? await quarantineRejects(conn, table, file.rejects, file.file.name, batch) : 0;
					await supersede(conn, table, file.table, batch);
					files.push({
						file: file.file.name,
						table: table.name,
						rows_read: file.rowsRead,
						rows_loaded: result.loaded,
						rows_replaced: result.replaced,
						rows_quarantined: result.quarantined + rejected
					});
				}
				const retry = await retryWaiting(conn, table, batch);
				if (retry) retried.push(retry);
			}
			await checkSupplier(conn, opened.manifest.supplied_by);
			step('recomputing derived columns');
			await recomputeStale(conn, EXTRACT_TABLES, batch);
			for (const f of files) {
				if (f.rows_read !== f.rows_loaded + f.rows_quarantined) {
					throw new Error(`internal error: ${f.file} read ${f.rows_read} rows but accounted for ${f.rows_loaded + f.rows_quarantined}`);
				}
			}
			await recordBatch(conn, batch, hash, source, opened, staged, files, retried, options.actor ?? 'unknown');
			await exec(conn, 'COMMIT');
			inTransaction = false;
			progress({ stage: 'committed', done: total, total });
			return { batch_id: batch, status: 'committed', files, errors: [], retried } satisfies ImportReport;
		} catch (e) {
			if (inTransaction) await exec(conn, 'ROLLBACK');
			return failed(e);
		} finally {
			await dropTempTables(conn).catch(() => {});
			await fs.rm(workDir, { recursive: true, force: true });
			await opened.cleanup();
		}
	});
}

/** The manifest's supplier must be `partnership` or an agency of the warehouse (this extract's included). */
async function checkSupplier(conn: DuckDBConnection, supplier: string): Promise<void> {
	if (supplier === 'partnership') return;
	const [{ n }] = await query<{ n: number }>(conn, 'SELECT count(*) AS n FROM agencies WHERE agency_code = $supplier', { supplier });
	if (n === 0) {
		throw new ExtractError('manifest.json', `supplied_by "${supplier}" is neither "partnership" nor an agency of this extract or the warehouse`);
	}
}

/** Open quarantined rows of `table` whose key this file sends again are superseded by it. */
async function supersede(conn: DuckDBConnection, table: Table, staged: string, batch: number): Promise<void> {
	const match = table.primaryKey
		.map((k) => `json_extract_string(q.row_json, ${literal(`$.${k}`)}) = trim(s.${ident(k)}, ' ' || chr(9))`)
		.join(' AND ');
	await exec(
		conn,
		`UPDATE quarantine q SET status = 'superseded', resolved_by = $batch
		WHERE q.table_name = ${literal(table.name)} AND q.status = 'open' AND q.batch_id <> $batch
			AND EXISTS (SELECT 1 FROM ${staged} s WHERE ${match})`,
		{ batch }
	);
}

/** Tries again the rows of `table` quarantined by earlier imports only for a missing reference. */
async function retryWaiting(conn: DuckDBConnection, table: Table, batch: number): Promise<RetryReport | null> {
	const where = `q.table_name = ${literal(table.name)} AND q.status = 'open' AND q.reference_only AND q.batch_id <> $batch`;
	const [{ n }] = await query<{ n: number }>(conn, `SELECT count(*) AS n FROM quarantine q WHERE ${where}`, { batch });
	if (n === 0) return null;
	const retry = `retry_${table.name}`;
	const cols = table.columns.map((c) => `json_extract_string(q.row_json, ${literal(`$.${c.name}`)}) AS ${ident(c.name)}`);
	await exec(
		conn,
		`CREATE OR REPLACE TEMP TABLE ${retry} AS
		SELECT q.line AS _line, q.file AS _file, q.batch_id AS _origin, b.extracted_on AS _extracted_on, q.quarantine_id AS _qid, ${cols.join(', ')}
		FROM quarantine q JOIN batches b ON b.batch_id = q.batch_id WHERE ${where}`,
		{ batch }
	);
	const result = await judgeAndLoad(conn, table, retry, batch, 'retry');
	await exec(
		conn,
		`UPDATE quarantine SET status = 'loaded', resolved_by = $batch
		WHERE quarantine_id IN (SELECT _qid FROM ${result.checked} WHERE len(_all) = 0)`,
		{ batch }
	);
	return { table: table.name, rows_loaded: result.loaded, rows_replaced: result.replaced, rows_waiting: n - result.loaded };
}

async function recordBatch(
	conn: DuckDBConnection,
	batch: number,
	hash: string,
	source: string,
	opened: OpenedExtract,
	staged: StagedFile[],
	files: FileReport[],
	retried: RetryReport[],
	actor: string
): Promise<void> {
	const m = opened.manifest;
	await exec(
		conn,
		`INSERT INTO batches VALUES ($batch, $hash, $source, $supplier, $extracted::DATE, $start::DATE, $end::DATE, now(), $actor, 'committed', NULL, NULL)`,
		{
			batch,
			hash,
			source: path.basename(source),
			supplier: m.supplied_by,
			extracted: m.extracted_on,
			start: m.period_start ?? null,
			end: m.period_end ?? null,
			actor
		}
	);
	for (const f of files) {
		const s = staged.find((x) => x.file.name === f.file);
		await exec(conn, `INSERT INTO batch_files VALUES ($batch, $file, $table, $format, $sha, $read, $loaded, $replaced, $quarantined)`, {
			batch,
			file: f.file,
			table: f.table,
			format: s?.file.format ?? 'csv',
			sha: s?.sha256 ?? '',
			read: f.rows_read,
			loaded: f.rows_loaded,
			replaced: f.rows_replaced,
			quarantined: f.rows_quarantined
		});
	}
	for (const r of retried) {
		await exec(conn, `INSERT INTO batch_retries VALUES ($batch, $table, $loaded, $replaced, $waiting)`, {
			batch,
			table: r.table,
			loaded: r.rows_loaded,
			replaced: r.rows_replaced,
			waiting: r.rows_waiting
		});
	}
}
