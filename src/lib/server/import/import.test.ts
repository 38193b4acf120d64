import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { child, freshWarehouse, removeTempRoot, snapshot, tempDir, writeExtract, writeParquet, type ExtractSpec } from '../testing/extract.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import { importExtract } from './import.ts';
import { listQuarantine } from './quarantine.ts';
import type { ImportReport } from './types.ts';
import { undoBatch } from './undo.ts';

afterAll(() => removeTempRoot());

const A = child('a');
const B = child('b');

const AGENCIES = [
	{ agency_code: 'CSC', agency_name: 'Council children’s social care', sector: 'children_social_care' },
	{ agency_code: 'POL', agency_name: 'Police', sector: 'police' },
	{ agency_code: 'HLT', agency_name: 'Health trust', sector: 'health' }
];
const AREAS = [
	{ area_code: 'N', area_name: 'North', population_year: 2024, child_population: 1000 },
	{ area_code: 'S', area_name: 'South', population_year: 2024, child_population: 2000 }
];
const CHILDREN = [
	{ child_id: A, birth_month: '2015-03', sex: 'female', ethnicity: 'WBRI', disability: 'no', area_code: 'N' },
	{ child_id: B, birth_month: '2020-11', sex: 'male', ethnicity: null, disability: 'unknown', area_code: 'S' }
];
const BASE: ExtractSpec['tables'] = { agencies: AGENCIES, areas: AREAS, children: CHILDREN };

async function load(warehouse: Warehouse, spec: ExtractSpec): Promise<ImportReport> {
	return importExtract(warehouse, writeExtract(spec), { actor: 'test' });
}

function file(report: ImportReport, name: string) {
	const f = report.files.find((x) => x.file === name);
	if (!f) throw new Error(`no report for ${name}: ${JSON.stringify(report)}`);
	return f;
}

async function count(warehouse: Warehouse, table: string): Promise<number> {
	const [row] = await warehouse.read((c) => query<{ n: number }>(c, `SELECT count(*) AS n FROM "${table}"`));
	return row.n;
}

