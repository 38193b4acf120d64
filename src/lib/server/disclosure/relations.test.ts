import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectLines } from './lines.ts';
import { protectRelations, reducedRows, workedOut, type Relation } from './relations.ts';
import { determinedExactly, RUNS } from './test-support.ts';

const small = (values: readonly (number | null)[], threshold = 5) => values.map((v) => v !== null && v >= 1 && v <= threshold);

/** A sum line as a relation (members +1, the total −1). */
const sumOf = (line: readonly number[]): Relation => line.map((i, k) => [i, k === line.length - 1 ? -1 : 1] as const);

describe('reducedRows', () => {
	it('reduces to pivots of 1 with zeros above and below', () => {
		const { rows, pivots } = reducedRows([
			[1, 1, 1],
			[0, 1, 2],
			[1, 2, 3]
		]);
		expect(pivots).toEqual([0, 1]);
		expect(rows.map((r) => r.map((v) => Math.round(v * 1e9) / 1e9 + 0))).toEqual([
			[1, 0, -1],
			[0, 1, 2]
		]);
	});
});

describe('workedOut', () => {
	it('a sum line: one c is worked out, two are not', () => {
		const values = [3, 10, 12, 25];
		const relations = [sumOf([0, 1, 2, 3])];
		expect(workedOut(values, relations, [true, false, false, false])).toEqual([0]);
		expect(workedOut(values, relations, [true, true, false, false])).toEqual([]);
	});

	it('weights: two c in two relations with different weights are both worked out (the one-c rule misses it)', () => {
		// a + b = 13 and a + 3b = 33 (both known): a = 3, b = 10.
		const values = [3, 10, 13, 33];
		const relations: Relation[] = [
			[[0, 1], [1, 1], [2, -1]],
			[[0, 1], [1, 3], [3, -1]]
		];
		const suppressed = [true, true, false, false];
		expect(protectLines({ values, lines: [[0, 1, 2]] }, suppressed)).toEqual(suppressed); // lines alone see no problem
		expect(workedOut(values, relations, suppressed)).toEqual([0, 1]);
		// The same weights in both: only their sum is known.
		expect(workedOut(values, [relations[0], [[0, 1], [1, 1], [3, -1]]], suppressed)).toEqual([]);
	});

	it('a figure not available is unknown, and a relation of knowns only says nothing', () => {
		const values = [3, null, 10, 13];
		expect(workedOut(values, [sumOf([0, 1, 2, 3])], [true, false, false, false])).toEqual([]);
		expect(workedOut([3, 10, 13], [sumOf([0, 1, 2])], [false, false, false])).toEqual([]);
	});
});

describe('protectRelations', () => {
	it('closes the lines first, then hides what the weights would give away', () => {
		// Lines: a + b = s. Relation: a + 3b = t (t known from elsewhere, not a figure here).
		// a = 3 is c; the line takes b (10); with s shown, a + b and a + 3b give both: s goes too.
		const values = [3, 10, 13];
		const lines = [[0, 1, 2]];
		const relations: Relation[] = [[[0, 1], [1, 3]]];
		const out = protectRelations({ values, lines, relations }, small(values));
		expect(out).toEqual([true, true, true]);
		expect(workedOut(values, [sumOf(lines[0]), ...relations], out)).toEqual([]);
	});

	it('searched figures: the combination of least cost that hides everything', () => {
		// Figures a = 3 (c), b = 20, c = 10, t = 33 with the line a + b + c = t, and a + 2c known.
		// Lines alone: c goes (smaller than b), but then a + c and a + 2c give both away.
		const values = [3, 20, 10, 33];
		const lines = [[0, 1, 2, 3]];
		const relations: Relation[] = [[[0, 1], [2, 2]]];
		expect(protectRelations({ values, lines, relations: [] }, small(values))).toEqual([true, false, true, false]);
		// Searching b, c and t: {b} and {t} each hide everything (three unknowns, two relations); b is smaller.
		const out = protectRelations({ values, lines, relations, search: [1, 2, 3] }, small(values));
		expect(out).toEqual([true, true, true, false]);
		// Make b dear: t then.
		const dear = protectRelations({ values, lines, relations, search: [1, 2, 3], cost: (i) => (i === 1 ? 10 : 1) }, small(values));
		expect(dear).toEqual([true, false, true, true]);
		for (const flags of [out, dear]) expect(workedOut(values, [sumOf(lines[0]), ...relations], flags)).toEqual([]);
	});

	it('without a search, or when no combination of it is enough, other figures one at a time', () => {
		const values = [3, 20, 10, 33];
		const lines = [[0, 1, 2, 3]];
		const relations: Relation[] = [[[0, 1], [2, 2]]];
		const out = protectRelations({ values, lines, relations }, small(values));
		expect(workedOut(values, [sumOf(lines[0]), ...relations], out)).toEqual([]);
		// The smallest figure that hides a: b (20).
		expect(out).toEqual([true, true, true, false]);
		// A search that cannot help (c is suppressed already): the same.
		expect(protectRelations({ values, lines, relations, search: [2] }, small(values))).toEqual(out);
	});

	it('property: keeps what was suppressed, suppresses no zero, leaves no lone c in a line and nothing worked out', () => {
		const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 }));
		fc.assert(
			fc.property(
				fc.array(count, { minLength: 3, maxLength: 7 }),
				fc.array(fc.array(fc.tuple(fc.nat(6), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 4 }), { maxLength: 3 }),
				fc.uniqueArray(fc.nat(7), { maxLength: 5 }),
				(parts, rawRelations, searched) => {
					// Parts, their sum as a total: one line; plus relations with weights among them.
					const values = [...parts, parts.reduce((a, b) => a + b, 0)];
					const lines = [values.map((_, i) => i)];
					const relations: Relation[] = rawRelations
						.map((r) => r.filter(([i, w]) => i < values.length && w !== 0).map(([i, w]) => [i, w] as const))
						.filter((r) => r.length >= 2);
					const initial = small(values);
					const all = [sumOf(lines[0]), ...relations];
					let out: boolean[];
					try {
						const search = searched.filter((i) => i < values.length);
						out = protectRelations({ values, lines, relations, search, cost: (i) => 1 + (i % 3) }, initial);
					} catch {
						// Only when the relations pin a figure down whatever is shown (a + b and a + 2b both known).
						expect(workedOut(values, all, values.map((v) => v > 0)).length).toBeGreaterThan(0);
						return;
					}
					initial.forEach((s, i) => s && expect(out[i]).toBe(true));
					values.forEach((v, i) => v === 0 && expect(out[i]).toBe(false));
					expect(protectLines({ values, lines }, out)).toEqual(out);
					expect(determinedExactly(values, all, out)).toEqual([]);
					expect(workedOut(values, all, out)).toEqual([]);
				}
			),
			RUNS
		);
	});

	it('property: the float test agrees with exact arithmetic', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 2, max: 8 }).chain((n) =>
					fc.tuple(
						fc.constant(n),
						fc.array(fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: -6, max: 6 })), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
						fc.array(fc.boolean(), { minLength: n, maxLength: n })
					)
				),
				([n, relations, suppressed]) => {
					const values = Array.from({ length: n }, (_, i) => i + 1);
					expect(workedOut(values, relations, suppressed)).toEqual(determinedExactly(values, relations, suppressed));
				}
			),
			RUNS
		);
	});
});
