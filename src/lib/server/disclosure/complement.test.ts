import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardDifference, protectParts, suppressComplement } from './complement.ts';
import { countArb, DASHBOARD, policyArb, PUBLICATION, RUNS } from './test-support.ts';
import type { Shown } from './types.ts';

const text = (s: Shown) => s.symbol ?? s.value;
const all = (r: ReturnType<typeof suppressComplement>) => ({ whole: text(r.whole), parts: r.parts.map(text), rest: text(r.rest) });

describe('suppressComplement', () => {
	it('an area suppressed beside everyone: "all but the area" is suppressed too', () => {
		expect(all(suppressComplement(1000, [3], DASHBOARD, { rest: 'shown' }))).toEqual({ whole: 1000, parts: ['c'], rest: 'c' });
	});

	it('"all but the area" small: the area is suppressed with it', () => {
		expect(all(suppressComplement(1000, [997], DASHBOARD, { rest: 'shown' }))).toEqual({ whole: 1000, parts: ['c'], rest: 'c' });
	});

	it('nothing small: everything shown', () => {
		expect(all(suppressComplement(100, [40, 50], DASHBOARD, { rest: 'shown' }))).toEqual({ whole: 100, parts: [40, 50], rest: 10 });
	});

	it('a smaller part protects a suppressed one before a larger rest does', () => {
		expect(all(suppressComplement(100, [2, 8, 40], DASHBOARD, { rest: 'shown' }))).toEqual({ whole: 100, parts: ['c', 'c', 40], rest: 50 });
	});

	it('a hidden rest is never chosen: the next part, or failing one the whole, is suppressed', () => {
		expect(all(suppressComplement(100, [2, 8], DASHBOARD, { rest: 'hidden' }))).toEqual({ whole: 100, parts: ['c', 'c'], rest: 90 });
		expect(all(suppressComplement(100, [2, 0], DASHBOARD, { rest: 'hidden' }))).toEqual({ whole: 'c', parts: ['c', 0], rest: 98 });
		// A breakdown that adds up exactly: its rest is 0.
		expect(all(suppressComplement(12, [3, 9], DASHBOARD, { rest: 'hidden' }))).toEqual({ whole: 12, parts: ['c', 'c'], rest: 0 });
	});

	it('publication: decided on the unrounded counts, then rounded', () => {
		expect(all(suppressComplement(1003, [3], PUBLICATION, { rest: 'shown' }))).toEqual({ whole: 1005, parts: ['c'], rest: 'c' });
		expect(all(suppressComplement(18, [6, 12], PUBLICATION, { rest: 'shown' }))).toEqual({ whole: 20, parts: [5, 10], rest: 0 });
	});

	it('refuses parts adding up to more than the whole', () => {
		expect(() => suppressComplement(10, [6, 6], DASHBOARD, { rest: 'shown' })).toThrow(/more than their whole/);
	});

	it('over random wholes and parts: never exactly one c among the parts, the rest and the whole', () => {
		const arb = fc.record({ parts: fc.array(countArb, { minLength: 1, maxLength: 6 }), rest: countArb, shown: fc.boolean() });
		fc.assert(
			fc.property(arb, policyArb, ({ parts, rest, shown }, policy) => {
				const whole = parts.reduce((a, b) => a + b, rest);
				const r = suppressComplement(whole, parts, policy, { rest: shown ? 'shown' : 'hidden' });
				const figures = [...r.parts, r.rest, r.whole];
				expect(figures.filter((f) => f.symbol === 'c').length).not.toBe(1);
				[...parts, rest, whole].forEach((n, i) => {
					if (n >= 1 && n <= policy.threshold) expect(figures[i].symbol).toBe('c');
					if (n === 0) expect(figures[i]).toEqual({ value: 0, symbol: null });
				});
				if (!shown && rest > policy.threshold) expect(r.rest.symbol).toBeNull();
			}),
			RUNS
		);
	});
});

describe('protectParts', () => {
	it('several sets of parts of one whole: never exactly one c in a set with its rest and the whole', () => {
		const arb = fc.record({
			sets: fc.array(fc.record({ parts: fc.array(countArb, { minLength: 1, maxLength: 5 }), rest: countArb }), { minLength: 1, maxLength: 3 }),
			extra: countArb,
			shown: fc.boolean()
		});
		fc.assert(
			fc.property(arb, policyArb, ({ sets, extra, shown }, policy) => {
				const sums = sets.map((s) => s.parts.reduce((a, b) => a + b, s.rest));
				const whole = Math.max(...sums) + extra;
				const r = protectParts(whole, sets.map((s) => s.parts), policy, shown ? 'shown' : 'hidden');
				for (const set of r.sets) expect(set.suppressed.filter(Boolean).length + (r.whole ? 1 : 0)).not.toBe(1);
				if (whole >= 1 && whole <= policy.threshold) expect(r.whole).toBe(true);
			}),
			RUNS
		);
	});
});

describe('guardDifference', () => {
	it('two views differing by 1 to the threshold: the smaller (narrower) one is suppressed', () => {
		expect(guardDifference(100, 97, DASHBOARD)).toEqual({ a: { value: 100, symbol: null }, b: { value: null, symbol: 'c' } });
		expect(guardDifference(95, 100, DASHBOARD)).toEqual({ a: { value: null, symbol: 'c' }, b: { value: 100, symbol: null } });
	});

	it('views differing by more, or not at all, are both shown', () => {
		expect(guardDifference(100, 94, DASHBOARD)).toEqual({ a: { value: 100, symbol: null }, b: { value: 94, symbol: null } });
		expect(guardDifference(40, 40, DASHBOARD)).toEqual({ a: { value: 40, symbol: null }, b: { value: 40, symbol: null } });
	});

	it('a view already suppressed needs nothing more; zeros stay', () => {
		expect(guardDifference(8, 3, DASHBOARD)).toEqual({ a: { value: 8, symbol: null }, b: { value: null, symbol: 'c' } });
		expect(guardDifference(3, 0, DASHBOARD)).toEqual({ a: { value: null, symbol: 'c' }, b: { value: 0, symbol: null } });
	});

	it('never shows both when they differ by 1 to the threshold, nor a count from 1 to it', () => {
		fc.assert(
			fc.property(countArb, countArb, policyArb, (a, b, policy) => {
				const r = guardDifference(a, b, policy);
				const small = (n: number) => n >= 1 && n <= policy.threshold;
				if (small(Math.abs(a - b))) expect(r.a.symbol === 'c' || r.b.symbol === 'c').toBe(true);
				if (small(a)) expect(r.a.symbol).toBe('c');
				if (small(b)) expect(r.b.symbol).toBe('c');
				// Only the smaller is ever suppressed for the difference.
				if (!small(a) && a > b) expect(r.a.symbol).toBeNull();
				if (!small(b) && b > a) expect(r.b.symbol).toBeNull();
			}),
			RUNS
		);
	});
});
