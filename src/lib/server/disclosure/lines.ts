/**
 * Secondary suppression (disclosure-control.md, policy 2) over any set of "lines": groups of
 * figures one of which is the sum of the others (a table's row with its row total, a
 * breakdown's groups with the whole, an area with "all but the area" and everyone). Once
 * all but one member of a line are known, the last one is known too, whichever member it
 * is; so a line never has exactly one suppressed member.
 *
 * The rule, as the spec gives it: where a line holds exactly one `c`, its smallest other
 * non-zero member is also suppressed (ties: the first in the line's display order), and this
 * repeats until no such line remains. Zeros are never suppressed and never chosen; a member
 * that is not available (null) is in no line. Lines are visited in the order given, over
 * and over, until a whole pass changes nothing; a line needing a member fixes it when it is
 * visited, so the result depends only on the figures and that order.
 */

export interface LineProblem {
	/** The figures: counts, or null where not available (they take no part). */
	values: readonly (number | null)[];
	/** Each line lists indices into `values` in display order (its total last). */
	lines: readonly (readonly number[])[];
	/**
	 * Whether suppressing a figure hides anything (default: all). A figure that is not shown
	 * on the page, such as the rows of a breakdown that fall in no group, is chosen only when
	 * no other can be: it may be known from elsewhere, so suppressing it is taken to protect
	 * nothing while another figure can. It counts as `c` when it is.
	 */
	choosable?: (index: number) => boolean;
}

/**
 * Which figures are suppressed, given those suppressed already (`initial`: primary
 * suppression, or an earlier answer, which this then leaves as it is).
 */
export function protectLines(problem: LineProblem, initial: readonly boolean[]): boolean[] {
	const { values, lines } = problem;
	const choosable = problem.choosable ?? (() => true);
	if (initial.length !== values.length) throw new Error('one suppression flag per figure is needed');
	for (const line of lines) {
		for (const i of line) if (!(i >= 0 && i < values.length)) throw new Error(`a line names figure ${i}, which does not exist`);
	}
	const suppressed = [...initial];
	for (let changed = true; changed; ) {
		changed = false;
		for (const line of lines) {
			const members = line.filter((i) => values[i] !== null);
			if (members.filter((i) => suppressed[i]).length !== 1) continue;
			const candidate = (i: number) => !suppressed[i] && (values[i] as number) > 0;
			// Failing a figure that can be chosen, one that is not shown anyway: it hides the last.
			const chosen = smallestOther(members, (i) => candidate(i) && choosable(i), values) ?? smallestOther(members, candidate, values);
			// Cannot happen for a true line: the one `c` is at most the sum of the others.
			if (chosen === null) throw new Error('a line with one suppressed figure has no other to suppress: its figures do not add up');
			suppressed[chosen] = true;
			changed = true;
		}
	}
	return suppressed;
}

/** The first smallest member that `eligible` allows, in display order. */
function smallestOther(members: readonly number[], eligible: (i: number) => boolean, values: readonly (number | null)[]): number | null {
	let best: number | null = null;
	for (const i of members) {
		if (eligible(i) && (best === null || (values[i] as number) < (values[best] as number))) best = i;
	}
	return best;
}
