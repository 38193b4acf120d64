/**
 * The fuzz suite's inputs: a valid small extract full of distinctive marker values, and
 * fast-check plans of mutations of its CSV files, its manifest, its folder and its zip.
 * A plan is plain data (so that fast-check can print and shrink it); `buildCase` turns it into
 * files on disk. Only tests import this module.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import yazl from 'yazl';
import { findTable } from '../../src/lib/server/schema/tables.ts';
import { nhsCheckDigit } from '../../src/lib/server/identifiers/validators.ts';
import { child, MANIFEST, tempDir, toCsv, writeParquet } from '../../src/lib/server/testing/extract.ts';
import { DEFAULT_LIMITS, type ImportLimits } from '../../src/lib/server/import/limits.ts';
import { prng } from '../../src/lib/server/testing/random.ts';

/** The limits every fuzz case runs under: low, so that a case past one stays small and fast. */
export const FUZZ_LIMITS: ImportLimits = {
	...DEFAULT_LIMITS,
	maxLines: 300,
	maxRows: 300,
	maxRecordBytes: 4096,
	maxFieldBytes: 1024,
	maxColumns: 40,
	unzipBytes: 1024 * 1024,
	maxZipEntries: 30,
	timeLimitMs: 60_000
};

/** The same limits as the command line's environment (its variables are in KiB and MiB). */
export const FUZZ_LIMITS_ENV: Record<string, string> = {
	FP_IMPORT_MAX_LINES: String(FUZZ_LIMITS.maxLines),
	FP_IMPORT_MAX_RECORD_KB: String(FUZZ_LIMITS.maxRecordBytes / 1024),
	FP_IMPORT_MAX_FIELD_KB: String(FUZZ_LIMITS.maxFieldBytes / 1024),
	FP_IMPORT_MAX_COLUMNS: String(FUZZ_LIMITS.maxColumns),
	FP_UNZIP_LIMIT_MB: String(FUZZ_LIMITS.unzipBytes / 2 ** 20),
	FP_IMPORT_TIME_LIMIT_MINUTES: '1'
};

// ---------------------------------------------------------------------------------------------
// Markers: values no message may ever show. Data markers go into cells and column names;
// name markers into file, folder and zip names (a plain name may be shown: names.ts).

export { prng };

export class Markers {
	private readonly next: () => number;
	/** Every data marker made (text tokens and digit strings). */
	readonly data: string[] = [];
	/** Every name marker made. */
	readonly names: string[] = [];
	constructor(seed: number) {
		this.next = prng(seed);
	}
	private chars(n: number, alphabet: string): string {
		let s = '';
		for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
		return s;
	}
	/** `ZQXD` and 6 letters or digits: a valid id and a valid text. */
	token(): string {
		const t = `ZQXD${this.chars(6, 'abcdefghjkmnpqrstuvwxyz23456789')}`;
		this.data.push(t);
		return t;
	}
	/** 10 digits whose NHS check digit fails: NHS-like, but not refused at the door. */
	fakeNhs(): string {
		for (;;) {
			const first9 = `9${this.chars(8, '0123456789')}`;
			const check = nhsCheckDigit(first9);
			const wrong = check === null ? 0 : (check + 1 + Math.floor(this.next() * 8)) % 10;
			const n = `${first9}${wrong}`;
			if (check !== null && wrong === check) continue;
			this.data.push(n);
			return n;
		}
	}
	/** A valid NHS number (synthetic: 9 then random digits), which the identifier check refuses. */
	validNhs(): string {
		for (;;) {
			const first9 = `9${this.chars(8, '0123456789')}`;
			const check = nhsCheckDigit(first9);
			if (check === null) continue;
			const n = `${first9}${check}`;
			this.data.push(n);
			return n;
		}
	}
	/** A name marker: `ZQXN` and 6 characters. */
	name(): string {
		const t = `ZQXN${this.chars(6, 'abcdefghjkmnpqrstuvwxyz23456789')}`;
		this.names.push(t);
		return t;
	}
}

// ---------------------------------------------------------------------------------------------
// The valid extract.

export const CHILD_A = child('fuzz-a');
export const CHILD_B = child('fuzz-b');
export const CHILD_C = child('fuzz-c');

export type Tables = Record<string, string>;

/** The valid small extract: every table's CSV text, its cells full of markers. */
export function baseTables(m: Markers): Tables {
	const contact1 = m.token();
	const contact2 = m.token();
	const referral1 = m.token();
	return {
		'agencies.csv': toCsv([
			{ agency_code: 'POL', agency_name: m.token(), sector: 'police' },
			{ agency_code: 'CSC', agency_name: m.fakeNhs(), sector: 'children_social_care' },
			{ agency_code: 'HLT', agency_name: `${m.token()} trust`, sector: 'health' }
		]),
		'areas.csv': toCsv([
			{ area_code: 'N1', area_name: m.token(), population_year: 2024, child_population: 1000 },
			{ area_code: 'S1', area_name: m.fakeNhs(), population_year: 2024, child_population: 2000 }
		]),
		'children.csv': toCsv([
			{ child_id: CHILD_A, birth_month: '2015-03', sex: 'female', ethnicity: 'WBRI', disability: 'no', area_code: 'N1' },
			{ child_id: CHILD_B, birth_month: '2020-11', sex: 'male', ethnicity: '', disability: 'unknown', area_code: 'S1' },
			{ child_id: CHILD_C, birth_month: '2012-07', sex: 'unknown', ethnicity: 'AOTH', disability: 'yes', area_code: '' }
		]),
		'contacts.csv': toCsv([
			{ contact_id: contact1, child_id: CHILD_A, received_at: '2024-06-03 09:00', source_code: '6', source_agency_code: 'POL', outcome: 'referral', decided_at: '2024-06-03 10:00' },
			{ contact_id: contact2, child_id: CHILD_B, received_at: '2024-10-27 01:30', source_code: '1A', source_agency_code: 'HLT', outcome: '', decided_at: '' },
			{ contact_id: m.token(), child_id: CHILD_C, received_at: '2024-06-03T23:30:00Z', source_code: '3A', source_agency_code: '', outcome: 'early_help', decided_at: '2024-06-05 10:00' },
			{ contact_id: m.fakeNhs(), child_id: CHILD_A, received_at: '2024-07-01 12:00:30.5+01:00', source_code: '10', source_agency_code: 'CSC', outcome: '', decided_at: '' }
		]),
		'referrals.csv': toCsv([
			{ referral_id: referral1, child_id: CHILD_A, contact_id: contact1, received_at: '2024-06-03 11:00', source_code: '6', source_agency_code: 'POL', primary_need_code: 'N1', concerns: 'neglect; domestic_abuse', decided_at: '2024-06-04 09:00', outcome: 'assessment' },
			{ referral_id: m.token(), child_id: CHILD_B, contact_id: contact2, received_at: '2024-11-01 09:00', source_code: '1A', source_agency_code: '', primary_need_code: '', concerns: '', decided_at: '', outcome: '' }
		]),
		'assessments.csv': toCsv([
			{ assessment_id: m.token(), child_id: CHILD_A, referral_id: referral1, started_on: '2024-06-05', completed_on: '2024-07-01', factors: '21' },
			{ assessment_id: m.fakeNhs(), child_id: CHILD_B, referral_id: '', started_on: '2024-11-02', completed_on: '', factors: '' }
		]),
		'info_requests.csv': toCsv([
			{ request_id: m.token(), child_id: CHILD_A, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'urgent', requested_at: '2024-06-03 12:00', acknowledged_at: '2024-06-03 13:00', responded_at: '2024-06-04 09:00' },
			{ request_id: m.token(), child_id: '', requesting_agency_code: 'HLT', responding_agency_code: 'CSC', priority: 'routine', requested_at: '2024-06-10 12:00', acknowledged_at: '', responded_at: '' }
		])
	};
}

