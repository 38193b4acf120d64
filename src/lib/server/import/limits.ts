/**
 * The import's limits: bounded work per byte, whatever the input. Each has a default that a
 * partnership's largest real extract fits with room to spare (docs/import.md, "Limits"), and an
 * environment variable to change it. A file past a limit is refused, naming the file and the
 * limit; nothing of the import is loaded.
 */

export interface ImportLimits {
	/** Records a CSV file may hold, the header and blank lines included (FP_IMPORT_MAX_LINES). */
	maxLines: number;
	/** Bytes one CSV record may take, quoted line breaks included (FP_IMPORT_MAX_RECORD_KB). */
	maxRecordBytes: number;
	/** Bytes one field may take (FP_IMPORT_MAX_FIELD_KB). */
	maxFieldBytes: number;
	/** Columns a file's header may name (FP_IMPORT_MAX_COLUMNS). */
	maxColumns: number;
	/** Rows a Parquet file may hold (the same figure as maxLines). */
	maxRows: number;
	/** Bytes a zipped extract may unpack to (FP_UNZIP_LIMIT_MB). */
	unzipBytes: number;
	/** Entries a zip may hold, folders and litter included (fixed: an extract has at most a file per table). */
	maxZipEntries: number;
	/** Wall-clock time an import may take, from opening to commit (FP_IMPORT_TIME_LIMIT_MINUTES). */
	timeLimitMs: number;
}

const KB = 1024;
const MB = 1024 * KB;

export const DEFAULT_LIMITS: ImportLimits = {
	maxLines: 50_000_000,
	maxRecordBytes: 1 * MB,
	maxFieldBytes: 64 * KB,
	maxColumns: 1000,
	maxRows: 50_000_000,
	unzipBytes: 4096 * MB,
	maxZipEntries: 200,
	timeLimitMs: 120 * 60_000
};

function whole(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
	const text = env[name]?.trim();
	if (!text) return undefined;
	const n = Number(text);
	if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
	return n;
}

/** The limits in force: the defaults, changed by the environment; a bad value is an error naming its variable. */
export function importLimits(env: NodeJS.ProcessEnv = process.env): ImportLimits {
	const lines = whole(env, 'FP_IMPORT_MAX_LINES', 2, 2_000_000_000);
	const recordKb = whole(env, 'FP_IMPORT_MAX_RECORD_KB', 1, 256 * KB);
	const fieldKb = whole(env, 'FP_IMPORT_MAX_FIELD_KB', 1, 256 * KB);
	const columns = whole(env, 'FP_IMPORT_MAX_COLUMNS', 1, 100_000);
	const unzipMb = whole(env, 'FP_UNZIP_LIMIT_MB', 1, 16 * MB);
	const minutes = whole(env, 'FP_IMPORT_TIME_LIMIT_MINUTES', 1, 7 * 24 * 60);
	return {
		...DEFAULT_LIMITS,
		...(lines !== undefined ? { maxLines: lines, maxRows: lines } : {}),
		...(recordKb !== undefined ? { maxRecordBytes: recordKb * KB } : {}),
		...(fieldKb !== undefined ? { maxFieldBytes: fieldKb * KB } : {}),
		...(columns !== undefined ? { maxColumns: columns } : {}),
		...(unzipMb !== undefined ? { unzipBytes: unzipMb * MB } : {}),
		...(minutes !== undefined ? { timeLimitMs: minutes * 60_000 } : {})
	};
}

/** A size in words: "64 KiB", "1 MiB", "4096 MiB". */
export function bytesWords(bytes: number): string {
	if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MiB`;
	if (bytes >= KB && bytes % KB === 0) return `${bytes / KB} KiB`;
	return `${bytes} bytes`;
}

/** A count in words with thousands separators: "50,000,000". */
export const countWords = (n: number) => n.toLocaleString('en-GB');
