/**
 * The Ofsted Annex A converter: an Annex A workbook (Lists 1 to 11) to a multi-agency extract
 * (../shared/spec/extract-format.md), pseudonymised on the data controller's side.
 *
 * What it writes:
 * - contacts from List 1, referrals from List 3, assessments from List 4, s47_enquiries from
 *   List 5, cp_plans from List 7. Annex A rows carry no id of their own, so every record id is
 *   recordId(key, agency, table, `<linkage identifier>:<event date>` (+ `:2` …)) via EventIds.
 * - children from every row of Lists 1 to 7. A child's attributes come from its **latest**
 *   row: the row of the later list, and within a list the later row; each attribute is taken
 *   from the latest row that holds a value for it (a blank in a later row does not erase a
 *   value known from an earlier one). Disability is only in Lists 4 to 7: a child never seen
 *   there has disability `unknown`; so does one whose only value is blank.
 * - agencies: the supplying agency (sector children_social_care), so the extract imports alone.
 * - Lists 2 and 6 give children only (no table holds early help or CIN episodes); Lists 8 to 11
 *   are out of scope and reported as not mapped.
 *
 * Sheets are found by name (`List 1`, `List_1`, `list1` …), header rows by the liia-tools
 * header patterns (./annex-a-maps.ts) in the first rows, so a title row above the header is
 * fine. Dates may be Excel dates, serial numbers or text (`DD/MM/YYYY`, `YYYY-MM-DD`).
 *
 * Nothing is dropped silently: the report says per source field what was mapped and what was
 * dropped and why, and every row that cannot be written (no Child Unique ID, no usable event
 * date) with its list, sheet row and reason. Codes that map to nothing are written as they
 * are, for the import to quarantine. Identifiers (Child Unique ID, dates of birth beyond the
 * month, age, workers' names) never reach an output, the report or an error message.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import {
	EventIds,
	LinkageError,
	birthMonth,
	childPseudonym,
	linkageIdentifier,
	readKeyFile,
	recordId,
	type PartnershipKey
} from '../pseudonym/pseudonym.ts';
import { ReportBuilder, readLookup, writeExtractFolder, type ConversionReport, type OutputRow } from './common.ts';
import {
	ANNEX_A_HEADERS,
	BOOL_MAP,
	CATEGORY_MAP,
	ETHNICITY_MAP,
	GENDER_MAP,
	OUT_OF_SCOPE_FIRST_FIELDS,
	SOURCE_MAP,
	headerMatches,
	matchCode,
	type CodeEntry,
	type HeaderField
} from './annex-a-maps.ts';

export interface AnnexAOptions {
	file: string;
	key?: PartnershipKey;
	keyFile?: string;
	/** The local authority's 3-digit code. */
	la: string;
	/** The supplying agency's code (the manifest's supplied_by). */
	agency: string;
	outDir: string;
	/** CSV: LA child ID → NHS number. */
	nhsLookup?: string;
	/** CSV: LA child ID → area code. */
	areaLookup?: string;
	/** YYYY-MM-DD; default today. */
	extractedOn?: string;
}

/** How many header rows down the header may be (a title row or two above it). */
const HEADER_SEARCH_ROWS = 10;

type Cell = string | number | Date | { error: string } | null;

/** A cell as a plain value: formulas by their result, rich text as its text. */
function cellValue(v: ExcelJS.CellValue): Cell {
	if (v === null || v === undefined) return null;
	if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
	if (typeof v === 'number') return v;
	if (typeof v === 'boolean') return v ? 'Yes' : 'No';
	if (v instanceof Date) return v;
	if (typeof v === 'object') {
		if ('error' in v) return { error: String(v.error) };
		if ('result' in v) return cellValue((v as { result?: ExcelJS.CellValue }).result ?? null);
		if ('richText' in v) return cellValue(v.richText.map((r) => r.text).join(''));
		if ('text' in v) return cellValue(String((v as { text: unknown }).text));
	}
	return null;
}

