/**
 * The audit log's anchor: the chain's head, written after every committed entry to a file
 * outside the warehouse (docs/audit-log.md). Someone who can rewrite the warehouse file can
 * delete the log's last entries, truncate it or re-chain it after an edit and leave a chain that
 * checks; they cannot make it agree with an anchor they cannot reach. `audit-log verify` checks
 * the log against every record the anchor holds.
 *
 * The anchor is `<warehouse>.audit-anchor`, or the path in FP_AUDIT_ANCHOR (another volume, a
 * file only the service may append to, a named pipe read by syslog). Each record is one line,
 * appended and never rewritten:
 *
 *   <seq> <hash> <logged_at>\n
 *
 * The anchor is started by the log's first entry, by chaining a log made before the chain, or by
 * `cli audit-log anchor`; once it is missing it is never made again by an ordinary append (that
 * would let a deleted anchor and a cut log pass as a new start).
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/** One line of the anchor: an entry's seq and hash, as committed. */
export interface AnchorRecord {
	seq: number;
	hash: string;
	/** Line number in the anchor file, from 1. */
	line: number;
}

export type AnchorRead =
	| { state: 'absent'; path: string }
	/** A named pipe or device (syslog): appended to, but it cannot be read back. */
	| { state: 'unreadable'; path: string; reason: string }
	| { state: 'read'; path: string; records: AnchorRecord[]; badLines: number[] };

/** Where the anchor of the warehouse `file` lives: FP_AUDIT_ANCHOR, else beside the warehouse. */
export function anchorPath(file: string, env: NodeJS.ProcessEnv = process.env): string {
	const configured = env.FP_AUDIT_ANCHOR?.trim();
	return configured ? path.resolve(configured) : `${path.resolve(file)}.audit-anchor`;
}

const LINE = /^(\d{1,18}) ([0-9a-f]{64})(?: \S+)?$/;

/** Reads every record of the anchor. Never writes. */
export function readAnchor(file: string): AnchorRead {
	if (!existsSync(file)) return { state: 'absent', path: file };
	let stat;
	try {
		stat = statSync(file);
	} catch (e) {
		return { state: 'unreadable', path: file, reason: (e as NodeJS.ErrnoException).code ?? 'cannot be read' };
	}
	if (!stat.isFile()) return { state: 'unreadable', path: file, reason: 'it is not a regular file (a pipe or device is written to, not read back)' };
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		return { state: 'unreadable', path: file, reason: (e as NodeJS.ErrnoException).code ?? 'cannot be read' };
	}
	const records: AnchorRecord[] = [];
	const badLines: number[] = [];
	const lines = text.split('\n');
	// A write cut short by a crash leaves a last line without its newline: not a record.
	if (lines[lines.length - 1] === '') lines.pop();
	else if (lines.length > 0) lines.pop();
	lines.forEach((l, i) => {
		const m = LINE.exec(l);
		if (m) records.push({ seq: Number(m[1]), hash: m[2], line: i + 1 });
		else badLines.push(i + 1);
	});
	return { state: 'read', path: file, records, badLines };
}

/** Why the last anchor write failed, for the one warning per anchor this process gives. */
const warned = new Set<string>();

function warn(file: string, message: string): void {
	if (warned.has(file)) return;
	warned.add(file);
	process.stderr.write(`Full Picture: ${message}\n`);
}

/**
 * Appends an entry's record to the anchor, after its commit. `start`: this entry may create the
 * anchor (the log's first entry, a chain started in place, `cli audit-log anchor`); otherwise a
 * missing anchor is left missing, and said once on stderr. A failed write never undoes the
 * committed entry (it is said on stderr, and `verify` reports the entries after the anchor's last
 * record); returns whether the record was written.
 */
export function writeAnchor(file: string, entry: { seq: number; hash: string; logged_at: string | null }, start: boolean): boolean {
	if (!start && !existsSync(file)) {
		warn(file, `the audit log's anchor ${file} is missing: entries are not anchored (run "cli audit-log verify", then "cli audit-log anchor"; docs/audit-log.md)`);
		return false;
	}
	let fd: number | undefined;
	try {
		// O_NONBLOCK: a pipe with no reader fails at once (ENXIO) instead of holding the writer.
		fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, 0o600);
		writeSync(fd, `${entry.seq} ${entry.hash} ${entry.logged_at ?? '-'}\n`);
		if (fstatSync(fd).isFile()) fsyncSync(fd);
		warned.delete(file);
		return true;
	} catch (e) {
		warn(file, `could not write the audit log's anchor ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}): entries after seq ${entry.seq - 1} are not anchored`);
		return false;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}
