import { describe, expect, it } from 'vitest';
import { bankHolidays, ONE_OFF_CHANGES } from './bank-holidays.ts';
import { calendarDays, workingDaysBetween } from './working-days.ts';

describe('bank holidays in England and Wales', () => {
	const days = new Set(bankHolidays());

	it('pins the one-off days of metrics.md, which date-holidays gets wrong in 1995, 1999, 2002, 2011 and 2012', () => {
		for (const d of ONE_OFF_CHANGES.holidays) expect(days.has(d), d).toBe(true);
		for (const d of ['1995-05-01', '2002-05-27', '2012-05-28', '2020-05-04', '2022-05-30']) expect(days.has(d), d).toBe(false);
	});

	it('has exactly the one-off changes metrics.md lists, written out here rather than read from the module', () => {
		// metrics.md, "Working day": days that were bank holidays, and the regular days they replaced.
		const added = [
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
		];
		const moved = ['1995-05-01', '2002-05-27', '2012-05-28', '2020-05-04', '2022-05-30'];
		const working = new Map(calendarDays().map((d) => [d.day, d.working]));
		for (const d of added) {
			expect(days.has(d), d).toBe(true);
			expect(working.get(d), d).toBe(false);
		}
		for (const d of moved) {
			expect(days.has(d), d).toBe(false);
			expect(working.get(d), d).toBe(true); // each is a Monday
		}
		// The regular days of those years that did not move are still there.
		for (const d of ['2011-05-02', '2011-05-30', '2012-05-07', '2020-05-25', '2022-05-02', '2022-08-29', '2023-05-01', '2023-05-29']) {
			expect(days.has(d), d).toBe(true);
		}
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

	it('counts across the one-off days of 2020 and 2022', () => {
		// Fri 1 May 2020 to Mon 11 May: 4, 5, 6, 7 and 11 May (4 May was not a holiday that year, 8 May was).
		expect(workingDaysBetween('2020-05-01', '2020-05-11')).toBe(5);
		// Fri 16 Sep 2022 to Tue 20 Sep: Monday 19th was the Queen's funeral, so only the 20th.
		expect(workingDaysBetween('2022-09-16', '2022-09-20')).toBe(1);
		// Fri 27 May 2022 to Mon 6 Jun: 30 and 31 May, 1 and 6 June (2 and 3 June were the Platinum Jubilee).
		expect(workingDaysBetween('2022-05-27', '2022-06-06')).toBe(4);
	});

	it('covers 1990 to 2040 and refuses dates outside it', () => {
		const all = calendarDays();
		expect(all[0].day).toBe('1990-01-01');
		expect(all.at(-1)?.day).toBe('2040-12-31');
		expect(() => workingDaysBetween('1989-12-29', '1990-01-02')).toThrow(RangeError);
	});
});
