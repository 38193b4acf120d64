/**
 * One streaming pass over a CSV file's bytes, before DuckDB reads it. It does not parse
 * fields or judge values (DuckDB does that, in bulk); it makes sure DuckDB cannot lose a
 * record, that every record keeps its number, and that no input makes the work grow without
 * bound:
 *
 * - checks the bytes are UTF-8 (a file that is not fails the import);
 * - drops a leading BOM, and turns CRLF record ends into LF (so a file mixing the two reads);
 * - numbers the records as extract-format.md counts them (the header is record 1; a quoted
 *   newline does not start a record) and writes that number as a first field `__line`;
 * - skips blank lines (they hold no data) but still counts them, so numbers match an editor;
 * - refuses a quoted field that is never closed (DuckDB would otherwise swallow the rest
 *   of the file into it without a word), and a carriage return outside quotes that is not part
 *   of a CRLF line end (a file with CR-only line ends, or a stray CR in an unquoted field: the
 *   spec's line ends are LF or CRLF, and DuckDB's reader cannot follow such a record);
 * - enforces the limits (./limits.ts): lines per file, bytes per record and per field, columns
 *   in the header; a file past one is refused at once, naming the record and the limit;
 * - computes the file's SHA-256 (the import's content hash is made of these).
 *
 * Its state is a few numbers and the header's text (bounded by the record limit): memory does
 * not grow with the file.
 *
 * The state machine follows RFC 4180: a quote opens a quoted field only at the start of a
 * field; inside one, `""` is a quote and a lone `"` closes it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { bytesWords, countWords, DEFAULT_LIMITS, type ImportLimits } from './limits.ts';

export const LINE_COLUMN = '__line';

export class CsvReadError extends Error {
	readonly line: number | undefined;
	constructor(message: string, line?: number) {
		super(message);
		this.name = 'CsvReadError';
		this.line = line;
	}
}

export interface CsvPassResult {
	sha256: string;
	bytes: number;
	/** Data records (non-blank records after the header). */
	records: number;
	/** The header record's raw text (without its line end). */
	header: string;
	/** How many blank lines the file holds (they are counted in record numbers, never read as rows). */
	blankLines: number;
}

export type CsvLimits = Pick<ImportLimits, 'maxLines' | 'maxRecordBytes' | 'maxFieldBytes' | 'maxColumns'>;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/** Bytes at the end of `buf` that start a UTF-8 sequence completed only by the next chunk. */
function incompleteTail(buf: Uint8Array): number {
	for (let back = 1; back <= Math.min(3, buf.length); back++) {
		const b = buf[buf.length - back];
		if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
		const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		return need > back ? back : 0;
	}
	return 0;
}

/** Length of the longest prefix of `buf` that is valid UTF-8 (binary search on prefixes). */
function validPrefix(buf: Buffer): number {
	let lo = 0;
	let hi = buf.length;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		const prefix = buf.subarray(0, mid);
		if (isUtf8(prefix.subarray(0, mid - incompleteTail(prefix)))) lo = mid;
		else hi = mid - 1;
	}
	return lo - incompleteTail(buf.subarray(0, lo));
}

const LINE_ENDS = 'save it with LF or CRLF line ends (extract-format.md: "LF or CRLF line ends")';

/**
 * Reads `input`, writes the numbered copy to `output`, and returns what it found.
 * Throws CsvReadError when the file cannot be read as CSV or breaks a limit.
 */
