/**
 * The pseudonymise command on partner agencies' own CSVs: the CSV reader, what becomes of each
 * column, that no input identifier or birth date reaches the output or the report, that the
 * output imports into a fresh warehouse with its children linked, and the errors (which name
 * the file, line and rule, never a value).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pseudonymiseCommand } from '../../../cli/pseudonymise-command.ts';
import { importExtract } from '../import/import.ts';
import { listQuarantine } from '../import/quarantine.ts';
import { freshWarehouse, tempDir, writeExtract } from '../testing/extract.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import { offlineContext } from '../../../cli/test-context.ts';
import { CsvError, parseCsv } from './csv.ts';
import { childPseudonym, parseKey, recordId } from './pseudonym.ts';
import { birthMonthOf, parseIdSpec, pseudonymiseCsv, PseudonymiseError } from './pseudonymise.ts';

const KEY_TEXT = 'ab'.repeat(32);
const KEY = parseKey(KEY_TEXT);

const fakeContext = () => offlineContext('pseudonymise');

describe('the CSV reader', () => {
	it('reads RFC 4180 quoting, CRLF, a BOM and blank lines, numbering records as the spec does', () => {
		const text = '\uFEFFa,b\r\n1,"x, ""y"""\r\n\r\n"multi\nline",2\n3,\n';
		expect([...parseCsv(text, 'f.csv')]).toEqual([
			{ line: 1, fields: ['a', 'b'] },
			{ line: 2, fields: ['1', 'x, "y"'] },
			{ line: 4, fields: ['multi\nline', '2'] },
			{ line: 5, fields: ['3', ''] }
		]);
	});

	it('refuses a quoted field that is never closed, naming the file and line but not the value', () => {
		expect(() => [...parseCsv('a,b\n1,2\n3,"secret\n', 'f.csv')]).toThrow(new CsvError('f.csv', 3, 'a quoted field is never closed'));
		expect(() => [...parseCsv('a,b\n"secret"x,2\n', 'f.csv')]).toThrow(/^f\.csv: line 2: a quoted field must end/);
		try {
			[...parseCsv('a,b\n"secret"x,2\n', 'f.csv')];
		} catch (e) {
			expect((e as Error).message).not.toContain('secret');
		}
	});
});

describe('pieces', () => {
	it('reads --id specs and birth dates', () => {
		expect(parseIdSpec('nhs_no:nhs')).toEqual({ column: 'nhs_no', kind: 'nhs' });
		expect(parseIdSpec('la_id:la')).toEqual({ column: 'la_id', kind: 'la' });
		expect(parseIdSpec('contact_id')).toEqual({ column: 'contact_id', kind: 'record' });
		expect(() => parseIdSpec('x:upn')).toThrow(PseudonymiseError);
		expect(birthMonthOf('2015-03-14')).toBe('2015-03');
		expect(birthMonthOf('4/6/2012')).toBe('2012-06');
		expect(birthMonthOf('2015-02-30')).toBeNull();
		expect(birthMonthOf('March 2015')).toBeNull();
	});
});

// Alice: NHS number and LA child ID; Bob: LA child ID only; Carol: NHS number only, no children row.
const ALICE_NHS = '943 476 5919';
const CAROL_NHS = '4010232137';
const IDENTIFIERS = [
	'9434765919',
	ALICE_NHS,
	CAROL_NHS,
	'401 023 2137',
	'RND000215205141',
	'rnd000215205141',
	'RND000999888777',
	'rnd000999888777',
	'2015-03-14',
	'14/06/2012',
	'Alice',
	'Bob',
	'Example',
	'CASE-1001',
	'CASE-1002',
	'CASE-1003',
	'worried'
];

const CHILDREN_CSV = [
	'nhs_no,la_id,dob,full_name,sex,ethnicity,disability',
	`${ALICE_NHS},RND000215205141,2015-03-14,Alice Example,female,WBRI,no`,
	',RND000999888777,14/06/2012,"Example, Bob",male,,unknown',
	''
].join('\r\n');

const CONTACTS_CSV = [
	'contact_id,nhs_no,la_id,received_at,source_code,source_agency_code,outcome,notes',
	'CASE-1001,9434765919,,2024-04-02 09:00,5A,POL,referral,"Called by ""school"", worried"',
	'CASE-1002,,rnd000999888777,2024-04-03 10:30,5A,POL,,',
	`CASE-1003,${CAROL_NHS},,2024-04-04 11:00,2A,POL,no_further_action,"two\nlines"`,
	''
].join('\n');

describe('cli pseudonymise on a small partner extract', () => {
	const warehouses: Warehouse[] = [];
	afterAll(async () => {
		for (const w of warehouses) await w.close();
	});

	it('writes files holding no input identifier or birth date, which import with the children linked', async () => {
		const dir = tempDir('pseudonymise');
		const keyFile = path.join(dir, 'partnership.key');
		writeFileSync(keyFile, `${KEY_TEXT}\n`);
		writeFileSync(path.join(dir, 'children-in.csv'), CHILDREN_CSV);
		writeFileSync(path.join(dir, 'contacts-in.csv'), CONTACTS_CSV);
		const childrenOut = path.join(dir, 'children.csv');
		const contactsOut = path.join(dir, 'contacts.csv');

		const a = fakeContext();
		const common = ['--key-file', keyFile, '--agency', 'POL', '--id', 'nhs_no:nhs', '--id', 'la_id:la', '--la', '975'];
		expect(
			await pseudonymiseCommand.run(
				[path.join(dir, 'children-in.csv'), ...common, '--table', 'children', '--birth-date', 'dob', '--drop', 'full_name', '--out', childrenOut],
				a.ctx
			)
		).toBe(0);
		const b = fakeContext();
		expect(
			await pseudonymiseCommand.run(
				[path.join(dir, 'contacts-in.csv'), ...common, '--table', 'contacts', '--id', 'contact_id', '--drop', 'notes', '--out', contactsOut],
				b.ctx
			)
		).toBe(0);

		const children = readFileSync(childrenOut, 'utf8');
		const contacts = readFileSync(contactsOut, 'utf8');
		const reports = a.err.join('') + b.err.join('');
		for (const text of [children, contacts, reports, a.out.join(''), b.out.join('')]) {
			for (const id of IDENTIFIERS) expect(text).not.toContain(id);
		}

		// The columns, in the table's order, and the pseudonyms as the spec makes them.
		const alice = childPseudonym(KEY, 'NHS:9434765919');
		const bob = childPseudonym(KEY, 'LA:975:RND000999888777');
		const carol = childPseudonym(KEY, `NHS:${CAROL_NHS}`);
		expect(children).toBe(`child_id,birth_month,sex,ethnicity,disability\n${alice},2015-03,female,WBRI,no\n${bob},2012-06,male,,unknown\n`);
		const contactLines = contacts.trim().split('\n');
		expect(contactLines[0]).toBe('contact_id,child_id,received_at,source_code,source_agency_code,outcome');
		expect(contactLines[1]).toBe(`${recordId(KEY, 'POL', 'contacts', 'CASE-1001')},${alice},2024-04-02 09:00,5A,POL,referral`);
		expect(contactLines[2].split(',')[1]).toBe(bob);
		expect(contactLines[3].split(',')[1]).toBe(carol);

		// The report: rows, and per column what was done.
		expect(a.err.join('')).toContain('Read 2 rows from children-in.csv; wrote 2 rows of children');
		expect(a.err.join('')).toMatch(/nhs_no\s+-> child_id\s+1 mapped, 1 not \(1 empty\)/);
		expect(a.err.join('')).toMatch(/la_id\s+-> child_id\s+1 mapped, 1 not \(1 not needed: the NHS number was used\)/);
		expect(a.err.join('')).toMatch(/dob\s+-> birth_month\s+2 mapped, 0 not/);
		expect(a.err.join('')).toMatch(/full_name\s+dropped\s+0 mapped, 2 not \(2 dropped with --drop\)/);
		expect(b.err.join('')).toMatch(/contact_id\s+-> contact_id\s+3 mapped/);

		// It imports into a fresh warehouse, nothing quarantined, and the contacts find their children.
		const extractDir = writeExtract({
			manifest: { supplied_by: 'POL', extracted_on: '2025-04-10' },
			tables: {
				agencies: 'agency_code,agency_name,sector\nPOL,Police,police\n',
				children,
				contacts
			}
		});
		const warehouse = await freshWarehouse();
		warehouses.push(warehouse);
		const report = await importExtract(warehouse, extractDir, { actor: 'test' });
		expect(report.errors).toEqual([]);
		expect(report.status).toBe('committed');
		expect(await listQuarantine(warehouse)).toEqual([]);
		const linked = await warehouse.read((conn) =>
			query<{ contacts: number; with_child_row: number }>(
				conn,
				`SELECT CAST(count(*) AS INTEGER) AS contacts, CAST(count(k.child_id) AS INTEGER) AS with_child_row
				FROM contacts c LEFT JOIN children k ON k.child_id = c.child_id`
			)
		);
		expect(linked).toEqual([{ contacts: 3, with_child_row: 2 }]);
	});

	it('is the same pseudonym in every agency\'s file for one child, and a different one under another key', async () => {
		const dir = tempDir('pseudonymise');
		writeFileSync(path.join(dir, 'in.csv'), 'nhs,sex,disability\n9434765919,female,no\n');
		const run = async (key: string) => {
			const options = { input: path.join(dir, 'in.csv'), key: parseKey(key), table: 'children', ids: [parseIdSpec('nhs:nhs')] };
			const health = (await pseudonymiseCsv({ ...options, agency: 'HLT' })).csv;
			const school = (await pseudonymiseCsv({ ...options, agency: 'SCH' })).csv;
			expect(school).toBe(health);
			return health;
		};
		expect(await run(KEY_TEXT)).toContain(childPseudonym(KEY, 'NHS:9434765919'));
		expect(await run('cd'.repeat(32))).not.toContain(childPseudonym(KEY, 'NHS:9434765919'));
	});

	it('hashes a reference to another table\'s record as that table\'s id, so it still finds it', async () => {
		const dir = tempDir('pseudonymise');
		writeFileSync(
			path.join(dir, 'in.csv'),
			'referral_id,contact_id,nhs,received_at,source_code\nREF-9,CASE-1001,9434765919,2024-04-02 12:00,5A\n'
		);
		const result = await pseudonymiseCsv({
			input: path.join(dir, 'in.csv'),
			key: KEY,
			agency: 'POL',
			table: 'referrals',
			ids: ['referral_id', 'contact_id', 'nhs:nhs'].map(parseIdSpec)
		});
		const row = result.csv.split('\n')[1].split(',');
		expect(result.columns.slice(0, 3)).toEqual(['referral_id', 'child_id', 'contact_id']);
		expect(row[0]).toBe(recordId(KEY, 'POL', 'referrals', 'REF-9'));
		expect(row[2]).toBe(recordId(KEY, 'POL', 'contacts', 'CASE-1001'));
	});
});

describe('errors name the file, line and rule, never a value', () => {
	const dir = tempDir('pseudonymise-errors');
	const input = (name: string, text: string) => {
		const file = path.join(dir, name);
		writeFileSync(file, text);
		return file;
	};
	const secretRow = '9434765919,RND000215205141,2015-03-14,Alice Example,female,no';
	const header = 'nhs_no,la_id,dob,name,sex,disability';

	async function failure(options: Partial<Parameters<typeof pseudonymiseCsv>[0]> & { input: string }): Promise<string> {
		try {
			await pseudonymiseCsv({ key: KEY, agency: 'POL', table: 'children', ids: [], ...options });
		} catch (e) {
			const message = (e as Error).message;
			for (const id of ['9434765919', 'RND000215205141', '2015-03-14', 'Alice']) expect(message).not.toContain(id);
			return message;
		}
		throw new Error('expected a failure');
	}

	it('names unknown and missing columns of the output, as the import would', async () => {
		const file = input('children-a.csv', `${header}\n${secretRow}\n`);
		const message = await failure({ input: file, ids: [parseIdSpec('la_id:la')], laCode: '975' });
		expect(message).toBe(
			'children-a.csv: the output would not import into children: unknown columns nhs_no, dob, name (the columns of children are child_id, birth_month, sex, ethnicity, disability, area_code; names are exact and lowercase: drop them with --drop, or rename them in the file)'
		);
		expect(await failure({ input: file, ids: [parseIdSpec('nhs_no:nhs')], birthDate: 'dob', drop: ['la_id', 'name', 'sex'] })).toMatch(
			/missing required column sex$/
		);
	});

	it('refuses columns the file does not have, LA IDs without --la, ids of columns that are not ids and an unknown table', async () => {
		const file = input('children-b.csv', `${header}\n${secretRow}\n`);
		expect(await failure({ input: file, ids: [parseIdSpec('nhs:nhs')] })).toBe('--id nhs: children-b.csv has no column nhs');
		expect(await failure({ input: file, ids: [parseIdSpec('la_id:la')] })).toMatch(/--la/);
		expect(await failure({ input: file, table: 'contacts', ids: [parseIdSpec('sex')] })).toMatch(/--id sex: a record id column must be one of contacts's id columns \(contact_id\)/);
		expect(await failure({ input: file, table: 'priorities' })).toMatch(/not a table of the extract/);
	});

	it('stops at a column still holding NHS numbers', async () => {
		const message = await failure({ input: input('children-d.csv', 'nhs,sex,disability,ethnicity\n9434765919,male,no,9434765919\n'), ids: [parseIdSpec('nhs:nhs')] });
		expect(message).toBe(
			'children-d.csv: line 2: column ethnicity holds an NHS number, which the identifier check at the door refuses: pseudonymise it with --id ethnicity:nhs or leave it out with --drop ethnicity'
		);
	});

	it('leaves out a row with the wrong number of fields and reports its line; reports bad NHS numbers and dates', async () => {
		const file = input('children-e.csv', `nhs,dob,sex,disability\n9434765919,2015-03-14,male,no\n9434765918,2015-02-30,female,no\n"a,b",x\n,,male,no\n`);
		const result = await pseudonymiseCsv({ input: file, key: KEY, agency: 'POL', table: 'children', ids: [parseIdSpec('nhs:nhs')], birthDate: 'dob' });
		expect(result.rowsRead).toBe(4);
		expect(result.rowsWritten).toBe(3);
		expect(result.report.problems).toEqual([
			{ where: 'children-e.csv', row: 3, reason: 'column nhs: the NHS number fails its check digit (modulus 11); pseudonymised as given' },
			{ where: 'children-e.csv', row: 4, reason: 'the row has 2 fields; the header has 4: the row was not written' },
			{ where: 'children-e.csv', row: 5, reason: 'no NHS number or LA child ID: child_id is required, so the import will quarantine this row' }
		]);
		const dob = result.report.fields.find((f) => f.source === 'dob');
		expect(dob).toEqual({ source: 'dob', target: 'birth_month', mapped: 1, dropped: 2, reasons: { 'not a real date YYYY-MM-DD or DD/MM/YYYY': 1, empty: 1 } });
		expect(result.csv).not.toContain('2015-02-30');
		expect(result.csv).not.toContain('9434765918');
	});

	it('through the command: a failure exits through CommandFailed with the message and writes nothing', async () => {
		const file = input('children-f.csv', `${header}\n${secretRow}\n`);
		const keyFile = input('k.key', `${KEY_TEXT}\n`);
		const out = path.join(dir, 'never.csv');
		const { ctx } = fakeContext();
		await expect(
			pseudonymiseCommand.run([file, '--key-file', keyFile, '--agency', 'POL', '--table', 'children', '--id', 'la_id:la', '--out', out], ctx)
		).rejects.toThrow(/LA child IDs need --la/);
		await expect(pseudonymiseCommand.run([file, '--key-file', keyFile, '--agency', 'POL', '--table', 'children', '--out', out], ctx)).rejects.toThrow(
			/name at least one column/
		);
		expect(() => readFileSync(out)).toThrow();
	});
});
