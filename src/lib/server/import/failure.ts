/**
 * A failed import's report. An ExtractError is ours: its message names the file, line and rule
 * in the project's words. Anything else is unexpected: a person is told that, with a reference
 * to find it in the server's log, and never the engine's own message (it can name the staging
 * path or quote a value); the log gets it with quoted text and long digit runs blanked.
 */
import { CellKeyError } from '../warehouse/cell-key.ts';
import { randomBytes } from 'node:crypto';
import { ExtractError, ioWords } from './source.ts';
import type { ImportReport } from './types.ts';

/** An import stopped by its wall-clock limit. */
export class ImportTimeLimitError extends ExtractError {
	constructor(limitMs: number) {
		const minutes = limitMs / 60_000;
		const words = minutes >= 1 ? `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}` : `${Math.round(limitMs / 1000)} seconds`;
		super(null, `the import took longer than its time limit of ${words} (FP_IMPORT_TIME_LIMIT_MINUTES) and was stopped; nothing was loaded`);
		this.name = 'ImportTimeLimitError';
	}
}

/** A message with quoted text and digit runs blanked, for the server's log. */
export function redacted(message: string): string {
	return message
		.replace(/'[^'\n]*'|"[^"\n]*"/g, '‹…›')
		.replace(/[0-9]{4,}/g, '‹n›')
		.slice(0, 500);
}

export function failedReport(e: unknown, during: string): ImportReport {
	let error: ImportReport['errors'][number];
	if (e instanceof ExtractError) {
		error = { file: e.file, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message };
	} else if (e instanceof CellKeyError) {
		// Names only the key file's path: the secret itself is never in a message.
		error = { file: null, message: `${e.message}; nothing was loaded` };
	} else if ((e as NodeJS.ErrnoException | null)?.code && typeof (e as NodeJS.ErrnoException).code === 'string') {
		error = { file: null, message: `the import stopped while ${during}: ${ioWords(e)}; nothing was loaded` };
	} else {
		const reference = randomBytes(4).toString('hex');
		const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
		process.stderr.write(`[import ${reference}] unexpected error while ${during}: ${redacted(text)}\n`);
		error = {
			file: null,
			message: `the import stopped on an unexpected error while ${during} (reference ${reference} in the server's log); nothing was loaded`
		};
	}
	return { batch_id: null, status: 'failed', files: [], errors: [error], retried: [] };
}
