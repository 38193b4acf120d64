/**
 * Pseudonymising a partner agency's own CSV into one table of the extract, on the data
 * controller's machine, with the partnership key (extract-format.md, "How pseudonyms are made"):
 *
 * - a column of NHS numbers and/or a column of LA child IDs become `child_id` (the NHS number
 *   where the row has one, else the LA child ID under the LA's code);
 * - a column of the record's own ids (or of another table's, for a reference such as
 *   `referrals.contact_id`) is replaced by the record id hashed under the agency, the table the
 *   id belongs to and the value, keeping its column name;
 * - a date of birth column becomes `birth_month`;
 * - dropped columns go; every other column passes through unchanged.
 *
 * The output's header must be valid for the table, as the import judges it. Nothing is dropped
 * silently: every column is reported with what was done, and every row that could not be read
 * with its line and the rule. Reports and errors never carry a value from the file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findTable } from '../schema/tables.ts';
import type { Column, Table } from '../schema/types.ts';
import { ReportBuilder, type ConversionReport } from '../convert/common.ts';
import { csvLine, parseCsv } from './csv.ts';
import {
	childPseudonym,
	isValidNhsNumber,
	linkageIdentifier,
	normaliseNhsNumber,
	recordId,
	type PartnershipKey
} from './pseudonym.ts';

/** A mistake in what was asked (a column not in the file, a header the table would refuse). */
export class PseudonymiseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PseudonymiseError';
	}
}

export type IdKind = 'nhs' | 'la' | 'record';

export interface IdSpec {
	column: string;
	kind: IdKind;
}

/** `col:nhs`, `col:la` or `col` (a record id). */
export function parseIdSpec(text: string): IdSpec {
	const m = /^(.+?)(?::(nhs|la))?$/.exec(text.trim());
	if (!m || m[1].includes(':')) throw new PseudonymiseError(`--id ${text}: give a column, optionally followed by :nhs or :la`);
	return { column: m[1], kind: (m[2] as 'nhs' | 'la' | undefined) ?? 'record' };
}

export interface PseudonymiseOptions {
	/** The input CSV file. */
	input: string;
	key: PartnershipKey;
	/** The supplying agency's code (record ids are hashed under it). */
	agency: string;
	/** The extract table the output is for. */
	table: string;
	ids: readonly IdSpec[];
	/** The local authority's 3-digit code, for LA child IDs. */
	laCode?: string | null;
	/** The column holding dates of birth (`YYYY-MM-DD` or `DD/MM/YYYY`): becomes birth_month. */
	birthDate?: string | null;
	drop?: readonly string[];
}

export interface PseudonymiseResult {
	/** The output CSV text (header in the table's column order). */
	csv: string;
	columns: string[];
	rowsRead: number;
	rowsWritten: number;
	report: ConversionReport;
	/** Column notes for the data controller (e.g. record ids passed through unchanged). */
	notes: string[];
}

type Action =
	| { kind: 'nhs' | 'la' }
	| { kind: 'record'; hashTable: string }
	| { kind: 'birth' }
	| { kind: 'drop' }
	| { kind: 'keep'; column: Column | undefined };

const NHS_SHAPE = /^(\d{10}|\d{3} \d{3} \d{4})$/;

