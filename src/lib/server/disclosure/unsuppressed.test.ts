import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyFrom, suppressCount, suppressTable, unsuppressedPolicy } from './index.ts';

describe('the unsuppressed profile', () => {
	it('is never configurable, only derived per request', () => {
		expect(() => policyFrom({ profile: 'unsuppressed' })).toThrow(/profile: must be one of dashboard, publication/);
		expect(unsuppressedPolicy(policyFrom({ threshold: 7 }))).toEqual({ threshold: 7, profile: 'unsuppressed', cellKey: false });
	});

	it('shows every count of a random table as it is, where the dashboard profile hides the small ones', () => {
		const counts = fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 2, maxLength: 5 }), { minLength: 2, maxLength: 5 });
		fc.assert(
			fc.property(counts, (rows) => {
				const width = Math.min(...rows.map((r) => r.length));
				const table = {
					rows: rows.map((_, i) => `r${i}`),
					columns: Array.from({ length: width }, (_, j) => `c${j}`),
					counts: rows.map((r) => r.slice(0, width)),
					// Cell keys, as the warehouse gives them: the unsuppressed view shows the counts as they are all the same.
					keys: rows.map((r, i) => r.slice(0, width).map((n, j) => (n * 37 + i * 101 + j * 11) % 256)),
					rowTotals: true,
					columnTotals: true
				};
				const open = suppressTable(table, unsuppressedPolicy(policyFrom()));
				open.cells.forEach((row, i) => row.forEach((cell, j) => expect(cell).toEqual({ value: table.counts[i][j], symbol: null })));
				const guarded = suppressTable(table, policyFrom());
				const small = table.counts.flat().some((n) => n >= 1 && n <= 5);
				expect(guarded.cells.flat().some((c) => c.symbol === 'c')).toBe(small);
			})
		);
		expect(suppressCount(3, unsuppressedPolicy(policyFrom()))).toEqual({ value: 3, symbol: null });
	});
});