describe('import: bad rows are quarantined with their record number and every reason', () => {
	it('judges each value rule, counting records (not physical lines) for the line', async () => {
		const w = await freshWarehouse();
		// Record 2 holds a quoted newline, so record 3 starts on physical line 4.
		const contacts = [
			'contact_id,child_id,received_at,source_code,source_agency_code,outcome,decided_at',
			`ok1,${A},"2024-06-03 09:00",6,POL,"referral","2024-06-03 10:00"`,
			`bad-ts,${A},2024-13-01 09:00,6,POL,,`,
			`gap,${A},2024-03-31 01:30,6,,,`,
			`order,${A},2024-06-03 09:00,6,,early_help,2024-06-02 09:00`,
			`code,${A},2024-06-03 09:00,99,,maybe,`,
			`fk,${A},2024-06-03 09:00,6,NOPE,,`,
			`ok1,${A},2024-06-04 09:00,6,,,`,
			`not-hex,ABC,2024-06-03 09:00,6,,,`,
			`bad id!,${A},2024-06-03 09:00,6,,,`,
			`missing,,,6,,,`,
			`short,${A}`,
			`long,${A},2024-06-03 09:00,6,,,,extra`,
			`quote,${A},2024-06-03 09:00,"6"x,,,`,
			`ok2,${A},2024-06-03T23:30:00Z,"3A",,,`
		].join('\n');
		const withNewline = contacts.replace('"referral"', '"refer\nral"');
		const report = await load(w, { tables: { ...BASE, contacts: withNewline } });
		expect(report.status).toBe('committed');
		const f = file(report, 'contacts.csv');
		expect(f.rows_read).toBe(14);
		expect(f.rows_read).toBe(f.rows_loaded + f.rows_quarantined);
		const q = await listQuarantine(w, { table: 'contacts' });
		const byLine = Object.fromEntries(q.map((r) => [r.line, r.reasons]));
		// "refer\nral" is not a contact outcome: record 2 is quarantined, and the next record is 3.
		expect(byLine[2]).toEqual(['outcome: not one of referral, early_help, information_advice, no_further_action']);
		expect(byLine[3]).toEqual([expect.stringMatching(/^received_at: not a valid timestamp/)]);
		expect(byLine[4]).toEqual(['received_at: this UK local time does not exist (the clocks went forward)']);
		expect(byLine[5]).toEqual(['decided_at: before received_at']);
		expect(byLine[6]).toEqual([
			'source_code: not a referral source code (see the data dictionary)',
			'outcome: not one of referral, early_help, information_advice, no_further_action'
		]);
		expect(byLine[7]).toEqual(['source_agency_code: no such agency in this extract or the warehouse']);
		// ok1 at record 2 was invalid, but it still came first: the repeat is quarantined.
		expect(byLine[8]).toEqual(['contact_id: key repeated in this file (first at line 2)']);
		expect(byLine[9]).toEqual(['child_id: not a child pseudonym (64 lowercase hexadecimal characters)']);
		expect(byLine[10]).toEqual(['contact_id: not an id of 1 to 64 letters, digits, _ or -']);
		expect(byLine[11]).toEqual(['child_id: required, but empty', 'received_at: required, but empty']);
		expect(byLine[12]).toEqual(['the record has fewer fields than the header']);
		expect(byLine[13]).toEqual(['the record has more fields than the header']);
		expect(byLine[14]?.[0]).toMatch(/^a quote in the middle of a field/);
		expect(Object.keys(byLine).map(Number).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
		const loaded = await w.read((c) =>
			query<{ id: string; day: string }>(c, `SELECT contact_id AS id, strftime(d_received_on, '%Y-%m-%d') AS day FROM contacts`)
		);
		// 23:30 UTC on 3 June is 00:30 on 4 June in British Summer Time.
		expect(loaded).toEqual([{ id: 'ok2', day: '2024-06-04' }]);
	});

	it('applies the rules of every value type', async () => {
		const w = await freshWarehouse();
		const report = await load(w, {
			manifest: { extracted_on: '2025-04-10' },
			tables: {
				...BASE,
				areas: [...AREAS, { area_code: 'X', area_name: 'Bad', population_year: '2024.0', child_population: -1 }],
				children: [
					...CHILDREN,
					{ child_id: child('c'), birth_month: '2025-05', sex: 'female', ethnicity: 'ZZZZ', disability: 'no', area_code: null },
					{ child_id: child('d'), birth_month: '2019-13', sex: 'F', ethnicity: null, disability: 'no', area_code: null }
				],
				referrals: [
					{
						referral_id: 'r1',
						child_id: A,
						received_at: '2024-06-03 09:00',
						source_code: '6',
						concerns: ' neglect ; ; domestic_abuse;neglect ',
						outcome: 'assessment',
						decided_at: '2024-06-03 15:00'
					},
					{ referral_id: 'r2', child_id: A, received_at: '2024-06-03 09:00', source_code: '6', concerns: 'neglect;ghosts' }
				],
				escalations: [
					{
						escalation_id: 'e1',
						raised_by_agency_code: 'POL',
						raised_with_agency_code: 'POL',
						raised_on: '2024-06-03',
						category: 'threshold',
						immediate_risk: 'maybe',
						highest_stage: 5,
						resolved_on: '2024-06-10',
						outcome: null
					},
					{
						escalation_id: 'e2',
						raised_by_agency_code: 'POL',
						raised_with_agency_code: 'CSC',
						raised_on: '2024-06-03',
						category: 'threshold',
						immediate_risk: 'Y',
						highest_stage: 2,
						resolved_on: null,
						outcome: 'agreed'
					},
					{
						escalation_id: 'e3',
						raised_by_agency_code: 'POL',
						raised_with_agency_code: 'CSC',
						raised_on: '1989-12-29',
						category: 'threshold',
						immediate_risk: '0',
						highest_stage: 1
					}
				],
				audits: [{ audit_id: 'a1', audited_on: '2024-06-03', theme: 'Front Door', overall_grade: 'good' }]
			}
		});
		expect(report.status).toBe('committed');
		const reasons = async (table: string) =>
			Object.fromEntries((await listQuarantine(w, { table })).map((r) => [r.line, r.reasons]));
		expect(await reasons('areas')).toEqual({
			4: ['population_year: not a whole number', 'child_population: less than 0']
		});
		expect(await reasons('children')).toEqual({
			4: ['ethnicity: not a ethnicity code (see the data dictionary)', "birth_month: after the extract's date (extracted_on)"],
			5: ['birth_month: not a valid month (YYYY-MM)', 'sex: not one of male, female, other, unknown']
		});
		expect(await reasons('referrals')).toEqual({ 3: ['concerns: every item must be a concern code (see the data dictionary)'] });
		expect(await reasons('escalations')).toEqual({
			2: [
				'immediate_risk: not true/false, Y/N or 1/0',
				'highest_stage: not between 1 and 4',
				'raised_with_agency_code: the same as raised_by_agency_code',
				'outcome: required once resolved_on is given'
			],
			3: ['outcome: must be empty while resolved_on is empty'],
			4: ['raised_on: outside the years the working-day calendar covers (1990 to 2040)']
		});
		expect(await reasons('audits')).toEqual({ 2: ['theme: not 1 to 40 of a-z and _'] });
		const [r1] = await w.read((c) => query<{ concerns: string[] }>(c, `SELECT concerns FROM referrals`));
		expect(r1.concerns).toEqual(['domestic_abuse', 'neglect']);
		for (const f of report.files) expect(f.rows_read).toBe(f.rows_loaded + f.rows_quarantined);
	});

	it('reads timestamps with offsets, fractions and the October hour that happens twice', async () => {
		const w = await freshWarehouse();
		const rows = [
			['t1', '2024-10-27 01:30'], // twice that night: the earlier, BST (00:30 UTC)
			['t2', '2024-10-27 01:30+00:00'], // explicit: the later one
			['t3', '2024-06-01T10:00:00.250+0100'],
			['t4', '2024-06-01'], // midnight local
			['t5', '2024-01-15 23:59:59Z']
		];
		const report = await load(w, {
			tables: {
				...BASE,
				contacts: rows.map(([id, at]) => ({ contact_id: id, child_id: A, received_at: at, source_code: '6' }))
			}
		});
		expect(file(report, 'contacts.csv').rows_loaded).toBe(5);
		const got = await w.read((c) =>
			query<{ id: string; utc: string }>(
				c,
				`SELECT contact_id AS id, strftime(timezone('UTC', received_at), '%Y-%m-%d %H:%M:%S.%g') AS utc FROM contacts ORDER BY 1`
			)
		);
		expect(got).toEqual([
			{ id: 't1', utc: '2024-10-27 00:30:00.000' },
			{ id: 't2', utc: '2024-10-27 01:30:00.000' },
			{ id: 't3', utc: '2024-06-01 09:00:00.250' },
			{ id: 't4', utc: '2024-05-31 23:00:00.000' },
			{ id: 't5', utc: '2024-01-15 23:59:59.000' }
		]);
	});

	it('accepts a BOM, CRLF line ends, surrounding spaces, any column order and missing optional columns', async () => {
		const w = await freshWarehouse();
		const csv = `\uFEFFsource_code, child_id ,received_at,contact_id\r\n 6 ,${A}, 2024-06-03 09:00 ,c1\r\n\r\n3A,${B},2024-06-03 10:00,c2\r\n`;
		const report = await load(w, { tables: { ...BASE, contacts: csv } });
		expect(report.errors).toEqual([]);
		const f = file(report, 'contacts.csv');
		expect([f.rows_read, f.rows_loaded, f.rows_quarantined]).toEqual([2, 2, 0]);
		const got = await w.read((c) => query(c, `SELECT contact_id, source_code, outcome, d_sector FROM contacts ORDER BY 1`));
		expect(got).toEqual([
			{ contact_id: 'c1', source_code: '6', outcome: null, d_sector: 'police' },
			{ contact_id: 'c2', source_code: '3A', outcome: null, d_sector: 'health' }
		]);
	});
});

describe('import: a file that cannot be read fails the whole import and loads nothing', () => {
	const cases: [string, ExtractSpec, RegExp][] = [
		['a missing manifest', { manifest: null, tables: BASE }, /manifest\.json: missing/],
		['a manifest of another format', { manifest: { version: 2 }, tables: BASE }, /manifest\.json: version/],
		['an unknown table file', { tables: { ...BASE, kids: 'a\n1\n' } }, /kids\.csv: unknown file/],
		[
			'a file that is not UTF-8',
			{ tables: BASE, files: { 'contacts.csv': Buffer.from(`contact_id,child_id,received_at,source_code\nc1,${A},2024-06-03,\xe9\n`, 'latin1') } },
			/contacts\.csv: is not UTF-8 \(an invalid byte at record 2\)/
		],
		[
			'a missing required column',
			{ tables: { ...BASE, contacts: `contact_id,child_id,source_code\nc1,${A},6\n` } },
			/contacts\.csv: missing required column received_at/
		],
		[
			'an unknown column',
			{ tables: { ...BASE, contacts: `contact_id,child_id,received_at,source_code,name\nc1,${A},2024-06-03,6,x\n` } },
			/contacts\.csv: unknown column "name"/
		],
		[
			'a column name in the wrong case',
			{ tables: { ...BASE, contacts: `Contact_ID,child_id,received_at,source_code\nc1,${A},2024-06-03,6\n` } },
			/contacts\.csv: unknown column "Contact_ID"/
		],
		[
			'a quoted field never closed',
			{ tables: { ...BASE, contacts: `contact_id,child_id,received_at,source_code\nc1,${A},2024-06-03,6\n"c2,${A},2024-06-03,6\nc3,${A},2024-06-03,6\n` } },
			/contacts\.csv: has a quoted field that is never closed, opened in record 3/
		],
		['a corrupt Parquet file', { tables: BASE, files: { 'contacts.parquet': 'PAR1 this is not parquet' } }, /contacts\.parquet: cannot be read as Parquet/],
		['a supplier that is not an agency', { manifest: { supplied_by: 'NOBODY' }, tables: BASE }, /supplied_by "NOBODY"/]
	];
	for (const [what, spec, error] of cases) {
		it(`refuses ${what}`, async () => {
			const w = await freshWarehouse();
			const before = await snapshot(w);
			const report = await load(w, spec);
			expect(report.status).toBe('failed');
			expect(report.batch_id).toBeNull();
			expect(report.errors.map((e) => e.message).join('\n')).toMatch(error);
			expect(await snapshot(w)).toEqual(before);
			expect(await count(w, 'batches')).toBe(0);
		});
	}

	it('refuses a zip with an unsafe entry, and reads a safe zip', async () => {
		const dir = tempDir('zips');
		const makeZip = async (name: string, entries: Record<string, string>, patch?: [string, string]) => {
			const zip = new yazl.ZipFile();
			for (const [entry, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), entry);
			zip.end();
			const chunks: Buffer[] = [];
			for await (const c of zip.outputStream) chunks.push(c as Buffer);
			let bytes = Buffer.concat(chunks);
			if (patch) {
				// Rename an entry in place (same length) to a name no zip tool would write.
				const [from, to] = patch;
				bytes = Buffer.from(bytes.toString('latin1').replaceAll(from, to), 'latin1');
			}
			const file = path.join(dir, name);
			writeFileSync(file, bytes);
			return file;
		};
		const manifest = JSON.stringify({ format: 'multi-agency-extract', version: 1, supplied_by: 'partnership', extracted_on: '2025-04-10' });
		const agencies = 'agency_code,agency_name,sector\nPOL,Police,police\n';
		const w = await freshWarehouse();
		const unsafe = await makeZip('unsafe.zip', { 'manifest.json': manifest, 'xx/agencies.csv': agencies }, ['xx/agencies.csv', '../agencies.csv']);
		const bad = await importExtract(w, unsafe);
		expect(bad.status).toBe('failed');
		expect(bad.errors[0].message).toMatch(/unsafe\.zip.*(unsafe zip entry|invalid relative path)/);
		expect(await count(w, 'agencies')).toBe(0);
		const safe = await makeZip('safe.zip', { 'extract/manifest.json': manifest, 'extract/agencies.csv': agencies });
		const good = await importExtract(w, safe);
		expect(good.status).toBe('committed');
		expect(file(good, 'agencies.csv').rows_loaded).toBe(1);
	});

	it('refuses a zip that unpacks to more than FP_UNZIP_LIMIT_MB, before writing anything', async () => {
		const dir = tempDir('bomb');
		const zip = new yazl.ZipFile();
		zip.addBuffer(Buffer.from(JSON.stringify({ format: 'multi-agency-extract', version: 1, supplied_by: 'partnership', extracted_on: '2025-04-10' })), 'manifest.json');
		// 3 MiB of one repeated line compresses to a few KiB.
		zip.addBuffer(Buffer.from(`agency_code,agency_name,sector\n${'POL,Police,police\n'.repeat(180_000)}`), 'agencies.csv');
		zip.end();
		const chunks: Buffer[] = [];
		for await (const c of zip.outputStream) chunks.push(c as Buffer);
		const file = path.join(dir, 'bomb.zip');
		writeFileSync(file, Buffer.concat(chunks));
		expect(Buffer.concat(chunks).length).toBeLessThan(100_000);
		const w = await freshWarehouse();
		const before = process.env.FP_UNZIP_LIMIT_MB;
		process.env.FP_UNZIP_LIMIT_MB = '2';
		try {
			const report = await importExtract(w, file);
			expect(report.status).toBe('failed');
			expect(report.errors[0].message).toMatch(/bomb\.zip.*unpacks to 4 MiB, more than the limit of 2 MiB \(FP_UNZIP_LIMIT_MB\)/);
			expect(readdirSync(w.stagingDir).filter((n) => n.startsWith('zip-'))).toEqual([]);
		} finally {
			if (before === undefined) delete process.env.FP_UNZIP_LIMIT_MB;
			else process.env.FP_UNZIP_LIMIT_MB = before;
		}
	});
});

describe('import: batches, replacement, retries and undo', () => {
	it('changes nothing when the same extract comes again', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({ tables: BASE });
		const first = await importExtract(w, dir);
		expect(first.status).toBe('committed');
		const before = await snapshot(w);
		const again = await importExtract(w, dir);
		expect(again).toMatchObject({ status: 'unchanged', batch_id: first.batch_id, files: [] });
		expect(await snapshot(w)).toEqual(before);
		expect(await count(w, 'batches')).toBe(1);
	});

	it('counts a replaced row and recomputes the derived columns of rows whose child or agency changed', async () => {
		const w = await freshWarehouse();
		await load(w, {
			tables: {
				...BASE,
				contacts: [
					{ contact_id: 'c1', child_id: A, received_at: '2024-06-03 09:00', source_code: '1A', source_agency_code: 'HLT' },
					{ contact_id: 'c2', child_id: B, received_at: '2024-06-03 09:00', source_code: '6' }
				]
			}
		});
		const second = await load(w, {
			manifest: { extracted_on: '2025-05-01' },
			tables: {
				agencies: [{ agency_code: 'HLT', agency_name: 'Health trust (renamed)', sector: 'voluntary' }],
				children: [{ ...CHILDREN[0], area_code: 'S', sex: 'other' }],
				contacts: [{ contact_id: 'c2', child_id: B, received_at: '2024-06-04 09:00', source_code: '2A' }]
			}
		});
		expect(second.status).toBe('committed');
		expect(file(second, 'children.csv')).toMatchObject({ rows_loaded: 1, rows_replaced: 1 });
		expect(file(second, 'agencies.csv')).toMatchObject({ rows_loaded: 1, rows_replaced: 1 });
		expect(file(second, 'contacts.csv')).toMatchObject({ rows_read: 1, rows_loaded: 1, rows_replaced: 1, rows_quarantined: 0 });
		const got = await w.read((c) =>
			query(c, `SELECT contact_id, d_area_code, d_sex, d_sector, strftime(d_received_on, '%Y-%m-%d') AS day, _batch FROM contacts ORDER BY 1`)
		);
		expect(got).toEqual([
			// c1 was not in the second extract: its child moved to S and its agency changed sector.
			{ contact_id: 'c1', d_area_code: 'S', d_sex: 'other', d_sector: 'voluntary', day: '2024-06-03', _batch: 1 },
			{ contact_id: 'c2', d_area_code: 'S', d_sex: 'male', d_sector: 'education', day: '2024-06-04', _batch: 2 }
		]);
	});

	it('keeps a child described by a later extract when an older one arrives', async () => {
		const w = await freshWarehouse();
		await load(w, { manifest: { extracted_on: '2025-05-01' }, tables: BASE });
		const old = await load(w, {
			manifest: { extracted_on: '2025-04-01' },
			tables: { children: [{ ...CHILDREN[0], sex: 'male' }] }
		});
		expect(file(old, 'children.csv')).toMatchObject({ rows_loaded: 0, rows_quarantined: 1 });
		const [q] = await listQuarantine(w, { batch: old.batch_id! });
		expect(q.reasons).toEqual(['child_id: a later extract (extracted on 2025-05-01) already describes this child']);
		const [a] = await w.read((c) => query(c, `SELECT sex FROM children WHERE child_id = $id`, { id: A }));
		expect(a.sex).toBe('female');
	});

	it('loads a row waiting for a reference when a later import brings it', async () => {
		const w = await freshWarehouse();
		const first = await load(w, {
			tables: {
				...BASE,
				referrals: [{ referral_id: 'r1', child_id: A, contact_id: 'c9', received_at: '2024-06-03 09:00', source_code: '6' }]
			}
		});
		expect(file(first, 'referrals.csv')).toMatchObject({ rows_loaded: 0, rows_quarantined: 1 });
		const [waiting] = await listQuarantine(w);
		expect(waiting).toMatchObject({ line: 2, waiting_for_reference: true, reasons: ['contact_id: no such contact in this extract or the warehouse'] });
		const second = await load(w, {
			manifest: { extracted_on: '2025-04-20' },
			tables: { contacts: [{ contact_id: 'c9', child_id: A, received_at: '2024-06-02 09:00', source_code: '6', outcome: 'referral', decided_at: '2024-06-03 08:00' }] }
		});
		expect(second.retried).toEqual([{ table: 'referrals', rows_loaded: 1, rows_replaced: 0, rows_waiting: 0 }]);
		expect(await listQuarantine(w)).toEqual([]);
		const [r] = await w.read((c) => query(c, `SELECT referral_id, d_area_code, _batch FROM referrals`));
		expect(r).toEqual({ referral_id: 'r1', d_area_code: 'N', _batch: second.batch_id });
	});

	it('quarantines an invalid row for a key already in the warehouse, and keeps the stored row', async () => {
		const w = await freshWarehouse();
		await load(w, {
			tables: {
				...BASE,
				contacts: [{ contact_id: 'c1', child_id: A, received_at: '2024-06-03 09:00', source_code: '6', source_agency_code: 'POL' }]
			}
		});
		const stored = async () =>
			w.read((c) =>
				query(
					c,
					`SELECT contact_id, source_code, source_agency_code, strftime(timezone('UTC', received_at), '%Y-%m-%d %H:%M') AS utc, _batch FROM contacts`
				)
			);
		const before = await stored();
		expect(before).toEqual([{ contact_id: 'c1', source_code: '6', source_agency_code: 'POL', utc: '2024-06-03 08:00', _batch: 1 }]);
		const second = await load(w, {
			manifest: { extracted_on: '2025-05-01' },
			tables: { contacts: [{ contact_id: 'c1', child_id: A, received_at: '2024-06-05 09:00', source_code: '99', source_agency_code: 'HLT' }] }
		});
		expect(second.status).toBe('committed');
		expect(file(second, 'contacts.csv')).toMatchObject({ rows_read: 1, rows_loaded: 0, rows_replaced: 0, rows_quarantined: 1 });
		const q = await listQuarantine(w, { batch: second.batch_id! });
		expect(q).toMatchObject([{ file: 'contacts.csv', line: 2, reasons: ['source_code: not a referral source code (see the data dictionary)'] }]);
		expect(await stored()).toEqual(before);
		expect(await count(w, 'contacts__replaced')).toBe(0);
	});

	it('gives events of a child with no children row its area once a later import describes the child, and undoing that takes it away', async () => {
		const w = await freshWarehouse();
		const C = child('c');
		const first = await load(w, {
			tables: {
				...BASE,
				contacts: [{ contact_id: 'c1', child_id: C, received_at: '2024-06-03 09:00', source_code: '6' }],
				referrals: [{ referral_id: 'r1', child_id: C, contact_id: 'c1', received_at: '2024-06-03 12:00', source_code: '6' }]
			}
		});
		expect(file(first, 'contacts.csv')).toMatchObject({ rows_loaded: 1, rows_quarantined: 0 });
		expect(file(first, 'referrals.csv')).toMatchObject({ rows_loaded: 1, rows_quarantined: 0 });
		const areas = () =>
			w.read((c) =>
				query(
					c,
					`SELECT 'contacts' AS t, d_area_code AS area, d_sex AS sex FROM contacts UNION ALL SELECT 'referrals', d_area_code, d_sex FROM referrals ORDER BY 1`
				)
			);
		const without = [
			{ t: 'contacts', area: null, sex: null },
			{ t: 'referrals', area: null, sex: null }
		];
		expect(await areas()).toEqual(without);
		const second = await load(w, {
			manifest: { extracted_on: '2025-05-01' },
			tables: { children: [{ child_id: C, birth_month: '2012-01', sex: 'male', ethnicity: null, disability: 'no', area_code: 'S' }] }
		});
		expect(file(second, 'children.csv')).toMatchObject({ rows_loaded: 1, rows_replaced: 0 });
		expect(await areas()).toEqual([
			{ t: 'contacts', area: 'S', sex: 'male' },
			{ t: 'referrals', area: 'S', sex: 'male' }
		]);
		await undoBatch(w, second.batch_id!, 'test');
		expect(await areas()).toEqual(without);
	});

	it('undoes an import: its rows go, the rows it replaced come back, and the warehouse is as before it', async () => {
		const w = await freshWarehouse();
		await load(w, {
			tables: {
				...BASE,
				contacts: [{ contact_id: 'c1', child_id: A, received_at: '2024-06-03 09:00', source_code: '6', source_agency_code: 'POL' }],
				referrals: [{ referral_id: 'r1', child_id: A, contact_id: 'c7', received_at: '2024-06-03 09:00', source_code: '6' }]
			}
		});
		const before = await snapshot(w);
		const correction: ExtractSpec = {
			manifest: { extracted_on: '2025-06-01' },
			tables: {
				agencies: [{ agency_code: 'POL', agency_name: 'Police', sector: 'other' }],
				children: [{ ...CHILDREN[0], area_code: 'S' }],
				contacts: [
					{ contact_id: 'c1', child_id: A, received_at: '2024-06-05 09:00', source_code: '6', source_agency_code: 'POL' },
					{ contact_id: 'c7', child_id: B, received_at: '2024-06-01 09:00', source_code: '6' },
					{ contact_id: 'bad', child_id: 'x', received_at: '2024-06-01 09:00', source_code: '6' }
				]
			}
		};
		const second = await load(w, correction);
		expect(second.status).toBe('committed');
		expect(second.retried).toEqual([{ table: 'referrals', rows_loaded: 1, rows_replaced: 0, rows_waiting: 0 }]);
		expect(await snapshot(w)).not.toEqual(before);
		const undo = await undoBatch(w, second.batch_id!, 'test');
		expect(undo.rows_restored).toBe(3); // the agency, the child and contact c1
		expect(await snapshot(w)).toEqual(before);
		await expect(undoBatch(w, second.batch_id!)).rejects.toThrow(/already undone/);
		// Undone, the same extract can be imported again.
		const third = await load(w, correction);
		expect(third.status).toBe('committed');
	});

	it('refuses to undo an import that a later import depends on', async () => {
		const w = await freshWarehouse();
		const first = await load(w, { tables: BASE });
		await load(w, {
			manifest: { extracted_on: '2025-04-11' },
			tables: { contacts: [{ contact_id: 'c1', child_id: A, received_at: '2024-06-03 09:00', source_code: '6', source_agency_code: 'POL' }] }
		});
		await expect(undoBatch(w, first.batch_id!)).rejects.toThrow(/batch 2 loaded contacts rows whose source_agency_code refers to agencies rows of this batch/);
	});

	it('imports Parquet files like CSV', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({ tables: BASE });
		const parquet = path.join(dir, 'contacts.parquet');
		await writeParquet(
			parquet,
			`SELECT * FROM (VALUES
				('p1', '${A}', TIMESTAMPTZ '2024-06-03 23:30:00+00', '6', 'POL', ['x'], true),
				('p2', '${A}', TIMESTAMPTZ '2024-06-03 08:00:00+00', '9Z', NULL, ['y'], false)
			) t(contact_id, child_id, received_at, source_code, source_agency_code, unused, flag)`
		);
		// The file above has two unknown columns: it fails as a whole.
		const bad = await importExtract(w, dir);
		expect(bad.errors[0].message).toMatch(/contacts\.parquet: an unexpected column \(position 6\) in the header/);
		await writeParquet(
			parquet,
			`SELECT * FROM (VALUES
				('p1', '${A}', TIMESTAMPTZ '2024-06-03 23:30:00+00', '6', 'POL'),
				('p2', '${A}', TIMESTAMPTZ '2024-06-03 08:00:00+00', '9Z', NULL)
			) t(contact_id, child_id, received_at, source_code, source_agency_code)`
		);
		const report = await importExtract(w, dir);
		expect(file(report, 'contacts.parquet')).toMatchObject({ rows_read: 2, rows_loaded: 1, rows_quarantined: 1 });
		const [q] = await listQuarantine(w, { table: 'contacts' });
		expect(q).toMatchObject({ line: 2, reasons: ['source_code: not a referral source code (see the data dictionary)'] });
		const [row] = await w.read((c) => query(c, `SELECT strftime(d_received_on, '%Y-%m-%d') AS day FROM contacts`));
		expect(row.day).toBe('2024-06-04');
	});
	it('reads a Parquet TIMESTAMP without a time zone as UK local time', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({ tables: BASE });
		const parquet = path.join(dir, 'contacts.parquet');
		await writeParquet(
			parquet,
			`SELECT * FROM (VALUES
				('summer', '${A}', TIMESTAMP '2024-06-03 00:30:00', '6'),
				('winter', '${A}', TIMESTAMP '2024-01-15 00:30:00', '6')
			) t(contact_id, child_id, received_at, source_code)`
		);
		const report = await importExtract(w, dir);
		expect(report.errors).toEqual([]);
		expect(file(report, 'contacts.parquet')).toMatchObject({ rows_read: 2, rows_loaded: 2, rows_quarantined: 0 });
		const got = await w.read((c) =>
			query(
				c,
				`SELECT contact_id AS id, strftime(timezone('UTC', received_at), '%Y-%m-%d %H:%M') AS utc, strftime(d_received_on, '%Y-%m-%d') AS day FROM contacts ORDER BY 1`
			)
		);
		expect(got).toEqual([
			// 00:30 in British Summer Time is 23:30 UTC the day before; its event date stays the local one.
			{ id: 'summer', utc: '2024-06-02 23:30', day: '2024-06-03' },
			// In winter UK local time is UTC.
			{ id: 'winter', utc: '2024-01-15 00:30', day: '2024-01-15' }
		]);
	});
});
