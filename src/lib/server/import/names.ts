/**
 * Names from an extract (columns, files, zip entries, the manifest's supplier) as errors show
 * them. A name is data the user sent: a header-less CSV's "column names" are its first row,
 * and a file may be named after a child. So an error shows a name only when it has the shape of
 * the allow-list (the schema's own names, the identifier columns' names, a plain file name with
 * no identifier in it); any other name is described by its position instead, e.g.
 * "an unexpected column (position 3)". Never the value.
 */
import { EXTRACT_TABLES, TABLES } from '../schema/tables.ts';
import { IDENTIFIER_COLUMNS } from '../identifiers/validators.ts';


/** The manifest's file name. */
export const MANIFEST_FILE = 'manifest.json';

const SCHEMA_COLUMNS = new Set([...TABLES.flatMap((t) => t.columns.map((c) => c.name)), ...IDENTIFIER_COLUMNS]);

/** An extract file's own name: manifest.json or `<table>.csv|parquet` of an extract table. */
export function isExtractFileName(name: string): boolean {
	if (name === MANIFEST_FILE) return true;
	const m = /^([a-z0-9_]+)\.(csv|parquet)$/.exec(name);
	return m !== null && EXTRACT_TABLES.some((t) => t.name === m[1]);
}

/** Whether `name` matches a column of the schema (or an identifier column) in any letter case. */
export function isSchemaColumnName(name: string): boolean {
	return SCHEMA_COLUMNS.has(name.trim().toLowerCase());
}

const ordinal = (n: number) => {
	const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
	return `${n}${s}`;
};

/** A column of a file's header (position from 1), as errors show it: `"contact_id"` or `an unexpected column (position 3)`. */
export function shownColumn(name: string, position: number): string {
	return isSchemaColumnName(name) ? JSON.stringify(name.trim()) : `an unexpected column (position ${position})`;
}

/**
 * Could this text hold an identifier? Digit runs as long as an NHS number or a UPN's, an NHS
 * number spaced 3-3-4, or anything shaped like a full postcode. Errs towards hiding.
 */
function mayHoldIdentifier(text: string): boolean {
	return (
		/[0-9]{9,}/.test(text) ||
		/[0-9]{3}[ _.-][0-9]{3}[ _.-][0-9]{4}/.test(text) ||
		/(^|[^A-Za-z0-9])[A-Za-z]{1,2}[0-9][0-9A-Za-z]?[ _-]?[0-9][A-Za-z]{2}($|[^A-Za-z0-9])/.test(text)
	);
}

/** A plain name: letters, digits, space, `._()-`, up to 120 characters, no identifier in it. */
export function isPlainName(name: string): boolean {
	return /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,119}$/.test(name) && !mayHoldIdentifier(name);
}

/** A file or folder of an extract as errors show it: its name if an extract file's or plain, else `an unexpected file (the 2nd of the folder)`. */
export function shownFile(name: string, position: number, where = 'the folder'): string {
	if (isExtractFileName(name) || isPlainName(name)) return name;
	return `an unexpected file (the ${ordinal(position)} of ${where})`;
}

/** The zip (or folder) given to import, as the report names it: its own name if plain, else "the extract". */
export function shownSource(basename: string): string {
	return isPlainName(basename) ? basename : 'the extract';
}

/** The manifest's supplied_by as errors show it: the code if it has an agency code's shape, else a description. */
export function shownSupplier(value: string): string {
	return /^[A-Za-z0-9_-]{1,64}$/.test(value) && !mayHoldIdentifier(value) ? JSON.stringify(value) : 'a value that is not an agency code';
}