export const TABLE_FILES = ['agencies.csv', 'areas.csv', 'children.csv', 'contacts.csv', 'referrals.csv', 'assessments.csv', 'info_requests.csv'];

// ---------------------------------------------------------------------------------------------
// Plans.

const frac = fc.integer({ min: 0, max: 9999 }).map((n) => n / 10000);
const fileIndex = fc.integer({ min: 0, max: TABLE_FILES.length - 1 });
const rowIndex = fc.integer({ min: 0, max: 5 });
const colIndex = fc.integer({ min: 0, max: 9 });

export type CsvOp =
	| { op: 'truncate'; at: number }
	| { op: 'delimiter'; to: string; scope: 'all' | 'header' | 'row'; row: number }
	| { op: 'bom'; where: 'start' | 'double' | 'middle' | 'utf16le' | 'utf16be' | 'alone' }
	| { op: 'quote'; kind: 'stray' | 'unclosed' | 'afterClose' | 'wrapRow' | 'quotedNewline' | 'quotedCr'; at: number; row: number; col: number }
	| { op: 'hugeField'; row: number; col: number; size: number; marker: boolean }
	| { op: 'hugeHeader'; extra: number }
	| { op: 'blankFlood'; count: number; at: number; crlf: boolean }
	| { op: 'invalidUtf8'; at: number; bytes: readonly number[] }
	| { op: 'nul'; at: number; inHeader: boolean }
	| { op: 'lineEnds'; kind: 'crOnly' | 'crlf' | 'mixed' | 'strayCr' | 'crAtEnd'; at: number }
	| { op: 'date'; row: number; col: number; value: string }
	| { op: 'duplicateRow'; row: number; times: number }
	| { op: 'dangling'; row: number; col: number }
	| { op: 'marker'; row: number; col: number; kind: 'token' | 'fakeNhs' | 'validNhs' | 'spacedNhs' | 'postcode' | 'birthDate' }
	| { op: 'header'; kind: 'drop' | 'upper' | 'duplicate' | 'unknown' | 'unknownDigits' | 'identifier' | 'remove' | 'quoted' | 'spaces'; col: number }
	| { op: 'fields'; row: number; add: boolean }
	| { op: 'byte'; at: number; value: number }
	| { op: 'whole'; kind: 'empty' | 'headerOnly' | 'bomOnly' | 'newlines' | 'binary' }
	| { op: 'swapLines'; a: number; b: number };

