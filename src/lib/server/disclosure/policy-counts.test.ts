import { describe, expect, it } from 'vitest';
import { suppressCount } from './counts.ts';
import { DEFAULT_POLICY, policyFrom } from './policy.ts';
import { DASHBOARD, PUBLICATION } from './test-support.ts';

describe('policyFrom', () => {
	it('defaults to a threshold of 5 and the dashboard profile', () => {
		expect(policyFrom()).toEqual({ threshold: 5, profile: 'dashboard', cellKey: true });
		expect(policyFrom({ threshold: '', profile: '  ' })).toEqual({ ...DEFAULT_POLICY, cellKey: true });
		expect(policyFrom({ threshold: null, profile: null })).toEqual({ ...DEFAULT_POLICY, cellKey: true });
		expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
	});

	it('takes a whole number of at least 3, as a number or as text', () => {
		expect(policyFrom({ threshold: 3 })).toEqual({ threshold: 3, profile: 'dashboard', cellKey: true });
		expect(policyFrom({ threshold: ' 10 ', profile: 'publication' })).toEqual({ threshold: 10, profile: 'publication', cellKey: true });
	});

	it.each([2, '2', 0, -5, 5.5, '5.5', 'five', '1e1', Number.NaN, Number.POSITIVE_INFINITY])('refuses the threshold %s', (threshold) => {
		expect(() => policyFrom({ threshold })).toThrow(/^disclosure threshold: /);
	});

	it('refuses an unknown profile', () => {
		expect(() => policyFrom({ profile: 'open' })).toThrow(/^disclosure profile: must be one of dashboard, publication/);
	});
});

describe('suppressCount', () => {
	it('suppresses 1 to the threshold; 0 stays 0; larger counts are shown', () => {
		expect([0, 1, 5, 6, 1234].map((n) => suppressCount(n, DASHBOARD))).toEqual([
			{ value: 0, symbol: null },
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' },
			{ value: 6, symbol: null },
			{ value: 1234, symbol: null }
		]);
		expect(suppressCount(7, { threshold: 7, profile: 'dashboard' })).toEqual({ value: null, symbol: 'c' });
	});

	it('shows null as x and passes a symbol through', () => {
		expect(suppressCount(null, DASHBOARD)).toEqual({ value: null, symbol: 'x' });
		expect(suppressCount('z', DASHBOARD)).toEqual({ value: null, symbol: 'z' });
		expect(suppressCount('c', PUBLICATION)).toEqual({ value: null, symbol: 'c' });
	});

	it('publication: rounds shown counts to the nearest 5, after deciding on the unrounded count', () => {
		expect([0, 5, 6, 7, 8, 12, 13, 1234].map((n) => suppressCount(n, PUBLICATION).symbol ?? suppressCount(n, PUBLICATION).value)).toEqual([
			0,
			'c',
			5, // 6 is shown, rounded down to 5: it is not the count 5
			5,
			10,
			10,
			15,
			1235
		]);
	});

	it('refuses what is not a count, a symbol, or a valid policy', () => {
		expect(() => suppressCount(-1, DASHBOARD)).toThrow(/≥ 0/);
		expect(() => suppressCount(1.5, DASHBOARD)).toThrow(/whole number/);
		expect(() => suppressCount('q' as never, DASHBOARD)).toThrow(/not a disclosure symbol/);
		expect(() => suppressCount(4, { threshold: 2, profile: 'dashboard' })).toThrow(/not a valid disclosure policy/);
		expect(() => suppressCount(4, { threshold: 5, profile: 'open' as never })).toThrow(/not a valid disclosure policy/);
	});
});
