/**
 * Small helpers for writing SQL text. Identifiers only ever come from the schema's
 * declarations (an allow-list); user values only ever travel as bound parameters.
 * `literal` is for the project's own constants (code lists), never for user input.
 */

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A quoted identifier; throws on anything but a plain lowercase name. */
export function ident(name: string): string {
	if (!IDENT.test(name)) throw new Error(`not an allowed identifier: ${JSON.stringify(name)}`);
	return `"${name}"`;
}

/** A SQL string literal of one of the project's own constants. */
export function literal(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

/** `[ 'a', 'b' ]` as a SQL list literal of constants. */
export function listLiteral(values: readonly string[]): string {
	return `[${values.map(literal).join(', ')}]::VARCHAR[]`;
}

/** `('a', 'b')` for `IN`. */
export function inList(values: readonly string[]): string {
	return `(${values.map(literal).join(', ')})`;
}
