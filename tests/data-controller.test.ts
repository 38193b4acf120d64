/**
 * The data controller's path through the real command line (`run`, as `npm run cli` calls it):
 * make a key, convert the council's CIN census with an NHS-number lookup, pseudonymise two
 * partner agencies' CSVs that still hold NHS numbers, import all of it, and see the children
 * linked across agencies. Nothing printed on the way holds an identifier from the inputs, and a
 * partner file sent without pseudonymising is refused at the door without its values.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.ts';
import { childPseudonym, parseKey } from '../src/lib/server/pseudonym/pseudonym.ts';
import { removeTempRoot, tempDir, THIRD_PARTY_FIXTURES } from '../src/lib/server/testing/extract.ts';

afterAll(() => removeTempRoot());

const CENSUS = path.join(THIRD_PARTY_FIXTURES, 'csc-validator-be-cin_fake-cin-data.xml');

/** Everything the commands print, to search for identifiers at the end. */
let printed = '';
async function cli(...argv: string[]) {
	let stdout = '';
	let stderr = '';
	const code = await run(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
	printed += stdout + stderr;
	return { code, stdout, stderr };
}

const elementValues = (xml: string, element: string) =>
	[...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1].trim()).filter((v) => v !== '');

/** Two valid NHS numbers (modulus 11 check digits pass). */
const NHS_1 = '9434765919';
const NHS_2 = '9434765870';

function partnerCsv(agency: string, nhs: string[]): string {
	return [
		'contact_id,nhs_no,received_at,source_code,source_agency_code,officer_name',
		...nhs.map((n, i) => `${agency}-${1000 + i},${n},2024-0${i + 4}-02 09:00,${agency === 'POL' ? '6' : '5A'},${agency},Officer ${i}`),
		''
	].join('\n');
}

function extractFolder(dir: string, agency: string, sector: string, contacts: string) {
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 'multi-agency-extract', version: 1, supplied_by: agency, extracted_on: '2024-09-01' }));
	writeFileSync(path.join(dir, 'agencies.csv'), `agency_code,agency_name,sector\n${agency},${agency} agency,${sector}\n`);
	writeFileSync(path.join(dir, 'contacts.csv'), contacts);
}

