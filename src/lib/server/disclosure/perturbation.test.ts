/**
 * The cell key method's perturbation table and its use (disclosure-control.md version 2, rule
 * 7): p in −2…+2 with mean 0 over the 256 keys for every n; n + p never at or below the
 * threshold for n above it (so threshold + 1 is exact); from threshold + 2, p = 0 for at most
 * half the keys; the same count and key always shown the same; a shown percentage never above
 * 100. The policy says when it applies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricValue } from '../metrics/compute.ts';
import { suppressCount } from './counts.ts';
import { suppressMetric } from './metric.ts';
import { perturbation, perturbed } from './perturbation.ts';
import { policyFrom, unsuppressedPolicy } from './policy.ts';
import { suppressTable } from './table.ts';
import { guardDifference, suppressComplement } from './complement.ts';
import { suppressSeries } from './series.ts';
import type { DisclosurePolicy } from './types.ts';

const KEYS = [...Array(256).keys()];
const perturbing = (threshold = 5): DisclosurePolicy => ({ threshold, profile: 'dashboard', cellKey: true });

describe('the perturbation table', () => {
	for (const threshold of [3, 5, 10]) {
		it(`threshold ${threshold}: mean 0, −2 to +2, never down to the threshold, p = 0 for at most half the keys`, () => {
			for (let n = threshold + 1; n <= threshold + 260; n++) {
				const row = KEYS.map((k) => perturbation(n, k, threshold));
				expect(row.reduce((a, p) => a + p, 0), `n ${n}`).toBe(0);
				for (const p of row) expect(Math.abs(p)).toBeLessThanOrEqual(2);
				for (const p of row) expect(n + p).toBeGreaterThan(threshold);
				if (n >= threshold + 2) expect(row.filter((p) => p === 0).length, `n ${n}`).toBeLessThanOrEqual(128);
			}
			// threshold + 1 is shown exactly; 0 stays 0.
			expect(KEYS.every((k) => perturbation(threshold + 1, k, threshold) === 0)).toBe(true);
			expect(KEYS.every((k) => perturbed(0, k, threshold) === 0)).toBe(true);
		});
	}

	it('over 10,000 perturbed counts, the mean of p is within ±0.05 of 0', () => {
		const sample = fc.sample(fc.record({ n: fc.integer({ min: 6, max: 5000 }), key: fc.integer({ min: 0, max: 255 }) }), { numRuns: 10_000, seed: 11 });
		const mean = sample.reduce((a, { n, key }) => a + perturbation(n, key, 5), 0) / sample.length;
		expect(Math.abs(mean)).toBeLessThanOrEqual(0.05);
	});

	it('two views a few rows apart: the shown difference is the true one in at most half the pairs', () => {
		// The larger view counts d more rows than the smaller; its key is the smaller's plus theirs.
		const pairs = fc.sample(
			fc.record({
				n: fc.integer({ min: 6, max: 3000 }),
				key: fc.integer({ min: 0, max: 255 }),
				rows: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 5 })
			}),
			{ numRuns: 2000, seed: 7 }
		);
		let exact = 0;
		for (const { n, key, rows } of pairs) {
			const d = rows.length;
			const keyBig = (key + rows.reduce((a, k) => a + k, 0)) % 256;
			if (perturbed(n + d, keyBig, 5) - perturbed(n, key, 5) === d) exact++;
		}
		expect(exact / pairs.length).toBeLessThanOrEqual(0.5);
	});
});

describe('perturbed figures', () => {
	it('the policy says when: a deployment\'s policy may perturb; the unsuppressed view never', () => {
		expect(unsuppressedPolicy(policyFrom({})).cellKey).toBe(false);
		expect(() => suppressCount(7, { threshold: 5, profile: 'unsuppressed', cellKey: true })).toThrow(/not a valid disclosure policy/);
	});

	it('a count: 1 to the threshold stays c, 0 stays 0, the same count and key give the same shown count, and a count needs its key', () => {
		const policy = perturbing();
		for (const n of [1, 2, 5]) expect(suppressCount(n, policy, 17)).toEqual({ value: null, symbol: 'c' });
		expect(suppressCount(0, policy, 17)).toEqual({ value: 0, symbol: null });
		expect(suppressCount(6, policy, 17)).toEqual({ value: 6, symbol: null });
		for (let n = 7; n < 60; n++) {
			const shown = suppressCount(n, policy, (n * 31) % 256).value!;
			expect(shown).toBe(suppressCount(n, policy, (n * 31) % 256).value);
			expect(Math.abs(shown - n)).toBeLessThanOrEqual(2);
			expect(shown).toBeGreaterThan(5);
		}
		expect(() => suppressCount(40, policy)).toThrow(/needs its cell key/);
		// Without the method, the count as it is, key or none.
		expect(suppressCount(40, { threshold: 5, profile: 'dashboard' })).toEqual({ value: 40, symbol: null });
	});

	it('a percentage from its shown counts, its numerator capped at its denominator, never above 100', () => {
		const policy = perturbing();
		fc.assert(
			fc.property(fc.integer({ min: 6, max: 80 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (n, kn, kd) => {
				const m: MetricValue = { value: 100, numerator: n, denominator: n, status: 'ok', n: null, population: null, keys: { numerator: kn, denominator: kd, value: null } };
				const shown = suppressMetric('referral_decision_1wd_pct', m, policy);
				expect(shown.value.value!).toBeLessThanOrEqual(100);
				expect(shown.numerator.value!).toBeLessThanOrEqual(shown.denominator.value!);
				expect(shown.value.value).toBeCloseTo((100 * shown.numerator.value!) / shown.denominator.value!, 9);
			}),
			{ numRuns: 500 }
		);
	});

	it('a table: cells and totals each perturbed by their own keys (the totals\' keys the sums of their cells\'), suppression as before', () => {
		const table = { rows: ['a', 'b'], columns: ['x', 'y', 'z'], counts: [[40, 3, 30], [25, 60, 70]], keys: [[10, 200, 7], [100, 250, 9]], rowTotals: true, columnTotals: true };
		const exact = suppressTable(table, { threshold: 5, profile: 'dashboard' });
		const shown = suppressTable(table, perturbing());
		// The same figures suppressed (the 3, and cells to protect it), decided on the true counts.
		const symbols = (t: typeof shown) => [t.cells.map((row) => row.map((c) => c.symbol)), t.rowTotals!.map((c) => c.symbol), t.columnTotals!.map((c) => c.symbol), t.total!.symbol];
		expect(symbols(shown)).toEqual(symbols(exact));
		// Every figure shown: its own count perturbed by its own key.
		table.counts.forEach((row, r) =>
			row.forEach((n, c) => {
				if (shown.cells[r][c].symbol === null) expect(shown.cells[r][c].value).toBe(perturbed(n, table.keys[r][c], 5));
			})
		);
		const rowKey = (r: number) => table.keys[r].reduce((a, k) => a + k, 0) % 256;
		const rowSum = (r: number) => table.counts[r].reduce((a, n) => a + n, 0);
		for (const r of [0, 1]) if (shown.rowTotals![r].symbol === null) expect(shown.rowTotals![r].value).toBe(perturbed(rowSum(r), rowKey(r), 5));
		expect(shown.total!.value).toBe(perturbed(228, (10 + 200 + 7 + 100 + 250 + 9) % 256, 5));
		expect(shown.cells.flat().filter((c) => c.symbol === null).length).toBeGreaterThan(0);
		expect(() => suppressTable({ ...table, keys: undefined }, perturbing())).toThrow(/cell key/);
	});

	it('a whole with its parts, two views of one page and a chart\'s bare counts: each by its own key (the rest\'s key the whole\'s less its parts\')', () => {
		const policy = perturbing();
		const c = suppressComplement(100, [40, 30], policy, { rest: 'shown', keys: { whole: 9, parts: [200, 100] } });
		expect(c.whole.value).toBe(perturbed(100, 9, 5));
		expect(c.parts.map((p) => p.value)).toEqual([perturbed(40, 200, 5), perturbed(30, 100, 5)]);
		expect(c.rest.value).toBe(perturbed(30, (9 - 300 + 512) % 256, 5));
		expect(() => suppressComplement(100, [40, 30], policy, { rest: 'shown' })).toThrow(/cell key/);
		const g = guardDifference(50, 20, policy, [3, 4]);
		expect([g.a.value, g.b.value]).toEqual([perturbed(50, 3, 5), perturbed(20, 4, 5)]);
		const series = suppressSeries([{ label: '2025-01', value: 30, key: 77 }, { label: '2025-02', value: 2, key: 5 }], policy);
		expect(series.points.map((p) => p.value)).toEqual([perturbed(30, 77, 5), null]);
	});
});
