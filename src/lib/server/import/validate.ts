/**
 * The value rules of extract-format.md as SQL, generated from the schema declarations.
 * DuckDB judges every row of a file at once: each column's text becomes a typed value,
 * and each broken rule becomes a reason naming the column and the rule (never the value).
 *
 * Stages, each a SELECT over the previous one:
 *  1. `raw`:    the staged text, trimmed, empty → null (column `r_<name>`);
 *  1b. for timestamps, the regular expression's parts (`p_<name>`) and the naive local time
 *      (`n_<name>`), each computed once per value (macros repeat their argument's work);
 *  2. `typed`:  the typed value (`<name>`), null where the text does not parse;
 *  3. `judged`: `_reasons`, every broken rule of the row on its own;
 *  4. `checked` (see ./load.ts): references, keys repeated in the file, children's extract dates.
 */
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY } from '../calendar/bank-holidays.ts';
import type { Column, RowRule, Table } from '../schema/types.ts';
import { ident, inList, listLiteral, literal } from '../warehouse/sql.ts';

/** Columns every staged table carries besides the table's own (`_qid`: the quarantine row a retried row comes from). */
export const PROVENANCE = ['_line', '_file', '_origin', '_extracted_on', '_qid'] as const;

/**
 * Temporary macros used by the generated SQL, created on the writer connection before an
 * import. Timestamps follow extract-format.md: `YYYY-MM-DD`, a `T` or space, `HH:MM`, optional
 * `:SS` and a fraction, then optionally `Z`, `±HH:MM` or `±HHMM`. Without an offset the time
 * is UK local: a time skipped when the clocks go forward is invalid, and one that occurs twice
 * in October is the earlier (BST) one.
 */
export const VALIDATION_MACROS = [
	`CREATE OR REPLACE TEMP MACRO fp_ts_parts(r) AS regexp_extract(r,
		'^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$',
		['d', 'h', 'm', 's', 'f', 'o'])`,
	`CREATE OR REPLACE TEMP MACRO fp_ts_text(p) AS
		p.d || ' ' || coalesce(nullif(p.h, ''), '00') || ':' || coalesce(nullif(p.m, ''), '00') || ':' || coalesce(nullif(p.s, ''), '00') || p.f`,
	`CREATE OR REPLACE TEMP MACRO fp_ts_naive(p) AS
		CASE WHEN p.d <> '' AND coalesce(nullif(p.h, ''), '00') <= '23' THEN TRY_CAST(fp_ts_text(p) AS TIMESTAMP) END`,
	// The earlier of two instants with this London wall-clock time, or null when none has it.
	// UK clocks change only in the small hours of March and October (1990 to 2040), so the
	// costly round trips are needed only there (time zone conversions dominate an import).
	`CREATE OR REPLACE TEMP MACRO fp_london(n) AS CASE
		WHEN NOT (month(n) IN (3, 4, 10, 11) AND hour(n) < 3) THEN timezone('Europe/London', n)
		WHEN timezone('Europe/London', timezone('Europe/London', n) - INTERVAL 1 HOUR) = n THEN timezone('Europe/London', n) - INTERVAL 1 HOUR
		WHEN timezone('Europe/London', timezone('Europe/London', n)) = n THEN timezone('Europe/London', n) END`,
	/** The instant of parts `p` whose naive local time is `n` (both computed once per value, in earlier stages). */
	`CREATE OR REPLACE TEMP MACRO fp_ts_from(p, n) AS CASE
		WHEN n IS NULL THEN NULL
		WHEN p.o = '' THEN fp_london(n)
		ELSE TRY_CAST(fp_ts_text(p) || CASE WHEN p.o = 'Z' THEN '+00:00' WHEN length(p.o) = 5 THEN left(p.o, 3) || ':' || right(p.o, 2) ELSE p.o END AS TIMESTAMPTZ)
		END`,
	`CREATE OR REPLACE TEMP MACRO fp_list(r) AS
		nullif(list_sort(list_distinct(list_filter(list_transform(string_split(r, ';'), x -> trim(x)), x -> x <> ''))), [])`
];

const raw = (c: Column) => `r_${c.name}`;
const WHITESPACE = `' ' || chr(9)`;

