import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identifierVerdict } from './report.ts';
import { parseQuarantineFilter, QuarantineFilterError, quarantineCsv } from './quarantine-csv.ts';

describe('parseQuarantineFilter', () => {
	it('reads a batch number and an extract table, both optional', () => {
		expect(parseQuarantineFilter(new URLSearchParams(''))).toEqual({});
		expect(parseQuarantineFilter(new URLSearchParams('batch=3&table=contacts'))).toEqual({ batch: 3, table: 'contacts' });
		expect(parseQuarantineFilter(new URLSearchParams('batch=&table='))).toEqual({});
	});
	it.each(['batch=0', 'batch=-1', 'batch=1.5', 'batch=abc', 'table=users', 'table=priorities', "table=contacts'--"])('refuses %s', (q) => {
		expect(() => parseQuarantineFilter(new URLSearchParams(q))).toThrow(QuarantineFilterError);
	});
});

describe('quarantineCsv', () => {
	it('writes batch_id, file, table, line and reasons (never values), with its SHA-256 and row count', () => {
		const rows = [
			{ batch_id: 2, file: 'contacts.csv', table: 'contacts', line: 5, reasons: ['received_at: not a valid timestamp', 'outcome: not one of "a", b'] },
			{ batch_id: 2, file: 'agencies.csv', table: 'agencies', line: 3, reasons: ['=cmd: trick'] }
		];
		const csv = quarantineCsv(rows, { batch: 2 });
		expect(csv.text).toBe(
			'batch_id,file,table,line,reasons\r\n' +
				'2,contacts.csv,contacts,5,"received_at: not a valid timestamp; outcome: not one of ""a"", b"\r\n' +
				"2,agencies.csv,agencies,3,'=cmd: trick\r\n"
		);
		expect(csv.rows).toBe(2);
		expect(csv.sha256).toBe(createHash('sha256').update(csv.text).digest('hex'));
		expect(csv.filename).toBe('quarantine-batch-2.csv');
		expect(quarantineCsv([], { table: 'contacts' })).toMatchObject({ text: 'batch_id,file,table,line,reasons\r\n', rows: 0, filename: 'quarantine-contacts.csv' });
		expect(quarantineCsv([], { batch: 1, table: 'areas' }).filename).toBe('quarantine-batch-1-areas.csv');
	});
});

describe('identifierVerdict', () => {
	const base = { batch_id: null, files: [], retried: [] };
	it('passed when the import went through; refused when every error is a finding; otherwise no verdict', () => {
		expect(identifierVerdict({ ...base, batch_id: 1, status: 'committed', errors: [] })).toBe('passed');
		expect(identifierVerdict({ ...base, batch_id: 1, status: 'unchanged', errors: [] })).toBe('passed');
		const finding = 'a.csv: column "x" holds NHS numbers (1 cell, first in record 2); an extract must not hold direct identifiers (extract-format.md, "Identifiers and privacy")';
		expect(identifierVerdict({ ...base, status: 'failed', errors: [{ file: 'a.csv', line: 2, message: finding }] })).toBe('refused');
		expect(identifierVerdict({ ...base, status: 'failed', errors: [{ file: 'manifest.json', message: 'manifest.json: missing' }] })).toBe('not_reached');
	});
});
