/**
 * The escalation page as a person may see it: every figure through disclosure control, every
 * count shown perturbed by its own cell key where the policy asks (rule 7: ./counts.ts's
 * `showCount`; a total is a count of its own, keyed by the sum of its cells' keys), and
 * whatever is derived (a share, a table's labels) from SHOWN figures only.
 *
 * ## What is shown together, and how it is protected
 * - **Headline figures and the monthly trend**: one `suppressBreakdowns` call (the months add
 *   up to the headline). Each headline is the metric's own figure, as the JSON API gives it
 *   (its counts perturbed by their own keys: the same rows always give the same shown number),
 *   never a sum of shown cells and never suppressed to suit a table: the tables beside it are
 *   protected against it instead (below). What the headlines give on their own, with the
 *   zeros a table shows (19 of 21 closed agreed, and none withdrawn: 2 unresolved), no
 *   suppression of the tables can hide; under the cell key method the headlines are
 *   perturbed, so that it is not given exactly.
 * - **The escalations raised**, shown three ways: by stage and category (`stageByCategory`),
 *   between which agencies (`between`), and in the headlines (the escalations per 100
 *   referrals: their number; the share reaching stage 3: its numerator, stages 3 and 4, and
 *   its denominator, all of them). One set of figures, protected together (`protectRaised`:
 *   each table's rows, columns and margins, sharing the grand total, and the headlines as
 *   line totals: stages 3 and 4 add up to the headline's numerator, stages 1 and 2 and that
 *   numerator to the total), so that no headline gives away a total the table suppressed (a
 *   stage 3 total of 4 beside a stage 4 total of 10 and a headline of 14: the stage 4 total is
 *   suppressed too). A headline shown is never chosen: table figures are (`Together`).
 * - **The escalations closed in the period**, shown three ways: by days to close
 *   (`resolutionDays`), by category and outcome (`outcomeByCategory`) and by agency pair and
 *   outcome (`outcomeByPair`). The three share one total (the escalations closed), and the
 *   two outcome tables share their outcome totals: the same figures in several places, so
 *   one figure each, suppressed together (`protectClosed`: the bins with the total, each
 *   outcome table's rows, columns and margins, over the shared figures, and the headline
 *   share closed with agreement as line totals: the agreed and plan changed totals add up to
 *   its numerator, the total is its denominator). A total suppressed for one table is so
 *   suppressed in the others, and each table is protected against it. The median days to
 *   close is `c` over 1 to the threshold escalations.
 * - Should counts not add up as they must (a bug upstream, the page's data being one
 *   snapshot), tables are shown with every non-zero figure suppressed (`hiddenTable`) rather
 *   than let one figure undo another's protection: the table between agencies when its total
 *   is not the table by stage's; every table of a set when a headline's count is not the
 *   tables' figure for it, or when the closed escalations' tables do not share their totals.
 * - **Shares beside a table** (the share closed with agreement of each row): from the row's
 *   SHOWN figures only (its agreed and plan changed cells, or its total less the others,
 *   `knownPart`), `c` when they do not give it; under the cell key method, of the perturbed
 *   counts (the part keyed by its cells' keys), a part never above its whole (`shareOf`).
 *   The totals row's share is the headline's.
 * - **Open at each month's end**: each month is a position of its own (they do not add up),
 *   so each is a count standing alone, as is the headline (the last month's position).
 *
 * Helpers that the audits, response, need and meetings pages share are exported from here.
 */
import type { HistogramData, ShownValue, TableColumn, TableData, TableRow, TrendChartData, GridData } from '../../components/charts/types.ts';
import type { EscalationData } from '../dashboard/escalation.ts';
import { AGREED_COLUMNS, OUTCOMES, RESOLUTION_BINS, STAGES } from '../dashboard/escalation.ts';
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { adjustedCount, cellKeySum, checkPolicy, isSmall, metricSeries, protectLines, showCount, suppressBreakdowns, suppressCount } from '../disclosure/index.ts';
import type { GroupedResult, WholeResult } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownMetric, ShownTable } from '../disclosure/types.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { fullSet } from './common.ts';

// ------------------------------------------------------------------ shared helpers

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

// ------------------------------------------------------------------ the escalation page

export interface EscalationOptions {
	/** Benchmarks overlapping the period (`benchmarksFor(warehouse, null, period)`). */
	benchmarks: readonly Benchmark[];
	/** Agency names for the table of who raised escalations with whom. */
	agencies: AgencyNames;
}

