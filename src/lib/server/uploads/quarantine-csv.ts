/**
 * The quarantine as a CSV download: `batch_id,file,table,line,reasons`, one row per quarantined
 * row, reasons joined with "; ". The row's values are never in it (they could be personal):
 * the data manager finds the row in the extract by its file and line.
 */
import { createHash } from 'node:crypto';
import { EXTRACT_TABLES } from '../schema/tables.ts';
import type { QuarantineFilter } from '../import/quarantine.ts';
import type { QuarantinedRow } from '../import/types.ts';

export class QuarantineFilterError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'QuarantineFilterError';
	}
}

/** The extract tables a filter may name. */
export const QUARANTINE_TABLES: readonly string[] = EXTRACT_TABLES.map((t) => t.name);

/** `batch` and `table` of a URL (both optional; empty means any). */
export function parseQuarantineFilter(params: URLSearchParams): { batch?: number; table?: string } {
	const filter: { batch?: number; table?: string } = {};
	const batch = params.get('batch')?.trim() ?? '';
	if (batch !== '') {
		if (!/^[1-9][0-9]{0,9}$/.test(batch)) throw new QuarantineFilterError('batch: must be an import batch number');
		filter.batch = Number(batch);
	}
	const table = params.get('table')?.trim() ?? '';
	if (table !== '') {
		if (!QUARANTINE_TABLES.includes(table)) throw new QuarantineFilterError(`table: must be one of ${QUARANTINE_TABLES.join(', ')}`);
		filter.table = table;
	}
	return filter;
}

/** A CSV field: quoted when needed; a leading =, +, -, @ or tab is escaped so that spreadsheets show it as text. */
function field(value: string | number): string {
	let s = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const QUARANTINE_CSV_COLUMNS = ['batch_id', 'file', 'table', 'line', 'reasons'] as const;

export interface QuarantineCsv {
	text: string;
	sha256: string;
	rows: number;
	/** The download's file name: quarantine[-batch-N][-table].csv. */
	filename: string;
}

export function quarantineCsv(rows: readonly Pick<QuarantinedRow, 'batch_id' | 'file' | 'table' | 'line' | 'reasons'>[], filter: QuarantineFilter = {}): QuarantineCsv {
	const lines = [QUARANTINE_CSV_COLUMNS.join(',')];
	for (const r of rows) lines.push([r.batch_id, field(r.file), field(r.table), r.line, field(r.reasons.join('; '))].join(','));
	const text = `${lines.join('\r\n')}\r\n`;
	const parts = ['quarantine', ...(filter.batch !== undefined ? [`batch-${filter.batch}`] : []), ...(filter.table ? [filter.table] : [])];
	return { text, sha256: createHash('sha256').update(text, 'utf8').digest('hex'), rows: rows.length, filename: `${parts.join('-')}.csv` };
}