function parseExpr(c: Column): string {
	const r = ident(raw(c));
	switch (c.type) {
		case 'text':
			return r;
		case 'int':
			return `CASE WHEN regexp_full_match(${r}, '-?[0-9]+') THEN TRY_CAST(${r} AS INTEGER) END`;
		case 'number':
			return `CASE WHEN regexp_full_match(${r}, '-?[0-9]+(\\.[0-9]+)?') THEN TRY_CAST(${r} AS DOUBLE) END`;
		case 'bool':
			return `CASE WHEN lower(${r}) IN ('true', 'y', '1') THEN true WHEN lower(${r}) IN ('false', 'n', '0') THEN false END`;
		case 'date':
			return `CASE WHEN regexp_full_match(${r}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(${r} AS DATE) END`;
		case 'timestamp':
			return `fp_ts_from(${ident(`p_${c.name}`)}, ${ident(`n_${c.name}`)})`;
		case 'month':
			return `CASE WHEN regexp_full_match(${r}, '[0-9]{4}-[0-9]{2}') AND TRY_CAST(${r} || '-01' AS DATE) IS NOT NULL THEN ${r} END`;
		case 'list':
			return `fp_list(${r})`;
	}
}

const FORMAT_SAYS: Record<Column['type'], string> = {
	text: '',
	int: 'not a whole number',
	number: 'not a number (digits with an optional . and decimals)',
	bool: 'not true/false, Y/N or 1/0',
	date: 'not a valid date (YYYY-MM-DD)',
	timestamp: 'not a valid timestamp (YYYY-MM-DD, or YYYY-MM-DD HH:MM[:SS[.fff]] with an optional Z, ±HH:MM or ±HHMM)',
	month: 'not a valid month (YYYY-MM)',
	list: ''
};

function codesSays(c: Column): string {
	const list = c.codes ?? [];
	return list.length <= 8 ? `one of ${list.join(', ')}` : `a ${c.codesName ?? c.name} code (see the data dictionary)`;
}

/** SQL expressions, each the text of one broken rule or NULL. */
function columnReasons(c: Column): string[] {
	const r = ident(raw(c));
	const v = ident(c.name);
	const say = (condition: string, message: string) => `CASE WHEN ${condition} THEN ${literal(`${c.name}: ${message}`)} END`;
	const out: string[] = [];
	if (c.required) out.push(say(`${r} IS NULL`, 'required, but empty'));
	if (c.type === 'timestamp') {
		// A valid wall-clock time without an offset that has no instant: skipped by the clocks.
		const skipped = `${ident(`n_${c.name}`)} IS NOT NULL AND ${ident(`p_${c.name}`)}.o = '' AND ${v} IS NULL`;
		out.push(say(skipped, 'this UK local time does not exist (the clocks went forward)'));
		out.push(say(`${r} IS NOT NULL AND ${v} IS NULL AND NOT (${skipped})`, FORMAT_SAYS.timestamp));
	} else if (FORMAT_SAYS[c.type]) {
		out.push(say(`${r} IS NOT NULL AND ${v} IS NULL`, FORMAT_SAYS[c.type]));
	}
	if (c.type === 'date' || c.type === 'timestamp') {
		const d = c.type === 'timestamp' ? `CAST(${v} AS DATE)` : v;
		out.push(
			say(
				`${d} NOT BETWEEN DATE ${literal(CALENDAR_FIRST_DAY)} AND DATE ${literal(CALENDAR_LAST_DAY)}`,
				`outside the years the working-day calendar covers (${CALENDAR_FIRST_DAY.slice(0, 4)} to ${CALENDAR_LAST_DAY.slice(0, 4)})`
			)
		);
	}
	if (c.codes && c.type === 'list') {
		out.push(say(`len(list_filter(${v}, x -> NOT list_contains(${listLiteral(c.codes)}, x))) > 0`, `every item must be ${codesSays(c)}`));
	} else if (c.codes) {
		out.push(say(`${v} NOT IN ${inList(c.codes)}`, `not ${codesSays(c)}`));
	}
	if (c.pseudonym) out.push(say(`NOT regexp_full_match(${v}, '[0-9a-f]{64}')`, 'not a child pseudonym (64 lowercase hexadecimal characters)'));
	if (c.token) out.push(say(`NOT regexp_full_match(${v}, '[A-Za-z0-9_-]{1,64}')`, 'not an id of 1 to 64 letters, digits, _ or -'));
	if (c.pattern) out.push(say(`NOT regexp_full_match(${v}, ${literal(c.pattern.regex)})`, `not ${c.pattern.says}`));
	if (c.maxLength !== undefined) out.push(say(`length(${v}) > ${c.maxLength}`, `longer than ${c.maxLength} characters`));
	if (c.min !== undefined && c.max !== undefined) {
		out.push(say(`${v} NOT BETWEEN ${c.min} AND ${c.max}`, `not between ${c.min} and ${c.max}`));
	} else if (c.min !== undefined) {
		out.push(say(`${v} < ${c.min}`, `less than ${c.min}`));
	}
	return out;
}