/** Text of a cell for codes and ids; numbers without a fraction as integers. */
function cellText(c: Cell): string | null {
	if (c === null) return null;
	if (typeof c === 'string') return c;
	if (typeof c === 'number') return Number.isInteger(c) ? String(c) : String(c);
	if (c instanceof Date) return null;
	return null;
}

const isError = (c: Cell): c is { error: string } => c !== null && typeof c === 'object' && !(c instanceof Date);
const NA = /^#?n\/?a$/i;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function ymd(y: number, m: number, d: number): string | null {
	const t = new Date(Date.UTC(y, m - 1, d));
	if (y < 1900 || y > 2100 || t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
	return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string } | { ok: 'blank' };

/** A date cell: an Excel date, a serial number, or text DD/MM/YYYY or YYYY-MM-DD (a time after it ignored). */
export function parseAnnexDate(c: Cell): Parsed<string> {
	if (c === null) return { ok: 'blank' };
	if (isError(c)) return { ok: false, reason: `error value ${c.error}` };
	if (c instanceof Date) {
		if (Number.isNaN(c.getTime())) return { ok: false, reason: 'unparseable date' };
		const v = ymd(c.getUTCFullYear(), c.getUTCMonth() + 1, c.getUTCDate());
		return v ? { ok: true, value: v } : { ok: false, reason: 'date out of range' };
	}
	if (typeof c === 'number') {
		if (c < 1 || c > 73050) return { ok: false, reason: 'number is not an Excel date' };
		const t = new Date(Date.UTC(1899, 11, 30) + Math.floor(c) * 86400000);
		const v = ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
		return v ? { ok: true, value: v } : { ok: false, reason: 'date out of range' };
	}
	const s = c.trim();
	if (NA.test(s)) return { ok: false, reason: '#N/A' };
	let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
	if (m) {
		const v = ymd(+m[1], +m[2], +m[3]);
		return v ? { ok: true, value: v } : { ok: false, reason: 'not a calendar date' };
	}
	m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s.*)?$/.exec(s);
	if (m) {
		const v = ymd(+m[3], +m[2], +m[1]);
		return v ? { ok: true, value: v } : { ok: false, reason: 'not a calendar date' };
	}
	if (/^\d+(\.\d+)?$/.test(s)) return parseAnnexDate(Number(s));
	return { ok: false, reason: 'unparseable date' };
}

/** The list number of a sheet name: `List 1`, `List_1`, `list1`, `LIST 1 - Contacts` …; else null. */
export function listNumber(sheetName: string): number | null {
	const m = /^\s*list[\s_-]*(\d{1,2})(?!\d)/i.exec(sheetName);
	if (!m) return null;
	const n = Number(m[1]);
	return n >= 1 && n <= 11 ? n : null;
}

interface ListSheet {
	list: number;
	sheet: ExcelJS.Worksheet;
	/** Field name → column number. */
	columns: Map<string, number>;
	/** Headers that match no field: column number → header. */
	unknown: Map<number, string>;
	headerRow: number;
	/** Data rows: sheet row number and cells by column number. */
	rows: { row: number; cells: Cell[] }[];
}

function rowCells(row: ExcelJS.Row): Cell[] {
	const values = row.values as ExcelJS.CellValue[];
	const out: Cell[] = [];
	for (let i = 1; i < values.length; i++) out[i] = cellValue(values[i]);
	return out;
}

