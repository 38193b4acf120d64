/** The bench's own pieces that decide what it measures: its pages, its filter sets, its percentiles. */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../../src/lib/server/metrics/keys.ts';
import { BENCH_PAGES, filterSets, searchOf, WARM_UP } from './pages.ts';
import { percentile } from './stats.ts';

const options = {
	areas: ['A3', 'A1', 'A2'].map((code) => ({ code, name: code })),
	agencies: ['G2', 'G1'].map((code) => ({ code, name: code, sector: 'police' as const }))
};

describe('the bench', () => {
	it('measures every dashboard page, every metric and the API, once each', () => {
		const paths = BENCH_PAGES.map((p) => p.path);
		expect(new Set(paths).size).toBe(paths.length);
		for (const p of ['/', '/need', '/response', '/escalation', '/meetings', '/audits', '/data', '/api/metrics']) expect(paths).toContain(p);
		for (const key of METRIC_KEYS) expect(paths).toContain(`/metrics/${key}`);
	});

	it('makes the same different filter sets every time, the default page first, never the warm-up', () => {
		const sets = filterSets(options, 24);
		expect(sets).toEqual(filterSets(options, 24));
		expect(sets).toHaveLength(24);
		expect(sets[0]).toEqual({ period: 'last12', area: null, agency: null });
		const keys = sets.map((s) => searchOf(s).toString());
		expect(new Set(keys).size).toBe(24);
		expect(keys).not.toContain(searchOf(WARM_UP).toString());
		expect(sets.some((s) => s.area !== null && s.agency !== null)).toBe(true);
		expect(sets.some((s) => s.area === null && s.agency === null && s.period !== 'last12')).toBe(true);
		// Fixed periods only: a viewer may not use custom dates.
		for (const s of sets) expect(s.period).toMatch(/^(last12|fy:\d{4}|q:\d{4}-Q[1-4]|m:\d{4}-\d{2})$/);
	});

	it('refuses more filter sets than the warehouse can make', () => {
		expect(() => filterSets({ areas: [], agencies: [] }, 100)).toThrow(/only 15 different filter sets/);
	});

	it('takes percentiles by the nearest rank', () => {
		const xs = Array.from({ length: 20 }, (_, i) => i + 1);
		expect(percentile(xs, 50)).toBe(10);
		expect(percentile(xs, 95)).toBe(19);
		expect(percentile([3, 1, 2], 100)).toBe(3);
		expect(percentile([], 50)).toBeNaN();
	});
});
