/**
 * The Annex A converter: the encoded header patterns and code maps against liia-tools' YAML;
 * the public messy sample converts and imports with every list row accounted for; a workbook
 * made here with the real-world variations (title row, `List_1`, serial and text dates, #N/A,
 * bare codes, an unknown code, a date order broken) converts and its quarantined rows are the
 * expected ones; the empty template converts to empty tables; no identifier from the input
 * reaches an output file, the report or a problem message.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { importExtract } from '../import/import.ts';
import { listQuarantine } from '../import/quarantine.ts';
import { childPseudonym, parseKey, recordId } from '../pseudonym/pseudonym.ts';
import { freshWarehouse, tempDir, THIRD_PARTY_FIXTURES } from '../testing/extract.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { ANNEX_A_HEADERS, BOOL_MAP, CATEGORY_MAP, ETHNICITY_MAP, GENDER_MAP, SOURCE_MAP, matchCode, type CodeEntry } from './annex-a-maps.ts';
import { convertAnnexA, listNumber, parseAnnexDate } from './annex-a.ts';

const FIXTURES = THIRD_PARTY_FIXTURES;
const SAMPLE = path.join(FIXTURES, 'liia-tools_annex-a-sample.xlsx');
const TEMPLATE = path.join(FIXTURES, 'sfdata-annexa-clean_annex-a-template-2016.xlsx');
const key = parseKey('0123456789abcdef'.repeat(4));
const warehouses: Warehouse[] = [];
afterAll(async () => {
	for (const w of warehouses) await w.close();
});

// ---------------------------------------------------------------------------------------
// A small reader for the parts of liia-tools' YAML we encode (indentation, anchors, aliases).

interface YamlField {
	name: string;
	regex: string[];
}
const unquote = (s: string) => s.trim().replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
const unslash = (s: string) => {
	const m = /^\/(.*)\/i\s*$/.exec(s.trim());
	if (!m) throw new Error(`not a /…/i pattern: ${s}`);
	return m[1];
};

/** merge.yml: list → fields with their patterns (aliases resolved). */
function readMergeYaml(): Map<string, YamlField[]> {
	const lines = readFileSync(path.join(FIXTURES, 'liia-tools_annex-a-merge.yml'), 'utf8').split(/\r?\n/);
	const lists = new Map<string, YamlField[]>();
	const anchors = new Map<string, string[]>();
	let list: YamlField[] | null = null;
	let field: YamlField | null = null;
	let anchor: string | null = null;
	let inRegex = false;
	for (const line of lines) {
		const indent = line.length - line.trimStart().length;
		const text = line.trim();
		if (text === '') continue;
		if (indent === 4 && /^List \d+:$/.test(text)) {
			list = [];
			lists.set(text.slice(0, -1), list);
		} else if (indent === 8 && list) {
			const m = /^(.*?):\s*(\*(\S+))?\s*$/.exec(text)!;
			field = { name: unquote(m[1]), regex: m[3] ? [...(anchors.get(m[3]) ?? [])] : [] };
			list.push(field);
			anchor = null;
			inRegex = false;
		} else if (field && /^&\S+$/.test(text)) {
			anchor = text.slice(1);
			anchors.set(anchor, field.regex);
		} else if (field && /^regex:\s*$/.test(text)) inRegex = true;
		else if (field && inRegex && text.startsWith('- ')) field.regex.push(unslash(text.slice(2)));
		else if (field && /^[a-z]+:/.test(text)) inRegex = false;
	}
	return lists;
}