export interface EscalationView {
	period: { from: string; to: string };
	threshold: number;
	/** Escalations raised in the period (the tables' grand total). */
	raised: Shown;
	/** Each the metric's own figure, as the JSON API gives it (by month, with its months). */
	headlines: {
		per100: ShownHeadline;
		stage3: ShownHeadline;
		/** With the number closed in the period, as the time-to-close table shows it. */
		medianDays: ShownHeadline & { closed: Shown };
		openAtEnd: ShownHeadline;
		agreed: ShownHeadline;
	};
	trend: { per100: TrendChartData; openAtEnd: TrendChartData; agreed: TrendChartData };
	stageByCategory: { grid: GridData; table: TableData };
	between: { grid: GridData; table: TableData };
	resolution: { histogram: HistogramData; table: TableData; closed: Shown };
	/** Escalations closed in the period by outcome: by category and by agency pair (each with a share agreed). */
	outcomes: { byCategory: { grid: GridData; table: TableData }; byPair: { grid: GridData; table: TableData } };
}

/** Escalation categories in words (extract-format.md's codes). */
const CATEGORY_WORDS: Record<string, string> = { roles_responsibilities: 'Roles and responsibilities' };

const OUTCOME_WORDS: Record<(typeof OUTCOMES)[number], string> = {
	agreed: 'Agreed',
	plan_changed: 'Plan changed',
	withdrawn: 'Withdrawn',
	unresolved: 'Unresolved'
};

/**
 * The share closed with agreement of each row of a shown outcome table (`partShare`: from the
 * row's SHOWN figures only, `c` when they do not give it); the totals row's is the headline's.
 */
function agreedShares(table: CountTable, shown: ShownTable, headline: Shown, policy: DisclosurePolicy): { cells: Shown[]; total: Shown } {
	const rows = table.counts.map((row) => row.map((n) => n ?? 0));
	return {
		cells: rows.map((row, r) => partShare(row, rowKeys(table, r), shown.cells[r], AGREED_COLUMNS, shown.rowTotals?.[r] ?? suppressed(), policy)),
		total: headline
	};
}

/** The escalations raised as shown: by category and stage, and between agencies (see the module's comment). */
export interface ShownRaised {
	stages: ShownTable;
	between: ShownTable;
}

/** The columns of stages 3 and 4 (the escalations counted by `escalations_stage3_pct`'s numerator). */
function stage3Columns(table: CountTable): number[] {
	return table.columns.flatMap((s, i) => (Number(s) >= 3 ? [i] : []));
}

/**
 * The escalations raised, protected as one set of figures (`Together`): the table by category
 * and stage and the table between agencies, sharing their grand total, and the headline counts
 * shown beside them: the escalations raised (`raised`: each headline showing their number, the
 * grand total) and those reaching stage 3 or higher (`stage3`: the stage 3 and 4 totals; with
 * stages 1 and 2, the grand total). Should the two tables' totals differ, the second is
 * hidden; should a headline's count not be the tables' figure for it, both are (`hiddenTable`:
 * a bug upstream, the page's data being one snapshot).
 */
export function protectRaised(
	stages: CountTable,
	between: CountTable,
	headlines: { raised: readonly HeadlineCount[]; stage3: HeadlineCount },
	policy: DisclosurePolicy
): ShownRaised {
	checkPolicy(policy);
	const totals = columnSums(stages);
	const high = stage3Columns(stages);
	const low = totals.map((_, c) => c).filter((c) => !high.includes(c));
	const total = grandTotal(stages);
	if (!headlinesAgree([...headlines.raised.map((h) => ({ headline: h, counts: [total] })), { headline: headlines.stage3, counts: high.map((c) => totals[c]) }])) {
		return { stages: hiddenTable(stages), between: hiddenTable(between) };
	}
	const together = new Together();
	const s = together.table(stages);
	const sharesTotal = grandTotal(between) === total;
	const b = sharesTotal ? together.table(between, { total: s.total }) : null;
	const sTotals = s.columnTotals ?? [];
	headlineLines(together, headlines.raised.map((headline) => ({ members: [s.total!], headline })));
	const [stage3] = headlineLines(together, [{ members: high.map((c) => sTotals[c]), headline: headlines.stage3 }]);
	// Stages 1 and 2 with stage 3 or higher: all of them.
	if (stage3 !== null) together.line([...low.map((c) => sTotals[c]), stage3], s.total!);
	const { show } = together.protect(policy);
	return { stages: shownTable(stages, s, show), between: b ? shownTable(between, b, show) : hiddenTable(between) };
}