/** Finds the header row (the first of the first rows where the list's first field and one more match) and the data rows. */
function readListSheet(list: number, sheet: ExcelJS.Worksheet, fields: readonly HeaderField[]): ListSheet | null {
	const last = Math.min(sheet.rowCount, HEADER_SEARCH_ROWS);
	for (let r = 1; r <= last; r++) {
		const cells = rowCells(sheet.getRow(r));
		const headers = cells.map((c) => (typeof c === 'string' ? c : c === null ? null : cellText(c)));
		const columns = new Map<string, number>();
		for (const field of fields) {
			for (let i = 1; i < headers.length; i++) {
				const h = headers[i];
				if (h && ![...columns.values()].includes(i) && headerMatches(field, h)) {
					columns.set(field.name, i);
					break;
				}
			}
		}
		const first = fields[0].name;
		const enough = list <= 7 ? columns.has(first) && columns.size >= 3 : columns.size >= 1;
		if (!enough) continue;
		const unknown = new Map<number, string>();
		headers.forEach((h, i) => {
			if (h && ![...columns.values()].includes(i)) unknown.set(i, h);
		});
		const rows: ListSheet['rows'] = [];
		for (let d = r + 1; d <= sheet.rowCount; d++) {
			const c = rowCells(sheet.getRow(d));
			if (c.some((x) => x !== null && x !== undefined)) rows.push({ row: d, cells: c });
		}
		return { list, sheet, columns, unknown, headerRow: r, rows };
	}
	return null;
}

/** Annex A's identifiers and identifying details: never written anywhere. */
const NEVER_MAPPED: Record<string, string> = {
	'Child Unique ID': 'an identifier: used only to make the child_id pseudonym, never written',
	'Age of Child (Years)': 'identifying detail: never mapped (birth_month is kept)',
	'Allocated Worker': "a person's name: never mapped"
};

interface ChildFacts {
	/** Ordering key of the row the facts came from, per attribute. */
	sex?: { order: number; value: string };
	ethnicity?: { order: number; value: string };
	birth_month?: { order: number; value: string };
	disability?: { order: number; value: string };
	area_code: string | null;
}