/** data-map.yml: the entries under an anchor (`&gen`, `&eth` …). */
function readDataMapAnchor(name: string): { code: string; name: string; regex: string[] }[] {
	const lines = readFileSync(path.join(FIXTURES, 'liia-tools_annex-a-data-map.yml'), 'utf8').split(/\r?\n/);
	const start = lines.findIndex((l) => l.trim() === `&${name}`);
	if (start < 0) throw new Error(`no anchor ${name}`);
	const base = lines[start].length - lines[start].trimStart().length;
	const out: { code: string; name: string; regex: string[] }[] = [];
	for (const line of lines.slice(start + 1)) {
		const text = line.replace(/#.*$/, '').trim();
		if (text === '') continue;
		const indent = line.length - line.trimStart().length;
		if (indent <= base - 1 || (indent === base && !text.startsWith('- '))) break;
		if (text.startsWith('- code:')) out.push({ code: unquote(text.slice(7)), name: '', regex: [] });
		else if (text.startsWith('name:')) out[out.length - 1].name = unquote(text.slice(5));
		else if (text.startsWith('- /')) out[out.length - 1].regex.push(unslash(text.slice(2)));
	}
	return out;
}

describe('the encoding of liia-tools\' configuration', () => {
	it('has the header patterns of Lists 1 to 7 as merge.yml has them', () => {
		const yaml = readMergeYaml();
		for (let n = 1; n <= 7; n++) {
			const fields = yaml.get(`List ${n}`)!;
			expect(ANNEX_A_HEADERS[n].map((f) => ({ name: f.name, regex: [...(f.regex ?? [])] }))).toEqual(fields);
		}
	});

	it.each([
		['gen', GENDER_MAP],
		['eth', ETHNICITY_MAP],
		['source', SOURCE_MAP],
		['bool', BOOL_MAP],
		['cat_abuse', CATEGORY_MAP]
	] as [string, readonly CodeEntry[]][])('has the code map &%s as data-map.yml has it', (anchor, map) => {
		expect(map.map(({ code, name, regex }) => ({ code, name, regex: [...regex] }))).toEqual(readDataMapAnchor(anchor));
	});

	it('maps codes with or without their prefix, names and bare codes', () => {
		const t = (map: readonly CodeEntry[], v: string) => matchCode(map, v)?.target ?? null;
		expect(['b) Female', 'Female', 'F', 'female'].map((v) => t(GENDER_MAP, v))).toEqual(['female', 'female', 'female', 'female']);
		expect(['a) Male', 'Male', 'M'].map((v) => t(GENDER_MAP, v))).toEqual(['male', 'male', 'male']);
		expect(['Unknown', 'Indeterminate', 'c) Not stated/recorded', 'd) Neither'].map((v) => t(GENDER_MAP, v))).toEqual(['unknown', 'unknown', 'unknown', 'other']);
		expect(['a) WBRI', 'WBRI', 'White British', 'Information not yet obtained', 's) NOBT', 'Refused'].map((v) => t(ETHNICITY_MAP, v))).toEqual([
			'WBRI', 'WBRI', 'WBRI', 'NOBT', 'NOBT', 'REFU'
		]);
		expect(['q) 6: Police', '6: Police', '6', 'Police', 'u) 10: Unknown', '3C', 'School nurse'].map((v) => t(SOURCE_MAP, v))).toEqual([
			'6', '6', '6', '6', '10', '3C', '3C'
		]);
		expect(['Physical abuse', 'a) Neglect', 'EMO', 'Multiple/not recommended'].map((v) => t(CATEGORY_MAP, v))).toEqual(['PHY', 'NEG', 'EMO', 'MUL']);
		expect(t(SOURCE_MAP, 'Carrier pigeon')).toBeNull();
	});

	it('reads dates as Excel dates, serial numbers and text, and names sheets loosely', () => {
		expect(parseAnnexDate(new Date(Date.UTC(2020, 8, 16)))).toEqual({ ok: true, value: '2020-09-16' });
		expect(parseAnnexDate(44090)).toEqual({ ok: true, value: '2020-09-16' });
		expect(parseAnnexDate('16/09/2020')).toEqual({ ok: true, value: '2020-09-16' });
		expect(parseAnnexDate('2020-09-16')).toEqual({ ok: true, value: '2020-09-16' });
		expect(parseAnnexDate('#N/A')).toEqual({ ok: false, reason: '#N/A' });
		expect(parseAnnexDate('31/02/2020')).toEqual({ ok: false, reason: 'not a calendar date' });
		expect(parseAnnexDate('soon')).toEqual({ ok: false, reason: 'unparseable date' });
		expect(parseAnnexDate(null)).toEqual({ ok: 'blank' });
		expect(['List 1', 'List_1', 'list1', ' LIST 3 - Referrals', 'List 11', 'List 12', 'Lists', 'Codes_used'].map(listNumber)).toEqual([
			1, 1, 1, 3, 11, null, null, null
		]);
	});
});

// ---------------------------------------------------------------------------------------
// Reading the workbooks directly, for the checks.

const plain = (v: ExcelJS.CellValue): unknown => {
	if (v && typeof v === 'object' && !(v instanceof Date)) {
		if ('result' in v) return plain((v as { result?: ExcelJS.CellValue }).result ?? null);
		if ('richText' in v) return v.richText.map((r) => r.text).join('');
	}
	return v;
};
const empty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

interface SheetData {
	header: string[];
	rows: unknown[][];
}
/** Per list number: the header row (the row holding "Child Unique ID" or the adopter identifier) and the non-empty rows after it. */
async function readLists(file: string): Promise<Map<number, SheetData>> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.readFile(file);
	const out = new Map<number, SheetData>();
	for (const ws of wb.worksheets) {
		const n = listNumber(ws.name);
		if (n === null) continue;
		const all: unknown[][] = [];
		for (let r = 1; r <= ws.rowCount; r++) all.push(((ws.getRow(r).values as ExcelJS.CellValue[]) ?? []).slice(1).map(plain));
		const h = all.findIndex((row) => row.some((c) => typeof c === 'string' && /^(child unique id|individual adopter identifier)$/i.test(c.trim())));
		out.set(n, { header: (all[h] ?? []).map((c) => String(c ?? '').trim()), rows: all.slice(h + 1).filter((row) => row.some((c) => !empty(c))) });
	}
	return out;
}
const column = (s: SheetData, re: RegExp) => s.rows.map((r) => r[s.header.findIndex((h) => re.test(h))]).filter((v) => !empty(v));

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : null);
const dmy = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

