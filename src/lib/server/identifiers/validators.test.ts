import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../pseudonym/pseudonym.ts';
import { query } from '../warehouse/warehouse.ts';
import { anyCell, fullDate, hex, nhsNumber, postcode, upn } from './arbitraries.ts';
import {
	fullDateSql,
	identifierKinds,
	isBirthColumn,
	isFullDate,
	isIdentifierColumnName,
	isNhsNumber,
	isPostcode,
	isUpn,
	nhsCheckDigit,
	nhsNumberSql,
	postcodeSql,
	trimCell,
	trimSql,
	upnCheckLetter,
	upnSql
} from './validators.ts';

describe('NHS number', () => {
	it('accepts valid numbers, plain, spaced 3-3-4 and padded', () => {
		// 943 476 5919: 9·10+4·9+3·8+4·7+7·6+6·5+5·4+9·3+1·2 = 299, 299 mod 11 = 2, check 11−2 = 9.
		expect(isNhsNumber('9434765919')).toBe(true);
		expect(isNhsNumber('943 476 5919')).toBe(true);
		expect(isNhsNumber('  943 476 5919\t')).toBe(true);
		// 401 023 2137: 4·10+0+1·8+0+2·6+3·5+2·4+1·3+3·2 = 92, 92 mod 11 = 4, check 7.
		expect(isNhsNumber('4010232137')).toBe(true);
		// Remainder 0 gives check 11, which becomes 0: 000 000 0000.
		expect(nhsCheckDigit('000000000')).toBe(0);
		expect(isNhsNumber('0000000000')).toBe(true);
	});
	it('refuses a wrong check digit, a check of 10, other spacings and lengths', () => {
		expect(isNhsNumber('9434765918')).toBe(false);
		expect(isNhsNumber('943 476 5910')).toBe(false);
		// 000 000 006x: sum 6·2 = 12, 12 mod 11 = 1, check 11−1 = 10: no valid number starts so.
		expect(nhsCheckDigit('000000006')).toBeNull();
		for (let d = 0; d <= 9; d++) expect(isNhsNumber(`000000006${d}`)).toBe(false);
		expect(isNhsNumber('94347659190')).toBe(false);
		expect(isNhsNumber('943476591')).toBe(false);
		expect(isNhsNumber('9434 765 919')).toBe(false);
		expect(isNhsNumber('943  476 5919')).toBe(false);
		expect(isNhsNumber('943-476-5919')).toBe(false);
		expect(isNhsNumber('x9434765919')).toBe(false);
		expect(isNhsNumber('')).toBe(false);
	});
	it('agrees with the pseudonym module on plain 10-digit numbers', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[0-9]{10}$/), (s) => {
				expect(isNhsNumber(s)).toBe(isValidNhsNumber(s));
			}),
			{ numRuns: 2000 }
		);
	});
});

describe('UPN', () => {
	it('computes the DfE check letter (weights 2 to 13, mod 23, table without I, O, S)', () => {
		// 8·2+2·3+3·4+2·5+0·6+0·7+1·8+0·9+1·10+0·11+0·12+1·13 = 75; 75 mod 23 = 6 → G.
		expect(upnCheckLetter('823200101001')).toBe('G');
		expect(isUpn('G823200101001')).toBe(true);
		expect(isUpn('g823200101001')).toBe(true);
		expect(isUpn(' G823200101001 ')).toBe(true);
		// All zeros: sum 0 → A.
		expect(isUpn('A000000000000')).toBe(true);
		// Temporary UPN: character 13 a letter, valued by the table (C = 2): 75 − 13 + 2·13 = 88; 88 mod 23 = 19 → W.
		expect(upnCheckLetter('82320010100C')).toBe('W');
		expect(isUpn('W82320010100C')).toBe(true);
		// Sum 22 → Z: character 2 = 1 (·2), character 3 = 0, character 4 = 5 (·4 = 20) → 22.
		expect(upnCheckLetter('105000000000')).toBe('Z');
	});
	it('refuses a wrong check letter, letters I/O/S at the end, wrong shapes', () => {
		expect(isUpn('H823200101001')).toBe(false);
		expect(isUpn('1823200101001')).toBe(false);
		expect(isUpn('A82320010100I')).toBe(false);
		expect(upnCheckLetter('82320010100O')).toBeNull();
		expect(upnCheckLetter('82320010100S')).toBeNull();
		for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') expect(isUpn(`${c}82320010100S`)).toBe(false);
		expect(isUpn('G82320010100')).toBe(false);
		expect(isUpn('G8232001010011')).toBe(false);
		expect(isUpn('G823 200 101 001')).toBe(false);
	});
});

