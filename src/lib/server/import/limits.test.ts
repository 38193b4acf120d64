/**
 * Bounded work per byte (issue 9): every limit of ./limits.ts refuses a file naming it and the
 * limit, the CSV pass keeps no state per line, stray and CR-only line ends are refused with the
 * record, a time limit rolls the import back, a reader that stops takes nothing down, and the
 * staging directory is emptied after an import and when a warehouse is opened.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot, snapshot, tempDir, writeExtract, writeParquet } from '../testing/extract.ts';
import { openWarehouse, query } from '../warehouse/warehouse.ts';
import { CsvReadError, numberCsvRecords } from './csv-records.ts';
import { importExtract } from './import.ts';
import { DEFAULT_LIMITS, importLimits } from './limits.ts';
import { busyReaderPids } from './reader.ts';

afterAll(() => removeTempRoot());

const AGENCIES = 'agency_code,agency_name,sector\nPOL,Police,police\nCSC,Council,children_social_care\n';

/** Runs the CSV pass over `text` with some limits lowered; the CsvReadError's message and line, or the result. */
async function pass(text: string | Buffer, limits: Partial<typeof DEFAULT_LIMITS> = {}) {
	const dir = tempDir('csv');
	const input = path.join(dir, 'in.csv');
	writeFileSync(input, text);
	try {
		return await numberCsvRecords(input, path.join(dir, 'out.csv'), { ...DEFAULT_LIMITS, ...limits }, 64);
	} catch (e) {
		if (e instanceof CsvReadError) return { error: e.message, line: e.line };
		throw e;
	}
}

describe('the CSV pass: limits, line ends, no state per line', () => {
	it('counts blank lines without keeping them, and refuses a file past the line limit naming the limit', async () => {
		const ok = await pass(`a,b\n${'\n'.repeat(5000)}1,2\n`, { maxLines: 5002 });
		expect(ok).toMatchObject({ records: 1, blankLines: 5000 });
		const flood = await pass(`a,b\n${'\n'.repeat(5001)}1,2\n`, { maxLines: 5002 });
		expect(flood).toEqual({ error: 'has more lines than the limit of 5,002 (FP_IMPORT_MAX_LINES)', line: 5003 });
	});

	it('accepts a file of exactly the line limit', async () => {
		expect(await pass('a,b\n1,2\n3,4\n', { maxLines: 3 })).toMatchObject({ records: 2 });
		expect(await pass('a,b\n1,2\n3,4\n', { maxLines: 2 })).toMatchObject({ error: expect.stringMatching(/more lines than the limit of 2/), line: 3 });
	});

	it('refuses a record or a field past its limit, even one that never ends', async () => {
		expect(await pass(`a,b\n1,${'x'.repeat(300)}\n`, { maxRecordBytes: 256 })).toEqual({
			error: 'record 2 is longer than the limit of 256 bytes (FP_IMPORT_MAX_RECORD_KB)',
			line: 2
		});
		// A quoted field holding line breaks is one record, measured whole.
		expect(await pass(`a,b\n1,"${'x\n'.repeat(200)}"\n`, { maxRecordBytes: 256 })).toMatchObject({ line: 2, error: expect.stringMatching(/record 2 is longer/) });
		expect(await pass(`a,b\n${'y'.repeat(100)},2\n`, { maxFieldBytes: 64 })).toEqual({
			error: 'record 2 has a field longer than the limit of 64 bytes (FP_IMPORT_MAX_FIELD_KB)',
			line: 2
		});
		// A field of 10 MB without a comma or line end is refused as it comes, not at its end.
		expect(await pass(Buffer.alloc(10 * 2 ** 20, 'z'), { maxFieldBytes: 1024 })).toMatchObject({ line: 1, error: expect.stringMatching(/field longer than the limit of 1 KiB/) });
	});

	it('refuses a header past the column limit', async () => {
		const header = Array.from({ length: 12 }, (_, i) => `c${i}`).join(',');
		expect(await pass(`${header}\n`, { maxColumns: 12 })).toMatchObject({ records: 0 });
		expect(await pass(`${header},c12\n`, { maxColumns: 12 })).toEqual({
			error: 'has more columns than the limit of 12 (FP_IMPORT_MAX_COLUMNS) in its header',
			line: 1
		});
	});

	it('refuses CR-only line ends and a CR outside quotes, naming the record; keeps CRLF and a quoted CR', async () => {
		expect(await pass('a,b\r1,2\r3,4\r')).toMatchObject({ line: 1, error: expect.stringMatching(/carriage return \(CR\) alone as its line end/) });
		expect(await pass('a,b\n1,2\n3,x\ry\n')).toMatchObject({ line: 3, error: expect.stringMatching(/record 3 holds a carriage return \(CR\) outside quotes/) });
		// A CR at a chunk's end (chunks of 64 bytes here) is judged by the next chunk's first byte.
		const long = `${'p'.repeat(62)}\r`;
		expect(await pass(`a\n${long}\nq\n`)).toMatchObject({ records: 2 });
		expect(await pass(`a\n${long}q\n`)).toMatchObject({ line: 2, error: expect.stringMatching(/record 2 holds a carriage return/) });
		expect(await pass('a,b\r\n1,2\r\n\r\n3,"x\ry"\r\n')).toMatchObject({ records: 2, blankLines: 1 });
	});
});

