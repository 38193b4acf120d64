/**
 * fast-check arbitraries of valid identifiers (and near misses), for the identifier tests.
 * Only tests import this module.
 */
import fc from 'fast-check';
import { nhsCheckDigit, UPN_LETTERS, upnCheckLetter } from './validators.ts';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const pad = fc.constantFrom('', ' ', '  ', '\t');
const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');

/** A valid NHS number, plain or spaced 3-3-4, sometimes with surrounding spaces. */
export const nhsNumber = fc
	.tuple(digits(9).filter((d) => nhsCheckDigit(d) !== null), fc.boolean(), pad, pad)
	.map(([d, spaced, a, b]) => {
		const n = `${d}${nhsCheckDigit(d)}`;
		return `${a}${spaced ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : n}${b}`;
	});

/** A valid UPN (permanent or temporary), either case. */
export const upn = fc
	.tuple(digits(11), fc.oneof(digits(1), fc.constantFrom(...UPN_LETTERS)), fc.boolean())
	.map(([d, last, lower]) => {
		const rest = `${d}${last}`;
		const u = `${upnCheckLetter(rest)}${rest}`;
		return lower ? u.toLowerCase() : u;
	});

/** A full UK postcode, with or without the space, either case. */
export const postcode = fc
	.tuple(
		fc.array(letter, { minLength: 1, maxLength: 2 }),
		digits(1),
		fc.option(fc.oneof(digits(1), letter), { nil: '' }),
		fc.constantFrom('', ' '),
		digits(1),
		fc.array(letter, { minLength: 2, maxLength: 2 }),
		fc.boolean()
	)
	.map(([area, district, sub, space, sector, unit, lower]) => {
		const p = `${area.join('')}${district}${sub}${space}${sector}${unit.join('')}`;
		return lower ? p.toLowerCase() : p;
	});

/** A full date, YYYY-MM-DD or DD/MM/YYYY. */
export const fullDate = fc
	.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.boolean())
	.map(([y, m, d, iso]) => {
		const mm = String(m).padStart(2, '0');
		const dd = String(d).padStart(2, '0');
		return iso ? `${y}-${mm}-${dd}` : `${dd}/${mm}/${y}`;
	});

/** Lowercase hex of `n` characters: pseudonyms (64) and record ids (32). */
export const hex = (n: number) =>
	fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n }).map((c) => c.join(''));

/** Strings near the identifiers' shapes: digits, letters, spaces, slashes and dashes. */
export const nearMiss = fc
	.array(fc.constantFrom(...'0123456789 ABGIOSZaz/-\t'), { maxLength: 16 })
	.map((c) => c.join(''));

/** A valid identifier with one character changed, added or removed. */
export const mutated = fc
	.tuple(fc.oneof(nhsNumber, upn, postcode, fullDate), fc.nat(), fc.constantFrom(...'0123456789 AZaz/-'), fc.constantFrom('set', 'insert', 'delete'))
	.map(([s, at, c, op]) => {
		const i = at % (s.length + 1);
		if (op === 'insert') return s.slice(0, i) + c + s.slice(i);
		if (op === 'delete') return s.slice(0, i) + s.slice(i + 1);
		return s.slice(0, i) + c + s.slice(i + 1);
	});

/** Anything: near misses, mutated identifiers, identifiers, random text. */
export const anyCell = fc.oneof(nearMiss, mutated, nhsNumber, upn, postcode, fullDate, hex(64), hex(32), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 14 }));
