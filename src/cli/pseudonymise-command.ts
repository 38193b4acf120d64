/** `cli pseudonymise`: a partner agency's own CSV made into one table of an extract. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CsvError } from '../lib/server/pseudonym/csv.ts';
import { KeyError, readKeyFile } from '../lib/server/pseudonym/pseudonym.ts';
import { formatPseudonymiseReport, parseIdSpec, PseudonymiseError, pseudonymiseCsv } from '../lib/server/pseudonym/pseudonymise.ts';
import { CommandFailed, parse, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const PSEUDONYMISE_HELP = `Usage: cli pseudonymise <file.csv> --key-file <key> --agency <code> --table <table>
                        --id <column>[:nhs|:la] ... [--la <code>] [--birth-date <column>]
                        [--drop <column> ...] --out <file.csv>

Pseudonymises a partner agency's own CSV (UTF-8, comma-separated, RFC 4180 quotes, a header
row) into one table of the multi-agency extract, with the partnership key. Every column is
reported on standard error with what was done to it; no value from the file is ever printed.

  --key-file FILE      the partnership key (made once with "cli keygen")
  --agency CODE        the supplying agency's code (record ids are hashed under it)
  --table TABLE        the extract table the file is for (contacts, referrals, info_requests, ...)
  --id COLUMN:nhs      the column holds NHS numbers: replaced by child_id, the child's pseudonym
  --id COLUMN:la       the column holds LA child IDs (needs --la): replaced by child_id; with
                       a column of NHS numbers too, the NHS number is used where the row has one
  --id COLUMN          the column holds record ids (the record's own, e.g. contact_id, or a
                       reference such as referrals.contact_id): each is replaced by its hashed
                       id under the same column name. Repeat --id for each such column.
  --la CODE            the local authority's 3-digit code, for LA child IDs
  --birth-date COLUMN  dates of birth (YYYY-MM-DD or DD/MM/YYYY): replaced by birth_month (YYYY-MM)
  --drop COLUMN        leaves the column out (names, addresses, notes, ...). Repeat for each.
  --out FILE           the output CSV (columns in the table's order); put it in the extract
                       folder as <table>.csv, beside manifest.json

Every other column is copied unchanged. The output's columns must be exactly the table's
(docs/data-dictionary.md): unknown or missing required columns are named and nothing is
written. A column still holding NHS numbers stops the run. Rows with the wrong number of
fields are left out and listed by line.

Exit status: 0 written, 1 failed (nothing written), 2 usage error.
`;

async function run(args: string[], ctx: Context): Promise<number> {
	const { values, positionals } = parse(args, {
		'key-file': { type: 'string' },
		agency: { type: 'string' },
		table: { type: 'string' },
		id: { type: 'string', multiple: true },
		la: { type: 'string' },
		'birth-date': { type: 'string' },
		drop: { type: 'string', multiple: true },
		out: { type: 'string' }
	});
	if (positionals.length !== 1) throw new UsageError('give exactly one CSV file to pseudonymise');
	const input = positionals[0];
	const keyFile = requireValue(values['key-file'], '--key-file');
	const agency = requireValue(values.agency, '--agency');
	const table = requireValue(values.table, '--table');
	const out = requireValue(values.out, '--out');
	if (path.resolve(out) === path.resolve(input)) throw new UsageError('--out must not be the input file');
	const ids = values.id ?? [];
	if (ids.length === 0 && !values['birth-date'] && !(values.drop ?? []).length) {
		throw new UsageError('name at least one column to pseudonymise (--id), convert (--birth-date) or drop (--drop)');
	}
	try {
		const key = await readKeyFile(keyFile);
		const result = await pseudonymiseCsv({
			input,
			key,
			agency,
			table,
			ids: ids.map(parseIdSpec),
			laCode: values.la ?? null,
			birthDate: values['birth-date'] ?? null,
			drop: values.drop ?? []
		});
		await fs.writeFile(out, result.csv, 'utf8');
		ctx.err(formatPseudonymiseReport(result, table, out));
		return 0;
	} catch (e) {
		if (e instanceof PseudonymiseError || e instanceof KeyError || e instanceof CsvError) throw new CommandFailed(e.message);
		throw e;
	}
}

export const pseudonymiseCommand: Command = { help: PSEUDONYMISE_HELP, run };
