/**
 * The audit log: who did what, when (UTC), with which filters; never child-level values.
 * Append-only. (Sign-in, roles and the hash chain come with the access-control work; the
 * command line already records each run that reads or changes data under the OS user.)
 */
import { userInfo } from 'node:os';
import { exec, type Warehouse } from './warehouse.ts';

export interface AuditEntry {
	actor: string;
	action: string;
	details?: Record<string, unknown>;
}

/** The operating-system user running the command line, as the log names them. */
export function osActor(): string {
	try {
		return `os:${userInfo().username}`;
	} catch {
		return `os:${process.env.USER ?? 'unknown'}`;
	}
}

export async function appendAudit(warehouse: Warehouse, entry: AuditEntry): Promise<void> {
	await warehouse.write((conn) =>
		exec(
			conn,
			`INSERT INTO audit_log SELECT coalesce(max(seq), 0) + 1, now(), $actor, $action, $details FROM audit_log`,
			{ actor: entry.actor, action: entry.action, details: JSON.stringify(entry.details ?? {}) }
		)
	);
}