export async function convertAnnexA(options: AnnexAOptions): Promise<{ report: ConversionReport; counts: Record<string, number> }> {
	const { la, agency } = options;
	if (!/^\d{3}$/.test(la.trim())) throw new Error('the local authority code must be 3 digits');
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(agency)) throw new Error('the agency code must be 1 to 64 letters, digits, _ or -');
	const key = options.key ?? (options.keyFile ? await readKeyFile(options.keyFile) : undefined);
	if (!key) throw new Error('a partnership key is needed (a key file)');
	const extractedOn = options.extractedOn ?? new Date().toISOString().slice(0, 10);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(extractedOn)) throw new Error('the extract date must be YYYY-MM-DD');
	const nhs = options.nhsLookup ? await readLookup(options.nhsLookup) : new Map<string, string>();
	const areas = options.areaLookup ? await readLookup(options.areaLookup) : new Map<string, string>();

	const fileName = path.basename(options.file);
	const workbook = new ExcelJS.Workbook();
	try {
		await workbook.xlsx.readFile(options.file);
	} catch {
		throw new Error(`${fileName}: cannot be read as an Excel workbook (.xlsx)`);
	}

	const report = new ReportBuilder(fileName);
	const sheets: ListSheet[] = [];
	const seenLists = new Set<number>();
	for (const sheet of workbook.worksheets) {
		const list = listNumber(sheet.name);
		if (list === null) continue;
		if (seenLists.has(list)) {
			report.problem(`List ${list}`, 0, `a second sheet for List ${list} ("${sheet.name}") is ignored`);
			continue;
		}
		seenLists.add(list);
		const fields = ANNEX_A_HEADERS[list] ?? OUT_OF_SCOPE_FIRST_FIELDS;
		const ls = readListSheet(list, sheet, fields);
		if (!ls) {
			if (sheet.actualRowCount > 0) report.problem(`List ${list}`, 0, `no header row found in the first ${HEADER_SEARCH_ROWS} rows of sheet "${sheet.name}": list not read`);
			continue;
		}
		sheets.push(ls);
	}
	sheets.sort((a, b) => a.list - b.list);

	const events: Record<string, OutputRow[]> = { contacts: [], referrals: [], assessments: [], s47_enquiries: [], cp_plans: [] };
	const eventIds: Record<string, EventIds> = Object.fromEntries(Object.keys(events).map((t) => [t, new EventIds()]));
	const children = new Map<string, ChildFacts>();

	for (const ls of sheets) {
		// Where problems are: the list, and the sheet's own name when it differs.
		const L = ls.sheet.name === `List ${ls.list}` ? `List ${ls.list}` : `List ${ls.list} (sheet "${ls.sheet.name}")`;
		const src = (field: string) => `List ${ls.list}: ${field}`;
		if (ls.list >= 8) {
			report.dropped(`List ${ls.list}: (every column)`, `List ${ls.list} is out of scope: not mapped`, null, ls.rows.length);
			continue;
		}
		for (const header of ls.unknown.values()) report.declare(`List ${ls.list}: ${header} (unrecognised column)`, null);
		const col = (row: Cell[], field: string): Cell => {
			const i = ls.columns.get(field);
			return i === undefined ? null : (row[i] ?? null);
		};
		const has = (field: string) => ls.columns.has(field);

		// Declare every recognised column once so the report lists it even when the list is empty.
		const targets = LIST_TARGETS[ls.list];
		for (const field of ls.columns.keys()) report.declare(src(field), targets[field] ?? null);

		/** A code column: mapped through `map`; an unknown value is kept for the import to quarantine. */
		const code = (
			row: Cell[],
			field: string,
			map: readonly CodeEntry[],
			target: string,
			/** For a known code: what it becomes and, when it becomes nothing, why (default: the entry's target). */
			convert?: (entry: CodeEntry) => { value: string | null; why?: string }
		): { value: string | null; entry: CodeEntry | null } => {
			const c = col(row, field);
			if (c === null) {
				if (has(field)) report.dropped(src(field), 'blank', target);
				return { value: null, entry: null };
			}
			if (isError(c)) {
				report.dropped(src(field), `error value ${c.error}`, target);
				return { value: null, entry: null };
			}
			const text = c instanceof Date ? null : cellText(c);
			if (text === null || NA.test(text)) {
				report.dropped(src(field), text === null ? 'a date where a code belongs' : '#N/A', target);
				return { value: null, entry: null };
			}
			const entry = matchCode(map, text);
			if (!entry) {
				report.dropped(src(field), 'unknown code: written as it is, for the import to quarantine', target);
				return { value: text, entry: null };
			}
			const converted = convert ? convert(entry) : { value: entry.target };
			if (converted.value === null) {
				report.dropped(src(field), converted.why ?? 'no value in the extract', target);
				return { value: null, entry };
			}
			report.mapped(src(field), target);
			return { value: converted.value, entry };
		};
		const date = (row: Cell[], field: string, target: string): string | null => {
			const p = parseAnnexDate(col(row, field));
			if (p.ok === true) {
				report.mapped(src(field), target);
				return p.value;
			}
			if (has(field)) report.dropped(src(field), p.ok === 'blank' ? 'blank' : p.reason, target);
			return null;
		};

		ls.rows.forEach(({ row, cells }, index) => {
			const order = ls.list * 1_000_000 + index;
			// The child.
			const idCell = col(cells, 'Child Unique ID');
			const laChildId = idCell instanceof Date || isError(idCell) ? null : cellText(idCell);
			if (!laChildId || NA.test(laChildId)) {
				report.problem(L, row, !has('Child Unique ID') ? 'no Child Unique ID column: row not written' : 'no usable Child Unique ID: row not written');
				return;
			}
			report.dropped(src('Child Unique ID'), NEVER_MAPPED['Child Unique ID']);
			let linkage: string;
			try {
				linkage = linkageIdentifier({ nhsNumber: nhs.get(laChildId.trim().toUpperCase()) ?? null, laCode: la, laChildId });
			} catch (e) {
				if (e instanceof LinkageError) {
					report.problem(L, row, `the NHS lookup's number for this child is not 10 digits: row not written`);
					return;
				}
				throw e;
			}
			const childId = childPseudonym(key, linkage);

			// The event, first: a row whose event cannot be written says so and still describes the child.
			const eventDate = (field: string): string | null => {
				const p = parseAnnexDate(col(cells, field));
				if (p.ok === true) {
					report.mapped(src(field), LIST_TARGETS[ls.list][field] ?? '');
					return p.value;
				}
				const why = !has(field) ? 'no such column' : p.ok === 'blank' ? 'blank' : p.reason;
				report.dropped(src(field), `${why}: row not written`, LIST_TARGETS[ls.list][field] ?? null);
				report.problem(L, row, `${field}: ${why}; the event needs it: row not written`);
				return null;
			};
			const id = (table: string, on: string) => recordId(key, agency, table, eventIds[table].next(linkage, on));
			switch (ls.list) {
				case 1: {
					const on = eventDate('Date of Contact');
					if (!on) break;
					const source = code(cells, 'Contact Source', SOURCE_MAP, 'contacts.source_code');
					events.contacts.push({
						contact_id: id('contacts', on),
						child_id: childId,
						received_at: on,
						source_code: source.value,
						source_agency_code: null,
						outcome: null,
						decided_at: null
					});
					break;
				}
				case 3: {
					const on = eventDate('Date of referral');
					if (!on) break;
					const source = code(cells, 'Referral Source', SOURCE_MAP, 'referrals.source_code');
					// Yes: no further action. No (or unknown): Annex A does not say which response, so null.
					const nfa = code(cells, 'Referral NFA?', BOOL_MAP, 'referrals.outcome', (e) =>
						e.target === 'yes'
							? { value: 'no_further_action' }
							: { value: null, why: `${e.name}: Annex A does not say which response, so outcome is null` }
					);
					events.referrals.push({
						referral_id: id('referrals', on),
						child_id: childId,
						contact_id: null,
						received_at: on,
						source_code: source.value,
						source_agency_code: null,
						primary_need_code: null,
						concerns: null,
						decided_at: null,
						outcome: nfa.value
					});
					break;
				}
				case 4: {
					const on = eventDate('Continuous Assessment Start Date');
					if (!on) break;
					events.assessments.push({
						assessment_id: id('assessments', on),
						child_id: childId,
						referral_id: null,
						started_on: on,
						completed_on: date(cells, 'Continuous Assessment Date of Authorisation', 'assessments.completed_on'),
						factors: null
					});
					break;
				}
				case 5: {
					const on = eventDate('Strategy discussion initiating Section 47 Enquiry Start Date');
					if (!on) break;
					const bool = (e: CodeEntry) =>
						e.target === 'yes' ? { value: 'true' } : e.target === 'no' ? { value: 'false' } : { value: null, why: `${e.name}: null` };
					const unnecessary = code(cells, 'Was an Initial Child Protection Conference deemed unnecessary?', BOOL_MAP, 's47_enquiries.icpc_not_required', bool);
					const plan = code(cells, 'Did the Initial Child Protection Conference Result in a Child Protection Plan', BOOL_MAP, 's47_enquiries.cp_plan_started', bool);
					let notRequired = unnecessary.value;
					if (col(cells, 'Was an Initial Child Protection Conference deemed unnecessary?') === null) {
						// Blank: no decision that a conference was unnecessary.
						notRequired = 'false';
						report.mapped(`List 5: Was an Initial Child Protection Conference deemed unnecessary? (blank, written as false)`, 's47_enquiries.icpc_not_required');
					}
					events.s47_enquiries.push({
						s47_id: id('s47_enquiries', on),
						child_id: childId,
						referral_id: null,
						strategy_discussion_on: on,
						started_on: on,
						icpc_not_required: notRequired,
						icpc_on: date(cells, 'Date of Initial Child Protection Conference', 's47_enquiries.icpc_on'),
						cp_plan_started: plan.value
					});
					break;
				}
				case 7: {
					const on = eventDate('Child Protection Plan Start Date');
					if (!on) break;
					const initial = code(cells, 'Initial Category of Abuse', CATEGORY_MAP, 'cp_plans.initial_category');
					const latest = code(cells, 'Latest Category of Abuse', CATEGORY_MAP, 'cp_plans.latest_category');
					events.cp_plans.push({
						plan_id: id('cp_plans', on),
						child_id: childId,
						started_on: on,
						ended_on: date(cells, 'Child Protection Plan End Date', 'cp_plans.ended_on'),
						initial_category: initial.value,
						latest_category: latest.value
					});
					break;
				}
				default:
					break;
			}

			// The child's attributes: the latest row holding each wins.
			const facts = children.get(childId) ?? { area_code: null };
			children.set(childId, facts);
			const set = (attr: 'sex' | 'ethnicity' | 'birth_month' | 'disability', value: string | null) => {
				if (value === null) return;
				const cur = facts[attr];
				if (!cur || cur.order <= order) facts[attr] = { order, value };
			};
			set('sex', code(cells, 'Gender', GENDER_MAP, 'children.sex').value);
			set('ethnicity', code(cells, 'Ethnicity', ETHNICITY_MAP, 'children.ethnicity').value);
			const dob = parseAnnexDate(col(cells, 'Date of Birth'));
			if (dob.ok === true) {
				report.mapped(src('Date of Birth'), 'children.birth_month');
				report.dropped(src('Date of Birth'), 'the day of birth: never mapped (only the month is kept)', 'children.birth_month');
				set('birth_month', birthMonth(dob.value));
			} else if (has('Date of Birth')) {
				report.dropped(src('Date of Birth'), dob.ok === 'blank' ? 'blank' : dob.reason, 'children.birth_month');
			}
			if (has('Does the Child have a Disability')) {
				set('disability', code(cells, 'Does the Child have a Disability', BOOL_MAP, 'children.disability').value);
			}
			if (col(cells, 'Age of Child (Years)') !== null) report.dropped(src('Age of Child (Years)'), NEVER_MAPPED['Age of Child (Years)']);
			if (col(cells, 'Allocated Worker') !== null) report.dropped(src('Allocated Worker'), NEVER_MAPPED['Allocated Worker']);
			for (const [field, why] of Object.entries(NOT_MAPPED_FIELDS)) {
				if (col(cells, field) !== null) report.dropped(src(field), why);
			}
			for (const [i] of ls.unknown) {
				const c = cells[i] ?? null;
				if (c !== null) report.dropped(`List ${ls.list}: ${ls.unknown.get(i)} (unrecognised column)`, 'unrecognised column: not mapped');
			}
			const area = areas.get(laChildId.trim().toUpperCase());
			if (area) facts.area_code = area;
		});
	}

	const childRows: OutputRow[] = [...children.entries()].map(([childId, f]) => ({
		child_id: childId,
		birth_month: f.birth_month?.value ?? null,
		sex: f.sex?.value ?? 'unknown',
		ethnicity: f.ethnicity?.value ?? null,
		disability: f.disability?.value ?? 'unknown',
		area_code: f.area_code
	}));
	const noDisability = childRows.filter((c) => children.get(c.child_id as string)?.disability === undefined).length;
	if (noDisability) report.dropped('children.disability', 'not in the lists holding this child (or blank there): written as unknown', 'children.disability', noDisability);
	const noSex = childRows.filter((c) => children.get(c.child_id as string)?.sex === undefined).length;
	if (noSex) report.dropped('children.sex', 'no Gender for this child: written as unknown', 'children.sex', noSex);
	if (options.areaLookup) {
		const withArea = childRows.filter((c) => c.area_code !== null).length;
		report.mapped('area lookup', 'children.area_code', withArea);
		if (childRows.length > withArea) report.dropped('area lookup', 'child not in the area lookup', 'children.area_code', childRows.length - withArea);
	} else {
		report.declare('area lookup (none given): children.area_code is null', 'children.area_code');
	}
	for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) {
		if (!seenLists.has(n)) report.declare(`List ${n}: no sheet in the workbook`, null);
	}

	const counts = await writeExtractFolder(
		options.outDir,
		{ supplied_by: agency, extracted_on: extractedOn },
		{
			agencies: [{ agency_code: agency, agency_name: agency, sector: 'children_social_care' }],
			children: childRows,
			...events
		}
	);
	return { report: report.build(counts), counts };
}

