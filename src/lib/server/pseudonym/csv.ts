/**
 * CSV for the pseudonymising tool: the extract's fixed dialect (extract-format.md, "Shape of
 * an extract"): UTF-8 with an optional BOM, comma separator, RFC 4180 double-quote quoting (a
 * quoted field may hold commas, quotes and newlines), LF or CRLF line ends, a header row.
 *
 * Records are numbered as the spec counts them: the header is record 1 and a quoted newline
 * does not start a new record. Blank lines hold no data: they are skipped but still counted.
 * Errors say where and which rule, never a field's value.
 */

export class CsvError extends Error {
	constructor(
		readonly file: string,
		readonly line: number,
		readonly rule: string
	) {
		super(`${file}: line ${line}: ${rule}`);
		this.name = 'CsvError';
	}
}

export interface CsvRecord {
	/** The record number (the header is 1). */
	line: number;
	fields: string[];
}

/**
 * Parses CSV text into records (header included), in order. `file` names the file in errors.
 * A record holding one empty field (a blank line) is skipped.
 */
export function* parseCsv(text: string, file: string): Generator<CsvRecord> {
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	const n = text.length;
	let line = 1;
	while (i < n) {
		const fields: string[] = [];
		const start = line;
		let field = '';
		let quoted = false;
		let atFieldStart = true;
		let ended = false;
		while (i < n && !ended) {
			const c = text[i];
			if (quoted) {
				if (c === '"') {
					if (text[i + 1] === '"') {
						field += '"';
						i += 2;
					} else {
						quoted = false;
						i++;
						const next = text[i];
						if (i < n && next !== ',' && next !== '\n' && next !== '\r') {
							throw new CsvError(file, start, 'a quoted field must end at a comma or the end of the line (write a quote inside one as "")');
						}
					}
				} else {
					field += c;
					i++;
				}
				continue;
			}
			if (c === '"' && atFieldStart) {
				quoted = true;
				atFieldStart = false;
				i++;
			} else if (c === ',') {
				fields.push(field);
				field = '';
				atFieldStart = true;
				i++;
			} else if (c === '\n' || c === '\r') {
				i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
				ended = true;
			} else {
				field += c;
				atFieldStart = false;
				i++;
			}
		}
		if (quoted) throw new CsvError(file, start, 'a quoted field is never closed');
		fields.push(field);
		line = start + 1;
		if (fields.length === 1 && fields[0] === '') continue;
		yield { line: start, fields };
	}
}

/** One field as CSV: quoted when it holds a comma, quote or line end, or surrounding spaces. */
export function csvField(value: string | null | undefined): string {
	if (value === null || value === undefined) return '';
	return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly (string | null | undefined)[]): string {
	return values.map(csvField).join(',');
}
