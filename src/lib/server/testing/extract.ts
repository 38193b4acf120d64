/**
 * Test helpers: hand-made extracts written to a temp folder, and fresh warehouses.
 * Only tests import this module.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWarehouse, query, type Warehouse } from '../warehouse/warehouse.ts';
import { EXTRACT_TABLES, getTable } from '../schema/tables.ts';
import { replacedTableName } from '../warehouse/ddl.ts';

/** A child pseudonym for a test: 64 lowercase hex, derived from a short name. */
export function child(name: string): string {
	return createHash('sha256').update(`test-child:${name}`).digest('hex');
}

export type Cell = string | number | boolean | null | undefined;
/** A table as rows of objects (header from the first row's keys, or `columns`), or raw CSV text. */
export type TableData = Record<string, Cell>[] | { columns: string[]; rows: Cell[][] } | string;

export interface ExtractSpec {
	manifest?: Record<string, unknown> | string | null;
	tables?: Record<string, TableData>;
	/** Extra files by name, as text or bytes. */
	files?: Record<string, string | Buffer>;
}

const cell = (v: Cell): string => {
	if (v === null || v === undefined) return '';
	const s = String(v);
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(data: Exclude<TableData, string>): string {
	if (Array.isArray(data)) {
		const columns = [...new Set(data.flatMap((r) => Object.keys(r)))];
		return [columns.join(','), ...data.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
	}
	return [data.columns.join(','), ...data.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

export const MANIFEST = { format: 'multi-agency-extract', version: 1, supplied_by: 'partnership', extracted_on: '2025-04-10' };

let counter = 0;
const root = mkdtempSync(path.join(tmpdir(), 'fp-test-'));

export function tempDir(label = 'dir'): string {
	const dir = path.join(root, `${label}-${process.pid}-${++counter}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}

/** Writes an extract folder and returns its path. */
export function writeExtract(spec: ExtractSpec): string {
	const dir = tempDir('extract');
	if (spec.manifest !== null) {
		const m = spec.manifest ?? MANIFEST;
		writeFileSync(path.join(dir, 'manifest.json'), typeof m === 'string' ? m : JSON.stringify({ ...MANIFEST, ...m }));
	}
	for (const [table, data] of Object.entries(spec.tables ?? {})) {
		writeFileSync(path.join(dir, `${table}.csv`), typeof data === 'string' ? data : toCsv(data));
	}
	for (const [name, content] of Object.entries(spec.files ?? {})) writeFileSync(path.join(dir, name), content);
	return dir;
}

export async function freshWarehouse(): Promise<Warehouse> {
	const file = path.join(tempDir('warehouse'), 'w.duckdb');
	return openWarehouse(file, { create: true });
}

export function removeTempRoot(): void {
	rmSync(root, { recursive: true, force: true });
}

/** Every stored row of every extract table (and the undo history and quarantine), for comparing states. */
export async function snapshot(warehouse: Warehouse): Promise<Record<string, string[]>> {
	return warehouse.read(async (conn) => {
		const out: Record<string, string[]> = {};
		const tables = [...EXTRACT_TABLES.flatMap((t) => [t.name, replacedTableName(t)]), 'priorities', 'benchmarks'];
		for (const name of tables) {
			getTable(name.replace(/__replaced$/, ''));
			const rows = await query(conn, `SELECT * FROM "${name}"`);
			out[name] = rows.map((r) => JSON.stringify(r, (_k, v) => (v instanceof Date ? v.toISOString() : v))).sort();
		}
		const q = await query(conn, `SELECT batch_id, file, line, reasons, status, resolved_by FROM quarantine`);
		out.quarantine = q.map((r) => JSON.stringify(r)).sort();
		return out;
	});
}

/**
 * The public sample files (Ofsted Annex A, DfE CIN census) of `../shared/fixtures/third-party`
 * beside the project, read-only. Resolved from this module, so a clone anywhere finds them.
 */
export const THIRD_PARTY_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/fixtures/third-party');

/**
 * Writes a Parquet file from a SELECT, with a DuckDB of its own: the warehouse's DuckDB may
 * write no file outside its staging directory.
 */
export async function writeParquet(file: string, select: string): Promise<void> {
	const { DuckDBInstance } = await import('@duckdb/node-api');
	const instance = await DuckDBInstance.create(':memory:');
	const conn = await instance.connect();
	try {
		await conn.run(`SET TimeZone = 'Europe/London'`);
		await conn.run(`COPY (${select}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
	} finally {
		conn.closeSync();
		instance.closeSync();
	}
}
