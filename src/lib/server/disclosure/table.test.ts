import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectLines } from './lines.ts';
import { deriveShares, layout, suppressTable, type ShareBase } from './table.ts';
import { DASHBOARD, policyArb, PUBLICATION, row, RUNS, tableArb } from './test-support.ts';
import type { CountTable, DisclosurePolicy, Shown } from './types.ts';

const c: Shown = { value: null, symbol: 'c' };
const x: Shown = { value: null, symbol: 'x' };
const z: Shown = { value: null, symbol: 'z' };
const v = (value: number): Shown => ({ value, symbol: null });
const values = (shown: readonly Shown[]) => shown.map((s) => s.symbol ?? s.value);

describe('suppressTable', () => {
	it('the spec\'s example: a row [3, 10, 12, 0] with a shown total: 3 → c, then 10 → c', () => {
		const t = suppressTable(row([3, 10, 12, 0]), DASHBOARD);
		expect(t.cells[0]).toEqual([c, c, v(12), v(0)]);
		expect(t.rowTotals).toEqual([v(25)]);
		expect(t.columnTotals).toBeUndefined();
		expect(t.total).toBeUndefined();
	});

	it('without a shown total, primary suppression only', () => {
		const t = suppressTable({ ...row([3, 10, 12, 0]), rowTotals: false }, DASHBOARD);
		expect(values(t.cells[0])).toEqual(['c', 10, 12, 0]);
		expect(t.rowTotals).toBeUndefined();
	});

	it('ties: the first in display order', () => {
		expect(values(suppressTable(row([9, 4, 9, 9]), DASHBOARD).cells[0])).toEqual(['c', 'c', 9, 9]);
	});

	it('zeros are never suppressed and never chosen', () => {
		expect(values(suppressTable(row([0, 2, 0, 0, 17]), DASHBOARD).cells[0])).toEqual([0, 'c', 0, 0, 'c']);
		expect(values(suppressTable(row([0, 0]), DASHBOARD).cells[0])).toEqual([0, 0]);
		expect(suppressTable(row([0, 0]), DASHBOARD).rowTotals).toEqual([v(0)]);
	});

	it('a threshold of 3 suppresses 1 to 3 only', () => {
		const policy: DisclosurePolicy = { threshold: 3, profile: 'dashboard' };
		expect(values(suppressTable({ ...row([1, 3, 4, 6]), rowTotals: false }, policy).cells[0])).toEqual(['c', 'c', 4, 6]);
	});

	it('cascades across rows and columns', () => {
		//        a   b   c | total
		// r0     2  10  11 |  23      2 → c; row 0 then also 10 (smallest other).
		// r1     9   8  20 |  37      column a: 2 and 9 → 9; column b: 10 and 8 → 8; row 1 holds 9 and 8.
		// r2    12  30  14 |  56
		// total 23  48  45 | 116
		const t = suppressTable(
			{ rows: ['r0', 'r1', 'r2'], columns: ['a', 'b', 'c'], counts: [[2, 10, 11], [9, 8, 20], [12, 30, 14]], rowTotals: true, columnTotals: true },
			DASHBOARD
		);
		expect(t.cells.map(values)).toEqual([
			['c', 'c', 11],
			['c', 'c', 20],
			[12, 30, 14]
		]);
		expect(values(t.rowTotals!)).toEqual([23, 37, 56]);
		expect(values(t.columnTotals!)).toEqual([23, 48, 45]);
		expect(t.total).toEqual(v(116));
	});

	it('a small total is c, and with it the lines it closes', () => {
		// Column a adds up to 4: c. Row 0 [4, 20 | 24]: 4 → c, then 20. Column b [20, 30 | 50]: 20 → 30.
		// Row 1 [0, 30 | 30]: 30 alone → its total 30 (the only other non-zero figure).
		// Row totals [24, 30 | 54]: 30 alone → 24. Column totals [4, 50 | 54]: 4 alone → 50.
		const t = suppressTable({ rows: ['r0', 'r1'], columns: ['a', 'b'], counts: [[4, 20], [0, 30]], rowTotals: true, columnTotals: true }, DASHBOARD);
		expect(t.cells.map(values)).toEqual([
			['c', 'c'],
			[0, 'c']
		]);
		expect(values(t.rowTotals!)).toEqual(['c', 'c']);
		expect(values(t.columnTotals!)).toEqual(['c', 'c']);
		expect(t.total).toEqual(v(54));
	});

	it('a cell not available is x and adds nothing to its total; a total of nothing available is x', () => {
		const t = suppressTable({ rows: ['r0', 'r1'], columns: ['a', 'b'], counts: [[null, 20], [null, 7]], rowTotals: true, columnTotals: true }, DASHBOARD);
		expect(t.cells.map(values)).toEqual([
			['x', 20],
			['x', 7]
		]);
		expect(values(t.columnTotals!)).toEqual(['x', 27]);
		expect(t.total).toEqual(v(27));
	});

	it('publication: rounds shown counts to the nearest 5 after deciding on the unrounded ones', () => {
		const t = suppressTable({ ...row([3, 10, 12, 0, 8]), columnTotals: true }, PUBLICATION);
		// Unrounded: 3 → c, then the smallest other, 8. Each column is one cell with its equal
		// total: 3's total is c itself, 8's is suppressed to protect it. Then 10 → 10, 12 → 10.
		expect(t.cells[0]).toEqual([c, v(10), v(10), v(0), c]);
		expect(t.rowTotals).toEqual([v(35)]); // 33 rounded, not the rounded cells' 20
		expect(values(t.columnTotals!)).toEqual(['c', 10, 10, 0, 'c']);
		expect(t.total).toEqual(v(35));
	});

	it('refuses counts that do not fit the table or are not counts', () => {
		expect(() => suppressTable({ rows: ['a'], columns: ['b'], counts: [[1, 2]], rowTotals: false, columnTotals: false }, DASHBOARD)).toThrow(/1 rows of 1/);
		expect(() => suppressTable(row([-1]), DASHBOARD)).toThrow(/≥ 0/);
		expect(() => suppressTable(row([2.5]), DASHBOARD)).toThrow(/whole number/);
		expect(() => suppressTable(row([2]), { threshold: 2, profile: 'dashboard' })).toThrow(/not a valid disclosure policy/);
	});
});

