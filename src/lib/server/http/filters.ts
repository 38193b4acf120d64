/**
 * The dashboard's filters, as they live in the URL: `period` (`last12`, `fy:YYYY`,
 * `q:YYYY-Qn`, `m:YYYY-MM` or `custom` with `from` and `to`), `area` and `agency`. Custom
 * dates only where the request may have them (an analyst's unsuppressed view:
 * disclosure-control.md rule 7, fixed periods for shown figures); anywhere else they are a
 * FilterError naming the fixed periods. Parsed with zod and
 * checked against the warehouse's own areas and agencies; anything else is a FilterError,
 * which pages and the API answer with 400 and its message. Values reach SQL only as bound
 * parameters (the metric layer's), never as text.
 */
import { z } from 'zod';
import type { FilterOptions } from '../dashboard/filters.ts';
import { FIXED_PRESETS_TEXT, isFixedPreset, londonToday, PeriodError, resolvePeriod, type ResolvedPeriod } from '../dashboard/period.ts';

export class FilterError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FilterError';
	}
}

export interface Filters {
	period: ResolvedPeriod;
	area: string | null;
	agency: string | null;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const code = z.string().trim().min(1).max(64);

const urlFilters = z.strictObject({
	period: z
		.string()
		.regex(/^(last12|custom|fy:\d{4}|q:\d{4}-Q[1-4]|m:\d{4}-(0[1-9]|1[0-2]))$/, 'must be last12, fy:YYYY, q:YYYY-Qn, m:YYYY-MM or custom')
		.default('last12'),
	from: date.optional(),
	to: date.optional(),
	area: code.optional(),
	agency: code.optional()
});

/** The URL parameters that are filters (others, such as a page's own, are left alone). */
export const FILTER_PARAMS = ['period', 'from', 'to', 'area', 'agency'] as const;

export interface FilterRules {
	/** Whether custom dates may be used: only in an analyst's unsuppressed view (rule 7). */
	customDates: boolean;
}

/** Parses and checks the filters of a URL. */
export function parseFilters(params: URLSearchParams, options: FilterOptions, rules: FilterRules): Filters {
	const raw: Record<string, string> = {};
	for (const name of FILTER_PARAMS) {
		const value = params.get(name);
		if (value !== null && value !== '') raw[name] = value;
	}
	// from/to without a period mean a custom period.
	if (!raw.period && (raw.from || raw.to)) raw.period = 'custom';
	const parsed = urlFilters.safeParse(raw);
	if (!parsed.success) {
		throw new FilterError(parsed.error.issues.map((i) => `${i.path.join('.') || 'filters'}: ${i.message}`).join('; '));
	}
	const f = parsed.data;
	if (!isFixedPreset(f.period) && !rules.customDates) {
		throw new FilterError(
			`period: custom dates are only for an analyst's unsuppressed view; figures are shown for fixed periods: ${FIXED_PRESETS_TEXT}`
		);
	}
	let period: ResolvedPeriod;
	try {
		period = resolvePeriod({ preset: f.period, from: f.from ?? null, to: f.to ?? null }, options.lastEventDate, londonToday());
	} catch (e) {
		if (e instanceof PeriodError) throw new FilterError(`period: ${e.message}`);
		throw e;
	}
	if (f.area && !options.areas.some((a) => a.code === f.area)) throw new FilterError(`area: no area "${f.area}" in this warehouse`);
	if (f.agency && !options.agencies.some((a) => a.code === f.agency)) throw new FilterError(`agency: no agency "${f.agency}" in this warehouse`);
	return { period, area: f.area ?? null, agency: f.agency ?? null };
}

/** The query string of filters (for links that keep them). */
export function filterSearch(f: Filters): string {
	const p = new URLSearchParams();
	if (f.period.preset === 'custom') {
		p.set('from', f.period.from);
		p.set('to', f.period.to);
	} else if (f.period.preset !== 'last12') p.set('period', f.period.preset);
	if (f.area) p.set('area', f.area);
	if (f.agency) p.set('agency', f.agency);
	const s = p.toString();
	return s ? `?${s}` : '';
}