describe('postcode', () => {
	it('accepts full postcodes with or without the space, either case', () => {
		for (const p of ['SW1A 1AA', 'SW1A1AA', 'sw1a 1aa', 'M1 1AE', 'm11ae', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'W1A 0AX', 'EC1A 1BB', 'GIR 0AA', ' LS1 4AP '])
			expect(isPostcode(p), p).toBe(true);
	});
	it('refuses outward codes alone, area codes and other shapes', () => {
		for (const p of ['SW1A', 'M1', 'E01000001', 'E05011111', 'SW1A  1AA', 'SW1A 1A', '1AA', 'SWW1A 1AA', 'SW1A 11A', 'WBRI', 'CSC01', ''])
			expect(isPostcode(p), p).toBe(false);
	});
});

describe('full dates and column names', () => {
	it('full dates in either format; months are not full dates', () => {
		expect(isFullDate('2015-03-01')).toBe(true);
		expect(isFullDate('01/03/2015')).toBe(true);
		expect(isFullDate('2015-03')).toBe(false);
		expect(isFullDate('1/3/2015')).toBe(false);
		expect(isBirthColumn('birth_month')).toBe(true);
		expect(isBirthColumn('DOB')).toBe(true);
		expect(isBirthColumn('referral_date')).toBe(false);
		expect(identifierKinds('birth_month', '2015-03-01')).toEqual(['birth_date']);
		expect(identifierKinds('referral_date', '2015-03-01')).toEqual([]);
	});
	it('identifier column names, case-insensitive, with the spec’s own columns excepted', () => {
		for (const n of ['name', 'Forename', 'SURNAME', 'full_name', 'address', 'postcode', 'nhs_number', 'UPN', 'dob', 'Date_Of_Birth', ' name '])
			expect(isIdentifierColumnName(n), n).toBe(true);
		for (const n of ['agency_name', 'area_name', 'birth_month', 'child_id', 'names', 'area_code'])
			expect(isIdentifierColumnName(n), n).toBe(false);
	});
	it('pseudonyms and record ids are never identifiers', () => {
		fc.assert(
			fc.property(fc.oneof(hex(64), hex(32)), fc.constantFrom('child_id', 'birth_month', 'referral_id'), (s, col) => {
				expect(identifierKinds(col, s)).toEqual([]);
			}),
			{ numRuns: 1000 }
		);
	});
	it('the arbitraries make what the validators accept', () => {
		fc.assert(
			fc.property(nhsNumber, upn, postcode, fullDate, (n, u, p, d) => {
				expect(isNhsNumber(n)).toBe(true);
				expect(isUpn(u)).toBe(true);
				expect(isPostcode(p)).toBe(true);
				expect(isFullDate(d)).toBe(true);
			})
		);
	});
});

describe('the SQL validators agree with the TypeScript ones', () => {
	let instance: DuckDBInstance;
	let conn: DuckDBConnection;
	beforeAll(async () => {
		instance = await DuckDBInstance.create(':memory:');
		conn = await instance.connect();
	});
	afterAll(() => {
		conn.closeSync();
		instance.closeSync();
	});

	it('on random cells', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(anyCell, { minLength: 1, maxLength: 200 }), async (cells) => {
				const rows = await query<{ i: number; t: string; nhs: boolean; upn: boolean; pc: boolean; date: boolean }>(
					conn,
					`WITH l AS (SELECT from_json($j, '["VARCHAR"]') AS l),
					c AS (SELECT r.i AS i, ${trimSql('l[r.i]')} AS t FROM l, range(1, len(l) + 1) r(i))
					SELECT i, t, ${nhsNumberSql('t')} AS nhs, ${upnSql('t')} AS upn, ${postcodeSql('t')} AS pc, ${fullDateSql('t')} AS date
					FROM c ORDER BY i`,
					{ j: JSON.stringify(cells) }
				);
				expect(rows.length).toBe(cells.length);
				for (const r of rows) {
					const cell = cells[Number(r.i) - 1];
					expect(r.t, JSON.stringify(cell)).toBe(trimCell(cell));
					expect(r.nhs, JSON.stringify(cell)).toBe(isNhsNumber(cell));
					expect(r.upn, JSON.stringify(cell)).toBe(isUpn(cell));
					expect(r.pc, JSON.stringify(cell)).toBe(isPostcode(cell));
					expect(r.date, JSON.stringify(cell)).toBe(isFullDate(cell));
				}
			}),
			{ numRuns: 150 }
		);
	});
});
