/**
 * Words and numbers shared by the charts, their notes and the data tables: how a value or a
 * symbol is written, month labels, and the note about what a chart does not draw.
 */
import type { DisclosureSymbol, ShownValue, TableCell, ValueFormat } from './types.ts';

/** The plain words for each symbol (disclosure-control.md). */
export const SYMBOL_MEANING: Readonly<Record<DisclosureSymbol, string>> = {
	c: 'suppressed to protect confidentiality',
	z: 'not applicable',
	x: 'not available'
};

/** The order symbols are explained in. */
export const SYMBOL_ORDER: readonly DisclosureSymbol[] = ['c', 'z', 'x'];

/**
 * The meaning of a symbol for a footnote; for `c`, with the threshold in force when known
 * (counts from 1 to the threshold are suppressed, and figures that would reveal one).
 */
export function symbolExplanation(symbol: DisclosureSymbol, threshold?: number): string {
	const meaning = SYMBOL_MEANING[symbol];
	if (symbol !== 'c' || threshold === undefined) return meaning;
	return `${meaning}: a count from 1 to ${threshold}, or a figure that would reveal one`;
}

/** Null when the value is shown; otherwise its symbol (`x` when none was given). */
export function symbolOf(v: ShownValue): DisclosureSymbol | null {
	return v.value === null ? (v.symbol ?? 'x') : null;
}

/** Whether a table cell holds a figure (number or `ShownValue`) rather than words. */
export function isShownValue(cell: TableCell): cell is ShownValue {
	return typeof cell === 'object' && cell !== null;
}

/** A number in en-GB style with fixed decimals and an optional unit, e.g. `1,204.5` or `21%`. */
export function formatNumber(value: number, format: ValueFormat = {}, defaultDecimals = 1): string {
	const decimals = format.decimals ?? defaultDecimals;
	const text = value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
	return text + (format.unit ?? '');
}

/** A value as a chart label writes it: the number, or the symbol's letter. */
export function formatShown(v: ShownValue, format: ValueFormat = {}, defaultDecimals = 1): string {
	return v.value === null ? (symbolOf(v) as string) : formatNumber(v.value, format, defaultDecimals);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `YYYY-MM` to the first of that month at midnight UTC (Plot's utc scale, so no time-zone drift). */
export function monthDate(label: string): Date {
	const match = /^(\d{4})-(\d{2})$/.exec(label);
	if (!match) throw new Error(`Not a month (YYYY-MM): ${label}`);
	return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}

/** `YYYY-MM` to `Apr 2025`. */
export function monthName(label: string): string {
	const d = monthDate(label);
	return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `1 month`, `2 months`: the plural is `many`, by default with an s. */
export function count(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** `Apr 2025 to Mar 2026`, or one month's name; empty for no months. */
export function monthSpan(months: readonly string[]): string {
	if (months.length === 0) return '';
	const [first, last] = [monthName(months[0]), monthName(months[months.length - 1])];
	return first === last ? first : `${first} to ${last}`;
}

/** The items with a shown value, highest first (for summaries: "highest", "most common"). */
export function ranked<T>(items: readonly T[], shown: (item: T) => ShownValue): T[] {
	return items.filter((i) => shown(i).value !== null).sort((a, b) => (shown(b).value as number) - (shown(a).value as number));
}

/** `a`, `a and b`, `a, b and c`. */
export function listWords(items: readonly string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A thing not drawn: what it is called in the note, and why. */
export interface Missing {
	label: string;
	symbol: DisclosureSymbol;
}

/** When a note summarises a long list: more than `over` things, of which it names the `first`. */
export interface NoteSummary {
	over: number;
	first: number;
}

/** The summary of the notes of charts with many things to leave out (grids, narrow charts). */
export const LONG_LIST: NoteSummary = { over: 8, first: 5 };

/**
 * The note under a chart that leaves values out, grouped by symbol, e.g. "Not drawn: Jun 2025
 * and Jul 2025 (c: suppressed to protect confidentiality)." Null when nothing is missing.
 * `what` names one thing, e.g. `month` (plural with an s); `extra` sentences follow (e.g. how
 * limits are computed). With `summary`, a symbol's list of more than `summary.over` things is
 * summarised: how many, and the first `summary.first` of them (the table gives them all).
 */
export function missingNote(
	missing: readonly Missing[],
	what: string,
	extra: readonly string[] = [],
	summary: NoteSummary = { over: Infinity, first: Infinity }
): string | null {
	if (missing.length === 0) return null;
	const groups = SYMBOL_ORDER.flatMap((symbol) => {
		const labels = missing.filter((m) => m.symbol === symbol).map((m) => m.label);
		if (labels.length === 0) return [];
		const why = `${symbol}: ${SYMBOL_MEANING[symbol]}`;
		if (labels.length <= summary.over) return [{ text: `${listWords(labels)} (${why})`, summarised: false, why, first: labels }];
		const first = labels.slice(0, summary.first);
		return [{ text: `${count(labels.length, what)} (${why}), the first ${first.length}: ${listWords(first)}`, summarised: true, why, first }];
	});
	const lead =
		groups.length === 1 && groups[0].summarised
			? `${count(missing.length, what)} not drawn (${groups[0].why}); the first ${groups[0].first.length}: ${listWords(groups[0].first)}.`
			: `${count(missing.length, what)} not drawn: ${groups.map((g) => g.text).join('; ')}.`;
	return [lead, ...extra, 'The table gives every value.'].join(' ');
}
