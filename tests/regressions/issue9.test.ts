/**
 * Issue 9, "Hostile input and bad days": one direct reproduction per numbered failure, as the
 * issue describes it, asserting the fixed behaviour. Each `describe` is headed by the failure's
 * number; where a thorough test exists elsewhere, its comment names it. (9, the audit log
 * reset, is tested by its own work, not here.)
 *
 * All values that look like identifiers are made up: 1234567890 is not a valid NHS number (its
 * check digit fails), so a file holding it reaches the column check rather than the identifier
 * check, which is the path that used to echo it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { readForm } from '../../src/lib/server/http/form.ts';
import { safeNext } from '../../src/lib/server/http/next.ts';
import { importExtract } from '../../src/lib/server/import/import.ts';
import { listQuarantine } from '../../src/lib/server/import/quarantine.ts';
import type { ImportReport } from '../../src/lib/server/import/types.ts';
import { child, freshWarehouse, MANIFEST, removeTempRoot, snapshot, tempDir, writeExtract, writeParquet } from '../../src/lib/server/testing/extract.ts';
import type { Warehouse } from '../../src/lib/server/warehouse/warehouse.ts';

afterAll(() => removeTempRoot());

const A = child('a');
const AGENCIES = 'agency_code,agency_name,sector\nPOL,Police,police\nCSC,Council,children_social_care\n';
const CONTACTS_HEADER = 'contact_id,child_id,received_at,source_code,source_agency_code';
/** Made up: ten digits whose NHS check digit fails. */
const DIGITS = '1234567890';

/** A zip of `entries` (name → text or bytes) written to a temp folder as `name`. */
async function writeZip(name: string, entries: Record<string, string | Buffer>): Promise<string> {
	const zip = new yazl.ZipFile();
	for (const [entry, content] of Object.entries(entries)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), entry);
	zip.end();
	const chunks: Buffer[] = [];
	for await (const c of zip.outputStream) chunks.push(c as Buffer);
	const file = path.join(tempDir('zip'), name);
	writeFileSync(file, Buffer.concat(chunks));
	return file;
}

const manifestText = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...MANIFEST, ...extra });

/** Imports `source` into `w`, expects it refused with nothing changed, and returns the report. */
async function refusedImport(w: Warehouse, source: string, options: Parameters<typeof importExtract>[2] = {}): Promise<ImportReport> {
	const before = await snapshot(w);
	const report = await importExtract(w, source, { actor: 'test', ...options });
	expect(report.status, JSON.stringify(report)).toBe('failed');
	expect(report.batch_id).toBeNull();
	expect(await snapshot(w)).toEqual(before);
	return report;
}

/** The report's messages, one a line. */
const messages = (report: ImportReport) => report.errors.map((e) => e.message).join('\n');

// ---------------------------------------------------------------------------------------------

