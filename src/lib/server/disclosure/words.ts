/**
 * Figures and symbols in words (disclosure-control.md, "Symbols"): what screen readers say,
 * what footnotes explain, and the display text of a shown figure.
 */
import type { Unit } from '../metrics/definition.ts';
import { PUBLICATION_COUNT_BASE } from './counts.ts';
import { checkPolicy } from './policy.ts';
import type { DisclosurePolicy, DisclosureSymbol, Shown } from './types.ts';

/** What a symbol means, with the threshold in force: for screen readers and table footnotes. */
export function symbolText(symbol: DisclosureSymbol, policy: DisclosurePolicy): string {
	checkPolicy(policy);
	switch (symbol) {
		case 'c':
			return `suppressed to protect confidentiality (counts from 1 to ${policy.threshold})`;
		case 'z':
			return 'not applicable';
		case 'x':
			return 'not available';
	}
}

/** The policy in a sentence, for an export's notes (the spec asks exports to carry their profile). */
export function policyNote(policy: DisclosurePolicy): string {
	checkPolicy(policy);
	if (policy.profile === 'unsuppressed') {
		return `Unsuppressed figures: counts from 1 to ${policy.threshold} are shown as they are. For the analyst who switched to them only; never to be shared.`;
	}
	const base = `Counts from 1 to ${policy.threshold} are suppressed (c), with further figures where they would reveal one.`;
	return policy.profile === 'publication'
		? `${base} Other counts are rounded to the nearest ${PUBLICATION_COUNT_BASE}, percentages to whole numbers, rates per 10,000 to one decimal place, all worked out from unrounded counts.`
		: base;
}

const COUNT_FORMAT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const FIGURE_FORMAT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/**
 * A shown figure's display text: its symbol (`c`, `z`, `x`; a null value without a symbol
 * is `x`), or its value: counts whole, everything else to at most one decimal place,
 * percentages with `%` ("12.5%"). Other units are left to the column or axis label.
 */
export function format(shown: Shown, unit: Unit): string {
	if (shown.symbol !== null) return shown.symbol;
	if (shown.value === null) return 'x';
	if (unit === 'count') return COUNT_FORMAT.format(shown.value);
	// A tiny negative (or -0) that rounds to nothing is 0, not "-0".
	const text = FIGURE_FORMAT.format(shown.value).replace(/^-0$/, '0');
	return unit === 'percent' ? `${text}%` : text;
}