/** An ISO or UK date of birth as `YYYY-MM`, if it is a real date; else null. */
export function birthMonthOf(value: string): string | null {
	const v = value.trim();
	const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
	const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2].padStart(2, '0'), uk[1].padStart(2, '0')] : [];
	if (!y) return null;
	const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
	if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${m}-${d}`) return null;
	return `${y}-${m}`;
}

function checkOutputHeader(file: string, table: Table, names: string[]): void {
	const known = new Set(table.columns.map((c) => c.name));
	const problems: string[] = [];
	const twice = names.filter((n, i) => names.indexOf(n) !== i);
	if (twice.length) problems.push(`column${twice.length > 1 ? 's' : ''} ${[...new Set(twice)].join(', ')} would appear twice`);
	const unknown = names.filter((n) => !known.has(n));
	if (unknown.length) {
		problems.push(
			`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the columns of ${table.name} are ${[...known].join(', ')}; names are exact and lowercase: drop them with --drop, or rename them in the file)`
		);
	}
	const missing = table.columns.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
	if (missing.length) problems.push(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
	if (problems.length) throw new PseudonymiseError(`${file}: the output would not import into ${table.name}: ${problems.join('; ')}`);
}

export async function pseudonymiseCsv(options: PseudonymiseOptions): Promise<PseudonymiseResult> {
	const file = path.basename(options.input);
	const table = findTable(options.table);
	if (!table || table.kind !== 'extract') throw new PseudonymiseError(`--table ${options.table} is not a table of the extract`);
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(options.agency)) {
		throw new PseudonymiseError('--agency must be the agency\'s code: 1 to 64 letters, digits, "_" or "-"');
	}
	const nhsSpecs = options.ids.filter((s) => s.kind === 'nhs');
	const laSpecs = options.ids.filter((s) => s.kind === 'la');
	if (nhsSpecs.length > 1 || laSpecs.length > 1) throw new PseudonymiseError('give at most one column of NHS numbers and one of LA child IDs');
	const laCode = options.laCode?.trim() ?? '';
	if (laSpecs.length && !/^\d{3}$/.test(laCode)) throw new PseudonymiseError('LA child IDs need --la with the local authority\'s 3-digit code');

	let text: string;
	try {
		text = await fs.readFile(options.input, 'utf8');
	} catch (e) {
		throw new PseudonymiseError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
	}
	const records = parseCsv(text, file);
	const first = records.next();
	if (first.done) throw new PseudonymiseError(`${file}: the file is empty (it needs a header row)`);
	const header = first.value.fields.map((f) => f.trim());
	const dupes = header.filter((n, i) => header.indexOf(n) !== i);
	if (dupes.length) throw new PseudonymiseError(`${file}: line 1: column ${dupes[0]} appears twice in the header`);

	// What to do with each input column.
	const actions = new Map<string, Action>();
	const assign = (column: string, action: Action, flag: string) => {
		if (!header.includes(column)) throw new PseudonymiseError(`${flag} ${column}: ${file} has no column ${column}`);
		if (actions.has(column)) throw new PseudonymiseError(`${flag} ${column}: the column is named by another option too`);
		actions.set(column, action);
	};
	for (const spec of options.ids) {
		if (spec.kind === 'record') {
			const col = table.columns.find((c) => c.name === spec.column);
			if (!col?.token) {
				const tokens = table.columns.filter((c) => c.token).map((c) => c.name);
				throw new PseudonymiseError(
					`--id ${spec.column}: a record id column must be one of ${table.name}'s id columns (${tokens.join(', ') || 'it has none'}); for a child, add :nhs or :la`
				);
			}
			assign(spec.column, { kind: 'record', hashTable: col.fk?.table ?? table.name }, '--id');
		} else {
			assign(spec.column, { kind: spec.kind }, '--id');
		}
	}
	if (options.birthDate) assign(options.birthDate, { kind: 'birth' }, '--birth-date');
	for (const d of options.drop ?? []) assign(d, { kind: 'drop' }, '--drop');
	for (const name of header) if (!actions.has(name)) actions.set(name, { kind: 'keep', column: table.columns.find((c) => c.name === name) });

	// The output header, checked as the import would check it.
	const outNames: string[] = [];
	for (const name of header) {
		const a = actions.get(name)!;
		if (a.kind === 'keep' || a.kind === 'record') outNames.push(name);
		else if (a.kind === 'birth') outNames.push('birth_month');
	}
	if (nhsSpecs.length || laSpecs.length) outNames.push('child_id');
	checkOutputHeader(file, table, outNames);
	const columns = table.columns.map((c) => c.name).filter((n) => outNames.includes(n));
	const childRequired = table.columns.find((c) => c.name === 'child_id')?.required ?? false;

	const report = new ReportBuilder(file);
	const notes: string[] = [];
	const nhsCol = nhsSpecs[0]?.column;
	const laCol = laSpecs[0]?.column;
	for (const name of header) {
		const a = actions.get(name)!;
		report.declare(
			name,
			a.kind === 'drop' ? null : a.kind === 'nhs' || a.kind === 'la' ? 'child_id' : a.kind === 'birth' ? 'birth_month' : name
		);
		if (a.kind === 'keep' && a.column?.token) {
			notes.push(
				`${name} was passed through unchanged: if it holds your system's own case numbers, hash it with --id ${name}`
			);
		}
	}

	const lines = [csvLine(columns)];
	let rowsRead = 0;
	let rowsWritten = 0;
	const index = new Map(header.map((n, i) => [n, i]));
	for (const record of records) {
		rowsRead++;
		if (record.fields.length !== header.length) {
			report.problem(file, record.line, `the row has ${record.fields.length} fields; the header has ${header.length}: the row was not written`);
			continue;
		}
		const cell = (name: string) => record.fields[index.get(name)!];
		const out: Record<string, string | null> = {};
		for (const name of header) {
			const a = actions.get(name)!;
			const value = cell(name);
			const v = value.trim();
			switch (a.kind) {
				case 'drop':
					if (v !== '') report.dropped(name, 'dropped with --drop');
					break;
				case 'birth': {
					if (v === '') {
						report.dropped(name, 'empty', 'birth_month');
						out.birth_month = null;
						break;
					}
					const month = birthMonthOf(v);
					if (month) report.mapped(name, 'birth_month');
					else report.dropped(name, 'not a real date YYYY-MM-DD or DD/MM/YYYY', 'birth_month');
					out.birth_month = month;
					break;
				}
				case 'record':
					if (v === '') {
						report.dropped(name, 'empty', name);
						out[name] = null;
					} else {
						report.mapped(name, name);
						out[name] = recordId(options.key, options.agency, a.hashTable, v);
					}
					break;
				case 'keep':
					if (NHS_SHAPE.test(v) && isValidNhsNumber(v)) {
						throw new PseudonymiseError(
							`${file}: line ${record.line}: column ${name} holds an NHS number, which the identifier check at the door refuses: pseudonymise it with --id ${name}:nhs or leave it out with --drop ${name}`
						);
					}
					out[name] = value;
					if (v === '') report.dropped(name, 'empty', name);
					else report.mapped(name, name);
					break;
				default:
					break; // nhs and la: below
			}
		}
		if (nhsCol || laCol) {
			const nhsRaw = nhsCol ? cell(nhsCol).trim() : '';
			const laRaw = laCol ? cell(laCol).trim() : '';
			let nhs: string | null = null;
			if (nhsCol && nhsRaw !== '') {
				nhs = normaliseNhsNumber(nhsRaw);
				if (!nhs) {
					report.dropped(nhsCol, laCol ? 'not 10 digits (the LA child ID was used where there is one)' : 'not 10 digits', 'child_id');
				} else if (!isValidNhsNumber(nhs)) {
					report.problem(file, record.line, `column ${nhsCol}: the NHS number fails its check digit (modulus 11); pseudonymised as given`);
				}
			} else if (nhsCol) report.dropped(nhsCol, 'empty', 'child_id');
			if (nhs) {
				out.child_id = childPseudonym(options.key, linkageIdentifier({ nhsNumber: nhs }));
				report.mapped(nhsCol!, 'child_id');
				if (laCol && laRaw !== '') report.dropped(laCol, 'not needed: the NHS number was used', 'child_id');
			} else if (laCol && laRaw !== '') {
				out.child_id = childPseudonym(options.key, linkageIdentifier({ laCode, laChildId: laRaw }));
				report.mapped(laCol, 'child_id');
			} else {
				if (laCol) report.dropped(laCol, 'empty', 'child_id');
				out.child_id = null;
				if (childRequired) {
					report.problem(file, record.line, `no NHS number or LA child ID: child_id is required, so the import will quarantine this row`);
				}
			}
		}
		lines.push(csvLine(columns.map((c) => out[c] ?? null)));
		rowsWritten++;
	}
	return {
		csv: `${lines.join('\n')}\n`,
		columns,
		rowsRead,
		rowsWritten,
		report: report.build({ [table.name]: rowsWritten }),
		notes
	};
}

/** The report as text for standard error: rows, then per column what was done, then problems. */
export function formatPseudonymiseReport(result: PseudonymiseResult, table: string, out: string): string {
	const r = result.report;
	const lines = [`Read ${result.rowsRead} rows from ${r.source}; wrote ${result.rowsWritten} rows of ${table} to ${out}.`, 'Columns:'];
	const w = Math.max(...r.fields.map((f) => f.source.length), 6);
	for (const f of r.fields) {
		const target = f.target ? `-> ${f.target}` : 'dropped';
		const reasons = Object.entries(f.reasons)
			.map(([reason, n]) => (n > 0 ? `${n} ${reason}` : reason))
			.join('; ');
		lines.push(`  ${f.source.padEnd(w)}  ${target.padEnd(14)} ${f.mapped} mapped, ${f.dropped} not${reasons ? ` (${reasons})` : ''}`);
	}
	for (const note of result.notes) lines.push(`Note: ${note}`);
	if (r.problems.length) {
		lines.push(`Problems (${r.problems.length}):`);
		for (const p of r.problems) lines.push(`  ${p.where}: line ${p.row}: ${p.reason}`);
	}
	return `${lines.join('\n')}\n`;
}
