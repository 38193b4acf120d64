/**
 * The identifiers that the check at the door refuses (extract-format.md, "The identifier check
 * at the door"), each twice: in TypeScript (`isNhsNumber`, `isUpn`, `isPostcode`, `isFullDate`,
 * for tests and tools) and as a DuckDB SQL expression (`nhsNumberSql` …, for the bulk scan of
 * staged files). The tests prove the two agree on random inputs.
 *
 * Every validator looks at a cell as a whole after trimming (`trimCell` / `trimSql`), never at
 * substrings, so a 64-hex pseudonym or a 32-hex record id cannot match. Patterns use explicit
 * ASCII classes (`[A-Za-z]`, `[0-9]`) rather than case-insensitive flags, so that JavaScript and
 * RE2 (DuckDB) cannot disagree on Unicode case folding.
 */

/** What is trimmed from both ends of a cell: space, tab, LF, CR, VT, FF. */
export const TRIM_CHARS = ' \t\n\r\v\f';

export function trimCell(s: string): string {
	let a = 0;
	let b = s.length;
	while (a < b && TRIM_CHARS.includes(s[a])) a++;
	while (b > a && TRIM_CHARS.includes(s[b - 1])) b--;
	return s.slice(a, b);
}

/** `expr` trimmed as `trimCell` does. */
export function trimSql(expr: string): string {
	return `trim(${expr}, ' ' || chr(9) || chr(10) || chr(13) || chr(11) || chr(12))`;
}

const digit = (c: string) => c.charCodeAt(0) - 48;

// ---------------------------------------------------------------------------------------------
// NHS number: 10 digits, plain or spaced 3-3-4. Modulus 11: multiply the first nine digits by
// the weights 10, 9, …, 2 and sum; check = 11 − (sum mod 11); a check of 11 becomes 0; a check
// of 10 means the number is invalid (never issued). Valid when the check equals the 10th digit.
// Example: 943 476 5919 → 9·10+4·9+3·8+4·7+7·6+6·5+5·4+9·3+1·2 = 299; 299 mod 11 = 2; 11−2 = 9 ✓.

export const NHS_NUMBER_PATTERN = '[0-9]{10}|[0-9]{3} [0-9]{3} [0-9]{4}';
const NHS_RE = new RegExp(`^(?:${NHS_NUMBER_PATTERN})$`);

/** The check digit for nine digits, or null when the check would be 10 (no valid number). */
export function nhsCheckDigit(first9: string): number | null {
	let sum = 0;
	for (let i = 0; i < 9; i++) sum += digit(first9[i]) * (10 - i);
	const check = (11 - (sum % 11)) % 11;
	return check === 10 ? null : check;
}

export function isNhsNumber(cell: string): boolean {
	const t = trimCell(cell);
	if (!NHS_RE.test(t)) return false;
	const d = t.replaceAll(' ', '');
	return nhsCheckDigit(d.slice(0, 9)) === digit(d[9]);
}

/** SQL: is the (already trimmed) text `t` an NHS number? Never null. */
export function nhsNumberSql(t: string): string {
	const d = `replace(${t}, ' ', '')`;
	const at = (i: number) => `(ascii(substr(${d}, ${i}, 1)) - 48)`;
	const sum = Array.from({ length: 9 }, (_, i) => `${at(i + 1)} * ${10 - i}`).join(' + ');
	// (11 − r) mod 11 maps r = 0 to 0; a check of 10 never equals a digit, so it fails as it should.
	return `coalesce(CASE WHEN regexp_full_match(${t}, '(?:${NHS_NUMBER_PATTERN})')
		THEN (11 - (${sum}) % 11) % 11 = ${at(10)} ELSE false END, false)`;
}

// ---------------------------------------------------------------------------------------------
// UPN (unique pupil number), from the DfE guidance "Unique pupil numbers (UPN)": 13 characters.
//   character 1      the check letter;
//   characters 2-4   the LA number; 5-8 the establishment number; 9-10 the year of allocation;
//   characters 11-13 a serial number, except that in a temporary UPN character 13 is a letter.
// Check letter: multiply character n by its position n for n = 2 … 13 (weights 2 to 13) and sum;
// a letter in position 13 counts as its value in the table below (A = 0, B = 1, … Z = 22). The
// sum modulo 23 (0 … 22) is looked up in the same table to give the check letter:
//   0 A  1 B  2 C  3 D  4 E  5 F  6 G  7 H  8 J  9 K  10 L  11 M  12 N  13 P  14 Q  15 R
//   16 T  17 U  18 V  19 W  20 X  21 Y  22 Z          (I, O and S are never used).
// Example: characters 2-13 "823200101001": 8·2+2·3+3·4+2·5+0·6+0·7+1·8+0·9+1·10+0·11+0·12+1·13
// = 16+6+12+10+8+10+13 = 75; 75 mod 23 = 6 → G, so the UPN is G823200101001.
// Letters are accepted in either case (the check is at the door: it errs towards refusing).

