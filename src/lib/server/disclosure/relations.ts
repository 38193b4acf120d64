/**
 * Secondary suppression over exact relations WITH WEIGHTS, for figures tied together by more
 * than "these add up to that" (./lines.ts). Children counted by their number of agencies and
 * a matrix of agencies sharing children are one case: every child with k agencies counts k
 * times on the matrix's diagonal and k(k−1)/2 times among its pairs, so the diagonal's sum
 * is 1 × (children with 1 agency) + 2 × (with 2) + …, and the pairs' sum 1 × (with 2) +
 * 3 × (with 3) + … (present/need.ts).
 *
 * With weights, the one-`c` rule of ./lines.ts is not enough: two suppressed figures that
 * sit in two relations with different weights are two equations in two unknowns, and both
 * are worked out. So the rule here is the exact one: a suppressed figure must not be
 * determined by the relations, given every figure shown (linear algebra over the suppressed
 * figures: it is determined exactly when no solution of the relations can change it while
 * the figures shown stay as they are). Where one is, a further figure is
 * suppressed, and this repeats until none is. Sum lines are relations too (weights 1 and the
 * total −1); they are also closed by `protectLines` first, so that the engine's usual choices
 * (smallest other member of the line) are made wherever the one-`c` rule already suffices.
 *
 * What it does not do: bounds. Counts are whole and not negative, so a suppressed figure that
 * is not determined may still be narrowed to a range (docs/disclosure.md, "Limits").
 */
import { protectLines } from './lines.ts';

/** One exact relation: Σ weight × figure is known to a reader (a constant, or 0). */
export type Relation = readonly (readonly [figure: number, weight: number])[];

export interface RelationProblem {
	/** The figures: counts, or null where not available (they take no part). */
	values: readonly (number | null)[];
	/** "These add up to that" (./lines.ts: indices in display order, the total last). */
	lines: readonly (readonly number[])[];
	/** Further relations, with weights. */
	relations: readonly Relation[];
	/**
	 * Figures to protect with first, by trying every combination of them (so, few: at most
	 * 12), when the lines alone do not do: the combination chosen is the one of least `cost`
	 * (added up over every figure it ends up suppressing), then of the least sum of values,
	 * then the first in index order. Only when none hides everything are other figures
	 * suppressed: every one of these, then others one at a time, smallest first.
	 */
	search?: readonly number[];
	/** What suppressing a figure of `search` costs (default 1 each). */
	cost?: (index: number) => number;
}

/** How many figures `search` may hold (each combination is tried). */
export const MAX_SEARCH = 12;

const EPSILON = 1e-9;

/**
 * The reduced row echelon form of a matrix (rows of numbers), by Gauss–Jordan elimination
 * with partial pivoting: the rows, and for each row the column of its pivot.
 */
export function reducedRows(rows: readonly (readonly number[])[]): { rows: number[][]; pivots: number[] } {
	const m = rows.map((r) => [...r]);
	const columns = m.length > 0 ? m[0].length : 0;
	const pivots: number[] = [];
	let r = 0;
	for (let c = 0; c < columns && r < m.length; c++) {
		let pivot = r;
		for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i][c]) > Math.abs(m[pivot][c])) pivot = i;
		if (Math.abs(m[pivot][c]) < EPSILON) continue;
		[m[r], m[pivot]] = [m[pivot], m[r]];
		const p = m[r][c];
		for (let j = c; j < columns; j++) m[r][j] /= p;
		for (let i = 0; i < m.length; i++) {
			if (i === r) continue;
			const f = m[i][c];
			if (Math.abs(f) > 0) for (let j = c; j < columns; j++) m[i][j] -= f * m[r][j];
		}
		pivots.push(c);
		r++;
	}
	return { rows: m.slice(0, r), pivots };
}

/** The lines as relations: members +1, the total (last) −1. */
function lineRelations(lines: readonly (readonly number[])[]): Relation[] {
	return lines.map((line) => line.map((i, k): [number, number] => [i, k === line.length - 1 ? -1 : 1]));
}

/**
 * The suppressed figures that a reader can work out exactly from the relations and the figures
 * shown (a figure not available, null, is unknown too). In index order.
 */
