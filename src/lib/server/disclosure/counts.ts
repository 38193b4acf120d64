/**
 * Single figures: primary suppression of a count, publication rounding, and the shown form
 * of counts and derived values. Every other part of this module builds on these.
 */
import { perturbed } from './perturbation.ts';
import { checkPolicy } from './policy.ts';
import type { DisclosurePolicy, DisclosureSymbol, Shown } from './types.ts';

/** Publication counts are rounded to a multiple of this. */
export const PUBLICATION_COUNT_BASE = 5;

const SYMBOLS: readonly DisclosureSymbol[] = ['c', 'z', 'x'];

/** A figure replaced by its symbol. */
export function symbolOnly(symbol: DisclosureSymbol): Shown {
	return { value: null, symbol };
}

/** Throws unless `n` is a count: a whole number, not negative. */
export function assertCount(n: number, what = 'a count'): void {
	if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0, not ${n}`);
}

/** Primary suppression: whether a count is from 1 to the threshold (zero never is; nothing is under the unsuppressed profile). */
export function isSmall(n: number, policy: DisclosurePolicy): boolean {
	if (policy.profile === 'unsuppressed') return false;
	return n >= 1 && n <= policy.threshold;
}

/**
 * The shown form of a count whose suppression is already decided (`suppressed`, on the
 * unrounded value): `c`, or the count, perturbed by its cell key where the policy asks
 * (rule 7: ./perturbation.ts; `key` is then required), then rounded to the nearest 5 under the
 * publication profile. Zero is always 0.
 */
export function showCount(n: number, suppressed: boolean, policy: DisclosurePolicy, key?: number | null): Shown {
	if (suppressed) return symbolOnly('c');
	let value = n;
	if (policy.cellKey === true && n > 0) {
		if (key === undefined || key === null) throw new Error('a count shown under the cell key method needs its cell key (a bug upstream: the count came without one)');
		value = perturbed(n, key, policy.threshold);
	}
	if (policy.profile === 'publication') value = Math.round(value / PUBLICATION_COUNT_BASE) * PUBLICATION_COUNT_BASE;
	return { value, symbol: null };
}

/**
 * A count as the cell key method adjusts it, before any rounding (what rates and shares are
 * computed from): n + p under a policy with the method (`key` then required; 0 and counts
 * from 1 to the threshold stay as they are, the latter for the caller to suppress), else n.
 */
export function adjustedCount(n: number, policy: DisclosurePolicy, key?: number | null): number {
	if (policy.cellKey !== true || n === 0 || isSmall(n, policy)) return n;
	if (key === undefined || key === null) throw new Error('a count shown under the cell key method needs its cell key (a bug upstream: the count came without one)');
	return perturbed(n, key, policy.threshold);
}

/**
 * One count standing alone (no total shown beside it that it adds up to): 1 to the
 * threshold is `c`, 0 stays 0, null is `x` (not available); a symbol passes through. Under
 * the cell key method it is perturbed by `key`, its cell key.
 */
export function suppressCount(n: number | null | DisclosureSymbol, policy: DisclosurePolicy, key?: number | null): Shown {
	checkPolicy(policy);
	if (n === null) return symbolOnly('x');
	if (typeof n === 'string') {
		if (!SYMBOLS.includes(n)) throw new Error(`not a disclosure symbol: ${JSON.stringify(n)}`);
		return symbolOnly(n);
	}
	assertCount(n);
	return showCount(n, isSmall(n, policy), policy, key);
}

/** How a derived value (not a count) is rounded under the publication profile. */
export type Precision = 'whole' | 'tenth' | 'asis';

/** A derived value (percentage, rate, median) that is shown: rounded only under the publication profile. */
export function showDerived(value: number, precision: Precision, policy: DisclosurePolicy): Shown {
	if (policy.profile !== 'publication' || precision === 'asis') return { value, symbol: null };
	const rounded = precision === 'whole' ? Math.round(value) : Math.round(value * 10) / 10;
	// Math.round(-0.4) is -0: show it as 0.
	return { value: rounded === 0 ? 0 : rounded, symbol: null };
}
