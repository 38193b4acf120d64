import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectLines, type LineProblem } from './lines.ts';
import { countArb, RUNS } from './test-support.ts';

const small = (values: readonly (number | null)[], threshold = 5) => values.map((v) => v !== null && v >= 1 && v <= threshold);
const solve = (problem: LineProblem) => protectLines(problem, small(problem.values));

describe('protectLines', () => {
	it('the spec\'s example: [3, 10, 12, 0] with a shown total of 25: 3 and then 10', () => {
		expect(solve({ values: [3, 10, 12, 0, 25], lines: [[0, 1, 2, 3, 4]] })).toEqual([true, true, false, false, false]);
	});

	it('ties go to the first in display order', () => {
		expect(solve({ values: [9, 2, 9, 20], lines: [[0, 1, 2, 3]] })).toEqual([true, true, false, false]);
		// The same figures, the line read the other way round.
		expect(solve({ values: [9, 2, 9, 20], lines: [[2, 1, 0, 3]] })).toEqual([false, true, true, false]);
	});

	it('never chooses a zero, however small', () => {
		expect(solve({ values: [0, 4, 0, 30, 34], lines: [[0, 1, 2, 3, 4]] })).toEqual([false, true, false, true, false]);
	});

	it('two suppressed members need nothing more', () => {
		expect(solve({ values: [2, 3, 40, 45], lines: [[0, 1, 2, 3]] })).toEqual([true, true, false, false]);
	});

	it('leaves figures not available out of every line', () => {
		// [4, x, 30]: 4 alone is suppressed; the x is not chosen; 30 is.
		expect(solve({ values: [4, null, 30, 34], lines: [[0, 1, 2, 3]] })).toEqual([true, false, true, false]);
	});

	it('cascades until no line holds exactly one suppressed figure', () => {
		// Rows [3, 10 | 13], [7, 8 | 15]; columns [3, 7 | 10], [10, 8 | 18]; totals [13, 15 | 28].
		// Row 0: 3 → 10. Row 1: none. Column 0: 3 → 7. Column 1: 10 → 8. Then row 1 holds two.
		const values = [3, 10, 7, 8, 13, 15, 10, 18, 28];
		const lines = [
			[0, 1, 4],
			[2, 3, 5],
			[0, 2, 6],
			[1, 3, 7],
			[4, 5, 8],
			[6, 7, 8]
		];
		expect(solve({ values, lines })).toEqual([true, true, true, true, false, false, false, false, false]);
	});

	it('suppresses a total when it is the only figure that can protect', () => {
		// [8 (suppressed to protect something else), 0] with its total 8: the total must go.
		expect(protectLines({ values: [8, 0, 8], lines: [[0, 1, 2]] }, [true, false, false])).toEqual([true, false, true]);
	});

	it('never chooses a figure that is not choosable, but counts it when suppressed', () => {
		const values = [3, 20, 10, 33]; // parts 3, 20; a hidden rest of 10; the whole 33
		expect(solve({ values, lines: [[0, 1, 2, 3]], choosable: (i) => i !== 2 })).toEqual([true, true, false, false]);
		// A hidden rest of 4 is suppressed: with part 3, two; nothing more.
		expect(solve({ values: [3, 20, 4, 27], lines: [[0, 1, 2, 3]], choosable: (i) => i !== 2 })).toEqual([true, false, true, false]);
	});

	it('chooses a figure that is not choosable only when no other can be', () => {
		// [0 | hidden rest 5 | whole 5], the whole suppressed for another line: only the rest is left.
		expect(protectLines({ values: [0, 5, 5], lines: [[0, 1, 2]], choosable: (i) => i !== 1 }, [false, false, true])).toEqual([false, true, true]);
	});

	it('refuses lines whose figures do not add up or that name figures that do not exist', () => {
		expect(() => protectLines({ values: [7, 0, 3], lines: [[0, 1, 2]] }, [true, false, true])).not.toThrow();
		expect(() => protectLines({ values: [7, 0, 0], lines: [[0, 1, 2]] }, [true, false, false])).toThrow(/do not add up/);
		expect(() => solve({ values: [1, 2], lines: [[0, 2]] })).toThrow(/does not exist/);
	});
});

describe('protectLines over random lines that add up', () => {
	/** Random figures and random lines over them, each line's last member its sum. */
	const problemArb = fc
		.record({ parts: fc.array(countArb, { minLength: 1, maxLength: 12 }), lineCount: fc.integer({ min: 1, max: 5 }) })
		.chain(({ parts, lineCount }) =>
			fc
				.array(fc.uniqueArray(fc.integer({ min: 0, max: parts.length - 1 }), { minLength: 1, maxLength: parts.length }), {
					minLength: lineCount,
					maxLength: lineCount
				})
				.map((memberSets): LineProblem => {
					const values: number[] = [...parts];
					const lines = memberSets.map((members) => {
						values.push(members.reduce((a, i) => a + parts[i], 0));
						return [...members, values.length - 1];
					});
					return { values, lines };
				})
		);

	it('leaves no line with exactly one suppressed figure; keeps every primary one and every zero', () => {
		fc.assert(
			fc.property(problemArb, (problem) => {
				const primary = small(problem.values);
				const out = protectLines(problem, primary);
				for (const line of problem.lines) expect(line.filter((i) => out[i]).length).not.toBe(1);
				problem.values.forEach((v, i) => {
					if (primary[i]) expect(out[i]).toBe(true);
					if (v === 0) expect(out[i]).toBe(false);
				});
			}),
			RUNS
		);
	});

	it('is idempotent: its answer is a fixed point', () => {
		fc.assert(
			fc.property(problemArb, (problem) => {
				const out = solve(problem);
				expect(protectLines(problem, out)).toEqual(out);
			}),
			RUNS
		);
	});
});