/** Where each recognised column of Lists 1 to 7 goes (absent: not mapped). */
const LIST_TARGETS: Record<number, Record<string, string>> = (() => {
	const child = {
		Gender: 'children.sex',
		Ethnicity: 'children.ethnicity',
		'Date of Birth': 'children.birth_month',
		'Does the Child have a Disability': 'children.disability'
	};
	return {
		1: { ...child, 'Date of Contact': 'contacts.received_at', 'Contact Source': 'contacts.source_code' },
		2: { ...child },
		3: { ...child, 'Date of referral': 'referrals.received_at', 'Referral Source': 'referrals.source_code', 'Referral NFA?': 'referrals.outcome' },
		4: { ...child, 'Continuous Assessment Start Date': 'assessments.started_on', 'Continuous Assessment Date of Authorisation': 'assessments.completed_on' },
		5: {
			...child,
			'Strategy discussion initiating Section 47 Enquiry Start Date': 's47_enquiries.strategy_discussion_on, s47_enquiries.started_on',
			'Was an Initial Child Protection Conference deemed unnecessary?': 's47_enquiries.icpc_not_required',
			'Date of Initial Child Protection Conference': 's47_enquiries.icpc_on',
			'Did the Initial Child Protection Conference Result in a Child Protection Plan': 's47_enquiries.cp_plan_started'
		},
		6: { ...child },
		7: {
			...child,
			'Child Protection Plan Start Date': 'cp_plans.started_on',
			'Child Protection Plan End Date': 'cp_plans.ended_on',
			'Initial Category of Abuse': 'cp_plans.initial_category',
			'Latest Category of Abuse': 'cp_plans.latest_category'
		}
	};
})();