describe('deriveShares', () => {
	const table: CountTable = { rows: ['r0', 'r1'], columns: ['a', 'b', 'c'], counts: [[3, 10, 12], [0, 0, 0]], rowTotals: true, columnTotals: false };

	it('is c where the count or its base is c, z where the base is 0', () => {
		const shares = deriveShares(table, 'row', DASHBOARD);
		expect(shares[0]).toEqual([c, c, v(48)]);
		expect(shares[1]).toEqual([z, z, z]);
	});

	it('is c where the base is c, even for a shown count', () => {
		const t: CountTable = { rows: ['r0', 'r1'], columns: ['a'], counts: [[0], [4]], rowTotals: false, columnTotals: true };
		expect(deriveShares(t, 'column', DASHBOARD)).toEqual([[c], [c]]);
	});

	it('is x where the count is not available; whole numbers under publication', () => {
		const t: CountTable = { rows: ['r0'], columns: ['a', 'b', 'c'], counts: [[null, 10, 20]], rowTotals: true, columnTotals: false };
		expect(deriveShares(t, 'row', DASHBOARD)[0]).toEqual([x, v(100 / 3), v(200 / 3)]);
		expect(deriveShares(t, 'row', PUBLICATION)[0]).toEqual([x, v(33), v(67)]);
	});

	it('needs the table to show the totals the shares are of', () => {
		expect(() => deriveShares(table, 'column', DASHBOARD)).toThrow(/need the table to show/);
		expect(() => deriveShares(table, 'total', DASHBOARD)).toThrow(/need the table to show/);
	});
});