async function outputs(dir: string): Promise<{ text: string; cells: Set<string> }> {
	let text = '';
	const cells = new Set<string>();
	for (const f of readdirSync(dir)) {
		const t = readFileSync(path.join(dir, f), 'utf8');
		text += `${t}\n`;
		for (const line of t.split('\n')) for (const c of line.split(',')) cells.add(c.trim());
	}
	return { text, cells };
}

const EVENT_TABLE: Record<number, string> = { 1: 'contacts', 3: 'referrals', 4: 'assessments', 5: 's47_enquiries', 7: 'cp_plans' };

describe('the public sample workbook (liia-tools)', () => {
	it('converts, imports, and accounts for every row of every list', async () => {
		const out = tempDir('annex-a-sample');
		const { report, counts } = await convertAnnexA({ file: SAMPLE, key, la: '975', agency: 'CSC01', outDir: out, extractedOn: '2021-04-01' });
		const lists = await readLists(SAMPLE);

		// Each list's rows = rows written + rows reported as problems.
		for (const [n, table] of Object.entries(EVENT_TABLE)) {
			const rows = lists.get(Number(n))!.rows.length;
			const problems = report.problems.filter((p) => p.where === `List ${n}`).length;
			expect(counts[table] + problems, `List ${n}`).toBe(rows);
		}
		expect(counts).toEqual({ agencies: 1, children: 37, contacts: 5, referrals: 6, assessments: 5, s47_enquiries: 5, cp_plans: 7 });
		expect(report.problems).toEqual([]);
		// One child per distinct Child Unique ID of Lists 1 to 7.
		const ids = new Set<string>();
		for (let n = 1; n <= 7; n++) for (const v of column(lists.get(n)!, /^child unique id$/i)) ids.add(String(v).trim().toUpperCase());
		expect(counts.children).toBe(ids.size);
		const childCsv = readFileSync(path.join(out, 'children.csv'), 'utf8');
		for (const id of ids) expect(childCsv).toContain(childPseudonym(key, `LA:975:${id}`));
		// The first contact's id is made as the spec says.
		const first = lists.get(1)!.rows[0];
		expect(readFileSync(path.join(out, 'contacts.csv'), 'utf8')).toContain(
			recordId(key, 'CSC01', 'contacts', `LA:975:${String(first[0])}:${iso(first[5])}`)
		);
		// Lists 8 to 11 are reported as not mapped, with their row counts.
		for (const n of [8, 9, 10, 11]) {
			const f = report.fields.find((x) => x.source === `List ${n}: (every column)`)!;
			expect(f.target).toBeNull();
			expect(f.dropped).toBe(lists.get(n)!.rows.length);
		}
		// Identifiers are declared as never mapped.
		for (const s of ['List 1: Child Unique ID', 'List 1: Age of Child (Years)', 'List 3: Allocated Worker']) {
			const f = report.fields.find((x) => x.source === s)!;
			expect(f.target).toBeNull();
			expect(f.mapped).toBe(0);
		}
		expect(report.fields.find((x) => x.source === 'List 1: Date of Birth')?.reasons).toMatchObject({ blank: 1 });

		const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
		expect(manifest).toMatchObject({ supplied_by: 'CSC01', extracted_on: '2021-04-01' });

		const warehouse = await freshWarehouse();
		warehouses.push(warehouse);
		const imported = await importExtract(warehouse, out);
		expect(imported.errors).toEqual([]);
		expect(imported.status).toBe('committed');
		for (const f of imported.files) {
			expect(f.rows_read, f.file).toBe(counts[f.table]);
			expect(f.rows_loaded + f.rows_quarantined, f.file).toBe(f.rows_read);
		}
		// The sample is clean: nothing is quarantined.
		expect(await listQuarantine(warehouse)).toEqual([]);
	});

	it('lets no identifier from the workbook into the outputs or the report', async () => {
		const out = tempDir('annex-a-ids');
		const { report } = await convertAnnexA({ file: SAMPLE, key, la: '975', agency: 'CSC01', outDir: out, extractedOn: '2021-04-01' });
		const lists = await readLists(SAMPLE);
		const ids = new Set<string>();
		const births = new Set<string>();
		const otherDates = new Set<string>();
		const names = new Set<string>();
		const postcodes = new Set<string>();
		for (const s of lists.values()) {
			for (const v of column(s, /^(child unique id|individual adopter identifier|family identifier)$/i)) ids.add(String(v).trim());
			for (const v of column(s, /birth/i)) if (iso(v)) births.add(iso(v)!);
			for (const v of column(s, /^allocated worker$/i)) if (typeof v === 'string') names.add(v.trim());
			for (const v of column(s, /postcode/i)) if (typeof v === 'string' && /\d/.test(v)) postcodes.add(v.trim());
			s.header.forEach((h, i) => {
				if (/birth/i.test(h)) return;
				for (const r of s.rows) if (iso(r[i])) otherDates.add(iso(r[i])!);
			});
		}
		expect(ids.size).toBeGreaterThan(30);
		expect(names.size).toBeGreaterThan(5);
		expect(postcodes.size).toBeGreaterThan(0);
		// A date of birth that is also some event's date in the workbook may rightly appear as that event's date.
		const birthsOnly = [...births].filter((d) => !otherDates.has(d));
		expect(birthsOnly.length).toBeGreaterThan(20);

		const { text, cells } = await outputs(out);
		const said = JSON.stringify(report);
		for (const id of ids) {
			expect(cells.has(id), 'an id in an output cell').toBe(false);
			expect(said.includes(id), 'an id in the report').toBe(false);
		}
		for (const d of birthsOnly) {
			for (const form of [d, dmy(d)]) {
				expect(text.includes(form), 'a date of birth in an output').toBe(false);
				expect(said.includes(form), 'a date of birth in the report').toBe(false);
			}
		}
		for (const n of [...names, ...postcodes]) {
			expect(text.includes(n), 'a name or postcode in an output').toBe(false);
			expect(said.includes(n), 'a name or postcode in the report').toBe(false);
		}
	});
});