export async function numberCsvRecords(
	input: string,
	output: string,
	limits: CsvLimits = DEFAULT_LIMITS,
	chunkSize = 1 << 20
): Promise<CsvPassResult> {
	const hash = createHash('sha256');
	const out = createWriteStream(output);
	// Errors of the copy surface at 'finish' or 'drain'; after a refusal the copy is abandoned.
	let writeError: Error | undefined;
	out.on('error', (e) => (writeError ??= e));
	let bytes = 0;
	let record = 1;
	let records = 0;
	let blankLines = 0;
	let headerParts: Buffer[] | null = [];
	let header = '';

	// Parser state.
	let atRecordStart = true;
	let inQuotes = false;
	let quoteInQuotes = false; // saw `"` inside a quoted field: an escape or the close
	let fieldStart = true;
	let pendingCr = false; // a CR outside quotes, waiting to see whether LF follows
	let quotedFrom = 0; // record where the open quoted field began
	let carry: Buffer = Buffer.alloc(0);
	let first = true;
	// Positions in the file (after the BOM), for the record and field limits.
	let consumed = 0; // bytes of the file before the current chunk's first byte
	let recordFrom = 0;
	let fieldFrom = 0;
	let headerFields = 1;

	const refuse = (message: string, line = record): never => {
		out.destroy();
		throw new CsvReadError(message, line);
	};
	const checkField = (at: number) => {
		if (at - fieldFrom > limits.maxFieldBytes) {
			refuse(`record ${record} has a field longer than the limit of ${bytesWords(limits.maxFieldBytes)} (FP_IMPORT_MAX_FIELD_KB)`);
		}
	};
	const checkRecord = (at: number) => {
		if (at - recordFrom > limits.maxRecordBytes) {
			refuse(`record ${record} is longer than the limit of ${bytesWords(limits.maxRecordBytes)} (FP_IMPORT_MAX_RECORD_KB)`);
		}
	};
	const strayCr = (): never =>
		record === 1 && headerParts !== null
			? refuse(`uses a carriage return (CR) alone as its line end (the header, record 1, holds one): ${LINE_ENDS}`, 1)
			: refuse(`record ${record} holds a carriage return (CR) outside quotes that does not end the line: ${LINE_ENDS}, and quote any field holding a CR`);

	const pieces: Buffer[] = [];
	const emit = (b: Buffer) => {
		if (b.length === 0) return;
		pieces.push(b);
		if (headerParts) headerParts.push(b);
	};
	const nextRecord = () => record++;
	const checkLines = () => {
		if (record > limits.maxLines) refuse(`has more lines than the limit of ${countWords(limits.maxLines)} (FP_IMPORT_MAX_LINES)`, record);
	};
	const startRecordIfNeeded = (at: number) => {
		if (!atRecordStart) return;
		checkLines();
		emit(Buffer.from(headerParts ? `${LINE_COLUMN},` : `${record},`));
		atRecordStart = false;
		fieldStart = true;
		recordFrom = at;
		fieldFrom = at;
	};
	const blankLine = () => {
		checkLines();
		blankLines++;
		nextRecord();
	};
	const endRecord = (at: number) => {
		checkField(at);
		checkRecord(at);
		emit(Buffer.from('\n'));
		if (headerParts) {
			header = Buffer.concat(headerParts).toString('utf8').replace(/\n$/, '').slice(LINE_COLUMN.length + 1);
			headerParts = null;
		} else {
			records++;
		}
		nextRecord();
		atRecordStart = true;
	};

	const stream = createReadStream(input, { highWaterMark: chunkSize });
	try {
		for await (const raw of stream as AsyncIterable<Buffer>) {
			hash.update(raw);
			bytes += raw.length;
			let chunk: Buffer = carry.length ? Buffer.concat([carry, raw]) : raw;
			const tail = incompleteTail(chunk);
			carry = tail ? Buffer.from(chunk.subarray(chunk.length - tail)) : Buffer.alloc(0);
			chunk = tail ? chunk.subarray(0, chunk.length - tail) : chunk;
			let limit = chunk.length;
			let invalidAt = -1;
			if (!isUtf8(chunk)) {
				invalidAt = validPrefix(chunk);
				limit = invalidAt;
			}
			let i = 0;
			if (first && limit > 0) {
				// The BOM is one UTF-8 character, so the carry above keeps its 3 bytes together.
				first = false;
				if (limit >= 3 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) i = 3;
			}
			let copyFrom = i;
			if (pendingCr && i < limit) {
				// The previous chunk ended with a CR outside quotes: only an LF may follow it.
				pendingCr = false;
				if (chunk[i] !== LF) strayCr();
				if (atRecordStart) blankLine();
				else endRecord(consumed + i - 1);
				i++;
				copyFrom = i;
			}
			for (; i < limit; i++) {
				const b = chunk[i];
				if (atRecordStart) {
					if (b === LF) {
						blankLine();
						copyFrom = i + 1;
						continue;
					}
					if (b === CR) {
						if (i + 1 === limit) {
							// Decided by the next chunk's first byte.
							copyFrom = i + 1;
							pendingCr = true;
							continue;
						}
						if (chunk[i + 1] !== LF) strayCr();
						blankLine();
						i++;
						copyFrom = i + 1;
						continue;
					}
					emit(chunk.subarray(copyFrom, i));
					copyFrom = i;
					startRecordIfNeeded(consumed + i);
				}
				if (inQuotes) {
					if (quoteInQuotes) {
						quoteInQuotes = false;
						if (b === QUOTE) continue; // an escaped quote
						inQuotes = false; // the quote closed the field: judge b outside quotes
					} else {
						if (b === QUOTE) quoteInQuotes = true;
						continue;
					}
				}
				if (b === QUOTE && fieldStart) {
					inQuotes = true;
					quotedFrom = record;
					fieldStart = false;
				} else if (b === COMMA) {
					checkField(consumed + i);
					fieldStart = true;
					fieldFrom = consumed + i + 1;
					if (headerParts && ++headerFields > limits.maxColumns) {
						refuse(`has more columns than the limit of ${countWords(limits.maxColumns)} (FP_IMPORT_MAX_COLUMNS) in its header`, 1);
					}
				} else if (b === LF) {
					emit(chunk.subarray(copyFrom, i));
					copyFrom = i + 1;
					endRecord(consumed + i);
				} else if (b === CR) {
					if (i + 1 === limit) {
						emit(chunk.subarray(copyFrom, i));
						copyFrom = i + 1;
						pendingCr = true;
					} else {
						if (chunk[i + 1] !== LF) strayCr();
						emit(chunk.subarray(copyFrom, i));
						i++;
						copyFrom = i + 1;
						endRecord(consumed + i - 1);
					}
				} else {
					fieldStart = false;
				}
			}
			emit(chunk.subarray(copyFrom, limit));
			if (!atRecordStart) {
				// A field or record that goes on past this chunk is judged as far as it has come.
				checkField(consumed + limit);
				checkRecord(consumed + limit);
			}
			if (invalidAt >= 0) refuse(`is not UTF-8 (an invalid byte at record ${record}); save it as UTF-8 and import again`);
			consumed += limit;
			if (pieces.length) {
				const ok = out.write(Buffer.concat(pieces));
				pieces.length = 0;
				if (!ok) await once(out, 'drain');
			}
		}
	} finally {
		stream.destroy();
	}
	if (carry.length) refuse(`is not UTF-8 (the file ends inside a character, at record ${record})`);
	if (inQuotes && !quoteInQuotes) {
		refuse(`has a quoted field that is never closed, opened in record ${quotedFrom}: every record after it would be lost`, quotedFrom);
	}
	if (pendingCr) strayCr();
	if (!atRecordStart) endRecord(consumed);
	if (pieces.length) out.write(Buffer.concat(pieces));
	out.end();
	if (!writeError) await once(out, 'finish');
	if (writeError) throw writeError;
	if (headerParts) throw new CsvReadError('is empty: it has no header row', 1);
	return { sha256: hash.digest('hex'), bytes, records, header, blankLines };
}
