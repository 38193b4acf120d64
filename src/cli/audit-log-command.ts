/** `cli audit-log`: verify the audit log's hash chain, or list its entries (docs/audit-log.md). */
import { readAnchor } from '../lib/server/warehouse/audit-anchor.ts';
import { appendAudit, GENESIS_HASH, osActor, readAuditLog, verifyAuditLog, type AuditVerifyReport } from '../lib/server/warehouse/audit.ts';
import { CommandFailed, parse, positiveInt, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const AUDIT_LOG_HELP = `Usage: cli audit-log verify --db <warehouse> [--expect-head <hash>] [--json]
       cli audit-log list --db <warehouse> [--limit N] [--json]
       cli audit-log anchor --db <warehouse>

verify: walks the audit log in seq order, recomputes every entry's SHA-256 hash (over its seq,
time, actor, action, details and the previous entry's hash) and checks the log against its
anchor: the file outside the warehouse where the head is written after every entry
(<warehouse>.audit-anchor, or FP_AUDIT_ANCHOR). Prints the number of entries and the head.
BROKEN names what it found first: "content changed" (a row was edited), "link broken or row
missing" (a row before it was deleted or rewritten), an anchor record the log no longer holds
(its last entries deleted, the log truncated, recreated or re-chained), the hash columns
removed, or no anchor at all. It opens the warehouse read-only: it never changes the file, and
writes no audit entry (it would move the head it prints).
  --expect-head H   a head recorded elsewhere too: it must be the hash of some entry in the log
                    (the head now, or an earlier one: it says how many entries came after it)
  --json            print the report as JSON: {ok, entries, first_seq, last_seq, head, broken:
                    {seq, kind: "content" | "link" | "anchor" | "layout", message} | null,
                    expected_head: {hash, found, seq, entries_after} | null, chain:
                    {legacy_entries, chained_at} | null, unchained, anchor: {path, state:
                    "read" | "absent" | "unreadable", records, last_seq, unanchored_entries,
                    reason}}

list: prints the log's entries in seq order (with --limit N, the last N), with their hashes.
Each list run is written to the audit log (after it is read).

anchor: starts the anchor of a log that has none (a warehouse made before anchors, or one whose
anchor was lost and whose log was checked against a head recorded elsewhere): checks the chain,
then appends an entry (cli.audit-log.anchor) whose hash is the anchor's first record. Refused
when the chain is broken, or when an anchor exists (use verify).

A log from before the hash chain is chained in place on its first append or list, and its anchor
started then (docs/audit-log.md).

Exit status: 0 intact (verify), listed or anchored, 1 broken, recorded head not found or failed,
2 usage error.
`;

function text(report: AuditVerifyReport): { out: string; err: string } {
	const out: string[] = [];
	const err: string[] = [];
	const range = report.entries > 0 ? ` (seq ${report.first_seq} to ${report.last_seq})` : '';
	out.push(`${report.broken ? 'Audit log BROKEN' : 'Audit log intact'}: ${report.entries} entries${range}.`);
	out.push(`Head: ${report.head}`);
	if (report.unchained) out.push('The log predates the hash chain: it is chained, and its anchor started, on its next append.');
	if (report.chain && report.chain.legacy_entries > 0) {
		out.push(
			`The first ${report.chain.legacy_entries} entries predate the hash chain and were chained when it was added (${report.chain.chained_at}).`
		);
	}
	const a = report.anchor;
	if (a.state === 'read' && a.records > 0 && !report.broken) {
		out.push(`Anchor: ${a.path}, ${a.records} records, the last for seq ${a.last_seq}.`);
		if (a.unanchored_entries > 0) {
			out.push(
				`${a.unanchored_entries} entries after seq ${a.last_seq} are not in the anchor (it could not be written then, or a process stopped between the commit and the anchor): they are checked by the chain only.`
			);
		}
	}
	if (a.state === 'unreadable') {
		out.push(`Anchor: ${a.path} cannot be read back (${a.reason}): compare the head with what it received, or use --expect-head.`);
	}
	if (report.broken) err.push(`the audit log is broken${report.broken.seq === null ? '' : ` at seq ${report.broken.seq}`}: ${report.broken.message}`);
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
	if (action !== 'verify' && action !== 'list' && action !== 'anchor') throw new UsageError('say "verify", "list" or "anchor"');
	if (action === 'verify') {
		const { values } = parse(rest, { db: { type: 'string' }, 'expect-head': { type: 'string' }, json: { type: 'boolean' } }, false);
		const db = requireValue(values.db, '--db');
		const expectHead = values['expect-head'];
		if (expectHead !== undefined && !/^[0-9a-f]{64}$/i.test(expectHead)) {
			throw new UsageError(`--expect-head must be a SHA-256 hash (64 hex digits), not "${expectHead}"`);
		}
		const warehouse = await ctx.warehouse(db, { readOnly: true });
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
	if (action === 'anchor') return startAnchor(rest, ctx);
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

/** `anchor`: starts a missing anchor at a new entry, after checking the chain; never over an existing one. */
async function startAnchor(rest: string[], ctx: Context): Promise<number> {
	const { values } = parse(rest, { db: { type: 'string' } }, false);
	const warehouse = await ctx.warehouse(requireValue(values.db, '--db'));
	const existing = readAnchor(warehouse.auditAnchor);
	if (existing.state !== 'absent') {
		throw new CommandFailed(`an anchor exists at ${existing.path}: it is never started again (run "cli audit-log verify"; to start a new one, move that file aside first, and keep it)`);
	}
	const report = await verifyAuditLog(warehouse);
	if (report.broken && report.broken.kind !== 'anchor') {
		throw new CommandFailed(`the audit log is broken${report.broken.seq === null ? '' : ` at seq ${report.broken.seq}`}: ${report.broken.message}; no anchor was started`);
	}
	const entry = await appendAudit(
		warehouse,
		{ actor: osActor(), action: 'cli.audit-log.anchor', details: { anchor: existing.path, previous_head: report.head, entries_before: report.entries } },
		{ startAnchor: true }
	);
	if (readAnchor(warehouse.auditAnchor).state !== 'read') throw new CommandFailed(`the anchor ${existing.path} could not be written`);
	ctx.out(`Anchor started at ${existing.path}: seq ${entry.seq}, head ${entry.hash}.\nEntries before it (${report.entries}) are checked by the chain only; compare the previous head ${report.head} with one recorded elsewhere.\n`);
	return 0;
}

export const auditLogCommand: Command = { help: AUDIT_LOG_HELP, run };