describe('importLimits', () => {
	it('reads each limit from the environment and refuses a bad value naming its variable', () => {
		expect(importLimits({})).toEqual(DEFAULT_LIMITS);
		expect(importLimits({ FP_IMPORT_MAX_LINES: '100', FP_IMPORT_MAX_COLUMNS: '20', FP_UNZIP_LIMIT_MB: '2', FP_IMPORT_TIME_LIMIT_MINUTES: '5' })).toMatchObject({
			maxLines: 100,
			maxRows: 100,
			maxColumns: 20,
			unzipBytes: 2 * 2 ** 20,
			timeLimitMs: 300_000
		});
		expect(() => importLimits({ FP_IMPORT_MAX_COLUMNS: 'lots' })).toThrow(/FP_IMPORT_MAX_COLUMNS must be a whole number/);
		expect(() => importLimits({ FP_IMPORT_MAX_FIELD_KB: '0' })).toThrow(/FP_IMPORT_MAX_FIELD_KB/);
	});
});

describe('an import within its limits, its time and its reader', () => {
	it('refuses a Parquet file past the row limit, naming it', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({});
		await writeParquet(path.join(dir, 'agencies.parquet'), `SELECT 'A' || i AS agency_code, 'n' AS agency_name, 'police' AS sector FROM range(30) t(i)`);
		const report = await importExtract(w, dir, { limits: { ...DEFAULT_LIMITS, maxRows: 20 } });
		expect(report.errors).toEqual([{ file: 'agencies.parquet', message: 'agencies.parquet: has more rows than the limit of 20 (FP_IMPORT_MAX_LINES)' }]);
		await w.close();
	});

	it('stops an import past its time limit and loads nothing', async () => {
		const w = await freshWarehouse();
		const before = await snapshot(w);
		const report = await importExtract(w, writeExtract({ tables: { agencies: AGENCIES } }), { limits: { ...DEFAULT_LIMITS, timeLimitMs: 5 } });
		expect(report.status).toBe('failed');
		expect(report.errors[0].message).toMatch(/took longer than its time limit of 0 seconds \(FP_IMPORT_TIME_LIMIT_MINUTES\) and was stopped; nothing was loaded/);
		expect(await snapshot(w)).toEqual(before);
		// The next import, in time, goes through.
		expect((await importExtract(w, writeExtract({ tables: { agencies: AGENCIES } }))).status).toBe('committed');
		await w.close();
	});

	it('reports a reader that stops as a failed import, and the next import gets a new reader', async () => {
		const w = await freshWarehouse();
		const before = await snapshot(w);
		// A file the reader takes a while over, so that it can be stopped in the middle.
		const rows = Array.from({ length: 200_000 }, (_, i) => `A${i},Agency ${i},police`).join('\n');
		const running = importExtract(w, writeExtract({ tables: { agencies: `agency_code,agency_name,sector\n${rows}\n` } }));
		let pids: number[] = [];
		for (let i = 0; i < 200 && pids.length === 0; i++) {
			await new Promise((r) => setTimeout(r, 25));
			pids = busyReaderPids();
		}
		expect(pids).toHaveLength(1);
		process.kill(pids[0], 'SIGKILL');
		const report = await running;
		expect(report.status).toBe('failed');
		expect(report.errors[0].message).toMatch(/the extract's reader stopped before it finished \(it was stopped by SIGKILL\): nothing was loaded/);
		expect(await snapshot(w)).toEqual(before);
		expect((await importExtract(w, writeExtract({ tables: { agencies: AGENCIES } }))).status).toBe('committed');
		await w.close();
	});

	it('leaves nothing in staging after an import, and empties what a stopped process left when the warehouse is opened', async () => {
		const w = await freshWarehouse();
		await importExtract(w, writeExtract({ tables: { agencies: AGENCIES } }));
		await importExtract(w, writeExtract({ tables: { agencies: 'agency_code\n\u00ff\n' } }));
		expect(readdirSync(w.stagingDir)).toEqual([]);
		const file = w.file;
		await w.close();
		for (const left of ['import-abc', 'zip-def', 'upload-0123', 'parquet-x']) {
			mkdirSync(path.join(`${file}.staging`, left, 'inner'), { recursive: true });
			writeFileSync(path.join(`${file}.staging`, left, 'inner', 'contacts.csv'), 'data');
		}
		const again = await openWarehouse(file);
		expect(readdirSync(again.stagingDir)).toEqual([]);
		const [{ n }] = await again.read((c) => query<{ n: number }>(c, 'SELECT count(*) AS n FROM agencies'));
		expect(n).toBe(2);
		await again.close();
	});
});
