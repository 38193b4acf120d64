/** What an import's report says about the identifier check, and what the audit log keeps of it. */
import type { ImportReport } from '../import/types.ts';
import type { SavedUpload } from './save.ts';

/**
 * The identifier check at the door:
 * - `passed`: the import went through it (committed, or unchanged);
 * - `refused`: it found identifiers, and every error of the report is one of its findings;
 * - `not_reached`: the import failed for another reason (a missing manifest, a file that
 *   cannot be read…), so the report holds no verdict of the check.
 */
export type IdentifierVerdict = 'passed' | 'refused' | 'not_reached';

/** Every finding's message ends with this remedy (identifiers/check.ts, findingMessage). */
const FINDING = 'an extract must not hold direct identifiers';

export function identifierVerdict(report: ImportReport): IdentifierVerdict {
	if (report.status !== 'failed') return 'passed';
	return report.errors.length > 0 && report.errors.every((e) => e.message.includes(FINDING)) ? 'refused' : 'not_reached';
}

/** The audit entry's details for an import from the browser: counts, names and the verdict, never a row's values. */
export function importAuditDetails(job: string, saved: Pick<SavedUpload, 'kind' | 'files' | 'bytes'>, report: ImportReport): Record<string, unknown> {
	return {
		via: 'browser',
		job,
		upload: saved.kind,
		uploaded_files: saved.files.map((f) => f.name),
		bytes: saved.bytes,
		batch_id: report.batch_id,
		status: report.status,
		identifier_check: identifierVerdict(report),
		files: report.files.map((f) => ({
			file: f.file,
			table: f.table,
			rows_read: f.rows_read,
			rows_loaded: f.rows_loaded,
			rows_replaced: f.rows_replaced,
			rows_quarantined: f.rows_quarantined
		})),
		errors: report.errors.length,
		// The reasons, in the import's words: file, line and rule, never a value.
		reasons: report.errors.slice(0, 20).map((e) => e.message)
	};
}
