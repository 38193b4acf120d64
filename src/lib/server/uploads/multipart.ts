/**
 * A streaming reader of multipart/form-data (RFC 7578, RFC 2046 §5.1): each part's bytes go to
 * a sink as they arrive, so an upload of hundreds of megabytes is never held in memory (unlike
 * `request.formData()`).
 *
 *   boundaryOf(contentType)                          the boundary, or a MultipartError
 *   readMultipart(chunks, boundary, onPart, limits)  calls onPart(info) at each part's start; the
 *                                                    sink it returns (or null: discard) gets the bytes
 */

export class MultipartError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MultipartError';
	}
}

export interface PartInfo {
	/** The form field's name. */
	name: string;
	/** The file's name as the browser sent it, or null for a plain field. */
	filename: string | null;
	contentType: string | null;
}

export interface PartSink {
	write(chunk: Uint8Array): Promise<void>;
	end(): Promise<void>;
}

export interface MultipartLimits {
	/** Parts in all (default 100). */
	maxParts?: number;
	/** Bytes of one part's headers (default 16 KiB). */
	maxHeaderBytes?: number;
}

/** The boundary of a `multipart/form-data` content type. */
export function boundaryOf(contentType: string | null): string {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'multipart/form-data') throw new MultipartError('expected multipart/form-data');
	const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
	const boundary = match?.[1] ?? match?.[2];
	if (!boundary || boundary.length > 70) throw new MultipartError('multipart/form-data without a valid boundary');
	return boundary;
}

/** Parameters of a Content-Disposition value: `form-data; name="files"; filename="contacts.csv"`. */
function dispositionParams(value: string): Map<string, string> {
	const params = new Map<string, string>();
	const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
	for (const m of value.matchAll(re)) {
		const key = m[1].toLowerCase();
		if (!params.has(key)) params.set(key, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim());
	}
	return params;
}

function parseHeaders(block: Buffer): PartInfo {
	const headers = new Map<string, string>();
	for (const line of block.toString('utf8').split('\r\n')) {
		if (line === '') continue;
		const colon = line.indexOf(':');
		if (colon <= 0) throw new MultipartError('a part has a malformed header');
		headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	const disposition = headers.get('content-disposition');
	if (!disposition || disposition.split(';')[0].trim().toLowerCase() !== 'form-data') {
		throw new MultipartError('a part has no Content-Disposition: form-data header');
	}
	const params = dispositionParams(disposition);
	const name = params.get('name');
	if (name === undefined) throw new MultipartError('a part has no field name');
	return { name, filename: params.get('filename') ?? null, contentType: headers.get('content-type') ?? null };
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * Reads a multipart body. `onPart` is called at the start of each part; its sink gets the
 * part's bytes (awaited, so a slow disk slows the reading) and `end()` when the part is whole.
 * A body that ends before its closing boundary is a MultipartError.
 */
export async function readMultipart(
	chunks: AsyncIterable<Uint8Array>,
	boundary: string,
	onPart: (info: PartInfo) => Promise<PartSink | null> | PartSink | null,
	limits: MultipartLimits = {}
): Promise<void> {
	const maxParts = limits.maxParts ?? 100;
	const maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
	// Every delimiter, the first included, is CRLF "--" boundary: the body is read as if it began with CRLF.
	const delimiter = Buffer.from(`\r\n--${boundary}`);
	const keep = delimiter.length - 1;
	type State = 'preamble' | 'after_delimiter' | 'headers' | 'body' | 'done';
	// (Typed wide: `feed` changes it, which the checker cannot see from the loop below.)
	let state = 'preamble' as State;
	let buf: Buffer = Buffer.from(CRLF);
	let sink: PartSink | null = null;
	let parts = 0;

	const feed = async (): Promise<void> => {
		for (;;) {
			switch (state) {
				case 'preamble': {
					const at = buf.indexOf(delimiter);
					if (at < 0) {
						if (buf.length > keep) buf = buf.subarray(buf.length - keep);
						return;
					}
					buf = buf.subarray(at + delimiter.length);
					state = 'after_delimiter';
					break;
				}
				case 'after_delimiter': {
					if (buf.length < 2) return;
					if (buf[0] === 0x2d && buf[1] === 0x2d) {
						state = 'done';
						return;
					}
					const eol = buf.indexOf(CRLF);
					if (eol < 0) {
						if (buf.length > 256) throw new MultipartError('malformed multipart boundary line');
						return;
					}
					// Transport padding (spaces and tabs) may follow a boundary.
					if (!/^[ \t]*$/.test(buf.subarray(0, eol).toString('latin1'))) throw new MultipartError('malformed multipart boundary line');
					buf = buf.subarray(eol + 2);
					state = 'headers';
					break;
				}
				case 'headers': {
					let block: Buffer;
					if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
						block = Buffer.alloc(0);
						buf = buf.subarray(2);
					} else {
						const end = buf.indexOf(HEADERS_END);
						if (end < 0) {
							if (buf.length > maxHeaderBytes) throw new MultipartError('a part\'s headers are too long');
							return;
						}
						if (end > maxHeaderBytes) throw new MultipartError('a part\'s headers are too long');
						block = buf.subarray(0, end);
						buf = buf.subarray(end + HEADERS_END.length);
					}
					if (++parts > maxParts) throw new MultipartError(`more than ${maxParts} parts`);
					sink = await onPart(parseHeaders(block));
					state = 'body';
					break;
				}
				case 'body': {
					const at = buf.indexOf(delimiter);
					if (at >= 0) {
						if (at > 0) await sink?.write(buf.subarray(0, at));
						await sink?.end();
						sink = null;
						buf = buf.subarray(at + delimiter.length);
						state = 'after_delimiter';
						break;
					}
					if (buf.length > keep) {
						// Keep the tail: it may be the start of a delimiter split across chunks.
						await sink?.write(buf.subarray(0, buf.length - keep));
						buf = buf.subarray(buf.length - keep);
					}
					return;
				}
				case 'done':
					return;
			}
		}
	};

	for await (const chunk of chunks) {
		if (state === 'done') continue; // the epilogue is ignored
		buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
		await feed();
	}
	if (state !== 'done') throw new MultipartError('the upload ended before its last part was complete');
}
