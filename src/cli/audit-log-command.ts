/** `cli audit-log`: verify the audit log's hash chain, or list its entries (docs/audit-log.md). */
import { GENESIS_HASH, readAuditLog, verifyAuditLog, type AuditVerifyReport } from '../lib/server/warehouse/audit.ts';
import { parse, positiveInt, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const AUDIT_LOG_HELP = `Usage: cli audit-log verify --db <warehouse> [--expect-head <hash>] [--json]
       cli audit-log list --db <warehouse> [--limit N] [--json]

verify: walks the audit log in seq order and recomputes every entry's SHA-256 hash (over its
seq, time, actor, action, details and the previous entry's hash). Prints the number of entries
and the head hash (the last entry's hash): record the head somewhere else (a ticket, an email)
to detect later that the log was cut or rewritten. If an entry's hash or its link to the entry
before is wrong, it names the first broken seq: "content changed" (the row was edited) or
"link broken or row missing" (a row before it was deleted or rewritten).
  --expect-head H   a head recorded earlier: it must be the hash of some entry in the log (the
                    head now, or an earlier one: it says how many entries came after it);
                    otherwise the log was cut or rewritten since H was recorded. Deleting the
                    last entries leaves an intact chain: only --expect-head catches it.
  --json            print the report as JSON: {ok, entries, first_seq, last_seq, head, broken:
                    {seq, kind: "content" | "link", message} | null, expected_head: {hash, found,
                    seq, entries_after} | null, chain: {legacy_entries, chained_at} | null}
verify writes no audit entry of its own (it would move the head it prints).

list: prints the log's entries in seq order (with --limit N, the last N), with their hashes.
Each list run is written to the audit log (after it is read).

A log from before the hash chain is chained in place when first used (docs/audit-log.md).

Exit status: 0 intact (verify) or listed, 1 broken, recorded head not found or failed, 2 usage error.
`;

function text(report: AuditVerifyReport): { out: string; err: string } {
	const out: string[] = [];
	const err: string[] = [];
	const range = report.entries > 0 ? ` (seq ${report.first_seq} to ${report.last_seq})` : '';
	out.push(`${report.broken ? 'Audit log BROKEN' : 'Audit log intact'}: ${report.entries} entries${range}.`);
	out.push(`Head: ${report.head}`);
	if (report.chain && report.chain.legacy_entries > 0) {
		out.push(
			`The first ${report.chain.legacy_entries} entries predate the hash chain and were chained when it was added (${report.chain.chained_at}).`
		);
	}
	if (report.broken) err.push(`the audit log is broken at seq ${report.broken.seq}: ${report.broken.message}`);
	const e = report.expected_head;
	if (e) {
		if (!e.found) {
			err.push(`the recorded head ${e.hash} is not in the log: the log was cut or rewritten since it was recorded`);
		} else if (e.hash === GENESIS_HASH) {
			out.push(`The recorded head is the start of the log; ${e.entries_after} entries came after it.`);
		} else if (e.entries_after === 0) {
			out.push(`The recorded head is the head (seq ${e.seq}); no entries came after it.`);
		} else {
			out.push(`The recorded head is the entry seq ${e.seq}; ${e.entries_after} entries came after it.`);
		}
	}
	return { out: `${out.join('\n')}\n`, err: err.map((l) => `audit-log: ${l}\n`).join('') };
}

async function run(args: string[], ctx: Context): Promise<number> {
	const [action, ...rest] = args;
	if (action !== 'verify' && action !== 'list') throw new UsageError('say "verify" or "list"');
	if (action === 'verify') {
		const { values } = parse(rest, { db: { type: 'string' }, 'expect-head': { type: 'string' }, json: { type: 'boolean' } }, false);
		const db = requireValue(values.db, '--db');
		const expectHead = values['expect-head'];
		if (expectHead !== undefined && !/^[0-9a-f]{64}$/i.test(expectHead)) {
			throw new UsageError(`--expect-head must be a SHA-256 hash (64 hex digits), not "${expectHead}"`);
		}
		const warehouse = await ctx.warehouse(db);
		// No ctx.audit here: an entry for this run would move the head this run prints.
		const report = await verifyAuditLog(warehouse, { expectHead });
		if (values.json) ctx.out(`${JSON.stringify(report, null, 2)}\n`);
		else {
			const t = text(report);
			ctx.out(t.out);
			if (t.err) ctx.err(t.err);
		}
		return report.ok ? 0 : 1;
	}
	const { values } = parse(rest, { db: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } }, false);
	const db = requireValue(values.db, '--db');
	const limit = values.limit === undefined ? undefined : positiveInt(values.limit, '--limit', 0);
	const warehouse = await ctx.warehouse(db);
	const entries = await readAuditLog(warehouse, { limit });
	await ctx.audit('audit-log.list', { limit: limit ?? null, entries: entries.length });
	if (values.json) ctx.out(`${JSON.stringify(entries, null, 2)}\n`);
	else if (entries.length === 0) ctx.out('The audit log is empty.\n');
	else {
		for (const e of entries) {
			ctx.out(`${e.seq} ${e.logged_at} ${e.actor} ${e.action} ${JSON.stringify(e.details)} ${e.hash}\n`);
		}
	}
	return 0;
}

export const auditLogCommand: Command = { help: AUDIT_LOG_HELP, run };
