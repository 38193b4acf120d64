/**
 * Importing an extract into the warehouse (extract-format.md, "What an import does with a row").
 *
 * 1. Read the extract in the import's reader, a child process (./reader.ts → ./prepare.ts):
 *    open the folder or zip, the identifier check at the door, stage every file within the
 *    limits, judge every value rule. Nothing of the warehouse is touched, and the writer is not
 *    held: sign-ins and other writes go on meanwhile. Any failure is the failed report.
 * 2. On the warehouse's single writer, the content hash (manifest and files) identifies the
 *    batch: an extract already imported (and not undone) changes nothing.
 * 3. In ONE transaction, table by table in reference order: load the reader's judged rows, apply
 *    the rules that need the warehouse (references, keys repeated, older children) and load /
 *    quarantine (./load.ts), then try again the rows that earlier imports quarantined only for a
 *    missing reference. Then recompute the derived columns of rows whose child or agency
 *    changed, record the batch, and write its audit entry: all or nothing. Any error, or the
 *    wall-clock limit, rolls everything back.
 * 4. The work folder goes, whatever happened; a failed import's audit entry is appended after.
 *
 * Readers are never blocked: DuckDB's MVCC shows them the last committed state until COMMIT.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { column as getColumn, EXTRACT_TABLES, LOAD_ORDER } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { appendAudit, appendAuditInTransaction, prepareAudit } from '../warehouse/audit.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { failedReport, ImportTimeLimitError } from './failure.ts';
import { importLimits, type ImportLimits } from './limits.ts';
import { createTouchedTables, judgeAndLoad, quarantineRejects, recomputeStale } from './load.ts';
import { shownSource, shownSupplier } from './names.ts';
import { importSteps, type PreparedExtract } from './prepare.ts';
import { readInChild } from './reader.ts';
import { ExtractError } from './source.ts';
import type { FileReport, ImportOptions, ImportReport, RetryReport } from './types.ts';
import { rawColumn, VALIDATION_MACROS } from './validate.ts';
import { PADS_TABLE } from '../warehouse/cell-key.ts';

export { ExtractError };

export async function prepareConnection(conn: DuckDBConnection): Promise<void> {
	for (const macro of VALIDATION_MACROS) await exec(conn, macro);
}

/** Drops every temp table of the connection (the import's working tables), but the writer's cell key pads. */
export async function dropTempTables(conn: DuckDBConnection): Promise<void> {
	const temps = await query<{ name: string }>(conn, `SELECT table_name AS name FROM duckdb_tables() WHERE temporary AND table_name <> $pads`, { pads: PADS_TABLE });
	for (const t of temps) await exec(conn, `DROP TABLE IF EXISTS temp.${ident(t.name)}`);
}

export async function importExtract(warehouse: Warehouse, source: string, options: ImportOptions = {}): Promise<ImportReport> {
	const progress = options.onProgress ?? (() => {});
	let report: ImportReport;
	let workDir: string | undefined;
	try {
		// Loaded rows are keyed with the cell key secret: without it, nothing is read.
		warehouse.requireCellKey();
		const limits = options.limits ?? importLimits();
		const deadline = Date.now() + limits.timeLimitMs;
		await fs.mkdir(warehouse.stagingDir, { recursive: true });
		workDir = await fs.mkdtemp(path.join(warehouse.stagingDir, 'import-'));
		const read = await readInChild({ source: path.resolve(source), workDir, limits }, progress, deadline);
		if (read.ok && options.audit) await prepareAudit(warehouse);
		report = read.ok ? await commit(warehouse, read.prepared, source, options, limits, deadline) : read.report;
	} catch (e) {
		report = failedReport(e, 'importing');
	} finally {
		if (workDir) await fs.rm(workDir, { recursive: true, force: true }).catch(() => {});
	}
	if (report.status !== 'committed' && options.audit) {
		try {
			await appendAudit(warehouse, options.audit(report));
		} catch (e) {
			process.stderr.write(`import: the audit entry of a ${report.status} import could not be written: ${e instanceof Error ? e.message : String(e)}\n`);
		}
	}
	return report;
}