describe('the empty template (sfdata, 2016)', () => {
	it('converts to empty tables (title rows, List_n sheet names)', async () => {
		const out = tempDir('annex-a-template');
		const { report, counts } = await convertAnnexA({ file: TEMPLATE, key, la: '975', agency: 'CSC01', outDir: out, extractedOn: '2021-04-01' });
		expect(counts).toEqual({ agencies: 1, children: 0, contacts: 0, referrals: 0, assessments: 0, s47_enquiries: 0, cp_plans: 0 });
		expect(report.problems).toEqual([]);
		// Every list was found (header under the title row).
		expect(report.fields.filter((f) => f.source.includes('no sheet in the workbook'))).toEqual([]);
		expect(report.fields.find((f) => f.source === 'List 1: Contact Source')?.target).toBe('contacts.source_code');
		expect(report.fields.find((f) => f.source === 'List 7: Initial Category of Abuse')?.target).toBe('cp_plans.initial_category');
		expect(readFileSync(path.join(out, 'contacts.csv'), 'utf8')).toBe('contact_id,child_id,received_at,source_code,source_agency_code,outcome,decided_at\n');
		const warehouse = await freshWarehouse();
		warehouses.push(warehouse);
		const imported = await importExtract(warehouse, out);
		expect(imported.errors).toEqual([]);
		expect(imported.files.find((f) => f.table === 'contacts')?.rows_read).toBe(0);
	});
});

