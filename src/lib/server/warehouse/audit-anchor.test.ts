/**
 * The audit log's anchor (issue 9, failure 9): a log reset by someone who holds the warehouse
 * file (its last entries deleted, truncated, recreated, re-chained after an edit, its hash
 * columns and meta row dropped) is BROKEN to a plain `audit-log verify`, which never modifies the
 * file. Before the anchor, every one of these passed `verify`, and the last made `verify` itself
 * write a new chain over the edited log.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../cli/main.ts';
import { importExtract } from '../import/import.ts';
import { freshWarehouse, removeTempRoot, tempDir, writeExtract } from '../testing/extract.ts';
import { anchorPath, readAnchor } from './audit-anchor.ts';
import { appendAudit, entryHash, GENESIS_HASH, readAuditLog, type StoredAuditEntry } from './audit.ts';
import { exec, openWarehouse } from './warehouse.ts';

afterAll(() => removeTempRoot());
afterEach(() => {
	delete process.env.FP_AUDIT_ANCHOR;
});

async function cli(...argv: string[]) {
	let stdout = '';
	let stderr = '';
	const code = await run(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
	return { code, stdout, stderr };
}

/** A closed warehouse whose log holds `n` entries, and the entries as stored. */
async function logOf(n: number): Promise<{ file: string; entries: StoredAuditEntry[] }> {
	const w = await freshWarehouse();
	for (let i = 1; i <= n; i++) await appendAudit(w, { actor: 'os:test', action: `cli.step${i}`, details: { i } });
	const entries = await readAuditLog(w);
	const file = w.file;
	await w.close();
	return { file, entries };
}