/** Loads what the reader prepared, on the writer, in one transaction (with the audit entry). */
function commit(
	warehouse: Warehouse,
	prepared: PreparedExtract,
	source: string,
	options: ImportOptions,
	limits: ImportLimits,
	deadline: number
): Promise<ImportReport> {
	const progress = options.onProgress ?? (() => {});
	const total = importSteps(prepared.files.length);
	let done = prepared.files.length;
	const step = (stage: string) => progress({ stage, done: done++, total });
	return warehouse.write(async (conn) => {
		const remaining = deadline - Date.now();
		if (remaining <= 0) throw new ImportTimeLimitError(limits.timeLimitMs);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			conn.interrupt();
		}, remaining);
		let inTransaction = false;
		try {
			await prepareConnection(conn);
			const [previous] = await query<{ batch_id: number }>(
				conn,
				`SELECT batch_id FROM batches WHERE content_hash = $hash AND status = 'committed'`,
				{ hash: prepared.contentHash }
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
				const file = prepared.files.find((f) => f.table === table.name);
				if (file) {
					const judged = `judged_${table.name}`;
					await exec(conn, `CREATE OR REPLACE TEMP TABLE ${judged} AS SELECT * FROM read_parquet(${literal(file.judged)})`);
					const result = await judgeAndLoad(conn, table, judged, batch, 'file', { judged: true });
					let rejected = 0;
					if (file.rejects) {
						const rejects = `rejects_${table.name}`;
						await exec(conn, `CREATE OR REPLACE TEMP TABLE ${rejects} AS SELECT * FROM read_parquet(${literal(file.rejects)})`);
						rejected = await quarantineRejects(conn, table, rejects, file.name, batch);
					}
					await supersede(conn, table, judged, batch);
					files.push({
						file: file.name,
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
			await checkSupplier(conn, prepared.manifest.supplied_by);
			step('recomputing derived columns');
			await recomputeStale(conn, EXTRACT_TABLES, batch);
			for (const f of files) {
				if (f.rows_read !== f.rows_loaded + f.rows_quarantined) {
					throw new Error(`internal error: ${f.file} read ${f.rows_read} rows but accounted for ${f.rows_loaded + f.rows_quarantined}`);
				}
			}
			await recordBatch(conn, batch, prepared.contentHash, source, prepared, files, retried, options.actor ?? 'unknown');
			const report: ImportReport = { batch_id: batch, status: 'committed', files, errors: [], retried };
			const audited = options.audit ? await appendAuditInTransaction(warehouse, conn, options.audit(report)) : null;
			await exec(conn, 'COMMIT');
			inTransaction = false;
			clearTimeout(timer);
			audited?.afterCommit();
			progress({ stage: 'committed', done: total, total });
			return report;
		} catch (e) {
			if (inTransaction) await exec(conn, 'ROLLBACK').catch(() => {});
			if (timedOut) throw new ImportTimeLimitError(limits.timeLimitMs);
			throw e;
		} finally {
			clearTimeout(timer);
			await dropTempTables(conn).catch(() => {});
		}
	});
}

/** The manifest's supplier must be `partnership` or an agency of the warehouse (this extract's included). */
async function checkSupplier(conn: DuckDBConnection, supplier: string): Promise<void> {
	if (supplier === 'partnership') return;
	const [{ n }] = await query<{ n: number }>(conn, 'SELECT count(*) AS n FROM agencies WHERE agency_code = $supplier', { supplier });
	if (n === 0) {
		throw new ExtractError('manifest.json', `supplied_by ${shownSupplier(supplier)} is neither "partnership" nor an agency of this extract or the warehouse`);
	}
}

/** Open quarantined rows of `table` whose key this file sends again are superseded by it (`judged`: the file's judged rows). */
async function supersede(conn: DuckDBConnection, table: Table, judged: string, batch: number): Promise<void> {
	const match = table.primaryKey.map((k) => `json_extract_string(q.row_json, ${literal(`$.${k}`)}) = s.${ident(rawColumn(getColumn(table, k)))}`).join(' AND ');
	await exec(
		conn,
		`UPDATE quarantine q SET status = 'superseded', resolved_by = $batch
		WHERE q.table_name = ${literal(table.name)} AND q.status = 'open' AND q.batch_id <> $batch
			AND EXISTS (SELECT 1 FROM ${judged} s WHERE ${match})`,
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
	prepared: PreparedExtract,
	files: FileReport[],
	retried: RetryReport[],
	actor: string
): Promise<void> {
	const m = prepared.manifest;
	await exec(
		conn,
		`INSERT INTO batches VALUES ($batch, $hash, $source, $supplier, $extracted::DATE, $start::DATE, $end::DATE, now(), $actor, 'committed', NULL, NULL)`,
		{
			batch,
			hash,
			source: shownSource(path.basename(path.resolve(source))),
			supplier: m.supplied_by,
			extracted: m.extracted_on,
			start: m.period_start ?? null,
			end: m.period_end ?? null,
			actor
		}
	);
	for (const f of files) {
		const s = prepared.files.find((x) => x.name === f.file);
		await exec(conn, `INSERT INTO batch_files VALUES ($batch, $file, $table, $format, $sha, $read, $loaded, $replaced, $quarantined)`, {
			batch,
			file: f.file,
			table: f.table,
			format: s?.format ?? 'csv',
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
