/** `cli metrics`: every metric of metrics.md for a period and filters, as metrics.md's JSON. */
import { computeMetrics, MetricQueryError, toCliJson } from '../lib/server/metrics/compute.ts';
import { isoDate, parse, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const METRICS_HELP = `Usage: cli metrics --db <warehouse> --from YYYY-MM-DD --to YYYY-MM-DD
                   [--area CODE] [--agency CODE | --sector SECTOR] [--by DIMENSION] --json

Prints every metric of metrics.md for the period [from, to] (both inclusive) as JSON:
{"period", "filters", "metrics": {key: {"value", "numerator", "denominator"}}}, or with --by,
{"period", "filters", "by", "groups": [{"group", "metrics"}]}. Values are unrounded and
unsuppressed: this is the data controller's tool, and each run is written to the audit log.

  --area CODE       only events of children living in that area (and its population)
  --agency CODE     only that agency's contacts, referrals, requests, escalations, attendance,
                    audit findings and actions (metrics of tables without an agency are "z")
  --sector SECTOR   every agency of that sector (not with --agency)
  --by DIMENSION    month, area, sector, agency, concern, age_band, sex or ethnicity_group
  --json            required: the output is JSON

Exit status: 0 success, 1 failed (e.g. the warehouse is held by a server), 2 usage error.
`;

async function run(args: string[], ctx: Context): Promise<number> {
	const { values } = parse(
		args,
		{
			db: { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			area: { type: 'string' },
			agency: { type: 'string' },
			sector: { type: 'string' },
			by: { type: 'string' },
			json: { type: 'boolean' }
		},
		false
	);
	const db = requireValue(values.db, '--db');
	const from = isoDate(requireValue(values.from, '--from'), '--from');
	const to = isoDate(requireValue(values.to, '--to'), '--to');
	if (!values.json) throw new UsageError('--json is required (the output is JSON)');
	if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
	if (values.agency && values.sector) throw new UsageError('give --agency or --sector, not both');
	const warehouse = await ctx.warehouse(db);
	const query = {
		from,
		to,
		area: values.area ?? null,
		agency: values.agency ?? null,
		sector: values.sector ?? null,
		by: (values.by ?? null) as never
	};
	let result;
	try {
		result = await computeMetrics(warehouse, query);
	} catch (e) {
		if (e instanceof MetricQueryError) throw new UsageError(e.message);
		throw e;
	}
	await ctx.audit('metrics', { from, to, area: query.area, agency: query.agency, sector: query.sector, by: query.by });
	ctx.out(`${JSON.stringify(toCliJson(result), null, 2)}\n`);
	return 0;
}

export const metricsCommand: Command = { help: METRICS_HELP, run };
