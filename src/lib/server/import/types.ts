/** The import's report, as `import --json` prints it (issue 2 / extract-format.md). */
import type { AuditEntry } from '../warehouse/audit.ts';
import type { ImportLimits } from './limits.ts';

export type ImportStatus = 'committed' | 'unchanged' | 'failed';

export interface FileReport {
	/** File name inside the extract, e.g. `contacts.csv`. */
	file: string;
	table: string;
	rows_read: number;
	/** Rows stored (new or replacing an existing key). */
	rows_loaded: number;
	/** Of rows_loaded, how many replaced a row with the same key. */
	rows_replaced: number;
	rows_quarantined: number;
}

/** Rows quarantined by earlier imports for a missing reference, tried again by this one. */
export interface RetryReport {
	table: string;
	rows_loaded: number;
	rows_replaced: number;
	/** Still waiting for their reference. */
	rows_waiting: number;
}

export interface ImportError {
	/** The file the error is about, or null for the extract as a whole. */
	file: string | null;
	/** Record number (the header is record 1), where the error is about one. */
	line?: number;
	message: string;
}

export interface ImportReport {
	batch_id: number | null;
	status: ImportStatus;
	files: FileReport[];
	errors: ImportError[];
	retried: RetryReport[];
}

export interface ImportProgress {
	/** What is happening, in words: "reading contacts.csv", "checking referrals". */
	stage: string;
	/** Steps done and the total, for a bar. */
	done: number;
	total: number;
}

export interface ImportOptions {
	/** Who runs it (the operating-system user for the command line). */
	actor?: string;
	onProgress?: (p: ImportProgress) => void;
	/**
	 * The import's audit entry, made from its report: written in the import's own transaction
	 * when it commits (so a committed batch always has its entry), appended after it otherwise.
	 */
	audit?: (report: ImportReport) => AuditEntry;
	/** The limits (default: importLimits(), from the environment). */
	limits?: ImportLimits;
}

export interface QuarantinedRow {
	batch_id: number;
	file: string;
	table: string;
	line: number;
	reasons: string[];
	/** The row as read, column name to text. */
	row: Record<string, string | null>;
	/** True when the only reasons are missing references: later imports retry it. */
	waiting_for_reference: boolean;
}

export interface UndoReport {
	batch_id: number;
	rows_removed: number;
	rows_restored: number;
}