/** Runs SQL on a closed warehouse file, as someone holding the file could. */
async function tamper(file: string, ...statements: string[]): Promise<void> {
	const w = await openWarehouse(file);
	await w.write(async (conn) => {
		for (const s of statements) await exec(conn, s);
	});
	await w.close();
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** What `verify` says of the file, and proof that it changed neither the warehouse nor the anchor. */
async function verifyUnchanged(file: string) {
	const before = { warehouse: sha(file), anchor: existsSync(anchorPath(file)) ? sha(anchorPath(file)) : null };
	const text = await cli('audit-log', 'verify', '--db', file);
	const json = await cli('audit-log', 'verify', '--db', file, '--json');
	expect(sha(file)).toBe(before.warehouse);
	expect(existsSync(`${file}.wal`)).toBe(false);
	expect(existsSync(anchorPath(file)) ? sha(anchorPath(file)) : null).toBe(before.anchor);
	return { text, report: JSON.parse(json.stdout), code: json.code };
}

/** The statements that re-chain the log from `from` on, after an edit (the formula is public). */
function rechain(entries: StoredAuditEntry[], from: number, edit: (e: StoredAuditEntry) => StoredAuditEntry): string[] {
	const out: string[] = [];
	let prev = entries[from - 2]?.hash ?? GENESIS_HASH;
	for (const original of entries.slice(from - 1)) {
		const e = original.seq === from ? edit(original) : original;
		const hash = entryHash({ ...e, prev_hash: prev });
		out.push(
			`UPDATE audit_log SET actor = '${e.actor}', details = '${JSON.stringify(e.details)}', prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${e.seq}`
		);
		prev = hash;
	}
	return out;
}

describe('audit-log verify against the anchor', () => {
	it('writes every entry to the anchor beside the warehouse, and an intact log verifies with it', async () => {
		const { file, entries } = await logOf(3);
		const anchor = readAnchor(anchorPath(file));
		expect(anchor).toMatchObject({ state: 'read', badLines: [] });
		expect(anchor.state === 'read' && anchor.records.map((r) => [r.seq, r.hash])).toEqual(entries.map((e) => [e.seq, e.hash]));
		const { text, report, code } = await verifyUnchanged(file);
		expect(code).toBe(0);
		expect(text.stdout).toContain(`Anchor: ${anchorPath(file)}, 3 records, the last for seq 3.`);
		expect(report).toMatchObject({ ok: true, broken: null, anchor: { state: 'read', records: 3, last_seq: 3, unanchored_entries: 0 } });
	});

	it('reports BROKEN when the last entry is deleted', async () => {
		const { file } = await logOf(4);
		await tamper(file, 'DELETE FROM audit_log WHERE seq = 4');
		const { text, report } = await verifyUnchanged(file);
		expect(text.code).toBe(1);
		expect(text.stdout).toMatch(/^Audit log BROKEN: 3 entries/);
		expect(report.broken).toMatchObject({ seq: 4, kind: 'anchor' });
		expect(report.broken.message).toMatch(/entries were deleted from its end/);
	});

	it('reports BROKEN when the log is truncated', async () => {
		const { file } = await logOf(4);
		await tamper(file, 'DELETE FROM audit_log');
		const { text, report } = await verifyUnchanged(file);
		expect(text.code).toBe(1);
		expect(text.stdout).toMatch(/^Audit log BROKEN: 0 entries/);
		expect(report.broken).toMatchObject({ seq: 1, kind: 'anchor' });
		expect(report.broken.message).toMatch(/but the log is empty/);
	});

	it('reports BROKEN when the table is recreated, even with a fresh chain in it', async () => {
		const { file } = await logOf(3);
		const fresh: StoredAuditEntry = { seq: 1, logged_at: '2026-01-01T00:00:00.000Z', actor: 'os:x', action: 'cli.import', details: {}, prev_hash: GENESIS_HASH, hash: null };
		const hash = entryHash(fresh);
		await tamper(
			file,
			'DROP TABLE audit_log',
			'CREATE TABLE audit_log (seq BIGINT, logged_at TIMESTAMPTZ, actor VARCHAR, action VARCHAR, details JSON, prev_hash VARCHAR, hash VARCHAR)',
			`INSERT INTO audit_log VALUES (1, TIMESTAMPTZ '2026-01-01 00:00:00+00', 'os:x', 'cli.import', '{}', '${GENESIS_HASH}', '${hash}')`
		);
		const { text, report } = await verifyUnchanged(file);
		expect(text.code).toBe(1);
		expect(report.broken).toMatchObject({ seq: 1, kind: 'anchor' });
		expect(report.broken.message).toMatch(/seq 1 is not the entry the anchor recorded \(line 1\): the log was rewritten/);
	});

	it('reports BROKEN when the log is re-chained after an edit', async () => {
		const { file, entries } = await logOf(4);
		await tamper(file, ...rechain(entries, 2, (e) => ({ ...e, actor: 'os:someone-else' })));
		const { text, report } = await verifyUnchanged(file);
		expect(text.code).toBe(1);
		// The chain itself is whole again: only the anchor shows the rewrite.
		expect(report.broken).toMatchObject({ seq: 2, kind: 'anchor' });
	});

	it('reports BROKEN when the hash columns and the meta row are dropped, and does not chain the log again', async () => {
		const { file } = await logOf(3);
		await tamper(file, 'ALTER TABLE audit_log DROP COLUMN hash', 'ALTER TABLE audit_log DROP COLUMN prev_hash', `DELETE FROM meta WHERE key = 'audit_chain'`);
		const { text, report } = await verifyUnchanged(file);
		expect(text.code).toBe(1);
		expect(report).toMatchObject({ unchained: false, broken: { seq: null, kind: 'layout' } });
		expect(text.stderr).toMatch(/hash columns were removed although its chain was started \(as its anchor \S+ shows\)/);
		// An append refuses too, rather than chaining the edited log afresh.
		const w = await openWarehouse(file);
		await expect(appendAudit(w, { actor: 'os:test', action: 'cli.x' })).rejects.toThrow(/not chained again/);
		await w.close();
		expect((await verifyUnchanged(file)).code).toBe(1);
	});

	it('reports BROKEN when the anchor is missing; an append does not make it again; audit-log anchor starts it once', async () => {
		const { file, entries } = await logOf(2);
		rmSync(anchorPath(file));
		const missing = await verifyUnchanged(file);
		expect(missing.code).toBe(1);
		expect(missing.report.broken).toMatchObject({ seq: null, kind: 'anchor' });
		expect(missing.text.stderr).toMatch(/there is no anchor at \S+: a cut at the log's end cannot be ruled out/);
		const w = await openWarehouse(file);
		await appendAudit(w, { actor: 'os:test', action: 'cli.x' });
		await w.close();
		expect(existsSync(anchorPath(file))).toBe(false);

		const started = await cli('audit-log', 'anchor', '--db', file);
		expect(started.code).toBe(0);
		expect(started.stdout).toContain(`Anchor started at ${anchorPath(file)}: seq 4`);
		expect(started.stdout).toContain('Entries before it (3)');
		const after = await verifyUnchanged(file);
		expect(after.report).toMatchObject({ ok: true, entries: 4, anchor: { records: 1, last_seq: 4 } });
		const again = await cli('audit-log', 'anchor', '--db', file);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/an anchor exists at \S+: it is never started again/);
		expect(entries).toHaveLength(2);
	});

	it('refuses to start an anchor over a broken chain', async () => {
		const { file } = await logOf(3);
		rmSync(anchorPath(file));
		await tamper(file, `UPDATE audit_log SET actor = 'os:other' WHERE seq = 2`);
		const r = await cli('audit-log', 'anchor', '--db', file);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/the audit log is broken at seq 2: .*content changed.*no anchor was started/);
		expect(existsSync(anchorPath(file))).toBe(false);
	});

	it('reports entries committed after the anchor\'s last record (a stop between commit and anchor), still intact', async () => {
		const { file } = await logOf(3);
		const lines = readFileSync(anchorPath(file), 'utf8').split('\n');
		writeFileSync(anchorPath(file), `${lines.slice(0, 2).join('\n')}\n`);
		const { text, report } = await verifyUnchanged(file);
		expect(report).toMatchObject({ ok: true, anchor: { records: 2, last_seq: 2, unanchored_entries: 1 } });
		expect(text.stdout).toContain('1 entries after seq 2 are not in the anchor');
	});

	it('reports an edited anchor line as BROKEN', async () => {
		const { file } = await logOf(2);
		writeFileSync(anchorPath(file), readFileSync(anchorPath(file), 'utf8').replace(/^1 /, 'one '));
		const { report } = await verifyUnchanged(file);
		expect(report.broken).toMatchObject({ kind: 'anchor' });
		expect(report.broken.message).toMatch(/line 1 of the anchor \S+ is not a record/);
	});

	it('refuses to make a new warehouse where the anchor of an earlier one is', async () => {
		const { file } = await logOf(1);
		rmSync(file);
		await expect(openWarehouse(file, { create: true })).rejects.toThrow(/the audit log's anchor \S+ of an earlier warehouse exists: move it aside/);
		expect(existsSync(file)).toBe(false);
	});

	it('puts the anchor at FP_AUDIT_ANCHOR, and checks against it there', async () => {
		const elsewhere = path.join(tempDir('anchor'), 'kept-elsewhere.anchor');
		process.env.FP_AUDIT_ANCHOR = elsewhere;
		const { file, entries } = await logOf(2);
		expect(existsSync(`${file}.audit-anchor`)).toBe(false);
		expect(readFileSync(elsewhere, 'utf8')).toContain(`2 ${entries[1].hash} `);
		expect((await verifyUnchanged(file)).report).toMatchObject({ ok: true, anchor: { path: elsewhere, records: 2 } });
		await tamper(file, 'DELETE FROM audit_log WHERE seq = 2');
		expect((await verifyUnchanged(file)).code).toBe(1);
	});

	it('anchors an import\'s entry, written in the import\'s own transaction', async () => {
		const w = await freshWarehouse();
		const dir = writeExtract({ files: { 'agencies.csv': 'agency_code,agency_name,sector\nPOL,Police,police\n' } });
		const report = await importExtract(w, dir, { audit: (r) => ({ actor: 'os:test', action: 'cli.import', details: { batch: r.batch_id, status: r.status } }) });
		expect(report.status).toBe('committed');
		const [entry] = await readAuditLog(w);
		expect(entry).toMatchObject({ seq: 1, action: 'cli.import', details: { batch: report.batch_id, status: 'committed' } });
		const anchor = readAnchor(w.auditAnchor);
		expect(anchor.state === 'read' && anchor.records.map((r) => [r.seq, r.hash])).toEqual([[1, entry.hash]]);
		await w.close();
	});
});
