import { afterAll, describe, expect, it } from 'vitest';
import { importExtract } from '../import/import.ts';
import { listQuarantine } from '../import/quarantine.ts';
import type { ImportReport } from '../import/types.ts';
import { child, freshWarehouse, removeTempRoot, snapshot, writeExtract, type ExtractSpec } from '../testing/extract.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

afterAll(() => removeTempRoot());

const A = child('a');
const B = child('b');
const AGENCIES = [
	{ agency_code: 'CSC', agency_name: 'Council children’s social care', sector: 'children_social_care' },
	{ agency_code: 'POL', agency_name: 'Police', sector: 'police' }
];
const AREAS = [{ area_code: 'N', area_name: 'North', population_year: 2024, child_population: 1000 }];
const CHILDREN = [
	{ child_id: A, birth_month: '2015-03', sex: 'female', ethnicity: 'WBRI', disability: 'no', area_code: 'N' },
	{ child_id: B, birth_month: '2020-11', sex: 'male', ethnicity: null, disability: 'unknown', area_code: 'N' }
];
const BASE: NonNullable<ExtractSpec['tables']> = { agencies: AGENCIES, areas: AREAS, children: CHILDREN };
const CONTACTS_HEADER = 'contact_id,child_id,received_at,source_code,source_agency_code,outcome,decided_at';

// 943 476 5919 and 401 023 2137 pass modulus 11; G823200101001 is a valid UPN.
const NHS = '9434765919';
const NHS_SPACED = '401 023 2137';
const UPN = 'G823200101001';
const POSTCODE = 'LS1 4AP';

/** Imports `spec` into a warehouse that already holds a good extract; checks nothing changed. */
async function refused(spec: ExtractSpec, secrets: string[]): Promise<ImportReport> {
	const w: Warehouse = await freshWarehouse();
	const first = await importExtract(w, writeExtract({ tables: BASE }), { actor: 'test' });
	expect(first.status).toBe('committed');
	const before = await snapshot(w);
	const report = await importExtract(w, writeExtract(spec), { actor: 'test' });
	expect(report.status).toBe('failed');
	expect(report.batch_id).toBeNull();
	expect(report.files).toEqual([]);
	expect(await snapshot(w)).toEqual(before);
	expect(await listQuarantine(w)).toEqual([]);
	const text = JSON.stringify(report);
	for (const s of secrets) {
		expect(text).not.toContain(s);
		expect(text).not.toContain(s.replaceAll(' ', ''));
	}
	await w.close();
	return report;
}

