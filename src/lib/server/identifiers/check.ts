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
 * Column names are cells too: a CSV without a header row has its first record as its "names".
 * So the first pass also checks each name for NHS numbers, UPNs and postcodes, and a Parquet
 * column of a birth column's name typed DATE or TIMESTAMP is a full date of birth whatever its
 * values. The second pass's cost is linear in columns: the checks run over a few columns at a
 * time (a header of a thousand columns is a thousand columns' work, not one query too large to
 * plan).
 *
 * Findings name the file, the column (or "a record that could not be read", or the header), the
 * kind of identifier, how many cells and the first record number; never the value, and the
 * column's own name only when it is a name of the schema (import/names.ts).
 */
import { promises as fs } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportReport } from '../import/types.ts';
import type { ExtractFile } from '../import/source.ts';
import { shownColumn } from '../import/names.ts';
import { splitHeader, type StagedFile } from '../import/stage.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { query } from '../warehouse/warehouse.ts';
import {
	fullDateSql,
	identifierKinds,
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
	/** The column's name in the file, or null for records that could not be split into fields. */
	column: string | null;
	/** The column's position in the file (from 1), or null for records that could not be split. */
	position: number | null;
	/** Where it was found: a column's cells, the header's names, or the records that could not be split. */
	where: 'cells' | 'header' | 'rejects';
	kind: IdentifierKind | 'identifier_column';
	/** Cells found (1 for an identifier column or a name in the header). */
	cells: number;
	/** Record number of the first (the header is record 1). */
	line: number;
}

/** How many bytes of a CSV file are read to find its header (the record limit bounds a real one). */
const HEADER_BYTES = 1 << 20;

async function csvHeader(file: string): Promise<string[]> {
	const handle = await fs.open(file, 'r');
	try {
		const buffer = Buffer.alloc(HEADER_BYTES);
		const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
		let text = buffer.subarray(0, bytesRead).toString('utf8');
		if (text.startsWith('\uFEFF')) text = text.slice(1);
		const end = text.search(/[\r\n]/);
		const header = end < 0 ? text : text.slice(0, end);
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
 * Columns named like a direct identifier, and names that are themselves identifiers, in every
 * file. A file whose header cannot be read is passed over here: staging reports it.
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
		const byKind = new Map<IdentifierKind, IdentifierFinding>();
		names.forEach((name, i) => {
			if (isIdentifierColumnName(name)) {
				findings.push({ file: file.name, column: name, position: i + 1, where: 'cells', kind: 'identifier_column', cells: 1, line: 1 });
			}
			for (const kind of identifierKinds('', name)) {
				const seen = byKind.get(kind);
				if (seen) seen.cells++;
				else byKind.set(kind, { file: file.name, column: null, position: i + 1, where: 'header', kind, cells: 1, line: 1 });
			}
		});
		findings.push(...byKind.values());
	}
	return findings;
}

interface Check {
	column: string | null;
	position: number | null;
	kind: IdentifierKind;
	predicate: string;
}

function checksFor(column: string | null, position: number | null, t: string, birth: boolean): Check[] {
	const checks: Check[] = [
		{ column, position, kind: 'nhs_number', predicate: nhsNumberSql(t) },
		{ column, position, kind: 'upn', predicate: upnSql(t) },
		{ column, position, kind: 'postcode', predicate: postcodeSql(t) }
	];
	if (birth) checks.push({ column, position, kind: 'birth_date', predicate: fullDateSql(t) });
	return checks;
}

/** Counts and first record of each check over `source` (which has `_line`), in one scan. */
async function scan(conn: DuckDBConnection, file: string, where: IdentifierFinding['where'], source: string, checks: Check[]): Promise<IdentifierFinding[]> {
	if (checks.length === 0) return [];
	const aggregates = checks.map((c, i) => `count(*) FILTER (WHERE ${c.predicate}) AS n${i}, min(_line) FILTER (WHERE ${c.predicate}) AS l${i}`);
	const [row] = await query<Record<string, number | null>>(conn, `SELECT ${aggregates.join(',\n')} FROM ${source}`);
	const findings: IdentifierFinding[] = [];
	checks.forEach((c, i) => {
		const n = Number(row[`n${i}`] ?? 0);
		if (n > 0) findings.push({ file, column: c.column, position: c.position, where, kind: c.kind, cells: n, line: Number(row[`l${i}`]) });
	});
	return findings;
}

/**
 * The kind of identifier the (trimmed) text `v` is, or NULL: a cell is at most one kind (the
 * shapes exclude each other). A length test first passes over most cells cheaply.
 */
