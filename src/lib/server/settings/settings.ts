/**
 * Partnership settings (priorities and benchmarks: extract-format.md's last section) loaded
 * from and written to CSV files. A settings file is validated exactly like an extract's rows
 * (the same generated SQL); because it is a short hand-edited list, a file with any invalid
 * row loads nothing and every broken rule is reported with its line. Valid rows are added,
 * or replace the row with the same id; rows not in the file stay.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { getTable, SETTINGS_TABLES } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { ident } from '../warehouse/sql.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { dropTempTables, prepareConnection } from '../import/import.ts';
import { judgeAndLoad } from '../import/load.ts';
import { ExtractError } from '../import/source.ts';
import { stageFile } from '../import/stage.ts';
import type { ImportError } from '../import/types.ts';

export const SETTINGS_TABLE_NAMES = SETTINGS_TABLES.map((t) => t.name) as ('priorities' | 'benchmarks')[];
export type SettingsTable = 'priorities' | 'benchmarks';

export interface SettingsReport {
	status: 'committed' | 'failed';
	file: string;
	table: SettingsTable;
	rows_read: number;
	rows_loaded: number;
	rows_replaced: number;
	errors: ImportError[];
}

export async function importSettings(warehouse: Warehouse, tableName: SettingsTable, file: string): Promise<SettingsReport> {
	const table = getTable(tableName);
	const name = path.basename(file);
	const report: SettingsReport = { status: 'failed', file: name, table: tableName, rows_read: 0, rows_loaded: 0, rows_replaced: 0, errors: [] };
	return warehouse.write(async (conn) => {
		await fs.mkdir(warehouse.stagingDir, { recursive: true });
		const workDir = await fs.mkdtemp(path.join(warehouse.stagingDir, 'settings-'));
		let inTransaction = false;
		try {
			await prepareConnection(conn);
			const today = new Date().toISOString().slice(0, 10);
			const staged = await stageFile(conn, { name, path: file, table, format: 'csv' }, workDir, today, 0);
			report.rows_read = staged.rowsRead;
			await exec(conn, 'BEGIN TRANSACTION');
			inTransaction = true;
			const { checked } = await judgeAndLoad(conn, table, staged.table, 0, 'settings');
			const bad = await query<{ line: number; reasons: string[] }>(conn, `SELECT _line AS line, _all AS reasons FROM ${checked} WHERE len(_all) > 0 ORDER BY _line`);
			const rejected = staged.rejects ? await query<{ line: number; reasons: string[] }>(conn, `SELECT _line AS line, reasons FROM ${staged.rejects} ORDER BY _line`) : [];
			for (const b of [...bad, ...rejected].sort((x, y) => x.line - y.line)) {
				report.errors.push({ file: name, line: b.line, message: b.reasons.join('; ') });
			}
			if (report.errors.length) {
				await exec(conn, 'ROLLBACK');
				inTransaction = false;
				return report;
			}
			const key = (a: string, b: string) => table.primaryKey.map((k) => `${a}.${ident(k)} = ${b}.${ident(k)}`).join(' AND ');
			const replaced = await conn.run(`DELETE FROM ${ident(table.name)} t WHERE EXISTS (SELECT 1 FROM ${checked} c WHERE ${key('t', 'c')})`);
			const cols = table.columns.map((c) => ident(c.name)).join(', ');
			const loaded = await conn.run(`INSERT INTO ${ident(table.name)} (${cols}) SELECT ${cols} FROM ${checked}`);
			await exec(conn, 'COMMIT');
			inTransaction = false;
			return { ...report, status: 'committed', rows_loaded: Number(loaded.rowsChanged), rows_replaced: Number(replaced.rowsChanged) };
		} catch (e) {
			if (inTransaction) await exec(conn, 'ROLLBACK');
			const err = e instanceof ExtractError ? { file: name, ...(e.line ? { line: e.line } : {}), message: e.message } : { file: name, message: (e as Error).message };
			return { ...report, errors: [err] };
		} finally {
			await dropTempTables(conn).catch(() => {});
			await fs.rm(workDir, { recursive: true, force: true });
		}
	});
}

/** CSV text of one field (RFC 4180). */
function csvField(value: unknown): string {
	if (value === null || value === undefined) return '';
	const text = String(value);
	return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The text a column's stored value is written as (the same format an import reads). */
function exportExpr(table: Table, name: string): string {
	const c = table.columns.find((x) => x.name === name)!;
	const id = ident(name);
	if (c.type === 'date') return `strftime(${id}, '%Y-%m-%d')`;
	// Plain decimals (never an exponent), which the number rule reads back.
	if (c.type === 'number') {
		return `CASE WHEN ${id} = round(${id}) THEN CAST(CAST(${id} AS BIGINT) AS VARCHAR) ELSE rtrim(rtrim(printf('%.10f', ${id}), '0'), '.') END`;
	}
	return `CAST(${id} AS VARCHAR)`;
}

/** Every row of a settings table as CSV text, in the columns an import reads. */
export async function exportSettings(warehouse: Warehouse, tableName: SettingsTable): Promise<{ csv: string; rows: number }> {
	const table = getTable(tableName);
	const rows = await warehouse.read((conn) =>
		query(
			conn,
			`SELECT ${table.columns.map((c) => `${exportExpr(table, c.name)} AS ${ident(c.name)}`).join(', ')}
			FROM ${ident(table.name)} ORDER BY ${table.primaryKey.map(ident).join(', ')}`
		)
	);
	const lines = [table.columns.map((c) => c.name).join(','), ...rows.map((r) => table.columns.map((c) => csvField(r[c.name])).join(','))];
	return { csv: `${lines.join('\n')}\n`, rows: rows.length };
}
