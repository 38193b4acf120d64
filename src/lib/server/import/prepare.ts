/**
 * Reading an extract: everything an import does with the user's bytes before it needs the
 * warehouse. It runs in the import's reader, a child process (./reader.ts), with a DuckDB of
 * its own in memory, so that no input, however broken, can take the web server (or the
 * warehouse's single writer) down or hold it up:
 *
 * 1. open the folder or zip and read the manifest (./source.ts);
 * 2. the identifier check's first pass: column names (../identifiers/check.ts);
 * 3. stage every file as text (./stage.ts), within the limits (./limits.ts);
 * 4. the identifier check's second pass: every cell; then the header rules;
 * 5. judge every value rule that needs no other row (./validate.ts's judgeSelect);
 * 6. write each file's judged rows, and the records DuckDB could not split, as Parquet files in
 *    the work folder, for the writer to load (./import.ts).
 *
 * The result names those files with the content hash; or it is the failed import's report,
 * whose errors name file, line and rule and never a value.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LOAD_ORDER } from '../schema/tables.ts';
import { literal } from '../warehouse/sql.ts';
import { exec, openScratchDuckDb } from '../warehouse/warehouse.ts';
import { findIdentifierColumns, findIdentifiers, identifiersFound } from '../identifiers/check.ts';
import { failedReport } from './failure.ts';
import type { ImportLimits } from './limits.ts';
import { openExtract, type Manifest } from './source.ts';
import { stageFile, type StagedFile } from './stage.ts';
import type { ImportProgress, ImportReport } from './types.ts';
import { judgeSelect, VALIDATION_MACROS } from './validate.ts';

export interface PreparedFile {
	/** The file's name in the extract (an extract file's name: names.ts). */
	name: string;
	table: string;
	format: 'csv' | 'parquet';
	sha256: string;
	rowsRead: number;
	/** Parquet file of the judged rows (judgeSelect's columns). */
	judged: string;
	/** Parquet file of the records that could not be split into fields (`_line`, `text`, `reasons`), or null. */
	rejects: string | null;
}

export interface PreparedExtract {
	manifest: Manifest;
	/** The batch's identity: the manifest's and every file's SHA-256, by file name. */
	contentHash: string;
	/** In load order. */
	files: PreparedFile[];
}

export type PrepareResult = { ok: true; prepared: PreparedExtract } | { ok: false; report: ImportReport };

/** Steps of a whole import for the progress bar: reading each file, checking each table, recomputing. */
export const importSteps = (files: number) => files + LOAD_ORDER.length + 1;

/** The batch's identity: the manifest's and every file's SHA-256, by file name. */
function contentHash(manifestSha256: string, staged: StagedFile[]): string {
	const h = createHash('sha256');
	h.update(`manifest.json\0${manifestSha256}\n`);
	for (const s of [...staged].sort((a, b) => a.file.name.localeCompare(b.file.name))) h.update(`${s.file.name}\0${s.sha256}\n`);
	return h.digest('hex');
}

/**
 * Reads `source` into `workDir` (inside the warehouse's staging directory; the caller removes
 * it). Never throws: a failure is the failed report.
 */
export async function prepareExtract(
	source: string,
	workDir: string,
	limits: ImportLimits,
	onProgress: (p: ImportProgress) => void = () => {}
): Promise<PrepareResult> {
	let scratch;
	try {
		const opened = await openExtract(source, workDir, limits);
		const ordered = LOAD_ORDER.map((t) => opened.files.find((f) => f.table.name === t.name)).filter((f) => f !== undefined);
		const total = importSteps(ordered.length);
		scratch = await openScratchDuckDb(workDir);
		const conn = scratch.conn;
		for (const macro of VALIDATION_MACROS) await exec(conn, macro);
		// The identifier check at the door: column names, then every cell of every file (even a
		// file whose header breaks a rule), before anything is judged.
		const identifierColumns = await findIdentifierColumns(conn, ordered);
		const staged: StagedFile[] = [];
		for (const [i, file] of ordered.entries()) {
			onProgress({ stage: `reading ${file.name}`, done: i, total });
			staged.push(await stageFile(conn, file, workDir, opened.manifest.extracted_on, 0, { deferColumnCheck: true, limits }));
		}
		const identifiers = [...identifierColumns, ...(await findIdentifiers(conn, staged))];
		if (identifiers.length) return { ok: false, report: identifiersFound(identifiers) };
		const columnError = staged.find((s) => s.columnError)?.columnError;
		if (columnError) throw columnError;
		const files: PreparedFile[] = [];
		for (const s of staged) {
			const judged = path.join(workDir, `judged-${s.file.table.name}.parquet`);
			await exec(conn, `COPY (${judgeSelect(s.file.table, s.table)}) TO ${literal(judged)} (FORMAT parquet)`);
			let rejects: string | null = null;
			if (s.rejects) {
				rejects = path.join(workDir, `rejects-${s.file.table.name}.parquet`);
				await exec(conn, `COPY (SELECT _line, text, reasons FROM ${s.rejects}) TO ${literal(rejects)} (FORMAT parquet)`);
			}
			files.push({ name: s.file.name, table: s.file.table.name, format: s.file.format, sha256: s.sha256, rowsRead: s.rowsRead, judged, rejects });
		}
		return { ok: true, prepared: { manifest: opened.manifest, contentHash: contentHash(opened.manifestSha256, staged), files } };
	} catch (e) {
		return { ok: false, report: failedReport(e, 'reading the extract') };
	} finally {
		scratch?.close();
	}
}
