/**
 * `cli convert`: turns a council's own return (the DfE CIN census XML, Ofsted's Annex A
 * workbook) into a pseudonymised multi-agency extract folder, with the data controller's key.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { ConversionReport } from '../lib/server/convert/common.ts';
import { CinCensusError, convertCinCensus } from '../lib/server/convert/cin-census.ts';
import { KeyError } from '../lib/server/pseudonym/pseudonym.ts';
import { CommandFailed, isoDate, parse, requireValue, UsageError, writeOut } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const CONVERT_HELP = `Usage: cli convert cin-census <file.xml> --key-file <key> --agency <code> --out <dir>
                   [--nhs-lookup <csv>] [--area-lookup <csv>] [--agency-name NAME]
                   [--extracted-on YYYY-MM-DD] [--report <file.json> | --report -]
       cli convert annex-a <workbook.xlsx> --la <LA code> --key-file <key> --agency <code> --out <dir>
                   [--nhs-lookup <csv>] [--area-lookup <csv>] [--extracted-on YYYY-MM-DD]
                   [--report <file.json> | --report -]

Converts a council's return into a pseudonymised multi-agency extract folder (manifest.json and
one CSV a table), ready for "cli import". Runs on the data controller's side: the key file
holds the partnership key, which never goes to the dashboard.

cin-census: the DfE Children in Need census XML (2017 to 2026 schemas) → agencies (the
supplying agency, sector children_social_care), children, referrals, assessments,
s47_enquiries and cp_plans. child_id is made from the NHS number where --nhs-lookup gives one
for the LA child ID, else from the header's LA code and the LA child ID. manifest supplied_by is
--agency; extracted_on is the header's ReferenceDate (else today) unless --extracted-on is given.

annex-a: Ofsted's Annex A workbook (the Annex A converter's own report says what it maps).

  --la CODE            annex-a only: the local authority's 3-digit code (the workbook has none)
  --key-file FILE      the partnership key (first line: 64 to 128 hexadecimal characters)
  --agency CODE        the supplying agency's code (supplied_by, and part of every record id)
  --out DIR            the extract folder to write (must not exist, or be empty)
  --nhs-lookup CSV     two columns: LA child ID, NHS number (a header row first)
  --area-lookup CSV    two columns: LA child ID, area code (the area must be in the warehouse)
  --agency-name NAME   cin-census only: the agencies row's name (default: the agency code)
  --extracted-on DATE  the manifest's extracted_on
  --report FILE        write the conversion report (every source field mapped or dropped and
                       why, every row left out) as JSON to FILE, or to standard output with "-"

Identifiers (LA child ID, UPN, birth and death dates) are never written, printed or reported.
Exit status: 0 converted, 1 failed (unreadable file, bad key), 2 usage error.
`;

interface Converted {
	report: ConversionReport;
}

function summary(report: ConversionReport, outDir: string): string {
	const lines = [`Wrote the extract ${outDir}:`];
	for (const [table, n] of Object.entries(report.tables)) lines.push(`  ${table.padEnd(14)} ${String(n).padStart(8)} rows`);
	const dropped = report.fields.filter((f) => f.dropped > 0);
	if (dropped.length) {
		lines.push('Not carried over (field: values, reason):');
		for (const f of dropped) {
			for (const [reason, n] of Object.entries(f.reasons)) lines.push(`  ${f.source}: ${n}, ${reason}`);
		}
	}
	if (report.problems.length) lines.push(`${report.problems.length} problems with rows: see them with --report.`);
	return `${lines.join('\n')}\n`;
}

async function run(args: string[], ctx: Context): Promise<number> {
	const { values, positionals } = parse(args, {
		'key-file': { type: 'string' },
		agency: { type: 'string' },
		'agency-name': { type: 'string' },
		la: { type: 'string' },
		out: { type: 'string' },
		'nhs-lookup': { type: 'string' },
		'area-lookup': { type: 'string' },
		'extracted-on': { type: 'string' },
		report: { type: 'string' }
	});
	const [format, file, ...rest] = positionals;
	if (format !== 'cin-census' && format !== 'annex-a') throw new UsageError('give the format first: cin-census or annex-a');
	if (!file || rest.length) throw new UsageError(`give exactly one ${format === 'cin-census' ? 'census XML file' : 'Annex A workbook'}`);
	const keyFile = requireValue(values['key-file'], '--key-file');
	const agency = requireValue(values.agency, '--agency');
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(agency)) throw new UsageError('--agency must be 1 to 64 letters, digits, _ or -');
	const outDir = requireValue(values.out, '--out');
	const extractedOn = values['extracted-on'] ? isoDate(values['extracted-on'], '--extracted-on') : undefined;
	if (format === 'annex-a' && values['agency-name']) throw new UsageError('--agency-name is for cin-census');
	if (format === 'cin-census' && values.la) throw new UsageError('--la is for annex-a: the census header gives the LA code');
	if (format === 'annex-a') {
		if (!/^\d{3}$/.test(requireValue(values.la, '--la'))) throw new UsageError('--la must be the local authority\'s 3-digit code');
	}
	if (!existsSync(file)) throw new CommandFailed(`${file} does not exist`);
	if (existsSync(outDir) && (await fs.readdir(outDir)).length > 0) {
		throw new CommandFailed(`${outDir} is not empty: give a new folder for the extract`);
	}
	const common = {
		file,
		keyFile,
		agency,
		outDir,
		nhsLookup: values['nhs-lookup'],
		areaLookup: values['area-lookup'],
		extractedOn
	};
	let result: Converted;
	try {
		result =
			format === 'cin-census'
				? await convertCinCensus({ ...common, agencyName: values['agency-name'] })
				: await (await import('../lib/server/convert/annex-a.ts')).convertAnnexA({ ...common, la: requireValue(values.la, '--la') });
	} catch (e) {
		if (e instanceof CinCensusError || e instanceof KeyError) throw new CommandFailed(e.message);
		throw e;
	}
	if (values.report) {
		await writeOut(ctx.out, values.report, `${JSON.stringify(result.report, null, 2)}\n`);
		if (values.report !== '-') ctx.out(summary(result.report, path.resolve(outDir)));
	} else {
		ctx.out(summary(result.report, path.resolve(outDir)));
	}
	return 0;
}

export const convertCommand: Command = { help: CONVERT_HELP, run };