describe('a messy workbook', () => {
	const IDS = ['ab1234567', 'cd7654321', 'ef1111111', 'gh2222222'];
	const DOBS = ['2012-03-14', '2015-07-02'];

	async function messy(file: string): Promise<void> {
		const wb = new ExcelJS.Workbook();
		const l1 = wb.addWorksheet('list_1');
		l1.addRow(['List 1: Contacts', 'List 1: Contacts']);
		l1.addRow(['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age', 'Date of Contact', 'Contact Source']);
		l1.addRow([IDS[0], 'Female', 'WBRI', new Date(`${DOBS[0]}T00:00:00Z`), 8, 44090, 'q) 6: Police']); // serial date
		l1.addRow([IDS[0], 'b) Female', 'a) WBRI', '14/03/2012', 8, '16/09/2020', '6: Police']); // same child and day: :2
		l1.addRow([IDS[1], 'Indeterminate', 'White and Asian', '02/07/2015', 5, '2020-09-17', 'Carrier pigeon']); // unknown code
		l1.addRow([IDS[2], 'a) Male', 'Klingon', null, null, '#N/A', 'q) 6: Police']); // #N/A date: problem
		l1.addRow([null, 'a) Male', 'a) WBRI', null, null, '2020-09-17', 'q) 6: Police']); // no id: problem
		l1.addRow([]);
		const l7 = wb.addWorksheet('LIST 7');
		l7.addRow([
			'Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age of Child (Years)', 'Does the Child have a Disability',
			'Child Protection Plan Start Date', 'Initial Category of Abuse', 'Latest Category of Abuse', 'Child Protection Plan End Date', 'Allocated Worker'
		]);
		l7.addRow([IDS[3], 'Male', 'Unknown value', '02/07/2015', 5, 'a) Yes', '01/03/2021', 'Neglect', 'c) Sexual abuse', '01/02/2021', 'Jo Bloggs']); // ends before it starts
		l7.addRow([IDS[1], 'c) Not stated/recorded', 'h) MWAS', '02/07/2015', 5, 'b) No', '2021-01-05', 'Emotional abuse', 'Nothing known', null, 'Jo Bloggs']);
		await wb.xlsx.writeFile(file);
	}

	it('converts, reports its problems, and the import quarantines the rest with reasons', async () => {
		const dir = tempDir('annex-a-messy');
		const file = path.join(dir, 'messy.xlsx');
		await messy(file);
		const out = path.join(dir, 'out');
		const { report, counts } = await convertAnnexA({ file, key, la: '123', agency: 'LA123', outDir: out, extractedOn: '2021-04-01' });
		expect(counts).toMatchObject({ contacts: 3, cp_plans: 2, children: 4, referrals: 0 });
		expect(report.problems).toEqual([
			{ where: 'List 1 (sheet "list_1")', row: 6, reason: 'Date of Contact: #N/A; the event needs it: row not written' },
			{ where: 'List 1 (sheet "list_1")', row: 7, reason: 'no usable Child Unique ID: row not written' }
		]);
		expect(report.fields.find((f) => f.source === 'List 1: Contact Source')).toMatchObject({
			mapped: 2,
			dropped: 1,
			reasons: { 'unknown code: written as it is, for the import to quarantine': 1 }
		});
		expect(report.fields.find((f) => f.source === 'List 1: Date of Contact')?.reasons).toEqual({ '#N/A: row not written': 1 });

		const contacts = readFileSync(path.join(out, 'contacts.csv'), 'utf8');
		expect(contacts).toContain(recordId(key, 'LA123', 'contacts', `LA:123:${IDS[0].toUpperCase()}:2020-09-16`));
		expect(contacts).toContain(recordId(key, 'LA123', 'contacts', `LA:123:${IDS[0].toUpperCase()}:2020-09-16:2`));
		const children = readFileSync(path.join(out, 'children.csv'), 'utf8');
		// The child in Lists 1 and 7: List 7's row wins (sex unknown, MWAS, disability no).
		expect(children).toContain(`${childPseudonym(key, `LA:123:${IDS[1].toUpperCase()}`)},2015-07,unknown,MWAS,no,`);
		// A child only in List 1: disability unknown.
		expect(children).toContain(`${childPseudonym(key, `LA:123:${IDS[0].toUpperCase()}`)},2012-03,female,WBRI,unknown,`);

		const warehouse = await freshWarehouse();
		warehouses.push(warehouse);
		const imported = await importExtract(warehouse, out);
		expect(imported.errors).toEqual([]);
		for (const f of imported.files) expect(f.rows_loaded + f.rows_quarantined, f.file).toBe(counts[f.table]);
		const quarantined = (await listQuarantine(warehouse))
			.map((q) => ({ table: q.table, line: q.line, reasons: q.reasons }))
			.sort((a, b) => a.table.localeCompare(b.table) || a.line - b.line);
		expect(quarantined.map((q) => [q.table, q.line])).toEqual([
			['children', 4],
			['children', 5],
			['contacts', 4],
			['cp_plans', 2],
			['cp_plans', 3]
		]);
		console.log(JSON.stringify(quarantined, null, 1));
		for (const q of quarantined) expect(q.reasons.length, `${q.table} ${q.line}`).toBeGreaterThan(0);
		expect(quarantined.find((q) => q.table === 'contacts')!.reasons.join(' ')).toMatch(/source_code/);
		expect(quarantined.find((q) => q.table === 'cp_plans' && q.line === 2)!.reasons.join(' ')).toMatch(/ended_on/);
		expect(quarantined.find((q) => q.table === 'cp_plans' && q.line === 3)!.reasons.join(' ')).toMatch(/latest_category/);
		for (const q of quarantined.filter((x) => x.table === 'children')) expect(q.reasons.join(' ')).toMatch(/ethnicity/);

		// No identifier in any output, the report or a problem.
		const { text, cells } = await outputs(out);
		const said = JSON.stringify(report);
		for (const id of IDS) {
			for (const form of [id, id.toUpperCase()]) {
				expect(text.includes(form)).toBe(false);
				expect(said.includes(form)).toBe(false);
			}
			expect(cells.has(id)).toBe(false);
		}
		for (const d of DOBS) for (const form of [d, dmy(d)]) expect(text.includes(form) || said.includes(form)).toBe(false);
		expect(text.includes('Jo Bloggs') || said.includes('Jo Bloggs')).toBe(false);
	});

	it('refuses a file that is not a workbook without naming its content', async () => {
		const dir = tempDir('annex-a-bad');
		const file = path.join(dir, 'not.xlsx');
		(await import('node:fs')).writeFileSync(file, 'ab1234567,2012-03-14\n');
		await expect(convertAnnexA({ file, key, la: '123', agency: 'LA123', outDir: path.join(dir, 'out') })).rejects.toThrow(
			/^not\.xlsx: cannot be read as an Excel workbook/
		);
	});
});
