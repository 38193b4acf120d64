/**
 * Staging: each file of an extract becomes a temporary table of text columns (one per
 * column of its table, null where the file has no such optional column) plus provenance
 * (`_line`, `_file`, `_origin`, `_extracted_on`). CSV is read by DuckDB with the spec's fixed
 * dialect (never sniffed); records DuckDB cannot split into the header's fields are kept as
 * rejects with their record number, so nothing read is lost.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Table } from '../schema/types.ts';
import { exec, query } from '../warehouse/warehouse.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { isBirthColumn } from '../identifiers/validators.ts';
import { CsvReadError, LINE_COLUMN, numberCsvRecords } from './csv-records.ts';
import { countWords, DEFAULT_LIMITS, type ImportLimits } from './limits.ts';
import { isSchemaColumnName, shownColumn } from './names.ts';
import { ExtractError, ioWords, type ExtractFile } from './source.ts';

/** A column of a file as staged: the staged column's `alias`, the file's `name` for it, its `position` (from 1). */
export interface StagedColumn {
	alias: string;
	name: string;
	position: number;
}

export interface StagedFile {
	file: ExtractFile;
	sha256: string;
	/** Temp table of parsed records. */
	table: string;
	/** Temp table of records DuckDB could not split (line, reason, text), or null. */
	rejects: string | null;
	rowsRead: number;
	/**
	 * Columns of the file that its table does not have, staged too so that the identifier check
	 * can scan every cell: `alias` is the staged column, `name` the file's header. Only with
	 * `deferColumnCheck`; otherwise such a file is refused while staging.
	 */
	extraColumns: StagedColumn[];
	/** Parquet columns of a birth column's name typed DATE or TIMESTAMP: full dates of birth, for the identifier check. */
	birthTyped: StagedColumn[];
	/** With `deferColumnCheck`: the header's problem (unknown, repeated or missing column), if any. */
	columnError: ExtractError | null;
}

export interface StageOptions {
	/**
	 * Stage a file even when its header breaks a rule (unknown, repeated or missing columns),
	 * returning the problem as `columnError` instead of throwing, so that every cell can be
	 * scanned before the import is refused.
	 */
	deferColumnCheck?: boolean;
	/** The import's limits (the defaults when not given). */
	limits?: ImportLimits;
}

/** Column names of a CSV header record (RFC 4180 quoting), as written. */
export function splitHeader(header: string): string[] {
	const names: string[] = [];
	let i = 0;
	while (i <= header.length) {
		let name = '';
		if (header[i] === '"') {
			i++;
			while (i < header.length) {
				if (header[i] === '"' && header[i + 1] === '"') {
					name += '"';
					i += 2;
				} else if (header[i] === '"') {
					i++;
					break;
				} else name += header[i++];
			}
			while (i < header.length && header[i] !== ',') name += header[i++];
		} else {
			while (i < header.length && header[i] !== ',') name += header[i++];
		}
		names.push(name.trim());
		i++;
	}
	return names;
}

/**
 * Checks a file's column names against its table: exact names, none unknown, none twice, every
 * required one. Names are shown only when they are the schema's (names.ts): a header-less file's
 * first row is data.
 */
