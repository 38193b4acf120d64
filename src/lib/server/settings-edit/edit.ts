/**
 * Editing the partnership settings (priorities and benchmarks) one row at a time, for the
 * settings pages. A row is checked and stored by the settings import itself
 * (../settings/settings.ts): the form's row is written as a one-row CSV and imported, so it
 * meets exactly the rules the command line's CSV import applies (the SQL generated from
 * schema/tables.ts) and is stored the same way (replacing the row with its id). No rule is
 * written here; zod only checks the form's shape (known fields, text, a sane length).
 *
 *   parseSettingsForm(table, form): ParsedForm          the form's fields, trimmed ('' → null)
 *   createSettingsRow(warehouse, table, values): SaveResult   a new id (given, or the next free)
 *   editSettingsRow(warehouse, table, id, values): SaveResult  the form's columns replaced
 *   retirePriority(warehouse, id, today): SaveResult            retired_on = today
 *   deleteBenchmark(warehouse, id): SaveResult                  the row removed
 *   readSettingsRow(warehouse, table, id): SettingsValues | null  a row as the form's text
 *   listSettingsRows(warehouse, table): SettingsValues[]   every row as text (priorities by
 *       start date, benchmarks by metric then period), for the pages' lists
 *
 * A refusal names its field (`fieldErrors`, keyed by column, with the import's own reason
 * text) or the row as a whole (`formErrors`). A success gives the id and what changed
 * (`changed`: column → { from, to }, as text), for the audit log.
 *
 * Each change checks and stores in one turn of the warehouse's single writer (the id's
 * existence, the import, the row read back), so no other change can come in between: two
 * people adding the same id at once cannot overwrite each other.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { ImportError } from '../import/types.ts';
import { getTable } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { importSettings, type SettingsTable } from '../settings/settings.ts';
import { ident } from '../warehouse/sql.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';

/** A row's columns as text, as a CSV import reads them (null: empty). */
export type SettingsValues = Record<string, string | null>;

export type Changes = Record<string, { from: string | null; to: string | null }>;

export type SaveResult =
	| { ok: true; id: string; changed: Changes }
	| { ok: false; fieldErrors: Record<string, string[]>; formErrors: string[] };

export type ParsedForm = { ok: true; values: SettingsValues } | { ok: false; fieldErrors: Record<string, string[]>; formErrors: string[] };

/** What each table's rows are called, and the prefix of the ids the pages make. */
const NOUN: Record<SettingsTable, { noun: string; prefix: string }> = {
	priorities: { noun: 'priority', prefix: 'P' },
	benchmarks: { noun: 'benchmark', prefix: 'B' }
};

/** Columns the forms do not set: a priority is retired by its own action. */
const NOT_IN_FORM: Record<SettingsTable, readonly string[]> = { priorities: ['retired_on'], benchmarks: [] };

/** Longest text a form field may send; the rules (e.g. a title's 200 characters) are the import's. */
export const MAX_FIELD_LENGTH = 1000;

const keyOf = (table: Table) => table.primaryKey[0];

/** The columns a table's form sets (its id included). */
export function formColumns(tableName: SettingsTable): string[] {
	return getTable(tableName)
		.columns.map((c) => c.name)
		.filter((name) => !NOT_IN_FORM[tableName].includes(name));
}

const field = z
	.string({ error: 'not text' })
	.max(MAX_FIELD_LENGTH, `longer than ${MAX_FIELD_LENGTH} characters`)
	.optional()
	.transform((v) => {
		const t = (v ?? '').trim();
		return t === '' ? null : t;
	});

/** The zod schema of a table's form: its columns, each text or empty; nothing else is read. */
export function formSchema(tableName: SettingsTable) {
	return z.object(Object.fromEntries(formColumns(tableName).map((name) => [name, field])) as Record<string, typeof field>);
}

/** The form's fields (FormData or a plain object), trimmed, empty as null. */
export function parseSettingsForm(tableName: SettingsTable, form: FormData | Record<string, unknown>): ParsedForm {
	const get = (name: string) => (form instanceof FormData ? (form.get(name) ?? undefined) : form[name]);
	const raw = Object.fromEntries(formColumns(tableName).map((name) => [name, get(name)]));
	const parsed = formSchema(tableName).safeParse(raw);
	if (parsed.success) return { ok: true, values: parsed.data as SettingsValues };
	const flat = z.flattenError(parsed.error);
	return { ok: false, fieldErrors: flat.fieldErrors as Record<string, string[]>, formErrors: flat.formErrors };
}