export const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';
export const UPN_PATTERN = '[A-Za-z][0-9]{11}[0-9A-Za-z]';
const UPN_RE = new RegExp(`^(?:${UPN_PATTERN})$`);

/** The check letter for characters 2 to 13 of a UPN, or null when character 13 is not a valid letter. */
export function upnCheckLetter(rest: string): string | null {
	let sum = 0;
	for (let i = 0; i < 12; i++) {
		const c = rest[i].toUpperCase();
		const v = c >= '0' && c <= '9' ? digit(c) : UPN_LETTERS.indexOf(c);
		if (v < 0) return null;
		sum += v * (i + 2);
	}
	return UPN_LETTERS[sum % 23];
}

export function isUpn(cell: string): boolean {
	const t = trimCell(cell);
	if (!UPN_RE.test(t)) return false;
	return upnCheckLetter(t.slice(1)) === t[0].toUpperCase();
}

/** SQL: is the (already trimmed) text `t` a UPN? Never null. */
export function upnSql(t: string): string {
	const u = `upper(${t})`;
	const at = (i: number) => `(ascii(substr(${u}, ${i}, 1)) - 48)`;
	const last = `substr(${u}, 13, 1)`;
	const lastValue = `CASE WHEN ${last} BETWEEN '0' AND '9' THEN ${at(13)} ELSE strpos('${UPN_LETTERS}', ${last}) - 1 END`;
	const sum = [...Array.from({ length: 11 }, (_, i) => `${at(i + 2)} * ${i + 2}`), `(${lastValue}) * 13`].join(' + ');
	return `coalesce(CASE WHEN regexp_full_match(${t}, '(?:${UPN_PATTERN})')
		THEN (${lastValue}) >= 0 AND substr('${UPN_LETTERS}', ((${sum}) % 23) + 1, 1) = substr(${u}, 1, 1) ELSE false END, false)`;
}

// ---------------------------------------------------------------------------------------------
// Full UK postcode: outward code (area letters, district digit, optional digit or letter) and
// inward code (sector digit, unit letters), with one space or none between; either case; and
// the Girobank GIR 0AA.

export const POSTCODE_PATTERN = '[Gg][Ii][Rr] ?0[Aa][Aa]|[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}';
const POSTCODE_RE = new RegExp(`^(?:${POSTCODE_PATTERN})$`);

export function isPostcode(cell: string): boolean {
	return POSTCODE_RE.test(trimCell(cell));
}

export function postcodeSql(t: string): string {
	return `coalesce(regexp_full_match(${t}, '(?:${POSTCODE_PATTERN})'), false)`;
}

// ---------------------------------------------------------------------------------------------
// A full date, YYYY-MM-DD or DD/MM/YYYY: refused only in a column whose name says birth or dob.
// The shape is enough (a day-level date in a birth column is refused even if it is not a real day).

export const FULL_DATE_PATTERN = '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}';
const FULL_DATE_RE = new RegExp(`^(?:${FULL_DATE_PATTERN})$`);

export function isFullDate(cell: string): boolean {
	return FULL_DATE_RE.test(trimCell(cell));
}

export function fullDateSql(t: string): string {
	return `coalesce(regexp_full_match(${t}, '(?:${FULL_DATE_PATTERN})'), false)`;
}

/** A column whose full dates are dates of birth: its name contains `birth` or `dob`, any case. */
export function isBirthColumn(name: string): boolean {
	const n = name.toLowerCase();
	return n.includes('birth') || n.includes('dob');
}

// ---------------------------------------------------------------------------------------------
// Column names of direct identifiers (case-insensitive, surrounding spaces ignored).

export const IDENTIFIER_COLUMNS: readonly string[] = [
	'name',
	'forename',
	'surname',
	'full_name',
	'address',
	'postcode',
	'nhs_number',
	'upn',
	'dob',
	'date_of_birth'
];
/** The spec's own columns, which are not identifiers (none of them is in the list above either). */
export const ALLOWED_NAME_COLUMNS: readonly string[] = ['agency_name', 'area_name'];

export function isIdentifierColumnName(name: string): boolean {
	const n = name.trim().toLowerCase();
	return !ALLOWED_NAME_COLUMNS.includes(n) && IDENTIFIER_COLUMNS.includes(n);
}

export type IdentifierKind = 'nhs_number' | 'upn' | 'postcode' | 'birth_date';

/** In words, for error messages. */
export const KIND_WORDS: Record<IdentifierKind, string> = {
	nhs_number: 'an NHS number',
	upn: 'a unique pupil number (UPN)',
	postcode: 'a full postcode',
	birth_date: 'a full date of birth'
};

/** The kinds a cell of column `column` is, in TypeScript (what the SQL scan finds). */
export function identifierKinds(column: string, cell: string | null): IdentifierKind[] {
	if (cell === null) return [];
	const kinds: IdentifierKind[] = [];
	if (isNhsNumber(cell)) kinds.push('nhs_number');
	if (isUpn(cell)) kinds.push('upn');
	if (isPostcode(cell)) kinds.push('postcode');
	if (isBirthColumn(column) && isFullDate(cell)) kinds.push('birth_date');
	return kinds;
}
