/**
 * Tables and headlines as the dashboard's pages show them, shared by the presenters (audits,
 * escalation, meetings, need, response): protecting several tables with the headlines they add
 * up to as ONE set of figures (`Together`: a figure shared by two tables counts once; a
 * headline is a line's total and is never chosen for suppression, so it stays the metric's own
 * figure, as the API gives it), shares of shown counts (under the cell key method of the
 * perturbed counts, a part never above its whole), table data for the components, and small
 * words (agency names, codes in words).
 */
import type { ShownValue, TableColumn, TableData, TableRow } from '../../components/charts/types.ts';
import type { MetricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { adjustedCount, cellKeySum, checkPolicy, isSmall, protectLines, showCount, suppressCount } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownMetric, ShownTable } from '../disclosure/types.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { symbolText } from '../disclosure/index.ts';

/** `plan_progress` → `Plan progress`. */
export function codeWords(code: string): string {
	const words = code.replace(/_/g, ' ').trim();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Agency names by code (the filter bar's list); a code with no name stays a code. */
export type AgencyNames = readonly { code: string; name: string }[];

export function agencyName(agencies: AgencyNames, code: string): string {
	return agencies.find((a) => a.code === code)?.name ?? code;
}

/** Whether a figure is shown (a value, no symbol). */
export function isShown(s: Shown | ShownValue | undefined): boolean {
	return s !== undefined && s.value !== null && (s.symbol ?? null) === null;
}

const C: Shown = Object.freeze({ value: null, symbol: 'c' }) as Shown;
/** A suppressed figure. */
export function suppressed(): Shown {
	return { ...C };
}

/**
 * The sum of some members of a line (a table's row, column or margin), when the line's SHOWN
 * figures give it: every member of the subset shown, or the line's total and every other
 * member shown. Null otherwise. `counts` are the unrounded counts, `shown` their shown forms.
 * Other routes to the sum may exist; leaving them out only ever hides more.
 */
export function knownPart(counts: readonly number[], shown: readonly Shown[], subset: readonly number[], total?: { count: number; shown: Shown }): number | null {
	const sum = (indices: readonly number[]) => indices.reduce((a, i) => a + counts[i], 0);
	if (subset.every((i) => isShown(shown[i]))) return sum(subset);
	const others = counts.map((_, i) => i).filter((i) => !subset.includes(i));
	if (total && isShown(total.shown) && others.every((i) => isShown(shown[i]))) return total.count - sum(others);
	return null;
}

/**
 * A count worked out from shown figures, as it may be shown: `c` when it is not known (null)
 * or is 1 to the threshold (it may be known, but a page never writes a small count); under
 * the cell key method perturbed by `key`, its cell key (its parts' keys added).
 */
export function derivedCount(n: number | null, policy: DisclosurePolicy, key?: number | null): Shown {
	return n === null ? suppressed() : suppressCount(n, policy, key);
}

/**
 * A share (0 to 100) of shown counts, from the unrounded counts as `deriveShares` gives one:
 * `c` when either count is not shown, `z` when the base is 0; a whole number under the
 * publication profile. Under the cell key method, given the counts' cell keys (`keys`), of
 * the counts as perturbed (`adjustedCount`), the count capped at its base (it counts some of
 * the base's rows), so that no share passes 100. Without `keys`, of the counts as they are:
 * right only under a policy without the method.
 */
export function shareOf(
	count: Shown,
	base: Shown,
	counts: { count: number; base: number; keys?: { count: number | null; base: number | null } },
	policy: DisclosurePolicy
): Shown {
	if (!isShown(count) || !isShown(base)) {
		const symbol = count.symbol === 'x' || base.symbol === 'x' ? 'x' : 'c';
		return { value: null, symbol };
	}
	if (counts.base === 0) return { value: null, symbol: 'z' };
	let [part, whole] = [counts.count, counts.base];
	if (policy.cellKey === true && counts.keys) {
		whole = adjustedCount(whole, policy, counts.keys.base);
		part = Math.min(adjustedCount(part, policy, counts.keys.count), whole);
	}
	const share = (100 * part) / whole;
	return { value: policy.profile === 'publication' ? Math.round(share) : share, symbol: null };
}

/**
 * The share of some columns (`subset`) of a table's row in the row's total, from the row's
 * SHOWN figures only (`knownPart`): `c` when they do not give it, or it is 1 to the threshold.
 * `keys` are the row's cells' keys (null: the table has none); the part's key is its cells'
 * keys added, the total's all of them.
 */
export function partShare(
	counts: readonly number[],
	keys: readonly (number | null)[] | null,
	cells: readonly Shown[],
	subset: readonly number[],
	total: Shown,
	policy: DisclosurePolicy
): Shown {
	const all = counts.reduce((a, n) => a + n, 0);
	const part = knownPart(counts, cells, subset, { count: all, shown: total });
	const partKey = keys && cellKeySum(subset.map((i) => keys[i]));
	const allKey = keys && cellKeySum(keys);
	return shareOf(derivedCount(part, policy, partKey), total, { count: part ?? 0, base: all, keys: { count: partKey, base: allKey } }, policy);
}

/** A row's cells' keys (null when the table has none). */
export function rowKeys(table: CountTable, r: number): (number | null)[] | null {
	return table.keys ? table.columns.map((_, c) => table.keys?.[r]?.[c] ?? null) : null;
}

/**
 * A table with every non-zero figure suppressed: what is shown instead of a table whose
 * protection does not agree with another's on a figure they share (a fail-safe; see above).
 */
export function hiddenTable(table: CountTable): ShownTable {
	const show = (n: number | null): Shown => (n === null ? { value: null, symbol: 'x' } : n === 0 ? { value: 0, symbol: null } : suppressed());
	const sum = (ns: readonly (number | null)[]) => ns.reduce<number>((a, n) => a + (n ?? 0), 0);
	const out: ShownTable = { rows: [...table.rows], columns: [...table.columns], cells: table.counts.map((row) => row.map(show)) };
	if (table.rowTotals) out.rowTotals = table.counts.map((row) => show(sum(row)));
	if (table.columnTotals) out.columnTotals = table.columns.map((_, c) => show(sum(table.counts.map((row) => row[c]))));
	if (table.rowTotals && table.columnTotals) out.total = show(sum(table.counts.flat()));
	return out;
}

/** The unrounded grand total of a table's available cells. */
export function grandTotal(table: CountTable): number {
	return table.counts.flat().reduce<number>((a, n) => a + (n ?? 0), 0);
}

/** The unrounded column totals of a table. */
export function columnSums(table: CountTable): number[] {
	return table.columns.map((_, c) => table.counts.reduce<number>((a, row) => a + (row[c] ?? 0), 0));
}

/**
 * Whether two shown tables agree on the figures they share (each pair: the same unrounded
 * count, and both shown or both not).
 */
export function agree(pairs: readonly { a: Shown | undefined; b: Shown | undefined; countA: number; countB: number }[]): boolean {
	return pairs.every((p) => p.countA === p.countB && isShown(p.a) === isShown(p.b));
}

/** How a shown table's rows, columns and totals are labelled as a data table. */
export interface TableWords {
	caption?: string;
	/** Header of the row-header column. */
	rowHeader: string;
	/** Row labels, in the table's order. */
	rows: readonly string[];
	/** Column labels, in the table's order. */
	columns: readonly string[];
	/** Label of the column of row totals (default `Total`). */
	rowTotal?: string;
	/** Label of the row of column totals (default `Total`). */
	columnTotal?: string;
	/** Columns after the totals: derived figures, one per row and one for the totals row. */
	extra?: readonly { column: TableColumn; cells: readonly Shown[]; total?: Shown }[];
	notes?: string[];
}

/** A shown table as a data table, its totals (as the table shows them) as a last column and row. */
export function countTableData(t: ShownTable, words: TableWords): TableData {
	const columns: TableColumn[] = words.columns.map((label) => ({ label, decimals: 0 }));
	if (t.rowTotals) columns.push({ label: words.rowTotal ?? 'Total', decimals: 0 });
	for (const e of words.extra ?? []) columns.push(e.column);
	const rows: TableRow[] = t.cells.map((cells, r) => ({
		header: words.rows[r],
		cells: [...cells, ...(t.rowTotals ? [t.rowTotals[r]] : []), ...(words.extra ?? []).map((e) => e.cells[r])]
	}));
	if (t.columnTotals) {
		rows.push({
			header: words.columnTotal ?? 'Total',
			cells: [...t.columnTotals, ...(t.rowTotals && t.total ? [t.total] : []), ...(words.extra ?? []).map((e) => e.total ?? null)]
		});
	}
	// Plain JSON: a caption or notes not given are left out, not undefined.
	return {
		...(words.caption === undefined ? {} : { caption: words.caption }),
		rowHeader: words.rowHeader,
		columns,
		rows,
		...(words.notes === undefined ? {} : { notes: words.notes })
	};
}

/** A headline figure: what it is, its shown figure, and the benchmarks to set beside it. */
export interface ShownHeadline {
	info: MetricInfo;
	figure: ShownMetric;
	benchmarks: { label: string; value: number; source: string | null }[];
	/** Why the figure is `c`, in words (`headlineNote`); null when it is not. */
	note: string | null;
}

/**
 * Why a headline figure is `c`, in words: the count of it that is from 1 to the threshold (a
 * headline is the metric's own figure, so `c` only for that): its denominator's, its
 * numerator's, or for a count or a median the `value` words (how many it counts, or how many
 * values the median is of); else, its counts shown, that it is held to a table beside it (rule
 * 4). Null when it is not `c`.
 */
export function headlineNote(figure: ShownMetric, words: { numerator?: string; denominator?: string; value?: string }, policy: DisclosurePolicy): string | null {
	if (figure.value.symbol !== 'c') return null;
	const fewer = `fewer than ${policy.threshold + 1}`;
	const why = (what: string) => `c: ${fewer} ${what}, not shown to protect confidentiality`;
	if (words.denominator && figure.denominator.symbol === 'c') return why(words.denominator);
	if (words.numerator && figure.numerator.symbol === 'c') return why(words.numerator);
	if (words.value) return why(words.value);
	const countsShown = [figure.numerator, figure.denominator].every((s) => s.symbol !== 'c');
	// Its counts are shown: withheld by a table beside it (rule 4), which it would give away.
	if (countsShown) return 'c: withheld because, beside the tables below, it would give away a count they hide';
	return `c: ${symbolText('c', policy)}`;
}

/** The benchmarks of a metric that compare with the period (partnership settings). */
export function benchmarksOf(benchmarks: readonly Benchmark[], key: MetricKey): ShownHeadline['benchmarks'] {
	return benchmarks.filter((b) => b.metric === key && b.comparable).map((b) => ({ label: b.label, value: b.value, source: b.source }));
}

// ------------------------------------------------------------------ figures protected together

/** A headline's count (null: one its metric does not have) and the headline's shown form of it. */
export interface HeadlineCount {
	count: number | null;
	shown: Shown;
}

/** Where a table's figures are in a `Together`. */
export interface TableAt {
	cells: number[][];
	rowTotals?: number[];
	columnTotals?: number[];
	/** When the table shows both row and column totals. */
	total?: number;
}

/** The sum of the available counts: null when there are some and none is available. */
function sumOf(ns: readonly (number | null)[]): number | null {
	const available = ns.filter((n): n is number => n !== null);
	return ns.length > 0 && available.length === 0 ? null : available.reduce((a, n) => a + n, 0);
}

/**
 * Figures shown together on one page, protected together: several tables sharing figures (a
 * total shown in two tables is one figure), and the headlines shown beside them as the JSON
 * API shows them, with the lines between them (./lines.ts: members adding up to a total).
 * Secondary suppression is disclosure control's own (`protectLines`, the engine of
 * `suppressTable`) over every line at once, with two things the headlines add:
 * - A headline is shown as the API shows it (`addShown`) and never chosen: where a line
 *   needs one more figure suppressed, a table's figure is. (A headline from 1 to the
 *   threshold is `c` there already, and is protected here like any suppressed figure.)
 * - Figures known whatever is suppressed (zeros, headlines shown, and whatever lines of those
 *   alone give) are never chosen either, since suppressing one hides nothing: a line with one
 *   suppressed figure then always has another to choose, so no headline is ever needed. One
 *   that is 1 to the threshold is still `c`; it protects nothing the headlines do not give.
 * Every count is shown by `showCount`, perturbed by its own cell key where the policy asks (a
 * total's key: its cells' keys added, `cellKeySum`).
 */
export class Together {
	readonly values: (number | null)[] = [];
	readonly keys: (number | null)[] = [];
	readonly lines: number[][] = [];
	/** The figures shown elsewhere (headlines), and whether each is shown there. */
	private readonly outside = new Map<number, boolean>();

	/** A count of the tables (null: not available), with its cell key. */
	add(n: number | null, key: number | null = null): number {
		this.values.push(n);
		this.keys.push(key);
		return this.values.length - 1;
	}

	/** A headline's count, shown beside the tables as `shown`; never suppressed here. */
	addShown(n: number, shown: Shown): number {
		const i = this.add(n);
		this.outside.set(i, isShown(shown));
		return i;
	}

	/** Members adding up to a total. */
	line(members: readonly number[], total: number): void {
		this.lines.push([...members, total]);
	}

	/**
	 * A table's cells and the totals it shows, with its lines as `suppressTable` has them (rows,
	 * columns, then the margins). Totals shared with a table added before are passed in (the
	 * caller has checked that they are the same counts); shared column totals' margin is that
	 * table's. A total's key is its cells' keys added (none when the table has no keys).
	 */
	table(t: CountTable, shared: { columnTotals?: readonly number[]; total?: number } = {}): TableAt {
		const keyOf = (ks: readonly (number | null)[]) => (t.keys ? cellKeySum(ks) : null);
		const keys = t.counts.map((row, r) => row.map((_, c) => t.keys?.[r]?.[c] ?? null));
		const column = <T>(rows: readonly (readonly T[])[], c: number): T[] => rows.map((row) => row[c]);
		const cells = t.counts.map((row, r) => row.map((n, c) => this.add(n, keys[r][c])));
		const at: TableAt = { cells };
		if (t.rowTotals) at.rowTotals = t.counts.map((row, r) => this.add(sumOf(row), keyOf(keys[r])));
		if (t.columnTotals) at.columnTotals = shared.columnTotals ? [...shared.columnTotals] : t.columns.map((_, c) => this.add(sumOf(column(t.counts, c)), keyOf(column(keys, c))));
		if (at.rowTotals && at.columnTotals) at.total = shared.total ?? this.add(sumOf(t.counts.flat()), keyOf(keys.flat()));
		if (at.rowTotals) cells.forEach((row, r) => this.line(row, at.rowTotals![r]));
		if (at.columnTotals) t.columns.forEach((_, c) => this.line(column(cells, c), at.columnTotals![c]));
		if (at.rowTotals && at.total !== undefined) {
			this.line(at.rowTotals, at.total);
			if (!shared.columnTotals) this.line(at.columnTotals!, at.total);
		}
		return at;
	}

	/** Which figures are suppressed (see the class's comment), and each figure as shown. */
	protect(policy: DisclosurePolicy): { suppressed: boolean[]; show: (i: number) => Shown } {
		checkPolicy(policy);
		const { values, lines, outside } = this;
		const small = values.map((v) => v !== null && isSmall(v, policy));
		const known = values.map((v, i) => v === 0 || outside.get(i) === true);
		for (let changed = true; changed; ) {
			changed = false;
			for (const line of lines) {
				const unknown = line.filter((i) => values[i] !== null && !known[i]);
				if (unknown.length !== 1) continue;
				known[unknown[0]] = true;
				changed = true;
			}
		}
		const initial = values.map((_, i) => !known[i] && (small[i] || outside.get(i) === false));
		const chosen = protectLines({ values, lines, choosable: (i) => !known[i] && !outside.has(i) }, initial);
		const hidden = chosen.map((s, i) => s || small[i]);
		// Cannot happen (see above): a line needing a figure always has one that is not known.
		for (const [i, shown] of outside) if (shown && hidden[i]) throw new Error('a headline shown was needed to protect a table (a bug)');
		const show = (i: number): Shown => {
			const v = values[i];
			return v === null ? { value: null, symbol: 'x' } : showCount(v, hidden[i], policy, this.keys[i]);
		};
		return { suppressed: hidden, show };
	}
}

/** A table as shown, its figures at `at` in a protected `Together`. */
export function shownTable(t: CountTable, at: TableAt, show: (i: number) => Shown): ShownTable {
	const out: ShownTable = { rows: [...t.rows], columns: [...t.columns], cells: at.cells.map((row) => row.map(show)) };
	if (at.rowTotals) out.rowTotals = at.rowTotals.map(show);
	if (at.columnTotals) out.columnTotals = at.columnTotals.map(show);
	if (at.total !== undefined) out.total = show(at.total);
	return out;
}

/**
 * Headline counts added to a `Together` (`addShown`), each the total of a line of `members`;
 * a headline with no count adds nothing (null).
 */
export function headlineLines(together: Together, lines: readonly { members: readonly number[]; headline: HeadlineCount }[]): (number | null)[] {
	return lines.map(({ members, headline }) => {
		if (headline.count === null) return null;
		const i = together.addShown(headline.count, headline.shown);
		together.line(members, i);
		return i;
	});
}

/** Whether every headline's count (where it has one) is the sum of the table counts given beside it. */
export function headlinesAgree(pairs: readonly { headline: HeadlineCount; counts: readonly number[] }[]): boolean {
	return pairs.every((p) => p.headline.count === null || p.headline.count === p.counts.reduce((a, n) => a + n, 0));
}