export function workedOut(values: readonly (number | null)[], relations: readonly Relation[], suppressed: readonly boolean[]): number[] {
	const unknown = values.map((v, i) => v === null || suppressed[i]);
	const columns = values.map((_, i) => i).filter((i) => unknown[i]);
	const at = new Map(columns.map((i, k) => [i, k]));
	// Only relations holding a suppressed figure say anything about one.
	const rows = relations
		.map((rel) => {
			const row = new Array<number>(columns.length).fill(0);
			for (const [i, w] of rel) {
				const k = at.get(i);
				if (k !== undefined) row[k] += w;
			}
			return row;
		})
		.filter((row) => row.some((w) => Math.abs(w) > EPSILON));
	if (rows.length === 0) return [];
	// An unknown is determined exactly when every solution of the relations with the knowns at 0
	// leaves it at 0: it is a pivot column whose row has no weight on any free column.
	const reduced = reducedRows(rows);
	const pivotRow = new Map(reduced.pivots.map((c, r) => [c, r]));
	const free = columns.map((_, k) => k).filter((k) => !pivotRow.has(k));
	const out: number[] = [];
	columns.forEach((i, k) => {
		if (values[i] === null || !suppressed[i]) return;
		const r = pivotRow.get(k);
		if (r === undefined) return;
		if (free.every((f) => Math.abs(reduced.rows[r][f]) < EPSILON)) out.push(i);
	});
	return out;
}

/**
 * Which figures are suppressed, given those suppressed already (`initial`), so that no lone
 * `c` is in any line and no suppressed figure is determined by the lines and relations
 * together. The lines are closed first (`protectLines`); if a figure is still worked out,
 * the cheapest combination of `search` that hides everything is suppressed (see
 * `RelationProblem.search`); failing one, all of `search`, and then other figures one at a
 * time: the first (smallest, then by index) whose suppression hides the first figure still
 * worked out, or failing that the smallest, until nothing is worked out. Deterministic.
 */
export function protectRelations(problem: RelationProblem, initial: readonly boolean[]): boolean[] {
	const { values, lines } = problem;
	const search = problem.search ?? [];
	const cost = problem.cost ?? (() => 1);
	if (initial.length !== values.length) throw new Error('one suppression flag per figure is needed');
	if (search.length > MAX_SEARCH) throw new Error(`at most ${MAX_SEARCH} figures can be searched, not ${search.length}`);
	for (const rel of problem.relations) {
		for (const [i] of rel) if (!(i >= 0 && i < values.length)) throw new Error(`a relation names figure ${i}, which does not exist`);
	}
	const relations = [...lineRelations(lines), ...problem.relations];
	const close = (flags: readonly boolean[]) => protectLines({ values, lines }, flags);
	const safe = (flags: readonly boolean[]) => workedOut(values, relations, flags).length === 0;
	const nonZero = (i: number) => (values[i] ?? 0) > 0;
	let suppressed = close(initial);
	if (safe(suppressed)) return suppressed;

	// Every combination of the searched figures not suppressed yet, cheapest first by its own figures:
	// closing the lines only adds to a combination, so one dearer than the best found cannot win.
	const open = search.filter((i) => !suppressed[i] && nonZero(i));
	const combinations = [...Array((1 << open.length) - 1).keys()]
		.map((k) => {
			const members = open.filter((_, j) => ((k + 1) & (1 << j)) !== 0);
			return { members, cost: members.reduce((a, i) => a + cost(i), 0), total: members.reduce((a, i) => a + (values[i] as number), 0) };
		})
		.sort((a, b) => a.cost - b.cost || a.total - b.total);
	let best: { flags: boolean[]; cost: number; total: number } | null = null;
	for (const combination of combinations) {
		if (best !== null && combination.cost > best.cost) break;
		const flags = close(suppressed.map((s, i) => s || combination.members.includes(i)));
		if (!safe(flags)) continue;
		const added = flags.map((f, i) => i).filter((i) => flags[i] && !suppressed[i]);
		const c = added.reduce((a, i) => a + cost(i), 0);
		const total = added.reduce((a, i) => a + (values[i] as number), 0);
		if (best === null || c < best.cost || (c === best.cost && total < best.total)) best = { flags, cost: c, total };
	}
	if (best) return best.flags;

	suppressed = close(suppressed.map((s, i) => s || open.includes(i)));
	for (;;) {
		const found = workedOut(values, relations, suppressed);
		if (found.length === 0) return suppressed;
		const target = found[0];
		const candidates = values
			.map((_, i) => i)
			.filter((i) => !suppressed[i] && nonZero(i))
			.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
		// Only if the relations pin a figure down with every other figure unknown: a relation that
		// says a figure's value outright, which none of the callers' relations does.
		if (candidates.length === 0) throw new Error(`figure ${target} is determined by the relations and no other figure can be suppressed`);
		const hiding = (i: number) => close(suppressed.map((s, j) => s || j === i));
		const hides = (flags: readonly boolean[]) => !workedOut(values, relations, flags).includes(target);
		let next: boolean[] | null = null;
		for (const i of candidates) {
			const flags = hiding(i);
			if (hides(flags)) {
				next = flags;
				break;
			}
		}
		suppressed = next ?? hiding(candidates[0]);
	}
}