/** The escalations closed as shown: by days to close, and by outcome two ways (see the module's comment). */
export interface ShownClosed {
	/** The bins of the time to close, with the escalations closed as their column total. */
	resolution: ShownTable;
	byCategory: ShownTable;
	byPair: ShownTable;
}

/**
 * The escalations closed, protected as one set of figures (`Together`): the bins of the time
 * to close, and two tables by outcome (same columns) each with its row totals, sharing their
 * outcome totals and, with the bins, their grand total; and the headline share closed with
 * agreement beside them (`agreed`: its numerator the agreed and plan changed totals, its
 * denominator the total). Lines: the bins with the total; each table's rows with their
 * totals, its columns with the shared outcome totals, its row totals with the shared total;
 * the outcome totals with the shared total; the headline's counts as totals (the agreed
 * outcomes; the headline's numerator and the other outcomes, of the total). Should the counts
 * not add up to one total, or a headline's count not be the tables' figure for it (a bug
 * upstream: the page's data is one snapshot), every non-zero figure of the three is
 * suppressed (`hiddenTable`).
 */
export function protectClosed(
	resolution: CountTable,
	byCategory: CountTable,
	byPair: CountTable,
	policy: DisclosurePolicy,
	agreed?: { numerator: HeadlineCount; denominator: HeadlineCount }
): ShownClosed {
	checkPolicy(policy);
	if (resolution.columns.length !== 1 || byPair.columns.join() !== byCategory.columns.join()) throw new Error('the closed escalations\' tables do not have the expected columns');
	const outcomeTotals = columnSums(byCategory);
	const total = grandTotal(resolution);
	const others = outcomeTotals.map((_, c) => c).filter((c) => !AGREED_COLUMNS.includes(c));
	const consistent =
		grandTotal(byCategory) === total &&
		grandTotal(byPair) === total &&
		columnSums(byPair).join() === outcomeTotals.join() &&
		headlinesAgree(agreed ? [{ headline: agreed.numerator, counts: AGREED_COLUMNS.map((c) => outcomeTotals[c]) }, { headline: agreed.denominator, counts: [total] }] : []);
	if (!consistent) {
		// Cannot happen with one snapshot's data; should it, no table may undo another's protection.
		return { resolution: hiddenTable(resolution), byCategory: hiddenTable(byCategory), byPair: hiddenTable(byPair) };
	}
	const together = new Together();
	const keyOf = (t: CountTable, ks: readonly (number | null)[]) => (t.keys ? cellKeySum(ks) : null);
	const column = (t: CountTable, c: number) => t.counts.map((_, r) => t.keys?.[r]?.[c] ?? null);
	// The shared figures, keyed from the table by category (the same rows in every table).
	const bins = resolution.counts.map((row, r) => together.add(row[0], resolution.keys?.[r]?.[0] ?? null));
	const outcomeAt = outcomeTotals.map((n, c) => together.add(n, keyOf(byCategory, column(byCategory, c))));
	const totalAt = together.add(total, keyOf(byCategory, byCategory.counts.flatMap((row, r) => row.map((_, c) => byCategory.keys?.[r]?.[c] ?? null))));
	together.line(bins, totalAt);
	const shared = { columnTotals: outcomeAt, total: totalAt };
	const category = together.table(byCategory, shared);
	const pairs = together.table(byPair, shared);
	together.line(outcomeAt, totalAt);
	if (agreed) {
		const [numerator] = headlineLines(together, [
			{ members: AGREED_COLUMNS.map((c) => outcomeAt[c]), headline: agreed.numerator },
			{ members: [totalAt], headline: agreed.denominator }
		]);
		if (numerator !== null) together.line([numerator, ...others.map((c) => outcomeAt[c])], totalAt);
	}
	const { show } = together.protect(policy);
	return {
		resolution: { rows: [...resolution.rows], columns: [...resolution.columns], cells: bins.map((i) => [show(i)]), columnTotals: [show(totalAt)] },
		byCategory: shownTable(byCategory, category, show),
		byPair: shownTable(byPair, pairs, show)
	};
}

const STAGE_WORDS: Record<(typeof STAGES)[number], string> = {
	'1': 'Stage 1',
	'2': 'Stage 2',
	'3': 'Stage 3',
	'4': 'Stage 4'
};

