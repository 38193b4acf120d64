/**
 * Complements (disclosure-control.md, policy 4): a whole shown with some of its parts, and
 * two filtered views of the same page or export.
 */
import { assertCount, isSmall, showCount } from './counts.ts';
import { cellKeySum } from './perturbation.ts';
import { protectLines } from './lines.ts';
import { checkPolicy } from './policy.ts';
import type { DisclosurePolicy, Shown } from './types.ts';

export interface ShownComplement {
	whole: Shown;
	parts: Shown[];
	/** The whole less the parts ("all but the area"). */
	rest: Shown;
}

/**
 * A whole and disjoint parts of it shown beside it: an area's figure beside everyone's (and
 * "all but the area"), or a breakdown beside its total. The parts with the rest (the whole
 * less the parts) add up to the whole: one line of ./lines.ts. So a suppressed part has the
 * rest suppressed too when the rest is shown (or the next smallest part, if smaller).
 *
 * `rest: 'shown'` when the page shows the rest. `'hidden'` when it does not (the rows of a
 * breakdown that fall in no group): a rest of 1 to the threshold still counts as suppressed,
 * but a larger one is taken as known (it may be shown elsewhere, on a data-quality page), so
 * the protection falls on the parts and, failing them, on the whole; only where neither can
 * take it (the other parts all 0 or suppressed, the whole suppressed already) does the
 * hidden rest stand as the second suppressed figure.
 */
export function suppressComplement(
	whole: number,
	parts: readonly number[],
	policy: DisclosurePolicy,
	options: { rest: 'shown' | 'hidden'; keys?: { whole: number; parts: readonly number[] } }
): ShownComplement {
	checkPolicy(policy);
	const decided = protectParts(whole, [parts], policy, options.rest);
	const [set] = decided.sets;
	// Under the cell key method, each figure's key; the rest's rows are the whole's less the parts', and so is its key.
	const k = options.keys;
	const partKeys = k ? [...k.parts, (((k.whole - cellKeySum(k.parts)) % 256) + 256) % 256] : [];
	const show = (i: number) => showCount(set.values[i], set.suppressed[i], policy, partKeys[i]);
	return { whole: showCount(whole, decided.whole, policy, k?.whole), parts: parts.map((_, i) => show(i)), rest: show(parts.length) };
}

/** Each set of parts (then its rest) with their suppression, and the whole's. */
export interface ProtectedParts {
	sets: { values: number[]; suppressed: boolean[] }[];
	whole: boolean;
}

/**
 * Which of a whole and its parts are suppressed (primary and secondary, on unrounded
 * counts), as in `suppressComplement`, for one or more sets of disjoint parts of the same
 * whole shown together (one breakdown by area and another by month beside one total): each
 * set with its rest and the whole is a line, and the lines share the whole.
 */
export function protectParts(whole: number, partSets: readonly (readonly number[])[], policy: DisclosurePolicy, rest: 'shown' | 'hidden'): ProtectedParts {
	assertCount(whole, 'the whole');
	// One array: each set's parts and then its rest, set after set; the whole last.
	const values: number[] = [];
	const lines: number[][] = [];
	const rests = new Set<number>();
	for (const parts of partSets) {
		for (const p of parts) assertCount(p, 'a part');
		const restValue = whole - parts.reduce((a, b) => a + b, 0);
		if (restValue < 0) throw new Error(`parts adding up to more than their whole (${whole}) are not disjoint parts of it`);
		const first = values.length;
		values.push(...parts, restValue);
		rests.add(values.length - 1);
		lines.push(values.map((_, i) => i).slice(first));
	}
	const wholeIndex = values.push(whole) - 1;
	for (const line of lines) line.push(wholeIndex);
	const suppressed = protectLines(
		{ values, lines, choosable: (i) => rest === 'shown' || !rests.has(i) },
		values.map((v) => isSmall(v, policy))
	);
	return {
		sets: lines.map((line) => ({ values: line.slice(0, -1).map((i) => values[i]), suppressed: line.slice(0, -1).map((i) => suppressed[i]) })),
		whole: suppressed[wholeIndex]
	};
}

/**
 * Two filtered views of one page or export, one within the other (all referrals and those
 * of an area; the partnership and all but one agency), must not both be shown when their
 * counts differ by 1 to the threshold: the difference would be a small count. Then the
 * smaller count (the narrower view) is suppressed and the wider one, usually the figure the
 * page is about, stays. Each is otherwise suppressed as a count on its own. Under the cell key
 * method `keys` are the two counts' cell keys.
 */
export function guardDifference(a: number, b: number, policy: DisclosurePolicy, keys?: readonly [number, number]): { a: Shown; b: Shown } {
	checkPolicy(policy);
	assertCount(a, 'a');
	assertCount(b, 'b');
	const small = [isSmall(a, policy), isSmall(b, policy)];
	if (!small[0] && !small[1] && isSmall(Math.abs(a - b), policy)) small[a < b ? 0 : 1] = true;
	return { a: showCount(a, small[0], policy, keys?.[0]), b: showCount(b, small[1], policy, keys?.[1]) };
}
