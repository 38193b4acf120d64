import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.ts';
import { importExtract } from '../import/import.ts';
import { openExtract, type OpenedExtract } from '../import/source.ts';
import { stageFile, type StagedFile } from '../import/stage.ts';
import { freshWarehouse, removeTempRoot, tempDir } from '../testing/extract.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { ident } from '../warehouse/sql.ts';
import { fullDate, hex, nhsNumber, postcode, upn } from './arbitraries.ts';
import { findIdentifierColumns, findIdentifiers, type IdentifierFinding } from './check.ts';
import type { IdentifierKind } from './validators.ts';

afterAll(() => removeTempRoot());

/** The demo generator's small extract, staged once into the writer connection's temp tables. */
let warehouse: Warehouse;
let extractDir: string;
let opened: OpenedExtract;
let staged: StagedFile[];
const lines = new Map<string, number[]>();

beforeAll(async () => {
	const out = tempDir('demo');
	const result = await generateDemo({ outDir: out, children: 500, years: 1, end: '2025-03-31', seed: 7, threads: 2 });
	extractDir = result.extractDir;
	warehouse = await freshWarehouse();
	// DuckDB reads files only under the warehouse's staging directory.
	const workDir = await mkdtemp(path.join(warehouse.stagingDir, 'work-'));
	opened = await openExtract(extractDir, workDir);
	staged = await warehouse.write(async (conn) => {
		const files: StagedFile[] = [];
		for (const f of opened.files) files.push(await stageFile(conn, f, workDir, opened.manifest.extracted_on, 0));
		for (const s of files) {
			const rows = await query<{ l: number }>(conn, `SELECT _line AS l FROM ${s.table} ORDER BY _line`);
			lines.set(s.table, rows.map((r) => Number(r.l)));
		}
		return files;
	});
}, 120_000);

afterAll(async () => {
	await warehouse?.close();
});

describe('no false alarms', () => {
	it('finds nothing in the demo generator’s extract', async () => {
		expect(staged.length).toBeGreaterThan(10);
		const found = await warehouse.write(async (conn) => [
			...(await findIdentifierColumns(conn, opened.files)),
			...(await findIdentifiers(conn, staged))
		]);
		expect(found).toEqual([]);
	});

	it('imports the demo extract', async () => {
		const w = await freshWarehouse();
		const report = await importExtract(w, extractDir, { actor: 'test' });
		expect(report.errors).toEqual([]);
		expect(report.status).toBe('committed');
		await w.close();
	}, 120_000);

	it('finds nothing in random pseudonyms and record ids planted anywhere', async () => {
		await fc.assert(
			fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), fc.oneof(hex(64), hex(32)), async (t, r, c, value) => {
				expect(await plant(t, r, c, value, () => true)).toEqual([]);
			}),
			{ numRuns: 40 }
		);
	});
});

/**
 * Sets one cell of a staged demo table to `value` (table, row and column chosen by the three
 * numbers among those `columnOk` allows), scans that table, restores the cell; returns the findings.
 */
async function plant(t: number, r: number, c: number, value: string, columnOk: (table: string, column: string) => boolean) {
	const candidates = staged.filter((s) => s.file.table.columns.some((col) => columnOk(s.file.table.name, col.name)) && lines.get(s.table)!.length > 0);
	const s = candidates[t % candidates.length];
	const columns = s.file.table.columns.filter((col) => columnOk(s.file.table.name, col.name));
	const column = columns[c % columns.length].name;
	const ls = lines.get(s.table)!;
	const line = ls[r % ls.length];
	return warehouse.write(async (conn) => {
		const [{ old }] = await query<{ old: string | null }>(conn, `SELECT ${ident(column)} AS old FROM ${s.table} WHERE _line = $line`, { line });
		await exec(conn, `UPDATE ${s.table} SET ${ident(column)} = $value WHERE _line = $line`, { value, line });
		try {
			const found = await findIdentifiers(conn, [s]);
			return found.map((f) => ({ ...f, planted: { file: s.file.name, column, line } }));
		} finally {
			await exec(conn, `UPDATE ${s.table} SET ${ident(column)} = $old WHERE _line = $line`, { old, line });
		}
	});
}

describe('finds every identifier planted in a random cell', () => {
	const cases: [IdentifierKind, fc.Arbitrary<string>, (table: string, column: string) => boolean][] = [
		['nhs_number', nhsNumber, () => true],
		['upn', upn, () => true],
		['postcode', postcode, () => true],
		['birth_date', fullDate, (_t, column) => column.includes('birth') || column.includes('dob')]
	];
	for (const [kind, value, columnOk] of cases) {
		it(kind, async () => {
			await fc.assert(
				fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), value, async (t, r, c, v) => {
					const found = await plant(t, r, c, v, columnOk);
					expect(found).toHaveLength(1);
					const [f] = found;
					const expected: IdentifierFinding = { file: f.planted.file, column: f.planted.column, position: null, where: 'cells', kind, cells: 1, line: f.planted.line };
					expect({ file: f.file, column: f.column, position: f.position, where: f.where, kind: f.kind, cells: f.cells, line: f.line }).toEqual(expected);
				}),
				{ numRuns: 60 }
			);
		}, 120_000);
	}
});
