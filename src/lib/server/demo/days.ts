/**
 * Dates for the demo generator: the period, and how likely each day of it is to receive
 * a contact from each kind of source (weekdays, round the clock, school term). The
 * weights are computed here in JavaScript, so their cumulative sums are the same
 * floating-point numbers on every run.
 */
import { calendarDays, type CalendarDay } from '../calendar/working-days.ts';
import { DAY_PROFILES, type DayProfile } from './world.ts';

const DAY_MS = 86_400_000;

export function toMs(day: string): number {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a date: ${day}`);
	const ms = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
	if (new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`not a date: ${day}`);
	return ms;
}

export function isDate(day: string): boolean {
	try {
		toMs(day);
		return true;
	} catch {
		return false;
	}
}

export function fromMs(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
	return fromMs(toMs(day) + days * DAY_MS);
}

/** The same day `months` later (or earlier), clamped to the month's end (DuckDB's `+ INTERVAL n MONTH`). */
export function addMonths(day: string, months: number): string {
	const y = Number(day.slice(0, 4));
	const m = Number(day.slice(5, 7)) - 1 + months;
	const d = Number(day.slice(8, 10));
	const first = Date.UTC(y, m, 1);
	const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
	return fromMs(first + (Math.min(d, last) - 1) * DAY_MS);
}

/** First day of the month of `day`. */
export function monthStart(day: string): string {
	return `${day.slice(0, 7)}-01`;
}

function weekday(ms: number): number {
	return new Date(ms).getUTCDay();
}

/** Easter Sunday (anonymous Gregorian algorithm). */
function easter(year: number): number {
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31);
	const day = ((h + l - 7 * m + 114) % 31) + 1;
	return Date.UTC(year, month - 1, day);
}

/** The Monday of the week of the `nth` (1-based; -1 the last) Monday of a month. */
function nthMonday(year: number, month: number, nth: number): number {
	if (nth > 0) {
		const first = Date.UTC(year, month, 1);
		return first + (((8 - weekday(first)) % 7) + (nth - 1) * 7) * DAY_MS;
	}
	const last = Date.UTC(year, month + 1, 0);
	return last - ((weekday(last) + 6) % 7) * DAY_MS;
}

/** Approximate English school holidays: summer, Christmas, Easter and the three half terms. */
export function isSchoolHoliday(day: string): boolean {
	const ms = toMs(day);
	const year = Number(day.slice(0, 4));
	const md = day.slice(5);
	if (md >= '07-22' && md <= '09-02') return true;
	if (md >= '12-21' || md <= '01-03') return true;
	const e = easter(year);
	if (ms >= e - 9 * DAY_MS && ms <= e + 8 * DAY_MS) return true;
	for (const monday of [nthMonday(year, 1, 3), nthMonday(year, 4, -1), nthMonday(year, 9, -1)]) {
		if (ms >= monday && ms < monday + 5 * DAY_MS) return true;
	}
	return false;
}

/** Referral pressure by month (January to December): an autumn peak for schools, a summer dip. */
const EDUCATION_MONTH = [1.05, 1.0, 1.05, 0.95, 1.0, 1.05, 0.95, 1, 1.1, 1.25, 1.3, 1.1];
const GENERAL_MONTH = [1.0, 1.0, 1.02, 0.98, 1.0, 1.0, 0.98, 0.9, 1.0, 1.04, 1.05, 0.96];
const POLICE_MONTH = [1.04, 0.96, 0.98, 0.98, 1.0, 1.02, 1.04, 1.02, 0.98, 0.98, 0.98, 1.06];
/** Growth in contacts a year. */
const GROWTH = 0.03;

export interface DemoDay extends CalendarDay {
	/** For each profile, the cumulative share of the period's weight before this day ([0, 1)). */
	lo: Record<DayProfile, number>;
}

function dayWeight(profile: DayProfile, d: CalendarDay, ms: number): number {
	const month = new Date(ms).getUTCMonth();
	switch (profile) {
		case 'general':
			return d.working ? (weekday(ms) === 1 ? 1.1 : 1) * GENERAL_MONTH[month] : 0.25;
		case 'police':
			return (d.working ? 1 : 0.85) * POLICE_MONTH[month];
		case 'education':
			if (!d.working) return 0.03;
			return isSchoolHoliday(d.day) ? 0.12 : EDUCATION_MONTH[month];
	}
}

/** The days of [start, end] with their cumulative weights per profile. */
export function periodDays(start: string, end: string): DemoDay[] {
	const days = calendarDays().filter((d) => d.day >= start && d.day <= end);
	const weights = days.map((d) => {
		const ms = toMs(d.day);
		const growth = 1 + (GROWTH * (ms - toMs(start))) / (365.25 * DAY_MS);
		return Object.fromEntries(DAY_PROFILES.map((p) => [p, dayWeight(p, d, ms) * growth])) as Record<DayProfile, number>;
	});
	const totals = Object.fromEntries(DAY_PROFILES.map((p) => [p, weights.reduce((s, w) => s + w[p], 0)])) as Record<DayProfile, number>;
	const running: Record<DayProfile, number> = { general: 0, police: 0, education: 0 };
	return days.map((d, i) => {
		const lo = { ...running };
		for (const p of DAY_PROFILES) {
			lo[p] /= totals[p];
			running[p] += weights[i][p];
		}
		return { ...d, lo };
	});
}