export const csvOp: fc.Arbitrary<CsvOp> = fc.oneof(
	fc.record({ op: fc.constant('truncate' as const), at: frac }),
	fc.record({ op: fc.constant('delimiter' as const), to: fc.constantFrom(';', '\t', '|', ', '), scope: fc.constantFrom('all' as const, 'header' as const, 'row' as const), row: rowIndex }),
	fc.record({ op: fc.constant('bom' as const), where: fc.constantFrom('start' as const, 'double' as const, 'middle' as const, 'utf16le' as const, 'utf16be' as const, 'alone' as const) }),
	fc.record({
		op: fc.constant('quote' as const),
		kind: fc.constantFrom('stray' as const, 'unclosed' as const, 'afterClose' as const, 'wrapRow' as const, 'quotedNewline' as const, 'quotedCr' as const),
		at: frac,
		row: rowIndex,
		col: colIndex
	}),
	fc.record({ op: fc.constant('hugeField' as const), row: rowIndex, col: colIndex, size: fc.integer({ min: 900, max: 6000 }), marker: fc.boolean() }),
	fc.record({ op: fc.constant('hugeHeader' as const), extra: fc.integer({ min: 20, max: 60 }) }),
	fc.record({ op: fc.constant('blankFlood' as const), count: fc.integer({ min: 1, max: 700 }), at: frac, crlf: fc.boolean() }),
	fc.record({
		op: fc.constant('invalidUtf8' as const),
		at: frac,
		bytes: fc.constantFrom([0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80])
	}),
	fc.record({ op: fc.constant('nul' as const), at: frac, inHeader: fc.boolean() }),
	fc.record({ op: fc.constant('lineEnds' as const), kind: fc.constantFrom('crOnly' as const, 'crlf' as const, 'mixed' as const, 'strayCr' as const, 'crAtEnd' as const), at: frac }),
	fc.record({
		op: fc.constant('date' as const),
		row: rowIndex,
		col: colIndex,
		value: fc.constantFrom(
			'2024-02-30',
			'2023-02-29',
			'2024-13-01',
			'0000-00-00',
			'2024-00-10',
			'1899-12-31',
			'2041-01-01',
			'99999-01-01',
			'2024-03-31 01:30',
			'2024-06-03 24:00',
			'2024-06-03 23:60',
			'2024-06-03T09:00+25:00',
			'2024-06-03 09:00:00.1234567',
			'2024-6-3',
			'03/06/2024',
			'2024-06',
			'9223372036854775807',
			'-1',
			'  2024-06-03  ',
			'2024-06-03T09:00:00ZZ'
		)
	}),
	fc.record({ op: fc.constant('duplicateRow' as const), row: rowIndex, times: fc.integer({ min: 1, max: 3 }) }),
	fc.record({ op: fc.constant('dangling' as const), row: rowIndex, col: colIndex }),
	fc.record({
		op: fc.constant('marker' as const),
		row: rowIndex,
		col: colIndex,
		kind: fc.constantFrom('token' as const, 'fakeNhs' as const, 'validNhs' as const, 'spacedNhs' as const, 'postcode' as const, 'birthDate' as const)
	}),
	fc.record({
		op: fc.constant('header' as const),
		kind: fc.constantFrom(
			'drop' as const,
			'upper' as const,
			'duplicate' as const,
			'unknown' as const,
			'unknownDigits' as const,
			'identifier' as const,
			'remove' as const,
			'quoted' as const,
			'spaces' as const
		),
		col: colIndex
	}),
	fc.record({ op: fc.constant('fields' as const), row: rowIndex, add: fc.boolean() }),
	fc.record({ op: fc.constant('byte' as const), at: frac, value: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ op: fc.constant('whole' as const), kind: fc.constantFrom('empty' as const, 'headerOnly' as const, 'bomOnly' as const, 'newlines' as const, 'binary' as const) }),
	fc.record({ op: fc.constant('swapLines' as const), a: rowIndex, b: rowIndex })
);

export type ExtractOp =
	| { op: 'csv'; file: number; mutation: CsvOp }
	| { op: 'dropFile'; file: number }
	| { op: 'manifest'; kind: 'missing' | 'badJson' | 'unknownKey' | 'supplier' | 'supplierNhs' | 'badDate' | 'impossibleDate' | 'huge' | 'notUtf8' | 'bom' | 'periods' | 'array' | 'version' }
	| { op: 'rename'; file: number; to: 'marker' | 'markerDigits' | 'markerOdd' | 'upper' | 'parquet' | 'txt' }
	| { op: 'extraFile'; kind: 'marker' | 'hidden' | 'folder' | 'symlinkOut' | 'symlinkTable' | 'nestedZip' | 'garbageParquet' }
	| { op: 'parquet'; file: number; kind: 'text' | 'typed' | 'markerColumn' | 'upperColumn' | 'truncated' | 'flip'; at: number };

export const extractOp: fc.Arbitrary<ExtractOp> = fc.oneof(
	{ weight: 8, arbitrary: fc.record({ op: fc.constant('csv' as const), file: fileIndex, mutation: csvOp }) },
	{ weight: 1, arbitrary: fc.record({ op: fc.constant('dropFile' as const), file: fileIndex }) },
	{
		weight: 1,
		arbitrary: fc.record({
			op: fc.constant('manifest' as const),
			kind: fc.constantFrom(
				'missing' as const,
				'badJson' as const,
				'unknownKey' as const,
				'supplier' as const,
				'supplierNhs' as const,
				'badDate' as const,
				'impossibleDate' as const,
				'huge' as const,
				'notUtf8' as const,
				'bom' as const,
				'periods' as const,
				'array' as const,
				'version' as const
			)
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			op: fc.constant('rename' as const),
			file: fileIndex,
			to: fc.constantFrom('marker' as const, 'markerDigits' as const, 'markerOdd' as const, 'upper' as const, 'parquet' as const, 'txt' as const)
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			op: fc.constant('extraFile' as const),
			kind: fc.constantFrom('marker' as const, 'hidden' as const, 'folder' as const, 'symlinkOut' as const, 'symlinkTable' as const, 'nestedZip' as const, 'garbageParquet' as const)
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			op: fc.constant('parquet' as const),
			file: fileIndex,
			kind: fc.constantFrom('text' as const, 'typed' as const, 'markerColumn' as const, 'upperColumn' as const, 'truncated' as const, 'flip' as const),
			at: frac
		})
	}
);

export type ZipOp =
	| { op: 'truncate'; at: number }
	| { op: 'flip'; at: number; value: number }
	| { op: 'bomb'; file: number; declared: boolean; factor: number }
	| { op: 'lyingSize'; file: number; smaller: boolean }
	| { op: 'traversal'; kind: 'dotdot' | 'absolute' | 'backslash' | 'nested' | 'dot' | 'emptyPart' }
	| { op: 'symlink'; target: 'manifest' | 'etc' | 'dir' }
	| { op: 'nestedZip'; asTable: boolean }
	| { op: 'folder'; kind: 'one' | 'two' | 'mixed' | 'markerName' }
	| { op: 'duplicate'; file: number }
	| { op: 'manyEntries'; count: number }
	| { op: 'litter' }
	| { op: 'encrypted'; file: number }
	| { op: 'stored' }
	| { op: 'dirEntry'; name: 'plain' | 'marker' }
	| { op: 'unknownMethod'; file: number };