/** A stored number as the import reads it back: plain decimals, never an exponent (10 places at most, as the CSV export). */
export function plainNumber(n: number): string {
	if (Number.isInteger(n)) return BigInt(n).toString();
	return n.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
}

/** One CSV field (RFC 4180). */
function csvField(value: string | null): string {
	if (value === null) return '';
	return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvOf(table: Table, row: SettingsValues): string {
	const names = table.columns.map((c) => c.name);
	return `${names.join(',')}\n${names.map((n) => csvField(row[n] ?? null)).join(',')}\n`;
}

async function readRow(conn: DuckDBConnection, table: Table, id: string): Promise<SettingsValues | null> {
	const [row] = await query<Record<string, unknown>>(conn, `SELECT ${textColumns(table)} FROM ${ident(table.name)} WHERE ${ident(keyOf(table))} = $id LIMIT 1`, { id });
	return row ? textRow(table, row) : null;
}

/** A row of a settings table as the form's text, or null when there is no such id. */
export async function readSettingsRow(warehouse: Warehouse, tableName: SettingsTable, id: string): Promise<SettingsValues | null> {
	const table = getTable(tableName);
	return warehouse.read((conn) => readRow(conn, table, id));
}

const LIST_ORDER: Record<SettingsTable, string> = {
	priorities: 'starts_on, priority_id',
	benchmarks: 'metric, period_start DESC, label, benchmark_id'
};

function textColumns(table: Table): string {
	return table.columns.map((c) => (c.type === 'date' ? `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}` : ident(c.name))).join(', ');
}

function textRow(table: Table, row: Record<string, unknown>): SettingsValues {
	const out: SettingsValues = {};
	for (const c of table.columns) {
		const v = row[c.name];
		out[c.name] = v === null || v === undefined ? null : typeof v === 'number' ? plainNumber(v) : String(v);
	}
	return out;
}

/** Every row of a settings table as text. */
export async function listSettingsRows(warehouse: Warehouse, tableName: SettingsTable): Promise<SettingsValues[]> {
	const table = getTable(tableName);
	const rows = await warehouse.read((conn) => query<Record<string, unknown>>(conn, `SELECT ${textColumns(table)} FROM ${ident(table.name)} ORDER BY ${LIST_ORDER[tableName]}`));
	return rows.map((r) => textRow(table, r));
}

/** The next free id of the pages' own form (`P01`, `P02`…): one more than the highest such id stored. */
async function nextId(conn: DuckDBConnection, table: Table, prefix: string): Promise<string> {
	const key = ident(keyOf(table));
	const [row] = await query<{ n: number | null }>(
		conn,
		`SELECT max(TRY_CAST(substr(${key}, $from) AS BIGINT)) AS n FROM ${ident(table.name)} WHERE regexp_full_match(${key}, $pattern)`,
		{ from: prefix.length + 1, pattern: `${prefix}[0-9]{1,12}` }
	);
	return `${prefix}${String((row?.n ?? 0) + 1).padStart(2, '0')}`;
}

function changes(table: Table, before: SettingsValues | null, after: SettingsValues | null): Changes {
	const out: Changes = {};
	for (const c of table.columns) {
		const from = before?.[c.name] ?? null;
		const to = after?.[c.name] ?? null;
		if (from !== to) out[c.name] = { from, to };
	}
	return out;
}

/** A refusal found before the import (no such id, an id taken): thrown out of the writer's turn. */
class Refusal extends Error {
	constructor(readonly result: Extract<SaveResult, { ok: false }>) {
		super('refused');
	}
}

const refuse = (fieldErrors: Record<string, string[]>, formErrors: string[] = []) => new Refusal({ ok: false, fieldErrors, formErrors });

/** The import's errors, each reason (`column: text`) under its column; any other under the row. */
function refusalOf(table: Table, errors: ImportError[]): Extract<SaveResult, { ok: false }> {
	const names = table.columns.map((c) => c.name).join('|');
	const between = new RegExp(`; (?=(?:${names}): )`);
	const reason = new RegExp(`^(${names}): ([\\s\\S]*)$`);
	const fieldErrors: Record<string, string[]> = {};
	const formErrors: string[] = [];
	for (const e of errors) {
		for (const part of e.message.split(between)) {
			const m = reason.exec(part);
			if (m) (fieldErrors[m[1]] ??= []).push(m[2]);
			else formErrors.push(part);
		}
	}
	return { ok: false, fieldErrors, formErrors };
}

/**
 * Imports the one row `build` makes, on the writer, in the same turn as `build`'s checks and
 * the read-back of the stored row. `build` runs on the writer connection before the import.
 */
async function store(
	warehouse: Warehouse,
	tableName: SettingsTable,
	build: (conn: DuckDBConnection) => Promise<{ id: string; before: SettingsValues | null; row: SettingsValues }>
): Promise<SaveResult> {
	const table = getTable(tableName);
	await fs.mkdir(warehouse.stagingDir, { recursive: true });
	const dir = await fs.mkdtemp(path.join(warehouse.stagingDir, 'settings-edit-'));
	const file = path.join(dir, `${tableName}.csv`);
	const turn: { id?: string; before?: SettingsValues | null; after?: SettingsValues | null } = {};
	// importSettings takes the writer once: this warehouse runs the checks first and reads the
	// stored row back after, in that same turn.
	const guarded = Object.create(warehouse) as Warehouse;
	let turns = 0;
	guarded.write = <T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> =>
		warehouse.write(async (conn) => {
			if (turns++ > 0) throw new Error('a settings edit takes the writer once');
			const { id, before, row } = await build(conn);
			Object.assign(turn, { id, before });
			await fs.writeFile(file, csvOf(table, row), 'utf8');
			const result = await fn(conn);
			turn.after = await readRow(conn, table, id);
			return result;
		});
	try {
		const report = await importSettings(guarded, tableName, file);
		if (report.status !== 'committed') return refusalOf(table, report.errors);
		return { ok: true, id: turn.id!, changed: changes(table, turn.before ?? null, turn.after ?? null) };
	} catch (e) {
		if (e instanceof Refusal) return e.result;
		throw e;
	} finally {
		await fs.rm(dir, { recursive: true, force: true });
	}
}

/** Adds a row: its id as given (refused if taken) or, left empty, the next free `P01`/`B01`-style id. */
export async function createSettingsRow(warehouse: Warehouse, tableName: SettingsTable, values: SettingsValues): Promise<SaveResult> {
	const table = getTable(tableName);
	const key = keyOf(table);
	const { noun, prefix } = NOUN[tableName];
	return store(warehouse, tableName, async (conn) => {
		let id = values[key] ?? null;
		if (id === null) id = await nextId(conn, table, prefix);
		else if (await readRow(conn, table, id)) throw refuse({ [key]: [`a ${noun} with this id exists already`] });
		const row: SettingsValues = {};
		for (const c of table.columns) row[c.name] = formColumns(tableName).includes(c.name) ? (values[c.name] ?? null) : null;
		row[key] = id;
		return { id, before: null, row };
	});
}

/** Replaces the form's columns of an existing row (the others, such as retired_on, are kept). */
export async function editSettingsRow(warehouse: Warehouse, tableName: SettingsTable, id: string, values: SettingsValues): Promise<SaveResult> {
	const table = getTable(tableName);
	const { noun } = NOUN[tableName];
	return store(warehouse, tableName, async (conn) => {
		const before = await readRow(conn, table, id);
		if (!before) throw refuse({}, [`There is no ${noun} ${id}: it may have been removed.`]);
		const row: SettingsValues = { ...before };
		for (const name of formColumns(tableName)) row[name] = values[name] ?? null;
		row[keyOf(table)] = id;
		return { id, before, row };
	});
}

/** Retires a priority as of `today` (YYYY-MM-DD): it leaves the scorecard. Refused if it is retired already. */
export async function retirePriority(warehouse: Warehouse, id: string, today: string): Promise<SaveResult> {
	const table = getTable('priorities');
	return store(warehouse, 'priorities', async (conn) => {
		const before = await readRow(conn, table, id);
		if (!before) throw refuse({}, [`There is no priority ${id}: it may have been removed.`]);
		if (before.retired_on !== null) throw refuse({}, [`Priority ${id} was retired on ${before.retired_on} already.`]);
		return { id, before, row: { ...before, retired_on: today } };
	});
}

/** Removes a benchmark (one entered by mistake). */
export async function deleteBenchmark(warehouse: Warehouse, id: string): Promise<SaveResult> {
	const table = getTable('benchmarks');
	const key = ident(keyOf(table));
	return warehouse.write(async (conn): Promise<SaveResult> => {
		const before = await readRow(conn, table, id);
		if (!before) return { ok: false, fieldErrors: {}, formErrors: [`There is no benchmark ${id}: it may have been removed.`] };
		await exec(conn, `DELETE FROM benchmarks WHERE ${key} = $id`, { id });
		return { ok: true, id, changed: changes(table, before, null) };
	});
}
