/**
 * What every presenter shares: the metric set disclosure control takes, a share of two shown
 * figures, benchmarks as shown beside a figure.
 */
import type { Benchmark } from '../dashboard/settings.ts';
import type { DisclosurePolicy, DisclosureSymbol, Shown } from '../disclosure/types.ts';
import type { MetricSet, MetricValue } from '../metrics/compute.ts';
import { METRIC_KEYS, type MetricKey } from '../metrics/keys.ts';

/** A metric a page does not compute or show: not applicable. */
export const NOT_APPLICABLE: MetricValue = Object.freeze({ value: null, numerator: null, denominator: null, status: 'z', n: null, population: null });

/**
 * Disclosure control takes whole metric sets: the metrics a page shows, every other one not
 * applicable (so it protects nothing and reveals nothing).
 */
export function fullSet(given: Partial<MetricSet>): MetricSet {
	return Object.fromEntries(METRIC_KEYS.map((key) => [key, given[key] ?? NOT_APPLICABLE])) as MetricSet;
}

/** The symbol of a shown figure: its own, or `x` for a null value without one. */
export const symbolOf = (s: Shown): DisclosureSymbol | null => s.symbol ?? (s.value === null ? 'x' : null);

/** A count as a percentage of a base, both SHOWN: `c`/`x` as they are, `z` over 0; whole numbers under the publication profile. */
export function shareOfShown(part: Shown, base: Shown, policy: DisclosurePolicy): Shown {
	const symbols = [symbolOf(part), symbolOf(base)];
	if (symbols.includes('c')) return { value: null, symbol: 'c' };
	const other = symbols.find((s) => s !== null);
	if (other) return { value: null, symbol: other };
	if (base.value === 0) return { value: null, symbol: 'z' };
	const share = (100 * (part.value as number)) / (base.value as number);
	return { value: policy.profile === 'publication' ? Math.round(share) : share, symbol: null };
}

/** A benchmark as shown beside a figure: a published value, not a count of the partnership's. */
export interface ShownBenchmark {
	label: string;
	value: number;
	source: string | null;
	period: { from: string; to: string };
	/** Whether it compares with the figure shown (see `benchmarksFor`). */
	comparable: boolean;
}

/** The benchmarks of one metric, as shown. */
export function shownBenchmarks(benchmarks: readonly Benchmark[], key: MetricKey): ShownBenchmark[] {
	return benchmarks
		.filter((b) => b.metric === key)
		.map((b) => ({ label: b.label, value: b.value, source: b.source, period: { from: b.period_start, to: b.period_end }, comparable: b.comparable }));
}