export const zipOp: fc.Arbitrary<ZipOp> = fc.oneof(
	fc.record({ op: fc.constant('truncate' as const), at: frac }),
	fc.record({ op: fc.constant('flip' as const), at: frac, value: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ op: fc.constant('bomb' as const), file: fileIndex, declared: fc.boolean(), factor: fc.integer({ min: 1, max: 4 }) }),
	fc.record({ op: fc.constant('lyingSize' as const), file: fileIndex, smaller: fc.boolean() }),
	fc.record({ op: fc.constant('traversal' as const), kind: fc.constantFrom('dotdot' as const, 'absolute' as const, 'backslash' as const, 'nested' as const, 'dot' as const, 'emptyPart' as const) }),
	fc.record({ op: fc.constant('symlink' as const), target: fc.constantFrom('manifest' as const, 'etc' as const, 'dir' as const) }),
	fc.record({ op: fc.constant('nestedZip' as const), asTable: fc.boolean() }),
	fc.record({ op: fc.constant('folder' as const), kind: fc.constantFrom('one' as const, 'two' as const, 'mixed' as const, 'markerName' as const) }),
	fc.record({ op: fc.constant('duplicate' as const), file: fileIndex }),
	fc.record({ op: fc.constant('manyEntries' as const), count: fc.integer({ min: 20, max: 40 }) }),
	fc.record({ op: fc.constant('litter' as const) }),
	fc.record({ op: fc.constant('encrypted' as const), file: fileIndex }),
	fc.record({ op: fc.constant('stored' as const) }),
	fc.record({ op: fc.constant('dirEntry' as const), name: fc.constantFrom('plain' as const, 'marker' as const) }),
	fc.record({ op: fc.constant('unknownMethod' as const), file: fileIndex })
);

export interface Plan {
	seed: number;
	/** Which table files the extract holds (a mask over TABLE_FILES; agencies always). */
	tables: boolean[];
	ops: ExtractOp[];
	/** Zipped, with these mutations of the zip; null for a folder. */
	zip: { ops: ZipOp[]; name: 'plain' | 'marker' | 'markerDigits' | 'markerOdd' } | null;
}

const tableMask = fc.array(fc.boolean(), { minLength: TABLE_FILES.length, maxLength: TABLE_FILES.length }).map((m) => m.map((b, i) => i === 0 || b || i < 3));

/** A folder extract with 0 to 3 mutations (mostly of its CSV files). */
export const folderPlan: fc.Arbitrary<Plan> = fc.record({
	seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
	tables: tableMask,
	ops: fc.array(extractOp, { minLength: 0, maxLength: 3 }),
	zip: fc.constant(null)
});

/** A zipped extract: 0 to 2 mutations of its files and 0 to 2 of the zip. */
export const zipPlan: fc.Arbitrary<Plan> = fc.record({
	seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
	tables: tableMask,
	ops: fc.array(extractOp, { minLength: 0, maxLength: 2 }),
	zip: fc.record({
		ops: fc.array(zipOp, { minLength: 0, maxLength: 2 }),
		name: fc.constantFrom('plain' as const, 'marker' as const, 'markerDigits' as const, 'markerOdd' as const)
	})
});

// ---------------------------------------------------------------------------------------------
// Building a case.

/** What a case is on disk, and what its messages may show. */
export interface BuiltCase {
	/** The folder or zip to import. */
	source: string;
	markers: Markers;
	/**
	 * Names that errors may show (names.ts's allow-list: a plain file name of the folder, the
	 * zip's or folder's own plain name). A name marker outside these must never be shown.
	 */
	showable: string[];
}

interface FileSpec {
	name: string;
	data?: Buffer;
	/** A symbolic link to this target (folders); a zip entry with a link's mode (zips). */
	symlink?: string;
	/** A folder (empty, or holding a file). */
	folder?: boolean;
}

const enc = (s: string) => Buffer.from(s, 'utf8');

/** A CSV as records (lines), the header first; the text's own line ends are LF. */
function lines(text: string): string[] {
	const ls = text.split('\n');
	if (ls[ls.length - 1] === '') ls.pop();
	return ls;
}

const join = (ls: string[]) => `${ls.join('\n')}\n`;

/** The fields of one record of our own CSV (toCsv quotes only what needs it; no quoted newlines in the base). */
function fields(line: string): string[] {
	const out: string[] = [];
	let i = 0;
	while (i <= line.length) {
		if (line[i] === '"') {
			let j = i + 1;
			for (;;) {
				if (j >= line.length) break;
				if (line[j] === '"' && line[j + 1] === '"') j += 2;
				else if (line[j] === '"') break;
				else j++;
			}
			out.push(line.slice(i, j + 1));
			i = j + 2;
		} else {
			const j = line.indexOf(',', i);
			const end = j < 0 ? line.length : j;
			out.push(line.slice(i, end));
			i = end + 1;
		}
	}
	return out;
}

const at = (buf: Buffer, f: number) => Math.floor(buf.length * f);

function insertBytes(buf: Buffer, pos: number, bytes: Buffer): Buffer {
	return Buffer.concat([buf.subarray(0, pos), bytes, buf.subarray(pos)]);
}

/** The columns of a file's table; none when the file was renamed to no table's name. */
const columnsOf = (file: string) => findTable(file.replace(/\.(csv|parquet)$/, ''))?.columns ?? [];

/** Column positions of a table whose type is a date or timestamp (for impossible dates), else all. */
function dateColumns(file: string, header: string[]): number[] {
	const table = { columns: columnsOf(file) };
	const idx = header.map((h, i) => ({ h, i })).filter(({ h }) => table.columns.some((c) => c.name === h && (c.type === 'date' || c.type === 'timestamp' || c.type === 'month')));
	return idx.length ? idx.map((x) => x.i) : header.map((_, i) => i);
}

function fkColumns(file: string, header: string[]): number[] {
	const table = { columns: columnsOf(file) };
	const idx = header.map((h, i) => ({ h, i })).filter(({ h }) => table.columns.some((c) => c.name === h && c.fk));
	return idx.map((x) => x.i);
}

