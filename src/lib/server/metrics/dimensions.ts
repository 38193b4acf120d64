/**
 * The breakdowns of metrics.md (`--by`) and the groups each one lists.
 */
import { AGE_BANDS, CONCERNS, ETHNICITY_GROUPS, SECTORS, SEXES } from '../schema/codes.ts';

export const DIMENSIONS = ['month', 'area', 'sector', 'agency', 'concern', 'age_band', 'sex', 'ethnicity_group'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Dimensions whose groups are fixed code lists (the others come from the period or the warehouse). */
export const FIXED_GROUPS: Readonly<Partial<Record<Dimension, readonly string[]>>> = {
	sector: SECTORS,
	concern: CONCERNS,
	age_band: AGE_BANDS,
	// SEXES already holds `unknown`: events whose child has no `children` row fall in it.
	sex: SEXES,
	ethnicity_group: ETHNICITY_GROUPS
};

/** Dimensions that describe the child: a rate per 10,000 children has no population for them. */
export const CHILD_DIMENSIONS: readonly Dimension[] = ['age_band', 'sex', 'ethnicity_group'];

/** Every month of `[from, to]` as `YYYY-MM` (the group labels of `--by month`). */
export function monthsOf(from: string, to: string): string[] {
	const out: string[] = [];
	let year = Number(from.slice(0, 4));
	let month = Number(from.slice(5, 7));
	const last = to.slice(0, 7);
	for (;;) {
		const label = `${year}-${String(month).padStart(2, '0')}`;
		if (label > last) return out;
		out.push(label);
		month++;
		if (month > 12) {
			month = 1;
			year++;
		}
	}
}

/**
 * Upper bounds (exclusive, in whole years) of the DfE age bands, in order; an age at or
 * above the last bound is `18_plus`, no birth month is `unknown`. A child not yet born at
 * the event (a pre-birth referral: the event is before the birth month) counts as `under_1`.
 */
export const AGE_BAND_BOUNDS: readonly { below: number; band: (typeof AGE_BANDS)[number] }[] = [
	{ below: 1, band: 'under_1' },
	{ below: 5, band: '1_4' },
	{ below: 10, band: '5_9' },
	{ below: 16, band: '10_15' },
	{ below: 18, band: '16_17' }
];
