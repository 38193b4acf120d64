/**
 * The identifier check at the door (extract-format.md, "The identifier check at the door").
 *
 * Two passes, both before anything is stored:
 * 1. `findIdentifierColumns`, before staging: any column of any file named like a direct
 *    identifier (`name`, `nhs_number`, `dob` …), so that such a file is refused as holding an
 *    identifier column rather than merely for an unknown column.
 * 2. `findIdentifiers`, after staging: one DuckDB scan per staged file over its text columns
 *    (the table's, and any column the table does not have: the import stages those too, and
 *    refuses the file for them only after this check),
 *    each cell trimmed and taken whole, for NHS numbers, UPNs, full postcodes and (in columns
 *    whose name says birth or dob) full dates. The CSV rejects (records DuckDB could not split
 *    into the header's fields) are scanned too: their raw text is cut on commas, each piece
 *    trimmed and stripped of surrounding double quotes, and checked for NHS numbers, UPNs and
 *    postcodes. (Cutting on commas splits a quoted field holding a comma, which at worst hides a
 *    value that held a comma, and none of these identifiers does. Full dates are not checked in
 *    rejects: a broken record's pieces cannot be trusted to line up with the header's columns.)
 *
 * Findings name the file, the column (or "a record that could not be read"), the kind of
 * identifier, how many cells and the first record number; never the value.
 */
import { promises as fs } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportReport } from '../import/types.ts';
import type { ExtractFile } from '../import/source.ts';
import { splitHeader, type StagedFile } from '../import/stage.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { query } from '../warehouse/warehouse.ts';
import {
	fullDateSql,
	isBirthColumn,
	isIdentifierColumnName,
	KIND_WORDS,
	nhsNumberSql,
	postcodeSql,
	trimSql,
	upnSql,
	type IdentifierKind
} from './validators.ts';

export interface IdentifierFinding {
	file: string;
	/** The column, or null for records that could not be split into fields. */
	column: string | null;
	kind: IdentifierKind | 'identifier_column';
	/** Cells found (1 for an identifier column). */
	cells: number;
	/** Record number of the first (the header is record 1). */
	line: number;
}

/** How many bytes of a CSV file are read to find its header. */
const HEADER_BYTES = 1 << 20;

async function csvHeader(file: string): Promise<string[]> {
	const handle = await fs.open(file, 'r');
	try {
		const buffer = Buffer.alloc(HEADER_BYTES);
		const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
		let text = buffer.subarray(0, bytesRead).toString('utf8');
		if (text.startsWith('\uFEFF')) text = text.slice(1);
		const end = text.indexOf('\n');
		const header = (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '');
		return header === '' ? [] : splitHeader(header);
	} finally {
		await handle.close();
	}
}

async function parquetColumns(conn: DuckDBConnection, file: string): Promise<string[]> {
	// The path is the extract's own file (stage.ts reads it the same way); the names come back as data.
	const rows = await query<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM read_parquet(${literal(file)})`);
	return rows.map((r) => r.column_name);
}

/**
 * Columns named like a direct identifier, in every file. A file whose header cannot be read is
 * passed over here: staging reports it.
 */
export async function findIdentifierColumns(conn: DuckDBConnection, files: ExtractFile[]): Promise<IdentifierFinding[]> {
	const findings: IdentifierFinding[] = [];
	for (const file of files) {
		let names: string[];
		try {
			names = file.format === 'csv' ? await csvHeader(file.path) : await parquetColumns(conn, file.path);
		} catch {
			continue;
		}
		for (const name of names) {
			if (isIdentifierColumnName(name)) findings.push({ file: file.name, column: name, kind: 'identifier_column', cells: 1, line: 1 });
		}
	}
	return findings;
}

interface Check {
	column: string | null;
	kind: IdentifierKind;
	predicate: string;
}

function checksFor(column: string | null, t: string, birth: boolean): Check[] {
	const checks: Check[] = [
		{ column, kind: 'nhs_number', predicate: nhsNumberSql(t) },
		{ column, kind: 'upn', predicate: upnSql(t) },
		{ column, kind: 'postcode', predicate: postcodeSql(t) }
	];
	if (birth) checks.push({ column, kind: 'birth_date', predicate: fullDateSql(t) });
	return checks;
}

/** Counts and first record of each check over `source` (which has `_line`), in one scan. */
async function scan(conn: DuckDBConnection, file: string, source: string, checks: Check[]): Promise<IdentifierFinding[]> {
	if (checks.length === 0) return [];
	const aggregates = checks.map((c, i) => `count(*) FILTER (WHERE ${c.predicate}) AS n${i}, min(_line) FILTER (WHERE ${c.predicate}) AS l${i}`);
	const [row] = await query<Record<string, number | null>>(conn, `SELECT ${aggregates.join(',\n')} FROM ${source}`);
	const findings: IdentifierFinding[] = [];
	checks.forEach((c, i) => {
		const n = Number(row[`n${i}`] ?? 0);
		if (n > 0) findings.push({ file, column: c.column, kind: c.kind, cells: n, line: Number(row[`l${i}`]) });
	});
	return findings;
}

/** Identifiers in the cells of staged files (and their CSV rejects), by file, column and kind. */
export async function findIdentifiers(conn: DuckDBConnection, staged: StagedFile[]): Promise<IdentifierFinding[]> {
	const findings: IdentifierFinding[] = [];
	for (const s of staged) {
		// The table's columns and any other column of the file (staged as an alias), by their names in the file.
		const columns = [...s.file.table.columns.map((c) => ({ alias: c.name, name: c.name })), ...s.extraColumns];
		const trimmed = columns.map((c, i) => `${trimSql(ident(c.alias))} AS c${i}`);
		const source = `(SELECT _line, ${trimmed.join(', ')} FROM ${s.table})`;
		const checks = columns.flatMap((c, i) => checksFor(c.name, `c${i}`, isBirthColumn(c.name)));
		findings.push(...(await scan(conn, s.file.name, source, checks)));
		if (s.rejects) {
			const pieces = `(SELECT _line, ${trimSql(`trim(${trimSql('piece')}, '"')`)} AS v
				FROM (SELECT _line, unnest(string_split(coalesce(text, ''), ',')) AS piece FROM ${s.rejects}))`;
			findings.push(...(await scan(conn, s.file.name, pieces, checksFor(null, 'v', false))));
		}
	}
	return findings;
}

/** The error message of a finding: file, column, kind; never the value. */
export function findingMessage(f: IdentifierFinding): string {
	const remedy = 'an extract must not hold direct identifiers (extract-format.md, "Identifiers and privacy")';
	if (f.kind === 'identifier_column') {
		// No column of the spec is named so, so it is also an unknown column; the message says both.
		return `${f.file}: unknown column "${f.column}", which is an identifier column (a direct identifier such as a name, address, postcode, NHS number, UPN or date of birth); ${remedy}`;
	}
	const cells = f.cells === 1 ? '1 cell' : `${f.cells} cells`;
	const where = f.column === null ? `a record that could not be split into fields` : `column "${f.column}"`;
	return `${f.file}: ${where} holds ${KIND_WORDS[f.kind]} (${cells}, first in record ${f.line}); ${remedy}`;
}

/** The failed import's report: one error per finding, nothing loaded or quarantined. */
export function identifiersFound(findings: IdentifierFinding[]): ImportReport {
	return {
		batch_id: null,
		status: 'failed',
		files: [],
		errors: findings.map((f) => ({ file: f.file, line: f.line, message: findingMessage(f) })),
		retried: []
	};
}