describe('suppressTable, over random tables', () => {
	/** The unrounded figures the test works out for itself: totals of the available cells. */
	function rawTotals(t: CountTable) {
		const sum = (xs: (number | null)[]) => (xs.every((n) => n === null) ? null : xs.reduce<number>((a, n) => a + (n ?? 0), 0));
		return {
			rows: t.counts.map(sum),
			columns: t.columns.map((_, j) => sum(t.counts.map((r) => r[j]))),
			grand: sum(t.counts.flat())
		};
	}

	/** Every figure shown with its unrounded count. */
	function pairs(t: CountTable, s: ReturnType<typeof suppressTable>): [number | null, Shown][] {
		const raw = rawTotals(t);
		const out: [number | null, Shown][] = t.counts.flatMap((r, i) => r.map((n, j): [number | null, Shown] => [n, s.cells[i][j]]));
		if (s.rowTotals) s.rowTotals.forEach((shown, i) => out.push([raw.rows[i], shown]));
		if (s.columnTotals) s.columnTotals.forEach((shown, j) => out.push([raw.columns[j], shown]));
		if (s.total) out.push([raw.grand, s.total]);
		return out;
	}

	it('never shows a count from 1 to the threshold, in cells or totals; 0 stays 0; null is x', () => {
		fc.assert(
			fc.property(tableArb, policyArb, (t, policy) => {
				for (const [n, shown] of pairs(t, suppressTable(t, policy))) {
					if (n === null) expect(shown).toEqual(x);
					else if (n === 0) expect(shown).toEqual(v(0));
					else if (n <= policy.threshold) expect(shown).toEqual(c);
					else if (shown.symbol === null) expect(shown.value).toBe(policy.profile === 'publication' ? Math.round(n / 5) * 5 : n);
					else expect(shown).toEqual(c);
				}
			}),
			RUNS
		);
	});

	it('shows totals exactly as the table asks', () => {
		fc.assert(
			fc.property(tableArb, (t) => {
				const s = suppressTable(t, DASHBOARD);
				expect(s.rowTotals?.length).toBe(t.rowTotals ? t.rows.length : undefined);
				expect(s.columnTotals?.length).toBe(t.columnTotals ? t.columns.length : undefined);
				expect(s.total !== undefined).toBe(t.rowTotals && t.columnTotals);
			}),
			RUNS
		);
	});

	/*
	 * What secondary suppression guarantees, for each row (column) whose total the table
	 * shows, counting only available cells:
	 * - when its total is shown, it does not hold exactly one c cell (the total and the
	 *   other cells would give it away);
	 * - when its total is itself c, it holds at least one c cell (else its cells would add
	 *   up to it). Its cells need no protection from a total that is not shown: any number
	 *   of c cells, even one, is then fine.
	 * The row totals with the grand total, and the column totals with it, are lines too.
	 */
	it('leaves no line that adds up to a shown total with exactly one c, and no c total its cells give away', () => {
		fc.assert(
			fc.property(tableArb, policyArb, (t, policy) => {
				const s = suppressTable(t, policy);
				const check = (cells: Shown[], total: Shown) => {
					const suppressedCells = cells.filter((cell) => cell.symbol === 'c').length;
					if (total.symbol === null) expect(suppressedCells).not.toBe(1);
					if (total.symbol === 'c') expect(suppressedCells).toBeGreaterThanOrEqual(1);
				};
				const available = (cells: Shown[]) => cells.filter((cell) => cell.symbol !== 'x');
				if (s.rowTotals) s.cells.forEach((r, i) => check(available(r), s.rowTotals![i]));
				if (s.columnTotals) t.columns.forEach((_, j) => check(available(s.cells.map((r) => r[j])), s.columnTotals![j]));
				if (s.total) {
					check(available(s.rowTotals!), s.total);
					check(available(s.columnTotals!), s.total);
				}
			}),
			RUNS
		);
	});

	it('with no totals shown, suppresses exactly the counts from 1 to the threshold', () => {
		fc.assert(
			fc.property(tableArb, policyArb, (t, policy) => {
				const s = suppressTable({ ...t, rowTotals: false, columnTotals: false }, policy);
				t.counts.forEach((r, i) => r.forEach((n, j) => expect(s.cells[i][j].symbol === 'c').toBe(n !== null && n >= 1 && n <= policy.threshold)));
			}),
			RUNS
		);
	});

	it('is idempotent: protecting its answer again suppresses nothing more', () => {
		fc.assert(
			fc.property(tableArb, policyArb, (t, policy) => {
				const s = suppressTable(t, policy);
				const isC = (shown: Shown | undefined) => shown?.symbol === 'c';
				// layout()'s order: cells row by row, row totals, column totals, the grand total.
				const flags = [
					...s.cells.flat().map(isC),
					...t.rows.map((_, i) => isC(s.rowTotals?.[i])),
					...t.columns.map((_, j) => isC(s.columnTotals?.[j])),
					isC(s.total)
				];
				expect(protectLines(layout(t), flags)).toEqual(flags);
			}),
			RUNS
		);
	});

	it('publication rounds only what the dashboard shows, and suppresses the same figures', () => {
		fc.assert(
			fc.property(tableArb, fc.integer({ min: 3, max: 8 }), (t, threshold) => {
				const dashboard = pairs(t, suppressTable(t, { threshold, profile: 'dashboard' }));
				const publication = pairs(t, suppressTable(t, { threshold, profile: 'publication' }));
				dashboard.forEach(([, d], i) => {
					const p = publication[i][1];
					expect(p.symbol).toBe(d.symbol);
					expect(p.value).toBe(d.value === null ? null : Math.round(d.value / 5) * 5);
				});
			}),
			RUNS
		);
	});

	it('derives shares that are c exactly where their count or base is c', () => {
		const baseArb = fc.constantFrom<ShareBase>('row', 'column', 'total');
		fc.assert(
			fc.property(tableArb, baseArb, policyArb, (table, base, policy) => {
				const t = { ...table, rowTotals: table.rowTotals || base !== 'column', columnTotals: table.columnTotals || base !== 'row' };
				const s = suppressTable(t, policy);
				const shares = deriveShares(t, base, policy);
				const raw = rawTotals(t);
				t.counts.forEach((r, i) =>
					r.forEach((n, j) => {
						const baseShown = base === 'row' ? s.rowTotals![i] : base === 'column' ? s.columnTotals![j] : s.total!;
						const baseRaw = base === 'row' ? raw.rows[i] : base === 'column' ? raw.columns[j] : raw.grand;
						const share = shares[i][j];
						if (n === null || baseRaw === null) expect(share).toEqual(x);
						else expect(share.symbol === 'c').toBe(s.cells[i][j].symbol === 'c' || baseShown.symbol === 'c');
						if (n === null || baseRaw === null) return;
						if (share.symbol === null) {
							const exact = (100 * n) / baseRaw;
							expect(share.value).toBe(policy.profile === 'publication' ? Math.round(exact) : exact);
						} else if (share.symbol !== 'c') expect(share).toEqual(z);
					})
				);
			}),
			RUNS
		);
	});
});
