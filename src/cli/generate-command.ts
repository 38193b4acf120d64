/** `cli generate`: a fictional partnership's extract and settings, for the demo and benchmarks. */
import { defaultDemoEnd, generateDemo } from '../lib/server/demo/generate.ts';
import { isoDate, nonNegativeInt, parse, positiveInt, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';
import { progressBar } from './progress.ts';

export const GENERATE_HELP = `Usage: cli generate --out <dir> [--children N] [--years Y] [--seed S]
                    [--format csv|parquet] [--end YYYY-MM-DD]

Writes a valid multi-agency extract for a fictional partnership to <dir>/extract (manifest
included) and its settings to <dir>/settings/priorities.csv and benchmarks.csv. No real
person is in it. The same options give the same files, byte for byte.

  --children N    children known to agencies (default 20000)
  --years Y       years of data (default 3)
  --seed S        seed of the generator (default 1)
  --format F      csv (default) or parquet
  --end DATE      last day of data (default: the last day of the previous month)

Then: cli import --db <warehouse> <dir>/extract
      cli priorities import --db <warehouse> <dir>/settings/priorities.csv
      cli benchmarks import --db <warehouse> <dir>/settings/benchmarks.csv
`;

async function run(args: string[], ctx: Context): Promise<number> {
	const { values } = parse(
		args,
		{
			out: { type: 'string' },
			children: { type: 'string' },
			years: { type: 'string' },
			seed: { type: 'string' },
			format: { type: 'string' },
			end: { type: 'string' }
		},
		false
	);
	const outDir = requireValue(values.out, '--out');
	const format = values.format ?? 'csv';
	if (format !== 'csv' && format !== 'parquet') throw new UsageError(`--format must be csv or parquet, not "${format}"`);
	const bar = progressBar();
	const result = await generateDemo({
		outDir,
		children: positiveInt(values.children, '--children', 20_000),
		years: positiveInt(values.years, '--years', 3),
		seed: nonNegativeInt(values.seed, '--seed', 1),
		format,
		end: values.end ? isoDate(values.end, '--end') : defaultDemoEnd(),
		onProgress: bar.update
	});
	bar.finish();
	ctx.out(
		`Wrote ${result.events} events (${result.period.start} to ${result.period.end}) to ${result.extractDir}\n` +
			`Settings: ${result.prioritiesFile}, ${result.benchmarksFile}\n`
	);
	return 0;
}

export const generateCommand: Command = { help: GENERATE_HELP, run };
