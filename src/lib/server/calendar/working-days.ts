/**
 * Working days (metrics.md): Monday to Friday, not a bank holiday in England and Wales.
 * wd(a, b) is the number of working days d with a < d <= b.
 *
 * The warehouse stores, for every date of the calendar, its working-day number: how many
 * working days fall between the calendar's first day and it (inclusive). Then
 * wd(a, b) = number(b) - number(a), which every metric computes with a subtraction.
 */
import { bankHolidays, CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY } from './bank-holidays.ts';

export interface CalendarDay {
	/** `YYYY-MM-DD` */
	day: string;
	working: boolean;
	/** Working days from the calendar's first day up to and including this one. */
	number: number;
}

const DAY_MS = 86_400_000;

function toUtcMs(day: string): number {
	return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

/** The whole calendar, 1990-01-01 to 2040-12-31, one entry a day. */
export function calendarDays(): CalendarDay[] {
	const holidays = new Set(bankHolidays());
	const out: CalendarDay[] = [];
	let number = 0;
	for (let ms = toUtcMs(CALENDAR_FIRST_DAY), end = toUtcMs(CALENDAR_LAST_DAY); ms <= end; ms += DAY_MS) {
		const day = new Date(ms).toISOString().slice(0, 10);
		const weekday = new Date(ms).getUTCDay();
		const working = weekday !== 0 && weekday !== 6 && !holidays.has(day);
		if (working) number++;
		out.push({ day, working, number });
	}
	return out;
}

let index: Map<string, number> | undefined;

/** wd(a, b) in JavaScript, for tests and tools; the warehouse does the same with its calendar table. */
export function workingDaysBetween(a: string, b: string): number {
	if (!index) index = new Map(calendarDays().map((d) => [d.day, d.number]));
	const na = index.get(a);
	const nb = index.get(b);
	if (na === undefined || nb === undefined) throw new RangeError(`date outside the calendar (${CALENDAR_FIRST_DAY} to ${CALENDAR_LAST_DAY})`);
	return nb - na;
}
