/**
 * The shapes the import components are fed: the server's import report, job progress and
 * batch list as plain JSON (src/lib/server/import/types.ts, uploads/jobs.ts,
 * import/quarantine.ts), restated here so that nothing of $lib/server reaches the browser.
 */

export interface ImportFileRow {
	file: string;
	table: string;
	rows_read: number;
	rows_loaded: number;
	rows_replaced: number;
	rows_quarantined: number;
}

export interface ImportReportData {
	batch_id: number | null;
	status: 'committed' | 'unchanged' | 'failed';
	files: ImportFileRow[];
	errors: { file: string | null; line?: number; message: string }[];
	retried: { table: string; rows_loaded: number; rows_replaced: number; rows_waiting: number }[];
}

/** The identifier check at the door: passed, refused (identifiers found), or no verdict (the import failed otherwise). */
export type IdentifierVerdict = 'passed' | 'refused' | 'not_reached';

/** GET /api/imports/[id]. */
export interface JobProgress {
	id: string;
	stage: 'checks' | 'import' | 'done';
	step: string;
	done: number;
	total: number;
	started_at: string;
	finished_at: string | null;
	report: ImportReportData | null;
	identifier_check: IdentifierVerdict | null;
}

export interface BatchRow {
	batch_id: number;
	source: string;
	supplied_by: string;
	extracted_on: string;
	imported_at: string;
	imported_by: string;
	status: 'committed' | 'undone';
	rows_read: number;
	rows_loaded: number;
	rows_replaced: number;
	rows_quarantined: number;
}

/** A whole number in en-GB style: 12,345. */
export const count = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 0 });

/** Bytes in words: "6.8 MB". */
export function sizeWords(bytes: number): string {
	const MB = 1024 * 1024;
	if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
	if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
	return `${bytes} bytes`;
}

/** A UTC time as UK time, e.g. "7 Apr 2025, 09:10". */
export const ukTime = (iso: string) =>
	new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