/** Applies one CSV mutation to a file's bytes. */
export function mutateCsv(file: string, bytes: Buffer, op: CsvOp, m: Markers): Buffer {
	const text = bytes.toString('utf8');
	const ls = lines(text);
	const dataRow = (r: number) => (ls.length > 1 ? 1 + (r % (ls.length - 1)) : 0);
	const setCell = (r: number, c: number, value: string) => {
		if (ls.length < 2) return enc(text);
		const row = dataRow(r);
		const fs = fields(ls[row]);
		fs[c % fs.length] = value;
		ls[row] = fs.join(',');
		return enc(join(ls));
	};
	switch (op.op) {
		case 'truncate':
			return bytes.subarray(0, at(bytes, op.at));
		case 'delimiter': {
			if (op.scope === 'all') return enc(text.replaceAll(',', op.to));
			const r = op.scope === 'header' ? 0 : dataRow(op.row);
			if (ls[r] !== undefined) ls[r] = ls[r].replaceAll(',', op.to);
			return enc(join(ls));
		}
		case 'bom': {
			const bom = Buffer.from([0xef, 0xbb, 0xbf]);
			if (op.where === 'start') return Buffer.concat([bom, bytes]);
			if (op.where === 'double') return Buffer.concat([bom, bom, bytes]);
			if (op.where === 'middle') return insertBytes(bytes, text.indexOf('\n') + 1, bom);
			if (op.where === 'alone') return bom;
			const le = Buffer.from(text, 'utf16le');
			if (op.where === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
			const be = Buffer.from(le);
			be.swap16();
			return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
		}
		case 'quote': {
			if (op.kind === 'stray') return insertBytes(bytes, at(bytes, op.at), enc('"'));
			if (op.kind === 'unclosed') return setCell(op.row, op.col, `"${m.token()}`);
			if (op.kind === 'afterClose') return setCell(op.row, op.col, `"${m.token()}"${m.token()}`);
			if (op.kind === 'quotedNewline') return setCell(op.row, op.col, `"${m.token()}\n${m.token()}"`);
			if (op.kind === 'quotedCr') return setCell(op.row, op.col, `"${m.token()}\r${m.token()}"`);
			const r = dataRow(op.row);
			if (ls[r] !== undefined) ls[r] = `"${ls[r].replaceAll('"', '""')}"`;
			return enc(join(ls));
		}
		case 'hugeField': {
			const unit = op.marker ? m.token() : 'x';
			return setCell(op.row, op.col, unit.repeat(Math.ceil(op.size / unit.length)).slice(0, op.size));
		}
		case 'hugeHeader': {
			const names = Array.from({ length: op.extra }, () => m.token());
			ls[0] = `${ls[0]},${names.join(',')}`;
			for (let r = 1; r < ls.length; r++) ls[r] = `${ls[r]}${','.repeat(op.extra)}`;
			return enc(join(ls));
		}
		case 'blankFlood': {
			const eol = op.crlf ? '\r\n' : '\n';
			const pos = text.indexOf('\n', at(bytes, op.at));
			const cut = pos < 0 ? text.length : pos + 1;
			return enc(`${text.slice(0, cut)}${eol.repeat(op.count)}${text.slice(cut)}`);
		}
		case 'invalidUtf8':
			return insertBytes(bytes, at(bytes, op.at), Buffer.from(op.bytes));
		case 'nul':
			return insertBytes(bytes, op.inHeader ? Math.min(3, bytes.length) : at(bytes, op.at), Buffer.from([0]));
		case 'lineEnds': {
			if (op.kind === 'crOnly') return enc(text.replaceAll('\n', '\r'));
			if (op.kind === 'crlf') return enc(text.replaceAll('\n', '\r\n'));
			if (op.kind === 'mixed') return enc(ls.map((l, i) => `${l}${i % 2 ? '\r\n' : '\n'}`).join(''));
			if (op.kind === 'crAtEnd') return Buffer.concat([bytes, enc('\r')]);
			return insertBytes(bytes, at(bytes, op.at), enc('\r'));
		}
		case 'date': {
			if (ls.length < 2) return bytes;
			const cols = dateColumns(file, fields(ls[0]));
			return setCell(op.row, cols[op.col % cols.length], op.value.includes(' ') ? op.value : op.value);
		}
		case 'duplicateRow': {
			if (ls.length < 2) return bytes;
			const r = dataRow(op.row);
			for (let i = 0; i < op.times; i++) ls.splice(r + 1, 0, ls[r]);
			return enc(join(ls));
		}
		case 'dangling': {
			if (ls.length < 2) return bytes;
			const cols = fkColumns(file, fields(ls[0]));
			if (cols.length === 0) return setCell(op.row, op.col, m.token());
			return setCell(op.row, cols[op.col % cols.length], m.token());
		}
		case 'marker': {
			const value =
				op.kind === 'token'
					? m.token()
					: op.kind === 'fakeNhs'
						? m.fakeNhs()
						: op.kind === 'validNhs'
							? m.validNhs()
							: op.kind === 'spacedNhs'
								? (() => {
										const n = m.validNhs();
										const s = `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
										m.data.push(s);
										return s;
									})()
								: op.kind === 'postcode'
									? (() => {
											const p = `ZQ${1 + (op.row % 9)} ${op.col % 10}XD`;
											m.data.push(p);
											return p;
										})()
									: '2015-03-14';
			if (op.kind === 'birthDate') {
				// A full date in a birth column: an identifier the door refuses.
				if (ls.length < 2) return bytes;
				const i = fields(ls[0]).indexOf('birth_month');
				if (i >= 0) return setCell(op.row, i, value);
			}
			return setCell(op.row, op.col, value);
		}
		case 'header': {
			const h = fields(ls[0] ?? '');
			const c = op.col % Math.max(1, h.length);
			if (op.kind === 'drop') return enc(join(ls.slice(1)));
			if (op.kind === 'upper') h[c] = h[c].toUpperCase();
			else if (op.kind === 'duplicate') h[(c + 1) % h.length] = h[c];
			else if (op.kind === 'unknown') h[c] = m.token();
			else if (op.kind === 'unknownDigits') h[c] = m.fakeNhs();
			else if (op.kind === 'identifier') h[c] = ['Surname', 'nhs_number', 'DOB', 'address', ' upn '][op.col % 5];
			else if (op.kind === 'quoted') h[c] = `"${h[c]}"`;
			else if (op.kind === 'spaces') h[c] = ` ${h[c]}\t`;
			else if (op.kind === 'remove') {
				h.splice(c, 1);
				for (let r = 1; r < ls.length; r++) {
					const f = fields(ls[r]);
					f.splice(c, 1);
					ls[r] = f.join(',');
				}
			}
			ls[0] = h.join(',');
			return enc(join(ls));
		}
		case 'fields': {
			if (ls.length < 2) return bytes;
			const r = dataRow(op.row);
			if (op.add) ls[r] = `${ls[r]},${m.token()}`;
			else ls[r] = ls[r].replace(/,([^,]*)$/, '$1');
			return enc(join(ls));
		}
		case 'byte': {
			if (bytes.length === 0) return bytes;
			const copy = Buffer.from(bytes);
			copy[Math.min(copy.length - 1, at(copy, op.at))] = op.value;
			return copy;
		}
		case 'whole': {
			if (op.kind === 'empty') return Buffer.alloc(0);
			if (op.kind === 'headerOnly') return enc(`${ls[0] ?? ''}\n`);
			if (op.kind === 'bomOnly') return Buffer.from([0xef, 0xbb, 0xbf, 0x0a]);
			if (op.kind === 'newlines') return enc('\n\n\n');
			return Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 11) % 256));
		}
		case 'swapLines': {
			const a = op.a % ls.length;
			const b = op.b % ls.length;
			[ls[a], ls[b]] = [ls[b], ls[a]];
			return enc(join(ls));
		}
	}
}

/** A zip's bytes from entries (in order), with yazl. */
export function zipBuffer(entries: { name: string; data?: Buffer; mode?: number; dir?: boolean; compress?: boolean }[]): Promise<Buffer> {
	const zip = new yazl.ZipFile();
	for (const e of entries) {
		if (e.dir) zip.addEmptyDirectory(e.name);
		else zip.addBuffer(e.data ?? Buffer.alloc(0), e.name, { ...(e.mode !== undefined ? { mode: e.mode } : {}), compress: e.compress ?? true });
	}
	zip.end();
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
		zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
		zip.outputStream.on('error', reject);
	});
}

/** Replaces every occurrence of `from` by `to` (the same length): entry names in the local and central headers. */
function patchBytes(buf: Buffer, from: string, to: string): Buffer {
	const a = enc(from);
	const b = enc(to);
	if (a.length !== b.length) throw new Error('patchBytes: lengths differ');
	const out = Buffer.from(buf);
	let i = out.indexOf(a);
	while (i >= 0) {
		b.copy(out, i);
		i = out.indexOf(a, i + a.length);
	}
	return out;
}

/** Central directory records of a zip: their offsets and names. */
function centralRecords(buf: Buffer): { offset: number; name: string }[] {
	const out: { offset: number; name: string }[] = [];
	for (let i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0 && i + 46 <= buf.length; i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) {
		const nameLen = buf.readUInt16LE(i + 28);
		out.push({ offset: i, name: buf.subarray(i + 46, i + 46 + nameLen).toString('utf8') });
	}
	return out;
}

/** Patches a field of the central directory record of the entry whose name ends with `suffix`. */
function patchCentral(buf: Buffer, suffix: string, patch: (b: Buffer, offset: number) => void): Buffer {
	const out = Buffer.from(buf);
	const rec = centralRecords(out).find((r) => r.name.endsWith(suffix));
	if (rec) patch(out, rec.offset);
	return out;
}

/** A table file's name for a name mutation. */
function renamed(file: string, to: Extract<ExtractOp, { op: 'rename' }>['to'], m: Markers): string {
	if (to === 'marker') return `${m.name()}.csv`;
	if (to === 'markerDigits') {
		const d = m.fakeNhs();
		return `${d}.csv`;
	}
	if (to === 'markerOdd') return `${m.name()} #${m.fakeNhs().slice(0, 4)}€.csv`;
	if (to === 'upper') return file.toUpperCase();
	if (to === 'parquet') return file.replace(/\.csv$/, '.parquet');
	return file.replace(/\.csv$/, '.txt');
}

function manifestFile(kind: Extract<ExtractOp, { op: 'manifest' }>['kind'], m: Markers): Buffer | null {
	const base = { ...MANIFEST, extracted_on: '2025-04-10' };
	switch (kind) {
		case 'missing':
			return null;
		case 'badJson':
			return enc(`{"format": "multi-agency-extract", "version": 1, "supplied_by": "${m.token()}", ${m.token()}`);
		case 'unknownKey':
			return enc(JSON.stringify({ ...base, [m.token()]: m.token() }));
		case 'supplier':
			return enc(JSON.stringify({ ...base, supplied_by: `${m.token()} ${m.fakeNhs()}` }));
		case 'supplierNhs':
			return enc(JSON.stringify({ ...base, supplied_by: m.validNhs() }));
		case 'badDate':
			return enc(JSON.stringify({ ...base, extracted_on: m.token() }));
		case 'impossibleDate':
			return enc(JSON.stringify({ ...base, extracted_on: '2025-02-30' }));
		case 'huge':
			return enc(JSON.stringify({ ...base, padding: m.token().repeat(7000) }));
		case 'notUtf8':
			return Buffer.concat([enc(JSON.stringify(base).slice(0, 20)), Buffer.from([0xff, 0xfe]), enc(JSON.stringify(base).slice(20))]);
		case 'bom':
			return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(JSON.stringify(base))]);
		case 'periods':
			return enc(JSON.stringify({ ...base, period_start: '2024-04-01', period_end: '2023-03-31' }));
		case 'array':
			return enc(JSON.stringify([base, m.token()]));
		case 'version':
			return enc(JSON.stringify({ ...base, version: 2, format: m.token() }));
	}
}

const sqlName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** How a column of the schema is typed in a `typed` Parquet file: what a source system's export would hold. */
function typedColumn(table: string, name: string): string {
	const c = columnsOf(table).find((x) => x.name === name);
	const col = sqlName(name);
	if (!c) return `${col} AS ${col}`;
	if (c.type === 'int' || c.type === 'number') return `TRY_CAST(${col} AS DOUBLE) AS ${col}`;
	if (c.type === 'date') return `TRY_CAST(${col} AS DATE) AS ${col}`;
	if (c.type === 'timestamp') return `TRY_CAST(${col} AS TIMESTAMP) AS ${col}`;
	if (c.type === 'bool') return `TRY_CAST(${col} AS BOOLEAN) AS ${col}`;
	// A month as a DATE: in birth_month, a full date of birth, which the door refuses.
	if (c.type === 'month') return `TRY_CAST(${col} || '-01' AS DATE) AS ${col}`;
	if (c.type === 'list') return `string_split(${col}, ';') AS ${col}`;
	return `${col} AS ${col}`;
}

/** A table file's CSV as a Parquet file (its columns as text, or typed, or renamed; or damaged), or null if DuckDB cannot read the CSV. */
async function toParquet(file: string, csv: Buffer, op: Extract<ExtractOp, { op: 'parquet' }>, m: Markers): Promise<Buffer | null> {
	const dir = tempDir('parquet');
	const input = path.join(dir, 'in.csv');
	const output = path.join(dir, 'out.parquet');
	writeFileSync(input, csv);
	const header = fields(lines(csv.toString('utf8'))[0] ?? '').map((h) => h.replace(/^"|"$/g, ''));
	const table = file.replace(/\.csv$/, '');
	const source = `read_csv('${input.replaceAll("'", "''")}', header = true, delim = ',', quote = '"', all_varchar = true, auto_detect = false, columns = {${header.map((h, i) => `'c${i}': 'VARCHAR'`).join(', ')}})`;
	const named = header.map((h, i) => `c${i} AS ${sqlName(h)}`).join(', ');
	let select = `SELECT ${named} FROM ${source}`;
	if (op.kind === 'typed') select = `SELECT ${header.map((h) => typedColumn(table, h)).join(', ')} FROM (${select})`;
	else if (op.kind === 'markerColumn') select = `SELECT *, '${m.token()}' AS ${sqlName(m.token())} FROM (${select})`;
	else if (op.kind === 'upperColumn') select = `SELECT ${header.map((h, i) => `c${i} AS ${sqlName(i === 0 ? h.toUpperCase() : h)}`).join(', ')} FROM ${source}`;
	try {
		await writeParquet(output, select);
	} catch {
		return null;
	}
	const bytes = readFileSync(output);
	rmSync(dir, { recursive: true, force: true });
	if (op.kind === 'truncated') return bytes.subarray(0, at(bytes, op.at));
	if (op.kind === 'flip') {
		for (let i = 0; i < 4; i++) bytes[Math.min(bytes.length - 1, at(bytes, (op.at + i * 0.17) % 1))] ^= 0x5a;
	}
	return bytes;
}

/** Writes the case of `plan` to a new temp folder: the extract folder, or a zip beside it. */
export async function buildCase(plan: Plan): Promise<BuiltCase> {
	const m = new Markers(plan.seed);
	const tables = baseTables(m);
	let files: FileSpec[] = [{ name: 'manifest.json', data: enc(JSON.stringify(MANIFEST)) }];
	for (const [i, name] of TABLE_FILES.entries()) if (plan.tables[i]) files.push({ name, data: enc(tables[name]) });
	const byTable = (i: number) => files.find((f) => f.name === TABLE_FILES[i % TABLE_FILES.length]);
	for (const op of plan.ops) {
		if (op.op === 'csv') {
			const f = byTable(op.file) ?? files.find((x) => x.name.endsWith('.csv') && x.data);
			if (f?.data) f.data = mutateCsv(f.name, f.data, op.mutation, m);
		} else if (op.op === 'dropFile') {
			const f = byTable(op.file);
			if (f && f.name !== 'agencies.csv') files = files.filter((x) => x !== f);
		} else if (op.op === 'manifest') {
			const data = manifestFile(op.kind, m);
			files = files.filter((x) => x.name !== 'manifest.json');
			if (data) files.unshift({ name: 'manifest.json', data });
		} else if (op.op === 'parquet') {
			const f = byTable(op.file);
			if (f?.data && f.name.endsWith('.csv')) {
				const bytes = await toParquet(f.name, f.data, op, m);
				if (bytes) {
					f.name = f.name.replace(/\.csv$/, '.parquet');
					f.data = bytes;
				}
			}
		} else if (op.op === 'rename') {
			const f = byTable(op.file);
			if (f) f.name = renamed(f.name, op.to, m);
		} else {
			const k = op.kind;
			if (k === 'marker') files.push({ name: `${m.name()}.csv`, data: enc(`a,b\n${m.token()},${m.fakeNhs()}\n`) });
			else if (k === 'hidden') files.push({ name: `.${m.name()}`, data: enc(m.token()) });
			else if (k === 'folder') files.push({ name: m.name(), folder: true });
			else if (k === 'symlinkOut') files.push({ name: 'children.csv', symlink: '/etc/hostname' });
			else if (k === 'symlinkTable') files.push({ name: `${m.name()}.csv`, symlink: 'agencies.csv' });
			else if (k === 'nestedZip') files.push({ name: 'contacts.zip', data: await zipBuffer([{ name: 'manifest.json', data: enc(JSON.stringify(MANIFEST)) }]) });
			else files.push({ name: 'areas.parquet', data: Buffer.concat([enc('PAR1'), enc(m.token()), enc('PAR1')]) });
			// A second file for a table (children.csv twice, or areas.csv and areas.parquet) is its own error.
			files = files.filter((x, i) => files.findIndex((y) => y.name === x.name) === i);
		}
	}
	const dir = tempDir('fuzz');
	const showable: string[] = [];
	if (plan.zip === null) {
		const folder = path.join(dir, 'extract');
		mkdirSync(folder);
		for (const f of files) {
			const p = path.join(folder, f.name);
			if (f.symlink) symlinkSync(f.symlink, p);
			else if (f.folder) {
				mkdirSync(p);
				writeFileSync(path.join(p, 'agencies.csv'), tables['agencies.csv']);
			} else writeFileSync(p, f.data ?? Buffer.alloc(0));
			showable.push(f.name);
		}
		showable.push('extract');
		return { source: folder, markers: m, showable };
	}
	const zipName =
		plan.zip.name === 'plain'
			? 'extract.zip'
			: plan.zip.name === 'marker'
				? `${m.name()}.zip`
				: plan.zip.name === 'markerDigits'
					? `${m.fakeNhs()}.zip`
					: `${m.name()} ${m.fakeNhs()}.zip`;
	showable.push(zipName);
	const zipped = await zipCase(files, plan.zip.ops, m, tables);
	// A plain entry name is allow-list shaped (names.ts), so it may be shown too.
	showable.push(...zipped.names);
	const file = path.join(dir, zipName);
	writeFileSync(file, zipped.buf);
	return { source: file, markers: m, showable };
}

const SYMLINK = 0o120777;

async function zipCase(files: FileSpec[], ops: ZipOp[], m: Markers, tables: Tables): Promise<{ buf: Buffer; names: string[] }> {
	let entries: { name: string; data?: Buffer; mode?: number; dir?: boolean; compress?: boolean }[] = files.map((f) =>
		f.symlink ? { name: f.name, data: enc(f.symlink), mode: SYMLINK } : f.folder ? { name: `${f.name}/`, dir: true } : { name: f.name, data: f.data }
	);
	const patches: ((b: Buffer) => Buffer)[] = [];
	const tableEntry = (i: number) => entries.find((e) => e.name.endsWith(TABLE_FILES[i % TABLE_FILES.length])) ?? entries.find((e) => !e.dir);
	for (const op of ops) {
		switch (op.op) {
			case 'truncate':
				patches.push((b) => b.subarray(0, at(b, op.at)));
				break;
			case 'flip':
				patches.push((b) => {
					const c = Buffer.from(b);
					if (c.length) c[Math.min(c.length - 1, at(c, op.at))] = op.value;
					return c;
				});
				break;
			case 'bomb': {
				const e = tableEntry(op.file);
				if (!e || e.dir) break;
				// Zeros after the file's own text: deflates to about a thousandth of its size.
				const size = FUZZ_LIMITS.unzipBytes * op.factor + 1;
				e.data = Buffer.concat([e.data ?? Buffer.alloc(0), Buffer.alloc(size, op.factor % 2 ? 0x0a : 0x20)]);
				if (!op.declared) {
					// The zip declares a small size: yauzl must catch the lie while unpacking.
					const name = e.name;
					patches.push((b) => patchCentral(b, name, (c, o) => c.writeUInt32LE(1000, o + 24)));
				}
				break;
			}
			case 'lyingSize': {
				const e = tableEntry(op.file);
				if (!e || e.dir || !e.data) break;
				const name = e.name;
				const real = e.data.length;
				patches.push((b) => patchCentral(b, name, (c, o) => c.writeUInt32LE(op.smaller ? Math.max(0, real - 7) : real + 7, o + 24)));
				break;
			}
			case 'traversal': {
				// yazl refuses unsafe names: write a placeholder of the same length, then patch it.
				const kinds = {
					dotdot: ['QQ/contacts.csv', '../contacts.csv'],
					absolute: ['Qcontacts.csv', '/contacts.csv'],
					backslash: ['QQQ9Qcontacts.csv', 'QQQ9\\contacts.csv'],
					nested: ['a/b/contacts.csv', 'a/b/contacts.csv'],
					dot: ['Q/contacts.csv', './contacts.csv'],
					emptyPart: ['QQ9Q/contacts.csv', 'QQ9//contacts.csv']
				} as const;
				const [placeholder, real] = kinds[op.kind];
				entries.push({ name: placeholder, data: enc(tables['contacts.csv']) });
				if (placeholder !== real) patches.push((b) => patchBytes(b, placeholder, real));
				break;
			}
			case 'symlink':
				entries.push({
					name: op.target === 'dir' ? 'areas.csv' : 'children.csv',
					data: enc(op.target === 'manifest' ? 'manifest.json' : op.target === 'etc' ? '/etc/passwd' : '..'),
					mode: SYMLINK
				});
				break;
			case 'nestedZip': {
				const inner = await zipBuffer(entries.filter((e) => !e.dir));
				entries.push({ name: op.asTable ? 'contacts.csv' : `${m.name()}.zip`, data: inner });
				break;
			}
			case 'folder': {
				if (op.kind === 'one') entries = entries.map((e) => ({ ...e, name: `extract/${e.name}` }));
				else if (op.kind === 'markerName') {
					const folder = `${m.name()} ${m.fakeNhs()}`;
					entries = entries.map((e) => ({ ...e, name: `${folder}/${e.name}` }));
				} else if (op.kind === 'two') entries = entries.map((e, i) => ({ ...e, name: `${i % 2 ? 'a' : 'b'}/${e.name}` }));
				else entries = entries.map((e, i) => ({ ...e, name: i % 2 ? `x/${e.name}` : e.name }));
				break;
			}
			case 'duplicate': {
				const e = tableEntry(op.file);
				if (e && !e.dir) entries.push({ ...e, data: enc(tables['agencies.csv']) });
				break;
			}
			case 'manyEntries':
				for (let i = 0; i < op.count; i++) entries.push({ name: `__MACOSX/._${i}`, data: enc('x') });
				break;
			case 'litter':
				entries.push({ name: '__MACOSX/', dir: true }, { name: '__MACOSX/._contacts.csv', data: enc(m.token()) }, { name: '.DS_Store', data: Buffer.from([0, 0, 0, 1]) });
				break;
			case 'encrypted': {
				const e = tableEntry(op.file);
				if (!e) break;
				const name = e.name;
				patches.push((b) => patchCentral(b, name, (c, o) => c.writeUInt16LE(c.readUInt16LE(o + 8) | 1, o + 8)));
				break;
			}
			case 'stored':
				entries = entries.map((e) => ({ ...e, compress: false }));
				break;
			case 'dirEntry':
				entries.push({ name: op.name === 'plain' ? 'extra/' : `${m.name()}/`, dir: true });
				break;
			case 'unknownMethod': {
				const e = tableEntry(op.file);
				if (!e) break;
				const name = e.name;
				patches.push((b) => patchCentral(b, name, (c, o) => c.writeUInt16LE(99, o + 10)));
				break;
			}
		}
	}
	// yazl refuses a name twice; keep the first of each.
	entries = entries.filter((e, i) => entries.findIndex((x) => x.name === e.name) === i);
	let buf = await zipBuffer(entries);
	for (const p of patches) buf = p(buf);
	const names = centralRecords(buf).map((r) => r.name.split('/').pop() ?? '');
	return { buf, names };
}
