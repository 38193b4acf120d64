/**
 * What every converter (CIN census XML, Annex A workbooks, partner CSVs) shares: the report of
 * what was mapped and what was dropped, lookups supplied by the data controller, and writing
 * the extract (manifest and one CSV a table, columns in the schema's order).
 *
 * Nothing is dropped silently: every source field is reported with how many values it mapped
 * and how many it dropped and why, and every row that cannot be mapped is reported with its
 * sheet or element, row and reason. Values that break a rule of the extract (a date order, an
 * unknown code) are passed through for the import to quarantine. Reports and errors never
 * carry an identifier or a birth date: they say where and why, never the value.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { getTable } from '../schema/tables.ts';

export interface FieldReport {
	/** The source field, e.g. `List 1: Gender` or `CINreferralDate`. */
	source: string;
	/** Where it went (`table.column`), or null when it is never mapped (out of scope, an identifier). */
	target: string | null;
	mapped: number;
	dropped: number;
	/** Why values were dropped, with how many each. */
	reasons: Record<string, number>;
}

export interface RowProblem {
	/** The sheet or element, e.g. `List 3` or `Child 12 / CINdetails 2`. */
	where: string;
	/** The row (sheet row number, or the element's position). */
	row: number;
	reason: string;
}

export interface ConversionReport {
	source: string;
	/** Rows written per table. */
	tables: Record<string, number>;
	fields: FieldReport[];
	problems: RowProblem[];
}

export class ReportBuilder {
	private readonly fields = new Map<string, FieldReport>();
	private readonly problems: RowProblem[] = [];

	constructor(private readonly source: string) {}

	private field(source: string, target: string | null): FieldReport {
		let f = this.fields.get(source);
		if (!f) {
			f = { source, target, mapped: 0, dropped: 0, reasons: {} };
			this.fields.set(source, f);
		}
		return f;
	}

	/** A field that exists in the source but is never mapped (with the reason, e.g. "an identifier: never leaves"). */
	declare(source: string, target: string | null): void {
		this.field(source, target);
	}

	mapped(source: string, target: string, n = 1): void {
		this.field(source, target).mapped += n;
	}

	dropped(source: string, reason: string, target: string | null = null, n = 1): void {
		const f = this.field(source, target);
		f.dropped += n;
		f.reasons[reason] = (f.reasons[reason] ?? 0) + n;
	}

	problem(where: string, row: number, reason: string): void {
		this.problems.push({ where, row, reason });
	}

	build(tables: Record<string, number>): ConversionReport {
		return { source: this.source, tables, fields: [...this.fields.values()], problems: this.problems };
	}
}

export type OutputRow = Record<string, string | null>;

function csvField(value: string | null | undefined): string {
	if (value === null || value === undefined) return '';
	return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes an extract folder: `manifest.json` and `<table>.csv` for each table given (columns
 * in the schema's order; a table with no rows is written with its header only).
 */
export async function writeExtractFolder(
	outDir: string,
	manifest: { supplied_by: string; extracted_on: string; period_start?: string; period_end?: string },
	tables: Record<string, readonly OutputRow[]>
): Promise<Record<string, number>> {
	await fs.mkdir(outDir, { recursive: true });
	const counts: Record<string, number> = {};
	for (const [name, rows] of Object.entries(tables)) {
		const table = getTable(name);
		const columns = table.columns.map((c) => c.name);
		for (const row of rows) {
			const extra = Object.keys(row).filter((k) => !columns.includes(k));
			if (extra.length) throw new Error(`${name} has no column ${extra.join(', ')}`);
		}
		const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))];
		await fs.writeFile(path.join(outDir, `${name}.csv`), `${lines.join('\n')}\n`, 'utf8');
		counts[name] = rows.length;
	}
	await fs.writeFile(
		path.join(outDir, 'manifest.json'),
		`${JSON.stringify({ format: 'multi-agency-extract', version: 1, ...manifest }, null, 2)}\n`,
		'utf8'
	);
	return counts;
}

/**
 * A lookup CSV supplied by the data controller: two columns, the LA child ID and a value (an
 * NHS number, an area code). Header names are free; the first column is the key (trimmed and
 * upper-cased, as linkage identifiers are). Later rows for the same key win.
 */
export async function readLookup(file: string): Promise<Map<string, string>> {
	const text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
	const map = new Map<string, string>();
	const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
	lines.slice(1).forEach((line, i) => {
		const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
		if (cells.length < 2 || cells[0] === '' || cells[1] === '') {
			throw new Error(`${path.basename(file)}: line ${i + 2} needs two values: the LA child ID and the value`);
		}
		map.set(cells[0].toUpperCase(), cells[1]);
	});
	return map;
}