export function presentEscalation(data: EscalationData, policy: DisclosurePolicy, options: EscalationOptions): EscalationView {
	const scope = { period: data.period, filters: data.filters };
	const whole: WholeResult = { ...scope, by: null, metrics: fullSet(data.figures) };
	const byMonth: GroupedResult = { ...scope, by: 'month', groups: data.trend.map((m) => ({ group: m.month, metrics: fullSet(m.metrics) })) };
	const [months] = suppressBreakdowns([byMonth], whole, policy);
	// The headlines: each metric's own figure (with its months), the tables protected against them.
	const figures = months.total;
	const counted = (key: MetricKey & keyof EscalationData['figures'], field: 'numerator' | 'denominator'): HeadlineCount => ({
		count: data.figures[key][field],
		shown: figures[key][field]
	});

	// The escalations raised: by stage and category, and between agencies, with the headlines.
	const { stages, between } = protectRaised(
		data.stageByCategory,
		data.between,
		{
			raised: [counted('escalations_per_100_referrals', 'numerator'), counted('escalations_stage3_pct', 'denominator')],
			stage3: counted('escalations_stage3_pct', 'numerator')
		},
		policy
	);
	const raised = stages.total ?? suppressed();
	// The escalations closed: by days to close and by outcome two ways, sharing their totals, with the headline.
	const { outcomeByCategory, outcomeByPair } = data;
	const { resolution, byCategory, byPair } = protectClosed(data.resolutionDays, outcomeByCategory, outcomeByPair.table, policy, {
		numerator: counted('escalations_agreed_pct', 'numerator'),
		denominator: counted('escalations_agreed_pct', 'denominator')
	});
	const closed = resolution.columnTotals?.[0] ?? suppressed();
	const headline = (key: MetricKey): ShownHeadline => ({ info: metricInfo(key), figure: figures[key], benchmarks: benchmarksOf(options.benchmarks, key) });

	// Monthly series: escalations per 100 referrals (its months add up to the headline, one call
	// above), and the number open at each month's end (each a count standing alone).
	const per100Series = metricSeries(months, 'escalations_per_100_referrals', policy);
	const openSeries = metricSeries(months, 'escalations_open_at_end', policy);
	const agreedSeries = metricSeries(months, 'escalations_agreed_pct', policy);
	const per100Info = metricInfo('escalations_per_100_referrals');

	// Labels.
	const categories = data.stageByCategory.rows.map((c) => CATEGORY_WORDS[c] ?? codeWords(c));
	const stageWords = data.stageByCategory.columns.map((s) => STAGE_WORDS[s as (typeof STAGES)[number]] ?? `Stage ${s}`);
	const byNames = data.between.rows.map((c) => agencyName(options.agencies, c));
	const withNames = data.between.columns.map((c) => agencyName(options.agencies, c));
	const medianShown = figures.escalation_resolution_median_days.value;
	const outcomeWords = OUTCOMES.map((o) => OUTCOME_WORDS[o]);
	const pairNames = outcomeByPair.pairs.map((p) => `${agencyName(options.agencies, p.by)} → ${agencyName(options.agencies, p.with)}`);
	const shareColumn = { label: '% agreed', decimals: 1, unit: '%' };
	const agreedValue = figures.escalations_agreed_pct.value;
	const categoryShares = agreedShares(outcomeByCategory, byCategory, agreedValue, policy);
	const pairShares = agreedShares(outcomeByPair.table, byPair, agreedValue, policy);
	const outcomeNote = 'Agreed: closed agreed, or with the plan changed (the share of the escalations shown beside it; not shown where the table does not give it).';

	const bins = RESOLUTION_BINS.map((b, i) => ({
		x0: b.min,
		// The open bin is drawn as wide as the one before it.
		x1: b.max === null ? b.min + (RESOLUTION_BINS[i - 1] ? RESOLUTION_BINS[i - 1].max! - RESOLUTION_BINS[i - 1].min + 1 : 30) : b.max + 1,
		open: b.max === null,
		...(resolution.cells[i]?.[0] ?? suppressed())
	}));
	const lastEdge = Math.max(...bins.map((b) => b.x1));

	return {
		period: data.period,
		threshold: policy.threshold,
		raised,
		headlines: {
			per100: headline('escalations_per_100_referrals'),
			stage3: headline('escalations_stage3_pct'),
			medianDays: { ...headline('escalation_resolution_median_days'), closed },
			openAtEnd: headline('escalations_open_at_end'),
			agreed: headline('escalations_agreed_pct')
		},
		trend: {
			per100: {
				series: [{ name: 'Escalations per 100 referrals', points: per100Series.points }],
				yLabel: 'Escalations per 100 referrals',
				decimals: 1,
				benchmarks: benchmarksOf(options.benchmarks, per100Info.key).map((b) => ({ label: b.label, value: b.value }))
			},
			openAtEnd: {
				series: [{ name: 'Escalations open at the month\'s end', points: openSeries.points }],
				yLabel: 'Escalations open',
				decimals: 0,
				benchmarks: benchmarksOf(options.benchmarks, 'escalations_open_at_end').map((b) => ({ label: b.label, value: b.value }))
			},
			agreed: {
				series: [{ name: 'Escalations closed with agreement', points: agreedSeries.points }],
				yLabel: '%',
				decimals: 1,
				benchmarks: benchmarksOf(options.benchmarks, 'escalations_agreed_pct').map((b) => ({ label: b.label, value: b.value }))
			}
		},
		stageByCategory: {
			grid: { rows: categories, columns: stageWords, cells: stages.cells, rowLabel: 'Category', columnLabel: 'Highest stage reached', valueLabel: 'escalations' },
			table: countTableData(stages, {
				rowHeader: 'Category',
				rows: categories,
				columns: stageWords,
				rowTotal: 'All stages',
				columnTotal: 'All categories',
				notes: ['Escalations raised in the period, by what the disagreement was about and the highest stage it reached.']
			})
		},
		between: {
			grid: { rows: byNames, columns: withNames, cells: between.cells, rowLabel: 'Raised by', columnLabel: 'Raised with', valueLabel: 'escalations' },
			table: countTableData(between, {
				rowHeader: 'Raised by',
				rows: byNames,
				columns: withNames.map((n) => `With ${n}`),
				rowTotal: 'Raised by the agency',
				columnTotal: 'Raised with the agency',
				notes: ['Rows: the agency raising the escalation; columns: the agency it was raised with.']
			})
		},
		resolution: {
			histogram: {
				bins,
				xLabel: 'Days from raising to closing',
				yLabel: 'Escalations closed',
				threshold:
					isShown(medianShown) && (medianShown.value as number) + 0.5 < lastEdge
						? { label: `Median ${formatDays(medianShown.value as number)} days`, value: (medianShown.value as number) + 0.5 }
						: null
			},
			table: countTableData(resolution, {
				rowHeader: 'Days from raising to closing',
				rows: RESOLUTION_BINS.map((b) => (b.max === null ? `${b.min} or more` : `${b.min} to ${b.max}`)),
				columns: ['Escalations closed'],
				columnTotal: 'All closed in the period'
			}),
			closed
		},
		outcomes: {
			byCategory: {
				grid: { rows: categories, columns: outcomeWords, cells: byCategory.cells, rowLabel: 'Category', columnLabel: 'Outcome', valueLabel: 'escalations closed' },
				table: countTableData(byCategory, {
					rowHeader: 'Category',
					rows: categories,
					columns: outcomeWords,
					rowTotal: 'All closed',
					columnTotal: 'All categories',
					extra: [{ column: shareColumn, cells: categoryShares.cells, total: categoryShares.total }],
					notes: ['Escalations closed in the period, by what the disagreement was about and how it ended.', outcomeNote]
				})
			},
			byPair: {
				// Agencies by their codes in the grid (two names do not fit beside it); the table gives the names.
				grid: { rows: outcomeByPair.pairs.map((p) => `${p.by} → ${p.with}`), columns: outcomeWords, cells: byPair.cells, rowLabel: 'Raised by → raised with', columnLabel: 'Outcome', valueLabel: 'escalations closed' },
				table: countTableData(byPair, {
					rowHeader: 'Raised by → raised with',
					rows: pairNames,
					columns: outcomeWords,
					rowTotal: 'All closed',
					columnTotal: 'All agency pairs',
					extra: [{ column: shareColumn, cells: pairShares.cells, total: pairShares.total }],
					notes: ['Escalations closed in the period, by the agency that raised the disagreement and the agency it was raised with, and how it ended.', outcomeNote]
				})
			}
		}
	};
}

function formatDays(n: number): string {
	return n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}
