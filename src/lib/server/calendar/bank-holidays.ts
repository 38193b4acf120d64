/**
 * Bank holidays in England and Wales, 1990 to 2040: date-holidays' regular ones
 * (with substitute days), corrected by the one-off changes metrics.md lists, which
 * date-holidays gets wrong for some years (1995, 1999, 2002, 2011, 2012).
 */
import Holidays from 'date-holidays';

export const CALENDAR_FIRST_YEAR = 1990;
export const CALENDAR_LAST_YEAR = 2040;
export const CALENDAR_FIRST_DAY = `${CALENDAR_FIRST_YEAR}-01-01`;
export const CALENDAR_LAST_DAY = `${CALENDAR_LAST_YEAR}-12-31`;

/** One-off changes (metrics.md, "Working day"): regular days moved away, and days added. */
export const ONE_OFF_CHANGES = {
	/** Regular bank holidays that were moved in these years, so were working days. */
	notHolidays: ['1995-05-01', '2002-05-27', '2012-05-28', '2020-05-04', '2022-05-30'],
	/** Days that were bank holidays that year. */
	holidays: [
		'1995-05-08',
		'1999-12-31',
		'2002-06-03',
		'2002-06-04',
		'2011-04-29',
		'2012-06-04',
		'2012-06-05',
		'2020-05-08',
		'2022-06-02',
		'2022-06-03',
		'2022-09-19',
		'2023-05-08'
	]
} as const;

let cached: readonly string[] | undefined;

/** Every bank holiday from 1990 to 2040 as `YYYY-MM-DD`, sorted. */
export function bankHolidays(): readonly string[] {
	if (cached) return cached;
	const hd = new Holidays('GB', 'ENG');
	const days = new Set<string>();
	for (let year = CALENDAR_FIRST_YEAR; year <= CALENDAR_LAST_YEAR; year++) {
		for (const h of hd.getHolidays(year)) {
			// `date` is the local date-time string "YYYY-MM-DD hh:mm:ss".
			if (h.type === 'public') days.add(h.date.slice(0, 10));
		}
	}
	for (const d of ONE_OFF_CHANGES.notHolidays) days.delete(d);
	for (const d of ONE_OFF_CHANGES.holidays) days.add(d);
	cached = [...days].filter((d) => d >= CALENDAR_FIRST_DAY && d <= CALENDAR_LAST_DAY).sort();
	return cached;
}