/** Recognised columns with no place in the extract. */
const NOT_MAPPED_FIELDS: Record<string, string> = {
	'Assessment start date': 'List 2 (early help) has no table: not mapped',
	'Assessment completion date': 'List 2 (early help) has no table: not mapped',
	'Organisation completing assessment': 'List 2 (early help) has no table: not mapped',
	'Number of Referrals in Last 12 Months': 'derived count: not mapped (the warehouse counts referrals itself)',
	'Allocated Team': 'no column for it: not mapped',
	'Child Seen During Continuous Assessment': 'no column for it: not mapped',
	"Was the child assessed as requiring LA children's social care support?": 'no column for it: not mapped',
	'Number of Section 47 Enquiries in the last 12 months': 'derived count: not mapped',
	'Number of ICPCs in the last 12 months': 'derived count: not mapped',
	'CIN Start Date': 'List 6 (children in need) has no table: not mapped',
	'Primary Need Code': 'List 6 (children in need) has no table: not mapped',
	'Date Child Was Last Seen': 'List 6 (children in need) has no table: not mapped',
	'CIN Closure Date': 'List 6 (children in need) has no table: not mapped',
	'Reason for Closure': 'List 6 (children in need) has no table: not mapped',
	'Case Status': 'List 6 (children in need) has no table: not mapped',
	'Date of the Last Statutory Visit': 'no column for it: not mapped',
	'Was the Child Seen Alone?': 'no column for it: not mapped',
	'Date of latest review conference': 'no column for it: not mapped',
	'Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)': 'no column for it: not mapped',
	'Number of Previous Child Protection Plans': 'derived count: not mapped'
};
