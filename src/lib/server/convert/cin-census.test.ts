import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../../cli/convert-command.ts';
import { offlineContext } from '../../../cli/test-context.ts';
import { importExtract } from '../import/import.ts';
import { listQuarantine } from '../import/quarantine.ts';
import { childPseudonym, parseKey, recordId } from '../pseudonym/pseudonym.ts';
import { freshWarehouse, removeTempRoot, tempDir, THIRD_PARTY_FIXTURES } from '../testing/extract.ts';
import { CinCensusError, cinCode, convertCinCensus } from './cin-census.ts';

afterAll(() => removeTempRoot());

const FIXTURES = THIRD_PARTY_FIXTURES;
const KEY_HEX = '0123456789abcdef'.repeat(4);
const KEY = parseKey(KEY_HEX);
const AGENCY = 'CSC01';

/** Every text of an element in the XML, found independently of the converter (a regex). */
function values(xml: string, element: string): string[] {
	return [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1].trim()).filter((v) => v !== '');
}
const count = (xml: string, element: string) => (xml.match(new RegExp(`<${element}>`, 'g')) ?? []).length;

function outputText(dir: string): Record<string, string> {
	return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/** Asserts no identifier of the XML appears in any of the texts (cells compared whole, and as substrings). */
function expectNoIdentifiers(xml: string, texts: Record<string, string>) {
	const identifiers = ['LAchildID', 'UPN', 'FormerUPN'].flatMap((e) => values(xml, e));
	const eventDates = new Set(
		['CINreferralDate', 'CINclosureDate', 'DateOfInitialCPC', 'AssessmentActualStartDate', 'AssessmentAuthorisationDate', 'S47ActualStartDate', 'CPPstartDate', 'CPPendDate', 'ReferenceDate'].flatMap((e) => values(xml, e))
	);
	const births = ['PersonBirthDate', 'ExpectedPersonBirthDate', 'PersonDeathDate'].flatMap((e) => values(xml, e));
	expect(identifiers.length).toBeGreaterThan(0);
	expect(births.length).toBeGreaterThan(0);
	for (const [name, text] of Object.entries(texts)) {
		for (const id of identifiers) expect(text.toUpperCase().includes(id.toUpperCase()), `${name} holds an identifier`).toBe(false);
		for (const d of births) {
			// A birth date may coincide with some child's event date; it must never appear elsewhere,
			// and never in the children table or the report.
			if (!eventDates.has(d) || name === 'children.csv' || name === 'report') {
				expect(text.includes(d), `${name} holds a birth or death date`).toBe(false);
			}
		}
	}
}

const SAMPLES = [
	{
		file: 'liia-tools_cin-2022.xml',
		// Its dates are in 1966-1971 (outside the calendar), so every event is quarantined, and the
		// assessment and Section47 then lack their referral.
		quarantined: {
			referrals: ['received_at: outside the years the working-day calendar covers (1990 to 2040)'],
			assessments: [
				'started_on: outside the years the working-day calendar covers (1990 to 2040)',
				'completed_on: outside the years the working-day calendar covers (1990 to 2040)',
				'referral_id: no such referral in this extract or the warehouse'
			],
			s47_enquiries: [
				'started_on: outside the years the working-day calendar covers (1990 to 2040)',
				'icpc_on: outside the years the working-day calendar covers (1990 to 2040)',
				'referral_id: no such referral in this extract or the warehouse'
			],
			cp_plans: [
				'started_on: outside the years the working-day calendar covers (1990 to 2040)',
				'ended_on: outside the years the working-day calendar covers (1990 to 2040)'
			]
		} as Record<string, string[]>
	},
	{ file: 'csc-validator-be-cin_fake-cin-data.xml', quarantined: {} as Record<string, string[]> },
	{
		file: 'csc-validator-be-cin_cin-census-2024.xml',
		// Its first assessment starts in 2028 and was authorised in 2020, with factor "RB" (no such code).
		quarantined: {
			assessments: ['factors: every item must be a assessment factor code (see the data dictionary)', 'completed_on: before started_on']
		} as Record<string, string[]>
	}
];

describe('convertCinCensus on the public samples', () => {
	for (const sample of SAMPLES) {
		it(`converts and imports ${sample.file}`, async () => {
			const file = path.join(FIXTURES, sample.file);
			const xml = readFileSync(file, 'utf8');
			const out = tempDir('cin');
			const { report, counts, manifest } = await convertCinCensus({ file, key: KEY, agency: AGENCY, outDir: out });

			// What the XML holds, counted independently.
			const expected = {
				agencies: 1,
				children: count(xml, 'Child'),
				referrals: count(xml, 'CINreferralDate'),
				assessments: count(xml, 'AssessmentActualStartDate'),
				s47_enquiries: count(xml, 'S47ActualStartDate'),
				cp_plans: count(xml, 'CPPstartDate')
			};
			expect(counts.written).toEqual(expected);
			expect(report.tables).toEqual(expected);
			expect(counts.skipped_children).toBe(0);
			expect(manifest).toEqual({ supplied_by: AGENCY, extracted_on: values(xml, 'ReferenceDate')[0] });

			const warehouse = await freshWarehouse();
			try {
				const imported = await importExtract(warehouse, out);
				expect(imported.status).toBe('committed');
				expect(imported.errors).toEqual([]);
				for (const f of imported.files) {
					expect(f.rows_read, f.table).toBe(expected[f.table as keyof typeof expected]);
					expect(f.rows_loaded + f.rows_quarantined, f.table).toBe(f.rows_read);
				}
				const quarantine = await listQuarantine(warehouse);
				const reasons: Record<string, string[]> = {};
				for (const q of quarantine) (reasons[q.table] ??= []).push(...q.reasons);
				expect(reasons).toEqual(sample.quarantined);

				const texts = {
					...outputText(out),
					report: JSON.stringify(report),
					import: JSON.stringify(imported),
					quarantine: JSON.stringify(quarantine)
				};
				expectNoIdentifiers(xml, texts);
			} finally {
				await warehouse.close();
			}

			// The pseudonym is the contract's: LA code from the header, LA child ID upper-cased.
			const la = values(xml, 'LEA')[0];
			const first = values(xml, 'LAchildID')[0];
			expect(readFileSync(path.join(out, 'children.csv'), 'utf8')).toContain(childPseudonym(KEY, `LA:${la}:${first.toUpperCase()}`));
			const firstReferral = values(xml, 'CINreferralDate')[0];
			expect(readFileSync(path.join(out, 'referrals.csv'), 'utf8')).toContain(
				recordId(KEY, AGENCY, 'referrals', `LA:${la}:${first.toUpperCase()}:${firstReferral}`)
			);
		});
	}

	it('reports every field of the full sample: mapped, or dropped with a reason', async () => {
		const out = tempDir('cin');
		const { report } = await convertCinCensus({ file: path.join(FIXTURES, 'liia-tools_cin-2022.xml'), key: KEY, agency: AGENCY, outDir: out });
		const field = (s: string) => report.fields.find((f) => f.source === s);
		for (const id of ['ChildIdentifiers/LAchildID', 'ChildIdentifiers/UPN', 'ChildIdentifiers/FormerUPN', 'ChildIdentifiers/UPNunknown', 'ChildIdentifiers/PersonDeathDate', 'ChildIdentifiers/ExpectedPersonBirthDate']) {
			expect(field(id)?.target, id).toBeNull();
			expect(field(id)?.mapped, id).toBe(0);
			expect(field(id)?.dropped, id).toBe(1);
		}
		expect(field('ChildIdentifiers/PersonBirthDate')).toMatchObject({ target: 'children.birth_month', mapped: 1 });
		expect(field('CINdetails/DateOfInitialCPC')?.reasons).toHaveProperty([
			"an ICPC date outside any Section47 block: s47_enquiries.icpc_on takes only a Section47 block's own date"
		]);
		expect(field('Section47/DateOfInitialCPC')).toMatchObject({ target: 's47_enquiries.icpc_on', mapped: 1 });
		expect(field('CINdetails/ReferralNFA')?.dropped).toBe(1);
		for (const f of report.fields) {
			if (f.dropped > 0) expect(Object.values(f.reasons).reduce((a, b) => a + b, 0), f.source).toBe(f.dropped);
		}
		// Every element name of the sample appears in the report (header elements other than
		// ReferenceDate and LEA, and container elements, aside).
		const reported = new Set(report.fields.map((f) => f.source.split('/').pop()));
		const xml = readFileSync(path.join(FIXTURES, 'liia-tools_cin-2022.xml'), 'utf8');
		const leaves = new Set([...xml.matchAll(/<([A-Za-z]+)>[^<\s]/g)].map((m) => m[1]));
		const header = ['Collection', 'Year', 'SourceLevel', 'SoftwareCode', 'Release', 'SerialNo', 'DateTime'];
		const inside = ['Disability', 'AssessmentFactors', 'CINPlanStartDate', 'CINPlanEndDate', 'CPPreviewDate'];
		for (const l of leaves) if (!header.includes(l) && !inside.includes(l)) expect(reported.has(l), l).toBe(true);
	});

	it('gives the same ids on a re-run and in next year\'s census', async () => {
		const file = path.join(FIXTURES, 'csc-validator-be-cin_cin-census-2024.xml');
		const a = tempDir('cin');
		const b = tempDir('cin');
		await convertCinCensus({ file, key: KEY, agency: AGENCY, outDir: a });
		await convertCinCensus({ file, keyFile: writeKey(), agency: AGENCY, outDir: b });
		for (const t of ['children', 'referrals', 'assessments', 's47_enquiries', 'cp_plans']) {
			expect(readFileSync(path.join(b, `${t}.csv`), 'utf8'), t).toBe(readFileSync(path.join(a, `${t}.csv`), 'utf8'));
		}
		// Next year: a new reference date, and a new referral for the first child before the old one.
		const xml = readFileSync(file, 'utf8')
			.replace('<ReferenceDate>2024-03-31</ReferenceDate>', '<ReferenceDate>2025-03-31</ReferenceDate>')
			.replace(
				'<CINdetails>',
				'<CINdetails><CINreferralDate>2024-11-01</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA></CINdetails><CINdetails>'
			);
		const next = path.join(tempDir('cin'), 'next.xml');
		writeFileSync(next, xml);
		const c = tempDir('cin');
		const r = await convertCinCensus({ file: next, key: KEY, agency: AGENCY, outDir: c });
		expect(r.manifest.extracted_on).toBe('2025-03-31');
		const ids = (dir: string, t: string) =>
			readFileSync(path.join(dir, `${t}.csv`), 'utf8')
				.trim()
				.split('\n')
				.slice(1)
				.map((l) => l.split(',')[0]);
		for (const t of ['referrals', 'assessments', 's47_enquiries', 'cp_plans']) {
			for (const id of ids(a, t)) expect(ids(c, t), t).toContain(id);
		}
		expect(ids(c, 'referrals')).toHaveLength(ids(a, 'referrals').length + 1);
	});
});

let keyCounter = 0;
function writeKey(): string {
	const file = path.join(tempDir('key'), `key-${++keyCounter}.txt`);
	writeFileSync(file, `${KEY_HEX.toUpperCase()}\n`);
	return file;
}

/** A census in the later schema's spelling: Sex, prefixed codes, dateTimes, repeated events. */
const VARIANT = `<?xml version="1.0" encoding="utf-8"?>
<Message xmlns="http://www.example.org/cin">
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>975</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID> abc123 </LAchildID><UPN>A123456789012</UPN><PersonBirthDate>2014-05-17</PersonBirthDate><Sex>2 - Female</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>MWBA - White and Black African</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-06-02T00:00:00</CINreferralDate><ReferralSource>5A - Police</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate><FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
        <Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate></Assessments>
        <Section47><S47ActualStartDate>2025-06-04</S47ActualStartDate><DateOfInitialCPC>2025-06-20</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired></Section47>
        <ReferralNFA>FALSE</ReferralNFA>
        <ChildProtectionPlans><CPPstartDate>2025-06-20</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>
        <SomethingNew>x</SomethingNew>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>1</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><UPN>B123456789012</UPN><PersonBirthDate>2016-01-09</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>
      <CINdetails><CINreferralDate>2025-07-01</CINreferralDate><ReferralSource>4</ReferralSource><ReferralNFA>false</ReferralNFA></CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>XYZ9</LAchildID><PersonBirthDate>09/01/2016</PersonBirthDate><GenderCurrent>Q</GenderCurrent></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
    </Child>
  </Children>
</Message>
`;

const csv = (dir: string, table: string) => {
	const [head, ...lines] = readFileSync(path.join(dir, `${table}.csv`), 'utf8').trim().split('\n');
	const cols = head.split(',');
	return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};

describe('convertCinCensus on the schema\'s variations', () => {
	const dir = tempDir('variant');
	const file = path.join(dir, 'census.xml');
	writeFileSync(file, VARIANT);
	const nhsLookup = path.join(dir, 'nhs.csv');
	writeFileSync(nhsLookup, 'la_child_id,nhs_number\nXYZ9,943 476 5919\n');
	const areaLookup = path.join(dir, 'areas.csv');
	writeFileSync(areaLookup, 'la_child_id,area\nABC123,E05000001\n');

	it('maps Sex and prefixed codes, dateTimes, repeated dates, lookups; reports what it leaves out', async () => {
		const out = tempDir('cin');
		const { report, counts } = await convertCinCensus({ file, key: KEY, agency: AGENCY, outDir: out, nhsLookup, areaLookup });
		expect(counts.skipped_children).toBe(1);
		const abc = childPseudonym(KEY, 'LA:975:ABC123');
		const xyz = childPseudonym(KEY, 'NHS:9434765919');
		expect(csv(out, 'children')).toEqual([
			{ child_id: abc, birth_month: '2014-05', sex: 'female', ethnicity: 'MWBA', disability: 'no', area_code: 'E05000001' },
			{ child_id: xyz, birth_month: '', sex: 'Q', ethnicity: 'WBRI', disability: 'unknown', area_code: '' }
		]);
		const referrals = csv(out, 'referrals');
		expect(referrals.map((r) => r.referral_id)).toEqual([
			recordId(KEY, AGENCY, 'referrals', 'LA:975:ABC123:2025-06-02'),
			recordId(KEY, AGENCY, 'referrals', 'LA:975:ABC123:2025-06-02:2')
		]);
		expect(referrals.map((r) => [r.received_at, r.source_code, r.outcome])).toEqual([
			['2025-06-02', '5A', ''],
			['2025-06-02', '1A', 'no_further_action']
		]);
		const assessments = csv(out, 'assessments');
		expect(assessments.map((a) => [a.assessment_id, a.referral_id, a.factors])).toEqual([
			[recordId(KEY, AGENCY, 'assessments', 'LA:975:ABC123:2025-06-03'), referrals[0].referral_id, '2A;3B'],
			[recordId(KEY, AGENCY, 'assessments', 'LA:975:ABC123:2025-06-03:2'), referrals[0].referral_id, '']
		]);
		expect(csv(out, 's47_enquiries')).toEqual([
			{
				s47_id: recordId(KEY, AGENCY, 's47_enquiries', 'LA:975:ABC123:2025-06-04'),
				child_id: abc,
				referral_id: referrals[0].referral_id,
				strategy_discussion_on: '',
				started_on: '2025-06-04',
				icpc_not_required: 'false',
				icpc_on: '2025-06-20',
				cp_plan_started: 'true'
			}
		]);
		expect(csv(out, 'cp_plans')[0]).toMatchObject({ started_on: '2025-06-20', ended_on: '', initial_category: 'NEG', latest_category: 'EMO' });
		expect(report.problems).toEqual([
			{
				where: 'Child 2',
				row: 2,
				reason: 'no ChildIdentifiers/LAchildID: the child cannot be pseudonymised, so it and its CINdetails are left out'
			}
		]);
		const field = (s: string) => report.fields.find((f) => f.source === s);
		expect(field('CINdetails/SomethingNew')?.reasons).toEqual({ 'not an element of the CIN census schema this converter knows': 1 });
		expect(field('ChildIdentifiers/PersonBirthDate')?.dropped).toBe(1);
		expect(field('--nhs-lookup')?.mapped).toBe(1);

		const texts = { ...outputText(out), report: JSON.stringify(report) };
		for (const t of Object.values(texts)) {
			for (const id of ['ABC123', 'abc123', 'XYZ9', 'A123456789012', 'B123456789012', '2014-05-17', '2016-01-09', '09/01/2016', '9434765919', '943 476 5919']) {
				expect(t.includes(id), id).toBe(false);
			}
		}
	});

	it('refuses a file without a 3-digit LA code or not well-formed, without values in the message', async () => {
		const bad = path.join(dir, 'bad.xml');
		writeFileSync(bad, VARIANT.replace('<LEA>975</LEA>', '<LEA>97X</LEA>'));
		await expect(convertCinCensus({ file: bad, key: KEY, agency: AGENCY, outDir: tempDir('cin') })).rejects.toThrow(
			new CinCensusError("bad.xml: Header/Source/LEA must hold the local authority's 3-digit code")
		);
		writeFileSync(bad, VARIANT.replace('<UPN>A123456789012</UPN>', '<UPN>A123456789012</UPM>'));
		const err = await convertCinCensus({ file: bad, key: KEY, agency: AGENCY, outDir: tempDir('cin') }).catch((e: Error) => e);
		expect(err).toBeInstanceOf(CinCensusError);
		expect((err as Error).message).toMatch(/^bad\.xml is not well-formed XML \(.* at line 10, column \d+\)$/);
		expect((err as Error).message).not.toContain('A123456789012');
	});

	it('reads codes with or without their labels', () => {
		expect(['1', '1 - Male', '1: Male', 'WBRI', 'WBRI - White British', 'N4', '10', '2A'].map(cinCode)).toEqual(['1', '1', '1', 'WBRI', 'WBRI', 'N4', '10', '2A']);
	});
});

describe('cli convert', () => {
	const ctx = () => {
		const { ctx: context, out, err } = offlineContext('convert');
		return { context, out, err };
	};

	it('converts a census and writes the report JSON', async () => {
		const outDir = path.join(tempDir('cli'), 'extract');
		const reportFile = path.join(tempDir('cli'), 'report.json');
		const c = ctx();
		const file = path.join(FIXTURES, 'liia-tools_cin-2022.xml');
		const status = await convertCommand.run(
			['cin-census', file, '--key-file', writeKey(), '--agency', AGENCY, '--out', outDir, '--report', reportFile],
			c.context
		);
		expect(status).toBe(0);
		expect(JSON.parse(readFileSync(reportFile, 'utf8')).tables.referrals).toBe(1);
		expect(readdirSync(outDir).sort()).toEqual(
			['agencies.csv', 'assessments.csv', 'children.csv', 'cp_plans.csv', 'manifest.json', 'referrals.csv', 's47_enquiries.csv'].sort()
		);
		expect(c.out.join('')).toContain('referrals');
		expectNoIdentifiers(readFileSync(file, 'utf8'), { out: c.out.join(''), report: readFileSync(reportFile, 'utf8') });
		// A second run into the same folder is refused.
		await expect(
			convertCommand.run(['cin-census', file, '--key-file', writeKey(), '--agency', AGENCY, '--out', outDir], ctx().context)
		).rejects.toThrow(/is not empty/);
	});

	it('refuses bad usage', async () => {
		await expect(convertCommand.run(['xml', 'f.xml'], ctx().context)).rejects.toThrow(/cin-census or annex-a/);
		await expect(convertCommand.run(['cin-census', 'f.xml', '--agency', 'A', '--out', 'o'], ctx().context)).rejects.toThrow(/--key-file is required/);
		await expect(
			convertCommand.run(['cin-census', 'f.xml', '--key-file', 'k', '--agency', 'bad code', '--out', 'o'], ctx().context)
		).rejects.toThrow(/--agency must be/);
	});
});
