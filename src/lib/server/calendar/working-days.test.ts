import { describe, expect, it } from 'vitest';
import { bankHolidays, ONE_OFF_CHANGES } from './bank-holidays.ts';
import { calendarDays, workingDaysBetween } from './working-days.ts';

describe('bank holidays in England and Wales', () => {
	const days = new Set(bankHolidays());

	it('pins the one-off days of metrics.md, which date-holidays gets wrong in 1995, 1999, 2002, 2011 and 2012', () => {
		for (const d of ONE_OFF_CHANGES.holidays) expect(days.has(d), d).toBe(true);
		for (const d of ['1995-05-01', '2002-05-27', '2012-05-28', '2020-05-04', '2022-05-30']) expect(days.has(d), d).toBe(false);
	});

	it('keeps the regular days and their substitutes', () => {
		for (const d of ['1990-01-01', '2020-12-28', '2021-12-27', '2021-12-28', '2024-03-29', '2024-04-01', '2040-12-25']) {
			expect(days.has(d), d).toBe(true);
		}
		expect([...days].every((d) => d >= '1990-01-01' && d <= '2040-12-31')).toBe(true);
	});
});

describe('wd(a, b): working days d with a < d ≤ b', () => {
	it('counts weekends and bank holidays out', () => {
		expect(workingDaysBetween('2024-06-03', '2024-06-03')).toBe(0);
		expect(workingDaysBetween('2024-06-07', '2024-06-10')).toBe(1); // Friday to Monday
		expect(workingDaysBetween('2024-06-08', '2024-06-09')).toBe(0); // Saturday to Sunday
		expect(workingDaysBetween('2024-03-28', '2024-04-02')).toBe(1); // Good Friday and Easter Monday
		expect(workingDaysBetween('2012-06-01', '2012-06-06')).toBe(1); // the Diamond Jubilee
		expect(workingDaysBetween('2011-04-28', '2011-05-03')).toBe(1); // the royal wedding and May Day
		expect(workingDaysBetween('2024-06-10', '2024-06-03')).toBe(-5);
	});

	it('covers 1990 to 2040 and refuses dates outside it', () => {
		const all = calendarDays();
		expect(all[0].day).toBe('1990-01-01');
		expect(all.at(-1)?.day).toBe('2040-12-31');
		expect(() => workingDaysBetween('1989-12-29', '1990-01-02')).toThrow(RangeError);
	});
});