// Failure 3: raw engine errors. A stray CR inside a field gave DuckDB's "CSV Parser state
// machine reached an invalid state" with the staging path; a Parquet column named
// `Agency_Code` gave an internal "not an allowed identifier".
// (Thorough: src/lib/server/import/limits.test.ts, "refuses CR-only line ends and a CR outside quotes".)
describe('failure 3: engine errors are said in the project’s words', () => {
	it('a stray CR inside an unquoted field: the file and record, no engine words, no staging path', async () => {
		const w = await freshWarehouse();
		const contacts = `${CONTACTS_HEADER}\nc1,${A},2024-06-03 09:00,6,POL\nc2,${A},2024-06-03 09:00,6,P\rOL\nc3,${A},2024-06-03 09:00,6,POL\n`;
		const report = await refusedImport(w, writeExtract({ tables: { agencies: AGENCIES, contacts } }));
		expect(report.errors).toEqual([{ file: 'contacts.csv', line: 3, message: expect.stringMatching(/^contacts\.csv: record 3 holds a carriage return \(CR\) outside quotes/) }]);
		const text = JSON.stringify(report);
		expect(text).not.toMatch(/state machine|invalid state|CSV Parser/i);
		expect(text).not.toContain(w.stagingDir);
		expect(text).not.toMatch(/staging|import-|\.numbered|\/tmp\//);
		await w.close();
	});

	it('a Parquet column named Agency_Code: the name to write, no internal identifier error', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({});
		await writeParquet(path.join(dir, 'agencies.parquet'), `SELECT 'POL' AS Agency_Code, 'Police' AS agency_name, 'police' AS sector`);
		const report = await refusedImport(w, dir);
		expect(report.errors).toEqual([
			{ file: 'agencies.parquet', line: 1, message: 'agencies.parquet: unknown column "Agency_Code": column names are exact and lowercase (write agency_code)' }
		]);
		expect(JSON.stringify(report)).not.toMatch(/allowed identifier|staging|parquet-|\/tmp\//i);
		await w.close();
	});
});

// ---------------------------------------------------------------------------------------------

// Failure 4: identifiers echoed. A CSV without a header row gave `unknown column "0364262125"`
// (an NHS number); the manifest's supplied_by, file names, zip folder names and Parquet column
// names were echoed; a TIMESTAMP in a Parquet birth_month passed the date-of-birth check and the
// full date went into the quarantine's row JSON; a 2 MB column name was echoed whole.
// (Names: src/lib/server/import/names.ts. The identifier check itself:
// src/lib/server/identifiers/import-check.test.ts.)
describe('failure 4: a name that could be data is shown by its place, never echoed', () => {
	it('a CSV without its header row: "an unexpected column (position 1)", not its first record', async () => {
		const w = await freshWarehouse();
		const contacts = `${DIGITS},${A},2024-06-03 09:00,6,POL\n`;
		const report = await refusedImport(w, writeExtract({ tables: { agencies: AGENCIES, contacts } }));
		expect(report.errors).toHaveLength(1);
		expect(report.errors[0]).toMatchObject({ file: 'contacts.csv', line: 1 });
		expect(report.errors[0].message).toMatch(/^contacts\.csv: an unexpected column \(position 1\) in the header, whose name is not shown .* is the header row missing\?$/);
		const text = JSON.stringify(report);
		expect(text).not.toContain(DIGITS);
		expect(text).not.toContain(A);
		await w.close();
	});

	it('the manifest’s supplied_by: described, not quoted', async () => {
		const w = await freshWarehouse();
		for (const supplier of [DIGITS, 'Jane Example, 12 Any Street']) {
			const report = await refusedImport(w, writeExtract({ manifest: { supplied_by: supplier }, tables: { agencies: AGENCIES } }));
			expect(messages(report)).toBe('manifest.json: supplied_by a value that is not an agency code is neither "partnership" nor an agency of this extract or the warehouse');
			expect(JSON.stringify(report)).not.toContain(supplier);
		}
		await w.close();
	});

	it('a file name in a folder: by its place', async () => {
		const w = await freshWarehouse();
		const report = await refusedImport(w, writeExtract({ tables: { agencies: AGENCIES }, files: { [`${DIGITS}.csv`]: 'x\n' } }));
		expect(messages(report)).toMatch(/^an unexpected file \(the 1st of the folder\): unknown file: /);
		expect(JSON.stringify(report)).not.toContain(DIGITS);
		await w.close();
	});

	it('a zip’s own name, its folder’s name and an entry’s name: never shown, nor stored in the batch', async () => {
		const w = await freshWarehouse();
		const folder = `Jane Example ${DIGITS}`;
		const bad = await writeZip(`${DIGITS} extract.zip`, {
			[`${folder}/manifest.json`]: manifestText(),
			[`${folder}/agencies.csv`]: AGENCIES,
			[`${folder}/notes ${DIGITS}.txt`]: 'x'
		});
		const report = await refusedImport(w, bad);
		expect(messages(report)).toMatch(/^an unexpected file \(the 3rd of the folder\): unknown file: /);
		expect(JSON.stringify(report)).not.toMatch(new RegExp(`${DIGITS}|Jane`));
		// Two top-level folders: the zip's shape is refused without naming them.
		const two = await writeZip(`${DIGITS}.zip`, { [`${folder}/manifest.json`]: manifestText(), [`Other ${DIGITS}/agencies.csv`]: AGENCIES });
		const shape = await refusedImport(w, two);
		expect(messages(shape)).toBe('the extract: the zip must hold one extract: its files at the root or in one folder');
		// A zip that loads: the batch records "the extract", not the zip's name.
		const good = await writeZip(`${DIGITS}.zip`, { [`${folder}/manifest.json`]: manifestText(), [`${folder}/agencies.csv`]: AGENCIES });
		expect((await importExtract(w, good, { actor: 'test' })).status).toBe('committed');
		const batches = await w.read((c) => c.runAndReadAll('SELECT source FROM batches'));
		expect(batches.getRowObjectsJS()).toEqual([{ source: 'the extract' }]);
		await w.close();
	});

	it('Parquet column names: by position', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({});
		await writeParquet(path.join(dir, 'agencies.parquet'), `SELECT 'POL' AS agency_code, 'Police' AS agency_name, 'police' AS sector, 1 AS "Jane Example ${DIGITS}"`);
		const report = await refusedImport(w, dir);
		expect(messages(report)).toMatch(/^agencies\.parquet: an unexpected column \(position 4\) in the header, whose name is not shown/);
		expect(JSON.stringify(report)).not.toMatch(new RegExp(`${DIGITS}|Jane`));
		await w.close();
	});

	it('a TIMESTAMP in a Parquet birth_month is a full date of birth: refused, and neither the report nor the quarantine holds it', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({ tables: { agencies: AGENCIES } });
		await writeParquet(
			path.join(dir, 'children.parquet'),
			`SELECT '${A}' AS child_id, TIMESTAMP '2015-03-14 00:00:00' AS birth_month, 'female' AS sex, 'no' AS disability`
		);
		const report = await refusedImport(w, dir);
		expect(report.errors).toEqual([
			{ file: 'children.parquet', line: 1, message: expect.stringMatching(/^children\.parquet: column "birth_month" holds a full date of birth \(1 cell, first in record 1\)/) }
		]);
		expect(JSON.stringify(report)).not.toMatch(/2015-03-14|14\/03\/2015/);
		expect(await listQuarantine(w, { status: 'all' })).toEqual([]);
		await w.close();
	});

	it('a 2 MB column name: refused by its size or described, never echoed', async () => {
		const w = await freshWarehouse();
		const long = `${DIGITS}${'x'.repeat(2 * 2 ** 20)}`;
		const csv = await refusedImport(w, writeExtract({ tables: { agencies: `agency_code,agency_name,sector,${long}\nPOL,Police,police,1\n` } }));
		expect(csv.errors).toEqual([{ file: 'agencies.csv', line: 1, message: 'agencies.csv: record 1 has a field longer than the limit of 64 KiB (FP_IMPORT_MAX_FIELD_KB)' }]);
		const dir = writeExtract({});
		await writeParquet(path.join(dir, 'agencies.parquet'), `SELECT 'POL' AS agency_code, 'Police' AS agency_name, 'police' AS sector, 1 AS "${long}"`);
		const parquet = await refusedImport(w, dir);
		expect(messages(parquet)).toMatch(/^agencies\.parquet: an unexpected column \(position 4\)/);
		for (const r of [csv, parquet]) {
			expect(JSON.stringify(r).length).toBeLessThan(2000);
			expect(JSON.stringify(r)).not.toMatch(/xxxxxxxx|1234567890/);
		}
		await w.close();
	});
});

