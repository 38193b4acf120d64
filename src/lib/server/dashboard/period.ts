/**
 * Reporting periods of the dashboard: the presets a person picks from, the previous period
 * of the same length (for "change since"), and the 24-month window of a trend. Pure
 * functions over `YYYY-MM-DD` dates (calendar dates, no time zone: event dates are already
 * London dates in the warehouse).
 *
 * ## Choices
 * - **`last12`**: the 12 complete calendar months up to the latest event month. The latest
 *   event month counts as complete only when the latest event date is its last day; data up
 *   to 15 March gives March to February, data up to 31 March gives April to March. With no
 *   events at all, the 12 complete months before `today`.
 * - **`fy:YYYY`**: the financial year starting 1 April YYYY and ending 31 March YYYY+1
 *   (`fy:2024` is 2024-25, labelled so).
 * - **`q:YYYY-Qn`**: CALENDAR quarters (Q1 January to March … Q4 October to December), as
 *   published quarterly statistics are usually labelled; a financial quarter is then a
 *   calendar quarter too (Q2 of 2024 is the first quarter of 2024-25), so nothing is lost.
 * - **`m:YYYY-MM`**: a calendar month.
 * - **`custom`**: any `from` ≤ `to`. Only an analyst's unsuppressed view may use it
 *   (disclosure-control.md rule 7: shown figures are for fixed periods only, so that two
 *   overlapping views cannot be differenced): `FIXED_PRESETS_TEXT` names the others.
 * - **Previous period of the same length**: for a period of whole calendar months (from a
 *   1st to a month's last day), the same number of whole months just before it, so that a
 *   financial year compares with the one before, a quarter with the quarter before (90 and
 *   91 days alike), and a leap February with January. For any other period, the same number
 *   of days just before it.
 * - **Trend window**: the 24 calendar months ending with `to`'s month, from the first of the
 *   earliest; its last month runs only to `to` (so a month in progress is a part month).
 * - Every period stays within the working-day calendar (1990–2040): a trend window that
 *   would start before it starts at its first day; a previous period that would, is none.
 */
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY } from '../calendar/bank-holidays.ts';
import { TIME_ZONE } from '../warehouse/warehouse.ts';

export interface Period {
	/** First day, `YYYY-MM-DD`. */
	from: string;
	/** Last day (inclusive), `YYYY-MM-DD`. */
	to: string;
}

export type PeriodPreset = 'last12' | `fy:${number}` | `q:${number}-Q${1 | 2 | 3 | 4}` | `m:${number}-${string}` | 'custom';

/** The fixed periods of rule 7 (every preset but `custom`), in words for an error message. */
export const FIXED_PRESETS_TEXT = 'last12 (the last 12 whole months), fy:YYYY (a financial year), q:YYYY-Qn (a quarter) or m:YYYY-MM (a calendar month)';

/** Whether a preset is one of the fixed periods (everything but custom dates). */
export function isFixedPreset(preset: string): boolean {
	return preset !== 'custom';
}

export interface ResolvedPeriod extends Period {
	preset: PeriodPreset;
	/** For people: "2024-25", "2024 Q3", "April 2025 to March 2026", "1 to 15 March 2025". */
	label: string;
	/** Whole calendar months in it, or null when it does not start on a 1st and end on a month's last day. */
	months: number | null;
	days: number;
}

/** Thrown for a preset or custom period that cannot be used (a usage error: HTTP 400). */
export class PeriodError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PeriodError';
	}
}

const DAY_MS = 86_400_000;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function toMs(day: string): number {
	return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function fromMs(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

export function isDate(day: string): boolean {
	return /^\d{4}-\d{2}-\d{2}$/.test(day) && fromMs(toMs(day)) === day;
}

export function addDays(day: string, days: number): string {
	return fromMs(toMs(day) + days * DAY_MS);
}

/** First day of the month `months` after (or before) `day`'s month. */
export function addMonthStarts(day: string, months: number): string {
	return fromMs(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 + months, 1));
}

/** Last day of `day`'s month. */
export function monthEnd(day: string): string {
	return fromMs(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0));
}

/** Days in `[from, to]`, both inclusive. */
export function daysIn(period: Period): number {
	return Math.round((toMs(period.to) - toMs(period.from)) / DAY_MS) + 1;
}

/** Whole calendar months in the period, or null when it is not made of whole months. */
export function wholeMonths(period: Period): number | null {
	if (period.from.slice(8) !== '01' || period.to !== monthEnd(period.to)) return null;
	const [fy, fm] = [Number(period.from.slice(0, 4)), Number(period.from.slice(5, 7))];
	const [ty, tm] = [Number(period.to.slice(0, 4)), Number(period.to.slice(5, 7))];
	return (ty - fy) * 12 + (tm - fm) + 1;
}