export function checkColumns(file: string, table: Table, names: string[]): void {
	const known = new Set(table.columns.map((c) => c.name));
	const seen = new Set<string>();
	const listed = table.columns.map((c) => c.name).join(', ');
	for (const [i, name] of names.entries()) {
		if (!known.has(name)) {
			const lower = name.toLowerCase();
			if (known.has(lower)) {
				throw new ExtractError(file, `unknown column ${JSON.stringify(name)}: column names are exact and lowercase (write ${lower})`, 1);
			}
			throw new ExtractError(
				file,
				isSchemaColumnName(name)
					? `unknown column ${shownColumn(name, i + 1)} (the columns of ${table.name} are ${listed}; names are exact and lowercase)`
					: `${shownColumn(name, i + 1)} in the header, whose name is not shown because it is no column name of the extract format (the columns of ${table.name} are ${listed}); is the header row missing?`,
				1
			);
		}
		if (seen.has(name)) throw new ExtractError(file, `column "${name}" appears twice in the header`, 1);
		seen.add(name);
	}
	const missing = table.columns.filter((c) => c.required && !seen.has(c.name)).map((c) => c.name);
	if (missing.length) throw new ExtractError(file, `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, 1);
}

let counter = 0;
const tempName = (prefix: string, table: Table) => `${prefix}_${table.name}_${++counter}`;

/** Runs checkColumns, throwing its error or (with `defer`) returning it. */
function columnProblem(file: string, table: Table, names: string[], defer: boolean): ExtractError | null {
	try {
		checkColumns(file, table, names);
		return null;
	} catch (e) {
		if (defer && e instanceof ExtractError) return e;
		throw e;
	}
}

/**
 * The SELECT list of a staged file, from the file's columns in order (`names`) and the SQL that
 * reads the i-th (`source(i)`): the table's columns (the first of a repeated name; null where the
 * file lacks an optional one), then every other column of the file as `_extra_<i>`.
 */
function stagedColumns(table: Table, names: string[], source: (i: number) => string): { select: string; extras: StagedColumn[] } {
	const used = new Set<number>();
	const select = table.columns.map((c) => {
		const i = names.indexOf(c.name);
		if (i < 0) return `CAST(NULL AS VARCHAR) AS ${ident(c.name)}`;
		used.add(i);
		return `${source(i)} AS ${ident(c.name)}`;
	});
	const extras: StagedColumn[] = [];
	names.forEach((name, i) => {
		if (used.has(i)) return;
		const alias = `_extra_${i}`;
		extras.push({ alias, name, position: i + 1 });
		select.push(`${source(i)} AS ${ident(alias)}`);
	});
	return { select: select.join(', '), extras };
}

/** Positional names for a file's columns (`_c0`, `_c1` …): the file's own names never reach SQL. */
const positional = (i: number) => ident(`_c${i}`);

/**
 * Stages one extract file into temp tables on `conn`. `workDir` receives the numbered
 * CSV copy. The extract date and origin batch are bound parameters.
 */
export async function stageFile(
	conn: DuckDBConnection,
	file: ExtractFile,
	workDir: string,
	extractedOn: string,
	origin: number,
	options: StageOptions = {}
): Promise<StagedFile> {
	const defer = options.deferColumnCheck ?? false;
	const limits = options.limits ?? DEFAULT_LIMITS;
	return file.format === 'csv'
		? stageCsv(conn, file, workDir, extractedOn, origin, defer, limits)
		: stageParquet(conn, file, extractedOn, origin, defer, limits);
}

async function stageCsv(
	conn: DuckDBConnection,
	file: ExtractFile,
	workDir: string,
	extractedOn: string,
	origin: number,
	defer: boolean,
	limits: ImportLimits
): Promise<StagedFile> {
	const numbered = path.join(workDir, `${file.table.name}.numbered.csv`);
	let pass;
	try {
		pass = await numberCsvRecords(file.path, numbered, limits);
	} catch (e) {
		if (e instanceof CsvReadError) throw new ExtractError(file.name, e.message, e.line);
		throw new ExtractError(file.name, `cannot be read: ${ioWords(e)}`);
	}
	const names = splitHeader(pass.header);
	const columnError = columnProblem(file.name, file.table, names, defer);
	const table = tempName('stg', file.table);
	const rejects = tempName('rej', file.table);
	// DuckDB reads the columns by position (_c0, _c1 …), so any header, even one naming a column twice, stages.
	const columns = `{${[LINE_COLUMN, ...names.map((_, i) => `_c${i}`)].map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`;
	const { select, extras } = stagedColumns(file.table, names, positional);
	// The numbered copy lives in the staging directory; its path is ours, not the user's.
	try {
		await exec(
			conn,
			`CREATE TEMP TABLE ${table} AS
			SELECT CAST(${ident(LINE_COLUMN)} AS BIGINT) AS _line, $file AS _file, $origin::INTEGER AS _origin,
				$extracted::DATE AS _extracted_on, CAST(NULL AS BIGINT) AS _qid, ${select}
			FROM read_csv(${literal(numbered)}, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
				new_line = '\\n', columns = ${columns}, store_rejects = true, rejects_table = ${literal(rejects)},
				rejects_scan = ${literal(`${rejects}_scan`)}, parallel = false, max_line_size = ${limits.maxRecordBytes + 64})`,
			{ file: file.name, origin, extracted: extractedOn }
		);
	} catch (e) {
		// DuckDB's message names the staging path and may quote the record: say what it means instead.
		throw new ExtractError(file.name, `cannot be read as CSV: ${csvEngineWords(e)}`);
	} finally {
		await fs.rm(numbered, { force: true });
	}
	// One reject row per broken field: gather a record's reasons; its number is our first field.
	const rejectsTable = `${rejects}_rows`;
	await exec(
		conn,
		`CREATE TEMP TABLE ${rejectsTable} AS
		SELECT TRY_CAST(regexp_extract(any_value(csv_line), '^([0-9]+),', 1) AS BIGINT) AS _line,
			any_value(regexp_replace(csv_line, '^[0-9]+,', '')) AS text,
			list_distinct(list(CASE error_type
				WHEN 'TOO MANY COLUMNS' THEN 'the record has more fields than the header'
				WHEN 'MISSING COLUMNS' THEN 'the record has fewer fields than the header'
				WHEN 'UNQUOTED VALUE' THEN 'a quote in the middle of a field, or text after a closing quote (quote the whole field and double any quote in it)'
				WHEN 'LINE SIZE OVER MAXIMUM' THEN 'the record is longer than the record limit'
				ELSE 'the record cannot be read as CSV (' || lower(CAST(error_type AS VARCHAR)) || ')' END)) AS reasons
		FROM ${rejects} GROUP BY line`
	);
	await exec(conn, `DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${rejects}_scan`);
	const [counts] = await query<{ parsed: number; rejected: number; unnumbered: number }>(
		conn,
		`SELECT (SELECT count(*) FROM ${table}) AS parsed, (SELECT count(*) FROM ${rejectsTable}) AS rejected,
			(SELECT count(*) FROM ${rejectsTable} WHERE _line IS NULL) AS unnumbered`
	);
	if (counts.parsed + counts.rejected !== pass.records || counts.unnumbered > 0) {
		throw new ExtractError(
			file.name,
			`cannot be read consistently as CSV (${pass.records} records found, ${counts.parsed + counts.rejected} read): check its quoting`
		);
	}
	return { file, sha256: pass.sha256, table, rejects: rejectsTable, rowsRead: pass.records, extraColumns: extras, birthTyped: [], columnError };
}

/** What a DuckDB CSV reader error means, in words that hold neither the staging path nor a value. */
function csvEngineWords(e: unknown): string {
	const m = e instanceof Error ? e.message : '';
	if (/state machine|invalid state/i.test(m)) return 'a record the reader could not follow (check the quotes and line ends; a field holding a line break or a carriage return must be quoted)';
	if (/maximum line size|line size/i.test(m)) return 'a record is longer than the record limit';
	if (/unicode|utf-?8|encoding/i.test(m)) return 'it is not UTF-8';
	if (/out of memory|memory limit/i.test(m)) return 'reading it needed more memory than the limit (FP_DUCKDB_MEMORY_LIMIT)';
	if (/no space|disk/i.test(m)) return "the disk holding the warehouse's staging directory is full";
	return 'the reader stopped at a record it could not split into fields';
}

/** How a Parquet column of a given type becomes the text the value rules read. */
function parquetText(column: string, type: string): string {
	const c = column;
	if (type === 'VARCHAR') return c;
	if (type === 'BOOLEAN') return `CASE WHEN ${c} THEN 'true' WHEN NOT ${c} THEN 'false' END`;
	if (type === 'DATE') return `strftime(${c}, '%Y-%m-%d')`;
	if (type === 'TIMESTAMP WITH TIME ZONE') return `strftime(timezone('UTC', ${c}), '%Y-%m-%dT%H:%M:%S.%fZ')`;
	if (type.startsWith('TIMESTAMP')) return `strftime(CAST(${c} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')`;
	if (type.endsWith('[]')) return `array_to_string(${c}, ';')`;
	return `CAST(${c} AS VARCHAR)`;
}

/** A Parquet type that holds whole dates (a DATE, or a TIMESTAMP of any kind). */
const isDateType = (type: string) => type === 'DATE' || type.startsWith('TIMESTAMP');

async function stageParquet(
	conn: DuckDBConnection,
	file: ExtractFile,
	extractedOn: string,
	origin: number,
	defer: boolean,
	limits: ImportLimits
): Promise<StagedFile> {
	const { createHash } = await import('node:crypto');
	const { createReadStream } = await import('node:fs');
	const hash = createHash('sha256');
	try {
		for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
	} catch (e) {
		throw new ExtractError(file.name, `cannot be read: ${ioWords(e)}`);
	}
	const source = `read_parquet(${literal(file.path)}, file_row_number = true)`;
	let described: { column_name: string; column_type: string }[];
	let rows: number;
	try {
		described = await query(conn, `DESCRIBE SELECT * FROM ${source}`);
		[{ rows }] = await query<{ rows: number }>(conn, `SELECT sum(num_rows)::BIGINT AS rows FROM parquet_file_metadata(${literal(file.path)})`);
	} catch {
		throw new ExtractError(file.name, 'cannot be read as Parquet (it is damaged, or not a Parquet file)');
	}
	if (rows > limits.maxRows) throw new ExtractError(file.name, `has more rows than the limit of ${countWords(limits.maxRows)} (FP_IMPORT_MAX_LINES)`);
	// The row number comes last; the file's own columns are read by position, never by their names.
	const fileColumns = described.slice(0, -1);
	if (fileColumns.length > limits.maxColumns) {
		throw new ExtractError(file.name, `has more columns than the limit of ${countWords(limits.maxColumns)} (FP_IMPORT_MAX_COLUMNS)`);
	}
	const names = fileColumns.map((d) => d.column_name);
	const columnError = columnProblem(file.name, file.table, names, defer);
	const { select, extras } = stagedColumns(file.table, names, (i) => parquetText(positional(i), fileColumns[i].column_type));
	// A date or timestamp in a birth column is a full date of birth, whatever text it would become.
	const birthTyped = fileColumns.flatMap((d, i): StagedColumn[] => {
		if (!isBirthColumn(d.column_name) || !isDateType(d.column_type)) return [];
		const own = file.table.columns.some((c) => c.name === d.column_name) && names.indexOf(d.column_name) === i;
		return [{ alias: own ? d.column_name : `_extra_${i}`, name: d.column_name, position: i + 1 }];
	});
	const aliases = [...names.map((_, i) => positional(i)), 'file_row_number'].join(', ');
	const table = tempName('stg', file.table);
	try {
		await exec(
			conn,
			`CREATE TEMP TABLE ${table} AS
			SELECT file_row_number + 1 AS _line, $file AS _file, $origin::INTEGER AS _origin, $extracted::DATE AS _extracted_on, CAST(NULL AS BIGINT) AS _qid,
				${select}
			FROM ${source} AS src(${aliases})`,
			{ file: file.name, origin, extracted: extractedOn }
		);
	} catch {
		throw new ExtractError(file.name, 'cannot be read as Parquet (a column could not be read as text)');
	}
	const [{ n }] = await query<{ n: number }>(conn, `SELECT count(*) AS n FROM ${table}`);
	return { file, sha256: hash.digest('hex'), table, rejects: null, rowsRead: n, extraColumns: extras, birthTyped, columnError };
}
