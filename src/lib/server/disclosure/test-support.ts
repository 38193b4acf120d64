/**
 * Shared ground for the disclosure tests: policies, counts with many small values, random
 * tables, and metric values built by hand. Tests only.
 */
import fc from 'fast-check';
import type { MetricSet, MetricValue } from '../metrics/compute.ts';
import { METRIC_KEYS, type MetricKey } from '../metrics/keys.ts';
import type { CountTable, DisclosurePolicy } from './types.ts';

export const DASHBOARD: DisclosurePolicy = { threshold: 5, profile: 'dashboard' };
export const PUBLICATION: DisclosurePolicy = { threshold: 5, profile: 'publication' };

/** Runs per property: enough to meet the awkward shapes (cascades, ties) often. */
export const RUNS = { numRuns: 400 };

export const policyArb: fc.Arbitrary<DisclosurePolicy> = fc.record({
	threshold: fc.integer({ min: 3, max: 8 }),
	profile: fc.constantFrom('dashboard' as const, 'publication' as const)
});

/** Counts from 0 to 40, most of them small (the cases that need suppression). */
export const countArb: fc.Arbitrary<number> = fc.oneof(
	{ arbitrary: fc.constant(0), weight: 2 },
	{ arbitrary: fc.integer({ min: 1, max: 8 }), weight: 4 },
	{ arbitrary: fc.integer({ min: 0, max: 40 }), weight: 3 }
);

/** A cell: a count, now and then not available. */
const cellArb: fc.Arbitrary<number | null> = fc.oneof({ arbitrary: countArb, weight: 12 }, { arbitrary: fc.constant(null), weight: 1 });

/** Tables of 1 to 8 rows and 1 to 8 columns, with or without row and column totals. */
export const tableArb: fc.Arbitrary<CountTable> = fc
	.record({ R: fc.integer({ min: 1, max: 8 }), C: fc.integer({ min: 1, max: 8 }) })
	.chain(({ R, C }) =>
		fc.record({
			rows: fc.constant([...Array(R).keys()].map((r) => `r${r}`)),
			columns: fc.constant([...Array(C).keys()].map((c) => `c${c}`)),
			counts: fc.array(fc.array(cellArb, { minLength: C, maxLength: C }), { minLength: R, maxLength: R }),
			rowTotals: fc.boolean(),
			columnTotals: fc.boolean()
		})
	);

/** A table of one row with its total (the spec's example shape). */
export function row(counts: (number | null)[]): CountTable {
	return { rows: ['r'], columns: counts.map((_, i) => `c${i}`), counts: [counts], rowTotals: true, columnTotals: false };
}

/** compute.ts's not applicable. */
export const NOT_APPLICABLE: MetricValue = { value: null, numerator: null, denominator: null, status: 'z', n: null, population: null };

export const ratio = (numerator: number, denominator: number): MetricValue => ({
	value: denominator > 0 ? (100 * numerator) / denominator : null,
	numerator,
	denominator,
	status: denominator > 0 ? 'ok' : 'z',
	n: null,
	population: null
});

export const rate = (numerator: number, population: number): MetricValue => ({
	value: (10_000 * numerator) / population,
	numerator,
	denominator: null,
	status: 'ok',
	n: null,
	population
});

export const median = (value: number, n: number): MetricValue => ({ value, numerator: null, denominator: null, status: 'ok', n, population: null });

export const count = (value: number): MetricValue => ({ value, numerator: null, denominator: null, status: 'ok', n: null, population: null });

/** A metric set with every metric not applicable but those given. */
export function metricSet(given: Partial<Record<MetricKey, MetricValue>>): MetricSet {
	return Object.fromEntries(METRIC_KEYS.map((key) => [key, given[key] ?? NOT_APPLICABLE])) as MetricSet;
}

/**
 * An independent test of "a suppressed figure can be worked out" (relations.ts's `workedOut`),
 * in exact integer arithmetic: leaving the figure's column out lowers the rank of the
 * relations' weights over the unknown figures (the suppressed ones and those not available).
 * Relations: lists of [figure, weight], Σ weight × figure known.
 */
export function determinedExactly(
	values: readonly (number | null)[],
	relations: readonly (readonly (readonly [number, number])[])[],
	suppressed: readonly boolean[]
): number[] {
	const unknown = values.map((_, i) => i).filter((i) => values[i] === null || suppressed[i]);
	const rows = relations.map((rel) => unknown.map((u) => BigInt(rel.filter(([i]) => i === u).reduce((a, [, w]) => a + w, 0))));
	if (rows.length === 0 || unknown.length === 0) return [];
	const full = exactRank(rows);
	return unknown.filter((u, k) => values[u] !== null && suppressed[u] && exactRank(rows.map((r) => r.filter((_, j) => j !== k))) < full);
}

/** The rank of a matrix of whole numbers, by fraction-free elimination. */
function exactRank(rows: bigint[][]): number {
	const m = rows.map((r) => [...r]);
	const columns = m[0]?.length ?? 0;
	let rank = 0;
	for (let c = 0; c < columns && rank < m.length; c++) {
		const p = m.findIndex((row, i) => i >= rank && row[c] !== 0n);
		if (p < 0) continue;
		[m[rank], m[p]] = [m[p], m[rank]];
		for (let i = rank + 1; i < m.length; i++) {
			const [a, b] = [m[rank][c], m[i][c]];
			for (let j = 0; j < columns; j++) m[i][j] = m[i][j] * a - m[rank][j] * b;
		}
		rank++;
	}
	return rank;
}
