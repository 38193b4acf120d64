/** `cli linkage`: children by number of involved agencies, and agencies sharing children. */
import { linkageReport } from '../lib/server/linkage/linkage.ts';
import { isoDate, parse, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const LINKAGE_HELP = `Usage: cli linkage --db <warehouse> [--from YYYY-MM-DD] [--to YYYY-MM-DD] --json

Prints how far the data links children across agencies, for the period [from, to] (both
inclusive; without them, all data), as JSON:
{"period": {"from", "to"},
 "children_by_agency_count": [{"agencies": "1" | "2" | "3" | "4+", "children"}],
 "pairs": [{"agency_a", "agency_b", "children"}]}
A child's involved agencies are as for the metric multi_agency_children_pct: the source
agencies of its contacts and referrals, both agencies of its information requests, and the
agencies that attended its meetings, in the period. Children with none are not counted.
A pair counts the children involved with both agencies (most first). Figures are unsuppressed:
this is the data controller's tool, and each run is written to the audit log.

Exit status: 0 success, 1 failed (e.g. the warehouse is held by a server), 2 usage error.
`;

async function run(args: string[], ctx: Context): Promise<number> {
	const { values } = parse(args, { db: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } }, false);
	const db = requireValue(values.db, '--db');
	const from = values.from !== undefined ? isoDate(values.from, '--from') : null;
	const to = values.to !== undefined ? isoDate(values.to, '--to') : null;
	if (!values.json) throw new UsageError('--json is required (the output is JSON)');
	if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
	const warehouse = await ctx.warehouse(db);
	const report = await linkageReport(warehouse, { from, to });
	await ctx.audit('linkage', { from, to });
	ctx.out(`${JSON.stringify(report, null, 2)}\n`);
	return 0;
}

export const linkageCommand: Command = { help: LINKAGE_HELP, run };
