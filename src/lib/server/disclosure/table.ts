/**
 * Tables of counts (disclosure-control.md, policies 1 to 3 and 6): primary suppression of
 * cells and totals, secondary suppression along every direction whose totals are shown,
 * publication rounding last, and the shares derived from the cells.
 *
 * ## Totals
 * Totals are computed here from the unrounded cells (a cell not available adds nothing; a
 * total all of whose cells are not available is `x`). A total is a figure like any other: 1
 * to the threshold is `c`. Each row with its shown total is one line (./lines.ts), each
 * column with its shown total another, and when both are shown, so is the grand total, and
 * the row totals with it and the column totals with it are two more lines.
 *
 * When a total is suppressed, its cells need no protection from it: nothing can be worked
 * out from a total that is not shown. But it needs protection from its cells: were they all
 * shown, they would add up to it. So a suppressed total with no suppressed cell in its line
 * has the line's smallest non-zero cell suppressed too. (A total of 1 to the threshold always
 * has a suppressed cell already; a total suppressed to protect another total may not.)
 */
import { assertCount, isSmall, showCount, showDerived, symbolOnly } from './counts.ts';
import { cellKeySum, perturbed } from './perturbation.ts';
import { protectLines } from './lines.ts';
import { checkPolicy } from './policy.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownTable } from './types.ts';

/**
 * A table's figures in one array (cells row by row, then row totals, column totals, the
 * grand total) and its lines. Exported for tests.
 */
export interface Layout {
	values: (number | null)[];
	/** The cell keys of `values` (totals: their cells' keys added, modulo 256); null where the table has none. */
	keys: (number | null)[] | null;
	lines: number[][];
	cell: (r: number, c: number) => number;
	rowTotal: (r: number) => number;
	columnTotal: (c: number) => number;
	grandTotal: number;
}

function sumOf(values: readonly (number | null)[]): number | null {
	const available = values.filter((v): v is number => v !== null);
	return values.length > 0 && available.length === 0 ? null : available.reduce((a, b) => a + b, 0);
}

export function layout(table: CountTable): Layout {
	const R = table.rows.length;
	const C = table.columns.length;
	if (table.counts.length !== R || table.counts.some((row) => row.length !== C)) {
		throw new Error(`a table of ${R} rows and ${C} columns needs ${R} rows of ${C} counts`);
	}
	for (const row of table.counts) for (const n of row) if (n !== null) assertCount(n, 'a table cell');

	const cell = (r: number, c: number) => r * C + c;
	const rowTotal = (r: number) => R * C + r;
	const columnTotal = (c: number) => R * C + R + c;
	const grandTotal = R * C + R + C;
	const column = (c: number) => table.counts.map((row) => row[c]);
	const values: (number | null)[] = [
		...table.counts.flat(),
		...table.counts.map((row) => sumOf(row)),
		...table.columns.map((_, c) => sumOf(column(c))),
		sumOf(table.counts.flat())
	];

	let keys: (number | null)[] | null = null;
	if (table.keys) {
		if (table.keys.length !== R || table.keys.some((row) => row.length !== C)) throw new Error(`a table's keys are laid out as its counts: ${R} rows of ${C}`);
		const keySum = cellKeySum;
		keys = [
			...table.keys.flat(),
			...table.keys.map((row) => keySum(row)),
			...table.columns.map((_, c) => keySum(table.keys!.map((row) => row[c]))),
			keySum(table.keys.flat())
		];
	}

	const range = (n: number) => [...Array(n).keys()];
	const lines: number[][] = [];
	if (table.rowTotals) for (const r of range(R)) lines.push([...range(C).map((c) => cell(r, c)), rowTotal(r)]);
	if (table.columnTotals) for (const c of range(C)) lines.push([...range(R).map((r) => cell(r, c)), columnTotal(c)]);
	if (table.rowTotals && table.columnTotals) {
		lines.push([...range(R).map(rowTotal), grandTotal], [...range(C).map(columnTotal), grandTotal]);
	}
	return { values, keys, lines, cell, rowTotal, columnTotal, grandTotal };
}

/** The table's figures with their suppression decided (on unrounded values). */
function decide(table: CountTable, policy: DisclosurePolicy): { layout: Layout; suppressed: boolean[] } {
	checkPolicy(policy);
	const l = layout(table);
	const primary = l.values.map((v) => v !== null && isSmall(v, policy));
	return { layout: l, suppressed: protectLines(l, primary) };
}

/** A table as it may be shown: cells, and the totals the table shows, suppressed and (publication) rounded. */
export function suppressTable(table: CountTable, policy: DisclosurePolicy): ShownTable {
	const { layout: l, suppressed } = decide(table, policy);
	const show = (i: number): Shown => {
		const v = l.values[i];
		return v === null ? symbolOnly('x') : showCount(v, suppressed[i], policy, l.keys?.[i]);
	};
	const out: ShownTable = {
		rows: [...table.rows],
		columns: [...table.columns],
		cells: table.rows.map((_, r) => table.columns.map((_, c) => show(l.cell(r, c))))
	};
	if (table.rowTotals) out.rowTotals = table.rows.map((_, r) => show(l.rowTotal(r)));
	if (table.columnTotals) out.columnTotals = table.columns.map((_, c) => show(l.columnTotal(c)));
	if (table.rowTotals && table.columnTotals) out.total = show(l.grandTotal);
	return out;
}

/** What a share is of: its row's total, its column's, or the grand total. */
export type ShareBase = 'row' | 'column' | 'total';

/**
 * Each cell as a percentage (0 to 100) of its base: `c` where the cell or the base is
 * suppressed, `x` where either is not available, `z` where the base is 0; rounded to a whole
 * number under the publication profile, from the unrounded counts.
 *
 * Shares give their base away (a shown cell divided by its share), so the table must show
 * the totals they are of: `rowTotals` for row shares, `columnTotals` for column shares, both
 * for shares of the grand total. Then the same protection covers them.
 */
export function deriveShares(table: CountTable, base: ShareBase, policy: DisclosurePolicy): Shown[][] {
	const shown = base === 'row' ? table.rowTotals : base === 'column' ? table.columnTotals : table.rowTotals && table.columnTotals;
	if (!shown) throw new Error(`shares of the ${base} total need the table to show those totals (they can be worked out from the shares)`);
	const { layout: l, suppressed } = decide(table, policy);
	return table.rows.map((_, r) =>
		table.columns.map((_, c): Shown => {
			const i = l.cell(r, c);
			const b = base === 'row' ? l.rowTotal(r) : base === 'column' ? l.columnTotal(c) : l.grandTotal;
			const count = l.values[i];
			const of = l.values[b];
			if (count === null || of === null) return symbolOnly('x');
			if (suppressed[i] || suppressed[b]) return symbolOnly('c');
			if (of === 0) return symbolOnly('z');
			if (policy.cellKey !== true) return showDerived((100 * count) / of, 'whole', policy);
			// Under the cell key method, of the shown (perturbed, unrounded) counts, a part never above its whole.
			const [part, whole] = [count, of].map((n, j) => (n === 0 ? 0 : perturbed(n, keyOf(l, j === 0 ? i : b), policy.threshold)));
			return showDerived((100 * Math.min(part, whole)) / whole, 'whole', policy);
		})
	);
}

/** A figure's cell key (required under the cell key method). */
function keyOf(l: Layout, i: number): number {
	const k = l.keys?.[i];
	if (k === undefined || k === null) throw new Error('a table shown under the cell key method needs its cells\' keys');
	return k;
}
