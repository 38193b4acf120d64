/**
 * The demo generator's seeded randomness, as SQL text. Every random draw is a pure
 * function of (seed, a row's integer key, a named field): the same options give the same
 * data whatever the thread count or row order (DuckDB's `random()` is not reproducible
 * across threads even with `setseed`).
 *
 * DuckDB's multi-argument `hash(a, b, c)` combines its arguments too weakly to serve
 * (draws of two fields of one row correlate at 0.6 and more), so the macro hashes the
 * key and the field separately and hashes their XOR again: measured correlations
 * between fields, and between neighbouring keys, are below 0.001.
 */
import { literal } from '../warehouse/sql.ts';

/** Field ids must fit below 2^31, so that a field's second stream (id + 2^31) never meets another field. */
const SECOND_STREAM = 2 ** 31;
const fieldIds = new Map<string, number>();
const fieldNames = new Map<number, string>();

/** The stable id of a named field: FNV-1a of its name, below 2^31. */
export function fieldId(name: string): number {
	const known = fieldIds.get(name);
	if (known !== undefined) return known;
	let h = 0x811c9dc5;
	for (let i = 0; i < name.length; i++) {
		h ^= name.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	const id = h % SECOND_STREAM;
	const other = fieldNames.get(id);
	if (other !== undefined) throw new Error(`demo random fields ${other} and ${name} share an id: rename one`);
	fieldIds.set(name, id);
	fieldNames.set(id, name);
	return id;
}

/** The largest seed accepted: the seed is packed above the 31-bit field id in a BIGINT. */
export const MAX_SEED = 2 ** 31 - 1;

/**
 * Macros `u(key, field)` (uniform in [0, 1)) and `nrm(key, field)` (standard normal,
 * Box-Muller on the field's two streams) for this seed. `key` is any integer; the top
 * 53 bits of the hash make the double, so u is never 1.
 */
export function rngMacros(seed: number): string[] {
	if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}`);
	const salt = `${seed}::BIGINT * ${2 ** 32}`;
	return [
		`CREATE OR REPLACE MACRO u(k, f) AS
			((hash(xor(hash(CAST(k AS BIGINT)), hash(CAST(f AS BIGINT) + ${salt}))) >> 11)::DOUBLE / 9007199254740992.0)`,
		`CREATE OR REPLACE MACRO nrm(k, f) AS
			(sqrt(-2 * ln(1 - u(k, f))) * cos(2 * pi() * u(k, CAST(f AS BIGINT) + ${SECOND_STREAM})))`
	];
}

/** A uniform draw in [0, 1) for the row key expression `key`. */
export function uni(key: string, field: string): string {
	return `u(${key}, ${fieldId(field)})`;
}

/** A standard normal draw. */
export function normal(key: string, field: string): string {
	return `nrm(${key}, ${fieldId(field)})`;
}

/** A log-normal draw with this median and log-scale spread (sigma may be an SQL expression). */
export function logNormal(key: string, field: string, median: string | number, sigma: string | number): string {
	return `exp(ln(${median}) + (${sigma}) * ${normal(key, field)})`;
}

/** An integer uniform in [lo, hi] (both inclusive; lo and hi may be SQL expressions). */
export function intBetween(key: string, field: string, lo: string | number, hi: string | number): string {
	return `CAST(floor((${lo}) + ${uni(key, field)} * ((${hi}) - (${lo}) + 1)) AS INTEGER)`;
}

export type Choice<T extends string | number> = readonly [value: T, weight: number];

function sqlValue(v: string | number): string {
	return typeof v === 'number' ? String(v) : literal(v);
}

/**
 * A weighted choice as a CASE over the cumulative weights, given a uniform draw `u`
 * (an SQL expression, best a column so it is computed once). Weights need not sum to 1.
 */
export function pick<T extends string | number>(u: string, choices: readonly Choice<T>[]): string {
	const total = choices.reduce((s, [, w]) => s + w, 0);
	if (!(total > 0) || choices.some(([, w]) => w < 0)) throw new Error('pick needs non-negative weights with a positive sum');
	let cumulative = 0;
	const whens: string[] = [];
	for (const [value, weight] of choices.slice(0, -1)) {
		cumulative += weight;
		whens.push(`WHEN ${u} < ${cumulative / total} THEN ${sqlValue(value)}`);
	}
	return `CASE ${whens.join(' ')} ELSE ${sqlValue(choices[choices.length - 1][0])} END`;
}

/**
 * A list of codes, each present independently with its probability (a constant or an
 * SQL expression), drawn on consecutive fields `<field>.<code>`; NULL items dropped.
 */
export function independentList(key: string, field: string, items: readonly (readonly [code: string, p: string | number])[]): string {
	const parts = items.map(([code, p]) => `CASE WHEN ${uni(key, `${field}.${code}`)} < (${p}) THEN ${literal(code)} END`);
	return `list_filter([${parts.join(', ')}], x -> x IS NOT NULL)`;
}
