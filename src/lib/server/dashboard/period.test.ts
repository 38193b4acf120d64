import { describe, expect, it } from 'vitest';
import {
	calendarQuarter,
	daysIn,
	financialYear,
	isFixedPreset,
	last12,
	londonToday,
	PeriodError,
	previousPeriod,
	resolvePeriod,
	trendWindow,
	wholeMonths
} from './period.ts';

describe('presets', () => {
	it('fy:YYYY is 1 April to 31 March, labelled 2024-25; a leap February inside makes it 366 days', () => {
		expect(resolvePeriod({ preset: 'fy:2024' }, null, '2026-01-01')).toEqual({
			preset: 'fy:2024',
			from: '2024-04-01',
			to: '2025-03-31',
			label: '2024-25',
			months: 12,
			days: 365
		});
		expect(financialYear(2023)).toEqual({ from: '2023-04-01', to: '2024-03-31' });
		expect(daysIn(financialYear(2023))).toBe(366); // 29 February 2024
		expect(resolvePeriod({ preset: 'fy:1999' }, null, '2026-01-01').label).toBe('1999-00');
	});

	it('q:YYYY-Qn is a calendar quarter; Q1 of a leap year has 91 days', () => {
		expect(calendarQuarter(2024, 1)).toEqual({ from: '2024-01-01', to: '2024-03-31' });
		expect(daysIn(calendarQuarter(2024, 1))).toBe(91);
		expect(daysIn(calendarQuarter(2025, 1))).toBe(90);
		expect(calendarQuarter(2024, 2)).toEqual({ from: '2024-04-01', to: '2024-06-30' });
		expect(calendarQuarter(2024, 3)).toEqual({ from: '2024-07-01', to: '2024-09-30' });
		expect(calendarQuarter(2024, 4)).toEqual({ from: '2024-10-01', to: '2024-12-31' });
		expect(resolvePeriod({ preset: 'q:2024-Q4' }, null, '2026-01-01')).toMatchObject({ label: '2024 Q4', months: 3, days: 92 });
	});

	it('last12 is the 12 complete months up to the latest event month', () => {
		// The latest month is complete only when the data reach its last day.
		expect(last12('2026-03-31', '2026-04-20')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
		expect(last12('2026-03-30', '2026-04-20')).toEqual({ from: '2025-03-01', to: '2026-02-28' });
		expect(last12('2024-02-29', '2026-04-20')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
		expect(last12('2024-03-01', '2026-04-20')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
		// No data: the 12 complete months before today.
		expect(last12(null, '2026-04-20')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
		expect(resolvePeriod({ preset: 'last12' }, '2026-03-31', '2026-04-20')).toMatchObject({ label: '12 months to March 2026', months: 12 });
	});

	it('m:YYYY-MM is a calendar month (a leap February included)', () => {
		expect(resolvePeriod({ preset: 'm:2024-02' }, null, '2026-01-01')).toEqual({ preset: 'm:2024-02', from: '2024-02-01', to: '2024-02-29', label: 'February 2024', months: 1, days: 29 });
		expect(resolvePeriod({ preset: 'm:2025-12' }, null, '2026-01-01')).toMatchObject({ from: '2025-12-01', to: '2025-12-31' });
		for (const bad of ['m:2025-13', 'm:2025-00', 'm:25-01', 'm:2041-01']) expect(() => resolvePeriod({ preset: bad }, null, '2026-01-01'), bad).toThrow(PeriodError);
		expect(isFixedPreset('m:2025-12')).toBe(true);
		expect(isFixedPreset('custom')).toBe(false);
	});

	it('custom takes any real from ≤ to within the calendar, labelled by months or days', () => {
		expect(resolvePeriod({ preset: 'custom', from: '2025-03-01', to: '2025-03-15' }, null, '2026-01-01')).toEqual({
			preset: 'custom',
			from: '2025-03-01',
			to: '2025-03-15',
			label: '1 March 2025 to 15 March 2025',
			months: null,
			days: 15
		});
		expect(resolvePeriod({ preset: 'custom', from: '2024-02-01', to: '2024-02-29' }, null, '2026-01-01').label).toBe('February 2024');
		expect(resolvePeriod({ preset: 'custom', from: '2024-01-01', to: '2024-06-30' }, null, '2026-01-01').label).toBe('January 2024 to June 2024');
		for (const bad of [
			{ from: '2025-02-29', to: '2025-03-01' },
			{ from: '2025-03-02', to: '2025-03-01' },
			{ from: '1989-12-31', to: '1990-01-31' },
			{ from: '2025-01-01', to: null }
		]) {
			expect(() => resolvePeriod({ preset: 'custom', ...bad }, null, '2026-01-01')).toThrow(PeriodError);
		}
		expect(() => resolvePeriod({ preset: 'fy:24' }, null, '2026-01-01')).toThrow(PeriodError);
		expect(() => resolvePeriod({ preset: 'q:2024-Q5' }, null, '2026-01-01')).toThrow(PeriodError);
		expect(() => resolvePeriod({ preset: 'fy:2040' }, null, '2026-01-01')).toThrow(PeriodError); // ends in 2041
	});
});

describe('previous period of the same length', () => {
	it('whole months: the same number of months before (a year before a year, a quarter before a quarter)', () => {
		expect(previousPeriod(financialYear(2024))).toEqual(financialYear(2023));
		expect(previousPeriod(calendarQuarter(2024, 2))).toEqual(calendarQuarter(2024, 1)); // 91 days before 91
		expect(previousPeriod(calendarQuarter(2025, 2))).toEqual(calendarQuarter(2025, 1)); // 90 days before 91
		expect(previousPeriod({ from: '2024-03-01', to: '2024-03-31' })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
		expect(previousPeriod({ from: '2025-01-01', to: '2026-12-31' })).toEqual({ from: '2023-01-01', to: '2024-12-31' });
	});

	it('otherwise the same number of days just before, across a leap day', () => {
		expect(previousPeriod({ from: '2024-03-01', to: '2024-03-10' })).toEqual({ from: '2024-02-20', to: '2024-02-29' });
		expect(previousPeriod({ from: '2024-03-05', to: '2024-03-05' })).toEqual({ from: '2024-03-04', to: '2024-03-04' });
		// A priority's period cut short by the latest event date: 1 April to 15 November, 229 days.
		const cut = { from: '2025-04-01', to: '2025-11-15' };
		const before = previousPeriod(cut)!;
		expect(before).toEqual({ from: '2024-08-15', to: '2025-03-31' });
		expect(daysIn(before)).toBe(daysIn(cut));
	});

	it('none before the calendar', () => {
		expect(previousPeriod({ from: '1990-01-01', to: '1990-12-31' })).toBeNull();
		expect(previousPeriod({ from: '1991-01-01', to: '1991-12-31' })).toEqual({ from: '1990-01-01', to: '1990-12-31' });
	});
});

describe('trend window and helpers', () => {
	it('is the 24 calendar months ending with to\'s month', () => {
		expect(trendWindow('2026-03-31')).toEqual({ from: '2024-04-01', to: '2026-03-31' });
		expect(trendWindow('2024-02-29')).toEqual({ from: '2022-03-01', to: '2024-02-29' });
		expect(trendWindow('2025-11-15')).toEqual({ from: '2023-12-01', to: '2025-11-15' });
		expect(trendWindow('1990-06-30')).toEqual({ from: '1990-01-01', to: '1990-06-30' });
	});

	it('counts whole months, and none for part months', () => {
		expect(wholeMonths({ from: '2024-02-01', to: '2024-02-29' })).toBe(1);
		expect(wholeMonths({ from: '2023-02-01', to: '2023-02-28' })).toBe(1);
		expect(wholeMonths({ from: '2024-02-01', to: '2024-02-28' })).toBeNull();
		expect(wholeMonths({ from: '2024-02-02', to: '2024-03-31' })).toBeNull();
		expect(wholeMonths({ from: '2023-04-01', to: '2026-03-31' })).toBe(36);
	});

	it('today in London: 23:30 UTC on 30 June is 1 July', () => {
		expect(londonToday(new Date('2024-06-30T23:30:00Z'))).toBe('2024-07-01');
		expect(londonToday(new Date('2024-12-31T23:30:00Z'))).toBe('2024-12-31');
	});
});
