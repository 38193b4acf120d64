/**
 * Test support: a temporary warehouse loaded with hand-made rows THROUGH THE IMPORTER: the rows
 * are written as an extract folder (manifest and one CSV a table) and imported, so every metric
 * test also checks the import's parsing and derived columns. A row the import quarantines fails
 * the test loudly (these extracts are meant to be valid).
 *
 * Values are given as an extract gives them: dates `YYYY-MM-DD`, timestamps
 * `YYYY-MM-DD HH:MM:SS` in UK local time or with an offset (`…+01:00`, `…Z`), months
 * `YYYY-MM`, lists as arrays.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importExtract } from '../import/import.ts';
import { listQuarantine } from '../import/quarantine.ts';
import { LOAD_ORDER } from '../schema/tables.ts';
import { writeExtract, type Cell } from '../testing/extract.ts';
import { openWarehouse, type Warehouse } from '../warehouse/warehouse.ts';

export type TestValue = string | number | boolean | null | readonly string[];
export type TestRow = Record<string, TestValue>;
/** Rows by table name. */
export type TestExtract = Partial<Record<string, readonly TestRow[]>>;

export interface TestWarehouse {
	warehouse: Warehouse;
	/** Closes the warehouse and deletes its files. */
	dispose(): Promise<void>;
}

/** Imports rows into the warehouse as one extract (one batch). */
export async function loadRows(warehouse: Warehouse, extract: TestExtract): Promise<void> {
	const unknown = Object.keys(extract).filter((name) => !LOAD_ORDER.some((t) => t.name === name));
	if (unknown.length > 0) throw new Error(`not extract tables: ${unknown.join(', ')}`);
	const tables: Record<string, Record<string, Cell>[]> = {};
	for (const [name, rows] of Object.entries(extract)) {
		if (!rows || rows.length === 0) continue;
		tables[name] = rows.map((row) =>
			Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Array.isArray(v) ? v.join(';') : (v as Cell)]))
		);
	}
	// The latest extract date the calendar allows, so that no birth month is "after the extract".
	const dir = writeExtract({ manifest: { extracted_on: '2040-12-31' }, tables });
	const report = await importExtract(warehouse, dir, { actor: 'test' });
	if (report.status === 'failed') throw new Error(`test extract failed to import: ${JSON.stringify(report.errors)}`);
	const quarantined = await listQuarantine(warehouse);
	if (quarantined.length > 0) {
		throw new Error(`test extract rows quarantined: ${quarantined.map((q) => `${q.file}:${q.line} ${q.reasons.join('; ')}`).join(' | ')}`);
	}
}

/** A new warehouse in a temporary file, loaded with `extract`. */
export async function createTestWarehouse(extract: TestExtract = {}): Promise<TestWarehouse> {
	const file = path.join(tmpdir(), `full-picture-metrics-${randomUUID()}.duckdb`);
	const warehouse = await openWarehouse(file, { create: true });
	await loadRows(warehouse, extract);
	return {
		warehouse,
		async dispose() {
			await warehouse.close();
			for (const f of [file, `${file}.wal`, `${file}.cellkey`, `${file}.audit-anchor`]) rmSync(f, { force: true });
			rmSync(`${file}.staging`, { recursive: true, force: true });
		}
	};
}