describe('the identifier check at the door refuses the whole import', () => {
	it('an NHS number in a cell: names file, column and kind, never the value', async () => {
		const report = await refused(
			{
				tables: {
					...BASE,
					children: [...CHILDREN, { child_id: child('c'), birth_month: '2019-01', sex: 'male', ethnicity: ` ${NHS} `, disability: 'no', area_code: 'N' }],
					contacts: [CONTACTS_HEADER, `c1,${A},2024-06-03 09:00,6,POL,,`].join('\n')
				}
			},
			[NHS]
		);
		expect(report.errors).toEqual([
			{ file: 'children.csv', line: 4, message: expect.stringMatching(/^children\.csv: column "ethnicity" holds an NHS number \(1 cell, first in record 4\)/) }
		]);
	});

	it('several findings give one error each (spaced NHS number, UPN, postcode, full date of birth)', async () => {
		const report = await refused(
			{
				tables: {
					agencies: AGENCIES,
					areas: [...AREAS, { area_code: 'S', area_name: POSTCODE.toLowerCase(), population_year: 2024, child_population: 5 }],
					children: [
						{ ...CHILDREN[0], birth_month: '2015-03-14' },
						{ ...CHILDREN[1], ethnicity: UPN },
						{ ...CHILDREN[1], child_id: child('d'), ethnicity: UPN, area_code: NHS_SPACED }
					]
				}
			},
			[NHS_SPACED, UPN, POSTCODE, POSTCODE.toLowerCase(), '2015-03-14']
		);
		const messages = report.errors.map((e) => e.message);
		expect(messages).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^areas\.csv: column "area_name" holds a full postcode \(1 cell, first in record 3\)/),
				expect.stringMatching(/^children\.csv: column "birth_month" holds a full date of birth \(1 cell, first in record 2\)/),
				expect.stringMatching(/^children\.csv: column "ethnicity" holds a unique pupil number \(UPN\) \(2 cells, first in record 3\)/),
				expect.stringMatching(/^children\.csv: column "area_code" holds an NHS number \(1 cell, first in record 4\)/)
			])
		);
		expect(report.errors).toHaveLength(4);
	});

	it('a column named like a direct identifier is refused as an identifier column, and its cells are checked too', async () => {
		const report = await refused(
			{
				tables: {
					...BASE,
					contacts: [`${CONTACTS_HEADER},NHS_Number,date_of_birth`, `c1,${A},2024-06-03 09:00,6,POL,,,${NHS},2015-03-14`].join('\n')
				}
			},
			[NHS, '2015-03-14']
		);
		expect(report.errors).toEqual([
			{ file: 'contacts.csv', line: 1, message: expect.stringMatching(/^contacts\.csv: unknown column "NHS_Number", which is an identifier column/) },
			{ file: 'contacts.csv', line: 1, message: expect.stringMatching(/^contacts\.csv: unknown column "date_of_birth", which is an identifier column/) },
			{ file: 'contacts.csv', line: 2, message: expect.stringMatching(/^contacts\.csv: column "NHS_Number" holds an NHS number \(1 cell, first in record 2\)/) },
			{ file: 'contacts.csv', line: 2, message: expect.stringMatching(/^contacts\.csv: column "date_of_birth" holds a full date of birth \(1 cell, first in record 2\)/) }
		]);
	});

	it('cells of a column the table does not have, or of a column given twice, are checked before the header is refused', async () => {
		const report = await refused(
			{
				tables: {
					...BASE,
					contacts: [`${CONTACTS_HEADER},case_ref`, `c1,${A},2024-06-03 09:00,6,POL,,,${NHS_SPACED}`].join('\n'),
					referrals: [
						'referral_id,child_id,received_at,source_code,source_agency_code,child_id',
						`r1,${A},2024-06-03 09:00,6,POL,${UPN}`
					].join('\n')
				}
			},
			[NHS_SPACED, UPN]
		);
		expect(report.errors).toEqual([
			{ file: 'contacts.csv', line: 2, message: expect.stringMatching(/^contacts\.csv: an unexpected column \(position 8\) holds an NHS number \(1 cell, first in record 2\)/) },
			{ file: 'referrals.csv', line: 2, message: expect.stringMatching(/^referrals\.csv: column "child_id" holds a unique pupil number \(UPN\) \(1 cell, first in record 2\)/) }
		]);
	});

	it('without identifiers, a file with an unknown column is still refused for it, loading nothing', async () => {
		const w = await freshWarehouse();
		const before = await snapshot(w);
		const report = await importExtract(w, writeExtract({ tables: { ...BASE, contacts: [`${CONTACTS_HEADER},case_ref`, `c1,${A},2024-06-03 09:00,6,POL,,,X-1`].join('\n') } }), {
			actor: 'test'
		});
		expect(report.status).toBe('failed');
		expect(report.errors).toEqual([expect.objectContaining({ file: 'contacts.csv', message: expect.stringMatching(/an unexpected column \(position 8\) in the header/) })]);
		// The name is not a column of the format, so it is not shown (it could be data).
		expect(report.errors[0].message).not.toContain('case_ref');
		expect(await snapshot(w)).toEqual(before);
		await w.close();
	});

	it('an NHS number in a record that could not be split into fields', async () => {
		const report = await refused(
			{
				tables: {
					...BASE,
					contacts: [CONTACTS_HEADER, `c1,${A},2024-06-03 09:00,6,POL,,`, `c2,${A},2024-06-03 09:00,6,POL,,,"${NHS_SPACED}"`].join('\n')
				}
			},
			[NHS_SPACED]
		);
		expect(report.errors).toEqual([
			{
				file: 'contacts.csv',
				line: 3,
				message: expect.stringMatching(/^contacts\.csv: a record that could not be split into fields holds an NHS number \(1 cell, first in record 3\)/)
			}
		]);
	});

	it('the spec’s own *_name columns and months of birth pass', async () => {
		const w = await freshWarehouse();
		const report = await importExtract(w, writeExtract({ tables: BASE }), { actor: 'test' });
		expect(report.status).toBe('committed');
		await w.close();
	});
});
