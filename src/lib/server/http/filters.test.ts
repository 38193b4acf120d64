/** The URL's filters: fixed periods for everyone, custom dates only where allowed (rule 7). */
import { describe, expect, it } from 'vitest';
import type { FilterOptions } from '../dashboard/filters.ts';
import { FilterError, filterSearch, parseFilters } from './filters.ts';

const OPTIONS: FilterOptions = {
	areas: [{ code: 'A1', name: 'North' }],
	agencies: [{ code: 'POL', name: 'Police', sector: 'police' }],
	sectors: ['police'],
	firstEventDate: '2023-04-01',
	lastEventDate: '2026-03-31'
};
const parse = (query: string, customDates = false) => parseFilters(new URLSearchParams(query), OPTIONS, { customDates });

describe('parseFilters', () => {
	it('takes the fixed periods: the last 12 months, a financial year, a quarter, a calendar month', () => {
		expect(parse('').period).toMatchObject({ preset: 'last12', from: '2025-04-01', to: '2026-03-31' });
		expect(parse('period=fy:2024').period).toMatchObject({ from: '2024-04-01', to: '2025-03-31' });
		expect(parse('period=q:2025-Q3').period).toMatchObject({ from: '2025-07-01', to: '2025-09-30' });
		expect(parse('period=m:2026-02&area=A1').period).toMatchObject({ from: '2026-02-01', to: '2026-02-28', label: 'February 2026' });
		expect(filterSearch(parse('period=m:2026-02&area=A1'))).toBe('?period=m%3A2026-02&area=A1');
	});

	it('refuses custom dates unless allowed (an analyst\'s unsuppressed view), naming the fixed periods', () => {
		for (const query of ['from=2026-01-01&to=2026-06-30', 'from=2026-01-01&to=2026-07-03', 'period=custom&from=2026-01-01&to=2026-07-03', 'from=2026-01-01']) {
			expect(() => parse(query), query).toThrow(FilterError);
			expect(() => parse(query), query).toThrow(/custom dates are only for an analyst's unsuppressed view; .*last12.*fy:YYYY.*q:YYYY-Qn.*m:YYYY-MM/);
		}
		// Dates sent beside a fixed period (a form without JavaScript sends them) are read only for custom.
		expect(parse('period=fy:2024&from=2026-01-01&to=2026-07-03').period).toMatchObject({ from: '2024-04-01', to: '2025-03-31' });
		expect(parse('from=2026-01-01&to=2026-07-03', true).period).toMatchObject({ preset: 'custom', from: '2026-01-01', to: '2026-07-03' });
		expect(filterSearch(parse('from=2026-01-01&to=2026-07-03', true))).toBe('?from=2026-01-01&to=2026-07-03');
	});
});