// ---------------------------------------------------------------------------------------------

// Failure 5: an open redirect: safeNext let `/\t/host` through (a browser drops the tab and goes
// to //host). (Thorough: src/lib/server/http/next.test.ts; in a browser:
// tests/browser/hostile-input.test.ts.)
describe('failure 5: next stays on the site', () => {
	it('refuses /\\t/host and its cousins, keeps a real path', () => {
		for (const hostile of ['/\t/evil.example', '/\n/evil.example', '/\r/evil.example', '/\\evil.example', '//evil.example', '/.//evil.example', '/%2e//evil.example']) {
			expect(safeNext(hostile), JSON.stringify(hostile)).toBe('/');
		}
		expect(safeNext('/need?area=N#top')).toBe('/need?area=N#top');
	});
});

// Failure 6: malformed request bodies gave 500 (request.formData() threw). (Thorough:
// src/lib/server/http/form.test.ts; against every form action: tests/browser/hostile-input.test.ts.)
describe('failure 6: a body that is not a form is the sender’s mistake (400), never a 500', () => {
	const post = (body: string, contentType: string) => ({
		request: new Request('http://app.test/login', { method: 'POST', body, headers: { 'content-type': contentType } })
	});
	it('refuses garbage multipart, a missing boundary, bad percent-escapes and text/plain with 400', async () => {
		for (const [body, type] of [
			['garbage', 'multipart/form-data; boundary=XyZ'],
			['--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b', 'multipart/form-data; boundary=XyZ'],
			['email=a', 'multipart/form-data'],
			['email=%E0%A4%A', 'application/x-www-form-urlencoded'],
			['email=a@b.test', 'text/plain']
		]) {
			const read = await readForm(post(body, type));
			expect(read, `${type}: ${body}`).toMatchObject({ ok: false, status: 400 });
		}
		expect(await readForm(post('email=a%40b.test', 'application/x-www-form-urlencoded'))).toMatchObject({ ok: true });
	});
});
