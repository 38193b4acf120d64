/** Why a headline is `c`, in words: the count behind it that is small, or the table it is held to. */
import { describe, expect, it } from 'vitest';
import { policyFrom } from '../disclosure/index.ts';
import type { Shown, ShownMetric } from '../disclosure/types.ts';
import { headlineNote } from './tables.ts';

const c: Shown = { value: null, symbol: 'c' };
const z: Shown = { value: null, symbol: 'z' };
const n = (value: number): Shown => ({ value, symbol: null });
const figure = (value: Shown, numerator: Shown, denominator: Shown): ShownMetric => ({ value, numerator, denominator });
const words = { numerator: 'escalations closed with agreement', denominator: 'escalations closed' };

describe('headlineNote', () => {
	const policy = policyFrom({});

	it('is null for a figure that is shown', () => {
		expect(headlineNote(figure(n(40), n(8), n(20)), words, policy)).toBeNull();
	});

	it('names the small count: the denominator first, then the numerator, with the threshold in force', () => {
		expect(headlineNote(figure(c, c, c), words, policy)).toBe('c: fewer than 6 escalations closed, not shown to protect confidentiality');
		expect(headlineNote(figure(c, c, n(20)), words, policy)).toBe('c: fewer than 6 escalations closed with agreement, not shown to protect confidentiality');
		expect(headlineNote(figure(c, c, n(20)), words, policyFrom({ threshold: 10 }))).toBe('c: fewer than 11 escalations closed with agreement, not shown to protect confidentiality');
	});

	it("a count or a median: how many it counts or is of", () => {
		expect(headlineNote(figure(c, z, z), { value: 'escalations open at the end of the period' }, policy)).toBe('c: fewer than 6 escalations open at the end of the period, not shown to protect confidentiality');
	});

	it('its counts shown: held to a table beside it', () => {
		expect(headlineNote(figure(c, n(8), n(20)), words, policy)).toBe('c: withheld because, beside the tables below, it would give away a count they hide');
	});
});