function ruleReason(rule: RowRule): string {
	const a = ident(rule.column);
	const say = (condition: string, message: string) => `CASE WHEN ${condition} THEN ${literal(`${rule.column}: ${message}`)} END`;
	switch (rule.kind) {
		case 'gte':
			return say(`${a} < ${ident(rule.other)}`, `before ${rule.other}`);
		case 'lte':
			return say(`${a} > ${ident(rule.other)}`, `after ${rule.other}`);
		case 'ne':
			return say(`${a} = ${ident(rule.other)}`, `the same as ${rule.other}`);
		case 'present_iff':
			return `CASE
				WHEN ${ident(`r_${rule.column}`)} IS NULL AND ${ident(`r_${rule.other}`)} IS NOT NULL THEN ${literal(`${rule.column}: required once ${rule.other} is given`)}
				WHEN ${ident(`r_${rule.column}`)} IS NOT NULL AND ${ident(`r_${rule.other}`)} IS NULL THEN ${literal(`${rule.column}: must be empty while ${rule.other} is empty`)}
				END`;
		case 'not_after_extract':
			return say(`CAST(${a} || '-01' AS DATE) > date_trunc('month', _extracted_on)`, "after the extract's date (extracted_on)");
	}
}

/**
 * SELECT that turns a staged table (text columns + provenance) into typed columns
 * `<name>`, raw text `r_<name>` and `_reasons` (the rules the row breaks on its own).
 */
export function judgeSelect(table: Table, staged: string): string {
	const prov = PROVENANCE.join(', ');
	const rawCols = table.columns.map((c) => `nullif(trim(${ident(c.name)}, ${WHITESPACE}), '') AS ${ident(raw(c))}`);
	const timestamps = table.columns.filter((c) => c.type === 'timestamp');
	const parts = timestamps.map((c) => `fp_ts_parts(${ident(raw(c))}) AS ${ident(`p_${c.name}`)}`);
	const naive = timestamps.map((c) => `fp_ts_naive(${ident(`p_${c.name}`)}) AS ${ident(`n_${c.name}`)}`);
	const typedCols = table.columns.map((c) => `${parseExpr(c)} AS ${ident(c.name)}`);
	const reasons = [...table.columns.flatMap(columnReasons), ...table.rules.map(ruleReason)];
	const keep = [...table.columns.map((c) => ident(raw(c))), ...timestamps.flatMap((c) => [ident(`p_${c.name}`), ident(`n_${c.name}`)])];
	const parsing = timestamps.flatMap((c) => [ident(`p_${c.name}`), ident(`n_${c.name}`)]);
	return `SELECT *${parsing.length ? ` EXCLUDE (${parsing.join(', ')})` : ''},
			list_filter([${reasons.join(',\n')}]::VARCHAR[], x -> x IS NOT NULL) AS _reasons
		FROM (
			SELECT ${prov}, ${keep.join(', ')}, ${typedCols.join(', ')}
			FROM (
				SELECT *${naive.length ? `, ${naive.join(', ')}` : ''}
				FROM (SELECT *${parts.length ? `, ${parts.join(', ')}` : ''} FROM (SELECT ${prov}, ${rawCols.join(', ')} FROM ${staged}))
			)
		)`;
}

/** The raw text columns of a judged row, as a JSON object (what the quarantine keeps). */
export function rawJson(table: Table, alias = ''): string {
	const p = alias ? `${alias}.` : '';
	return `json_object(${table.columns.map((c) => `${literal(c.name)}, ${p}${ident(raw(c))}`).join(', ')})`;
}

export { raw as rawColumn };