function kindSql(v: string, birth: string): string {
	return `CASE WHEN length(${v}) BETWEEN 5 AND 14 THEN CASE
		WHEN ${nhsNumberSql(v)} THEN 'nhs_number'
		WHEN ${upnSql(v)} THEN 'upn'
		WHEN ${postcodeSql(v)} THEN 'postcode'
		WHEN ${birth} AND ${fullDateSql(v)} THEN 'birth_date' END END`;
}

/**
 * Every cell of `source`'s columns `columns` (staged aliases), unpivoted into one column, so
 * that the checks are planned once whatever the number of columns: the cost is linear in cells.
 */
async function scanCells(
	conn: DuckDBConnection,
	file: string,
	source: string,
	columns: { alias: string; name: string; position: number | null }[]
): Promise<IdentifierFinding[]> {
	if (columns.length === 0) return [];
	const births = columns.map((c, i) => (isBirthColumn(c.name) ? i : -1)).filter((i) => i >= 0);
	const birth = births.length ? `col IN (${births.map((i) => literal(`c${i}`)).join(', ')})` : 'false';
	const select = columns.map((c, i) => `${ident(c.alias)} AS c${i}`).join(', ');
	const rows = await query<{ col: string; kind: IdentifierKind; n: number; l: number }>(
		conn,
		`SELECT col, kind, count(*) AS n, min(_line) AS l FROM (
			SELECT _line, col, ${kindSql('v', birth)} AS kind
			FROM (SELECT _line, col, ${trimSql('v')} AS v FROM (UNPIVOT (SELECT _line, ${select} FROM ${source}) ON ${columns.map((_, i) => `c${i}`).join(', ')} INTO NAME col VALUE v))
		) WHERE kind IS NOT NULL GROUP BY col, kind`
	);
	const kinds: IdentifierKind[] = ['nhs_number', 'upn', 'postcode', 'birth_date'];
	return rows
		.map((r) => ({ r, c: columns[Number(r.col.slice(1))] }))
		.sort((x, y) => Number(x.r.col.slice(1)) - Number(y.r.col.slice(1)) || kinds.indexOf(x.r.kind) - kinds.indexOf(y.r.kind))
		.map(({ r, c }) => ({ file, column: c.name, position: c.position, where: 'cells' as const, kind: r.kind, cells: r.n, line: Number(r.l) }));
}

/** Identifiers in the cells of staged files (and their CSV rejects), by file, column and kind. */
export async function findIdentifiers(conn: DuckDBConnection, staged: StagedFile[]): Promise<IdentifierFinding[]> {
	const findings: IdentifierFinding[] = [];
	for (const s of staged) {
		// The table's columns and any other column of the file (staged as an alias), by their names in the file.
		const columns = [
			...s.file.table.columns.map((c) => ({ alias: c.name, name: c.name, position: null as number | null })),
			...s.extraColumns
		];
		findings.push(...(await scanCells(conn, s.file.name, s.table, columns)));
		for (const b of s.birthTyped) {
			const [{ n, l }] = await query<{ n: number; l: number | null }>(
				conn,
				`SELECT count(*) AS n, min(_line) AS l FROM ${s.table} WHERE ${ident(b.alias)} IS NOT NULL`
			);
			if (n > 0) findings.push({ file: s.file.name, column: b.name, position: b.position, where: 'cells', kind: 'birth_date', cells: n, line: Number(l) });
		}
		if (s.rejects) {
			const pieces = `(SELECT _line, ${trimSql(`trim(${trimSql('piece')}, '"')`)} AS v
				FROM (SELECT _line, unnest(string_split(coalesce(text, ''), ',')) AS piece FROM ${s.rejects}))`;
			findings.push(...(await scan(conn, s.file.name, 'rejects', pieces, checksFor(null, null, 'v', false))));
		}
	}
	return findings;
}

/** The error message of a finding: file, column, kind; never the value. */
export function findingMessage(f: IdentifierFinding): string {
	const remedy = 'an extract must not hold direct identifiers (extract-format.md, "Identifiers and privacy")';
	if (f.kind === 'identifier_column') {
		// No column of the spec is named so, so it is also an unknown column; the message says both.
		return `${f.file}: unknown column "${(f.column ?? '').trim()}", which is an identifier column (a direct identifier such as a name, address, postcode, NHS number, UPN or date of birth); ${remedy}`;
	}
	const cells = f.cells === 1 ? '1 cell' : `${f.cells} cells`;
	if (f.where === 'header') {
		const names = f.cells === 1 ? `a column name (position ${f.position})` : `${f.cells} column names (the first at position ${f.position})`;
		return `${f.file}: the header holds ${KIND_WORDS[f.kind]} as ${names}: is the header row missing? ${remedy}`;
	}
	const shown = f.column === null ? '' : shownColumn(f.column, f.position ?? 0);
	const where = f.where === 'rejects' || f.column === null ? `a record that could not be split into fields` : shown.startsWith('"') ? `column ${shown}` : shown;
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