describe('the data controller’s path on the command line', () => {
	it('keygen, convert, pseudonymise, import and linkage; nothing printed holds an identifier', async () => {
		const dir = tempDir('controller');
		const keyFile = path.join(dir, 'partnership.key');
		const xml = readFileSync(CENSUS, 'utf8');
		const [first, second] = elementValues(xml, 'LAchildID');

		// 1. The key: a new file, mode 0600; a second keygen never overwrites it.
		expect((await cli('keygen', '--out', keyFile)).code).toBe(0);
		expect(statSync(keyFile).mode & 0o777).toBe(0o600);
		const keyText = readFileSync(keyFile, 'utf8');
		expect(keyText).toMatch(/^[0-9a-f]{64}\n$/);
		expect((await cli('keygen', '--out', keyFile)).code).toBe(1);
		expect(readFileSync(keyFile, 'utf8')).toBe(keyText);
		const key = parseKey(keyText.trim());

		// 2. The council's census, with NHS numbers for two of its children.
		const lookup = path.join(dir, 'nhs-lookup.csv');
		writeFileSync(lookup, `la_child_id,nhs_number\n${first},${NHS_1}\n${second},${NHS_2.slice(0, 3)} ${NHS_2.slice(3, 6)} ${NHS_2.slice(6)}\n`);
		const council = path.join(dir, 'council');
		const reportFile = path.join(dir, 'council-report.json');
		const converted = await cli('convert', 'cin-census', CENSUS, '--key-file', keyFile, '--agency', 'CSC01', '--out', council, '--nhs-lookup', lookup, '--report', reportFile);
		expect(converted.code, converted.stderr).toBe(0);
		expect(converted.stdout).toContain('Wrote the extract');
		const children = readFileSync(path.join(council, 'children.csv'), 'utf8');
		const linked1 = childPseudonym(key, `NHS:${NHS_1}`);
		const linked2 = childPseudonym(key, `NHS:${NHS_2}`);
		expect(children).toContain(linked1);
		expect(children).toContain(linked2);

		// 3. Police and health CSVs that still hold NHS numbers, pseudonymised.
		const police = path.join(dir, 'police');
		const health = path.join(dir, 'health');
		for (const [agency, sector, folder, nhs] of [
			['POL', 'police', police, [NHS_1, NHS_2]],
			['HLT', 'health', health, [NHS_1]]
		] as const) {
			const raw = path.join(dir, `${agency}-contacts-raw.csv`);
			writeFileSync(raw, partnerCsv(agency, [...nhs]));
			mkdirSync(folder, { recursive: true });
			const done = await cli(
				'pseudonymise', raw, '--key-file', keyFile, '--agency', agency, '--table', 'contacts',
				'--id', 'nhs_no:nhs', '--id', 'contact_id', '--drop', 'officer_name', '--out', path.join(folder, 'contacts.csv')
			);
			expect(done.code, done.stderr).toBe(0);
			const contacts = readFileSync(path.join(folder, 'contacts.csv'), 'utf8');
			extractFolder(folder, agency, sector, contacts);
		}

		// 4. A raw partner file is refused at the door: file, column and kind named, never a value.
		const raw = path.join(dir, 'raw');
		extractFolder(raw, 'POL', 'police', 'contact_id,child_id,received_at,source_code,source_agency_code\nx1,9434765919,2024-04-02 09:00,6,POL\n');
		const db = path.join(dir, 'w.duckdb');
		const refused = await cli('import', '--db', db, raw, '--json');
		expect(refused.code).toBe(1);
		const refusal = JSON.parse(refused.stdout);
		expect(refusal.status).toBe('failed');
		expect(refusal.errors[0].message).toMatch(/^contacts\.csv: column "child_id" holds an NHS number/);
		expect(refused.stdout).not.toContain('9434765919');
		expect(JSON.parse((await cli('batches', '--db', db, '--json')).stdout)).toEqual([]);

		// 5. The three pseudonymised extracts import; the census's children link to both partners.
		for (const folder of [council, police, health]) {
			const imported = await cli('import', '--db', db, folder, '--json');
			expect(imported.code, imported.stdout).toBe(0);
			expect(JSON.parse(imported.stdout).status).toBe('committed');
		}
		const linkage = await cli('linkage', '--db', db, '--json');
		expect(linkage.code).toBe(0);
		const report = JSON.parse(linkage.stdout);
		expect(report.pairs).toEqual([{ agency_a: 'HLT', agency_b: 'POL', children: 1 }]);
		expect(report.children_by_agency_count).toEqual([
			{ agencies: '1', children: 1 },
			{ agencies: '2', children: 1 },
			{ agencies: '3', children: 0 },
			{ agencies: '4+', children: 0 }
		]);

		// 6. No identifier or full birth date from the inputs in anything printed or reported.
		printed += readFileSync(reportFile, 'utf8');
		const identifiers = [...['LAchildID', 'UPN', 'FormerUPN'].flatMap((e) => elementValues(xml, e)), NHS_1, NHS_2, 'Officer 0'];
		const births = elementValues(xml, 'PersonBirthDate');
		expect(identifiers.length).toBeGreaterThan(300);
		expect(births.length).toBeGreaterThan(300);
		const upper = printed.toUpperCase();
		for (const id of identifiers) expect(upper.includes(id.toUpperCase()), 'an identifier was printed').toBe(false);
		for (const d of births) expect(printed.includes(d), 'a birth date was printed').toBe(false);
	});

	it('the help lists the data controller’s commands, and each has its own', async () => {
		const help = await cli('--help');
		for (const name of ['keygen', 'convert', 'pseudonymise', 'linkage']) {
			expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
			const own = await cli(name, '--help');
			expect(own.code).toBe(0);
			expect(own.stdout).toMatch(/^Usage: cli /);
		}
		// The key file is never printed.
		expect((await cli('keygen', '--out', '-')).code).toBe(2);
	});
});