function monthLabel(day: string): string {
	return `${MONTH_NAMES[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
}

function dayLabel(day: string): string {
	return `${Number(day.slice(8, 10))} ${monthLabel(day)}`;
}

function customLabel(p: Period): string {
	if (wholeMonths(p) !== null) return p.from.slice(0, 7) === p.to.slice(0, 7) ? monthLabel(p.from) : `${monthLabel(p.from)} to ${monthLabel(p.to)}`;
	return `${dayLabel(p.from)} to ${dayLabel(p.to)}`;
}

function resolved(preset: PeriodPreset, p: Period, label: string): ResolvedPeriod {
	return { preset, from: p.from, to: p.to, label, months: wholeMonths(p), days: daysIn(p) };
}

function checkPeriod(p: Period): void {
	if (!isDate(p.from) || !isDate(p.to)) throw new PeriodError('a period needs dates YYYY-MM-DD');
	if (p.from > p.to) throw new PeriodError('a period cannot end before it starts');
	if (p.from < CALENDAR_FIRST_DAY || p.to > CALENDAR_LAST_DAY) {
		throw new PeriodError(`a period must lie between ${CALENDAR_FIRST_DAY} and ${CALENDAR_LAST_DAY}`);
	}
}

/** The 12 complete months up to the latest event month (see the module's notes). */
export function last12(latestEventDate: string | null, today: string): Period {
	const anchor = latestEventDate ?? addDays(today.slice(0, 8) + '01', -1);
	const to = anchor === monthEnd(anchor) ? anchor : addDays(anchor.slice(0, 8) + '01', -1);
	return { from: addMonthStarts(to, -11), to };
}

/** Financial year starting 1 April `year`. */
export function financialYear(year: number): Period {
	return { from: `${year}-04-01`, to: `${year + 1}-03-31` };
}

/** Calendar quarter `quarter` (1–4) of `year`. */
export function calendarQuarter(year: number, quarter: 1 | 2 | 3 | 4): Period {
	const from = `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`;
	return { from, to: monthEnd(addMonthStarts(from, 2)) };
}

export interface PeriodChoice {
	preset: string;
	/** For `custom`. */
	from?: string | null;
	to?: string | null;
}

/**
 * Resolves a preset (`last12`, `fy:2024`, `q:2025-Q1`, `m:2025-03`, `custom` with from and to).
 * `latestEventDate` anchors `last12`; `today` (a London date) is its fallback with no data.
 */
export function resolvePeriod(choice: PeriodChoice, latestEventDate: string | null, today: string): ResolvedPeriod {
	const { preset } = choice;
	let out: ResolvedPeriod;
	if (preset === 'last12') {
		const p = last12(latestEventDate, today);
		out = resolved('last12', p, `12 months to ${monthLabel(p.to)}`);
	} else if (/^fy:\d{4}$/.test(preset)) {
		const year = Number(preset.slice(3));
		out = resolved(preset as PeriodPreset, financialYear(year), `${year}-${String((year + 1) % 100).padStart(2, '0')}`);
	} else if (/^q:\d{4}-Q[1-4]$/.test(preset)) {
		const year = Number(preset.slice(2, 6));
		const quarter = Number(preset.slice(8)) as 1 | 2 | 3 | 4;
		out = resolved(preset as PeriodPreset, calendarQuarter(year, quarter), `${year} Q${quarter}`);
	} else if (/^m:\d{4}-(0[1-9]|1[0-2])$/.test(preset)) {
		const from = `${preset.slice(2)}-01`;
		out = resolved(preset as PeriodPreset, { from, to: monthEnd(from) }, monthLabel(from));
	} else if (preset === 'custom') {
		const p = { from: choice.from ?? '', to: choice.to ?? '' };
		checkPeriod(p);
		out = resolved('custom', p, customLabel(p));
	} else {
		throw new PeriodError(`unknown period ${JSON.stringify(preset)}: use ${FIXED_PRESETS_TEXT}, or custom dates in an analyst's unsuppressed view`);
	}
	checkPeriod(out);
	return out;
}

/** The previous period of the same length (see the module's notes), or null when it would start before the calendar. */
export function previousPeriod(period: Period): Period | null {
	const months = wholeMonths(period);
	const to = addDays(period.from, -1);
	const from = months !== null ? addMonthStarts(period.from, -months) : addDays(period.from, -daysIn(period));
	return from < CALENDAR_FIRST_DAY ? null : { from, to };
}

/** Months in a trend window. */
export const TREND_MONTHS = 24;

/** The 24 calendar months ending with `to`'s month (the last one up to `to`). */
export function trendWindow(to: string, months = TREND_MONTHS): Period {
	const from = addMonthStarts(to, -(months - 1));
	return { from: from < CALENDAR_FIRST_DAY ? CALENDAR_FIRST_DAY : from, to };
}

/** Today's date in Europe/London. */
export function londonToday(now: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
