/** The audit log's hash chain: appends chain, verify finds edits, cuts and gaps, legacy logs are chained. */
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/main.ts';
import { freshWarehouse, removeTempRoot } from '../testing/extract.ts';
import { appendAudit, canonicalJson, entryHash, GENESIS_HASH, readAuditLog, verifyAuditLog } from './audit.ts';
import { exec, openWarehouse, query, type Warehouse } from './warehouse.ts';

afterAll(() => removeTempRoot());

async function cli(...argv: string[]) {
	let stdout = '';
	let stderr = '';
	const code = await run(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
	return { code, stdout, stderr };
}

/** A closed warehouse file whose log holds `n` entries; returns the file and the entries' hashes. */
async function logOf(n: number): Promise<{ file: string; hashes: string[] }> {
	const w = await freshWarehouse();
	const hashes: string[] = [];
	for (let i = 1; i <= n; i++) hashes.push((await appendAudit(w, { actor: 'os:test', action: `cli.step${i}`, details: { i, z: 'last', a: { y: 1, b: [2, 3] } } })).hash!);
	const file = w.file;
	await w.close();
	return { file, hashes };
}

/** Runs SQL on a closed warehouse file (as someone with the file could), then closes it again. */
async function tamper(file: string, ...statements: string[]): Promise<void> {
	const w = await openWarehouse(file);
	await w.write(async (conn) => {
		for (const s of statements) await exec(conn, s);
	});
	await w.close();
}

async function count(w: Warehouse): Promise<number> {
	const [row] = await w.read((conn) => query<{ n: number }>(conn, 'SELECT count(*) AS n FROM audit_log'));
	return row.n;
}

describe('the audit log hash chain', () => {
	it('canonicalises details with sorted keys at every depth', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
		expect(canonicalJson(undefined)).toBe('null');
	});

	it('chains each entry to the one before, the first to 64 zeros, hashing the stored values', async () => {
		const w = await freshWarehouse();
		for (let i = 1; i <= 3; i++) await appendAudit(w, { actor: 'os:test', action: 'cli.x', details: { i, b: 'x', a: 1 } });
		const log = await readAuditLog(w);
		expect(log.map((e) => e.seq)).toEqual([1, 2, 3]);
		expect(log[0].prev_hash).toBe(GENESIS_HASH);
		expect(log[1].prev_hash).toBe(log[0].hash);
		expect(log[2].prev_hash).toBe(log[1].hash);
		for (const e of log) {
			expect(e.logged_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			expect(e.hash).toBe(entryHash(e));
			expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
		}
		const [raw] = await w.read((conn) => query<{ d: string }>(conn, `SELECT CAST(details AS VARCHAR) AS d FROM audit_log WHERE seq = 1`));
		expect(raw.d).toBe('{"a":1,"b":"x","i":1}');
		expect((await readAuditLog(w, { limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
		await w.close();
	});

	it('keeps a chain when appends are made at the same time', async () => {
		const w = await freshWarehouse();
		await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(w, { actor: 'os:test', action: 'cli.y', details: { i } })));
		const report = await verifyAuditLog(w);
		expect(report).toMatchObject({ ok: true, entries: 20, first_seq: 1, last_seq: 20, broken: null });
		await w.close();
	});

	it('verify passes on an intact log, prints the count and the head, and appends nothing', async () => {
		const { file, hashes } = await logOf(3);
		const r = await cli('audit-log', 'verify', '--db', file);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('Audit log intact: 3 entries (seq 1 to 3).');
		expect(r.stdout).toContain(`Head: ${hashes[2]}`);
		const j = await cli('audit-log', 'verify', '--db', file, '--json', '--expect-head', hashes[2]);
		expect(j.code).toBe(0);
		expect(JSON.parse(j.stdout)).toMatchObject({
			ok: true,
			entries: 3,
			head: hashes[2],
			broken: null,
			expected_head: { hash: hashes[2], found: true, seq: 3, entries_after: 0 },
			chain: { legacy_entries: 0 }
		});
		const w = await openWarehouse(file);
		expect(await count(w)).toBe(3);
		await w.close();
	});

	it('a changed row is named by its seq', async () => {
		const { file } = await logOf(4);
		await tamper(file, `UPDATE audit_log SET details = '{"i":2,"note":"edited"}' WHERE seq = 2`);
		const r = await cli('audit-log', 'verify', '--db', file);
		expect(r.code).toBe(1);
		expect(r.stdout).toContain('Audit log BROKEN: 4 entries');
		expect(r.stderr).toMatch(/broken at seq 2: seq 2: content changed/);
		const j = await cli('audit-log', 'verify', '--db', file, '--json');
		expect(j.code).toBe(1);
		expect(JSON.parse(j.stdout).broken).toMatchObject({ seq: 2, kind: 'content' });
	});

	it('a row rewritten with a fresh hash breaks the link of the next', async () => {
		const { file } = await logOf(4);
		const w = await openWarehouse(file);
		const [e2] = (await readAuditLog(w)).filter((e) => e.seq === 2);
		const forged = entryHash({ ...e2, actor: 'os:someone-else' });
		await w.close();
		await tamper(file, `UPDATE audit_log SET actor = 'os:someone-else', hash = '${forged}' WHERE seq = 2`);
		const j = await cli('audit-log', 'verify', '--db', file, '--json');
		expect(j.code).toBe(1);
		expect(JSON.parse(j.stdout).broken).toMatchObject({ seq: 3, kind: 'link' });
	});

	it('a deleted middle row is caught at the row after it', async () => {
		const { file } = await logOf(5);
		await tamper(file, `DELETE FROM audit_log WHERE seq = 3`);
		const r = await cli('audit-log', 'verify', '--db', file);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/broken at seq 4: .*link broken or row missing .*between seq 2 and 4 are missing/);
		const first = await logOf(3);
		await tamper(first.file, `DELETE FROM audit_log WHERE seq = 1`);
		const j = await cli('audit-log', 'verify', '--db', first.file, '--json');
		expect(j.code).toBe(1);
		expect(JSON.parse(j.stdout).broken).toMatchObject({ seq: 2, kind: 'link' });
	});

	it('deleting the last rows is caught by the anchor, and by a recorded head', async () => {
		const { file, hashes } = await logOf(5);
		const earlier = await cli('audit-log', 'verify', '--db', file, '--expect-head', hashes[2]);
		expect(earlier.code).toBe(0);
		expect(earlier.stdout).toContain('The recorded head is the entry seq 3; 2 entries came after it.');
		const recorded = hashes[4];
		await tamper(file, `DELETE FROM audit_log WHERE seq >= 4`);
		const alone = await cli('audit-log', 'verify', '--db', file);
		expect(alone.code).toBe(1);
		expect(alone.stdout).toContain(`Audit log BROKEN: 3 entries (seq 1 to 3).\nHead: ${hashes[2]}`);
		expect(alone.stderr).toContain('the audit log is broken at seq 4: the anchor recorded seq 4 (line 4) but the log ends at seq 3: entries were deleted from its end');
		const cut = await cli('audit-log', 'verify', '--db', file, '--expect-head', recorded.toUpperCase());
		expect(cut.code).toBe(1);
		expect(cut.stderr).toContain(`the recorded head ${recorded} is not in the log: the log was cut or rewritten`);
		const j = await cli('audit-log', 'verify', '--db', file, '--expect-head', recorded, '--json');
		expect(j.code).toBe(1);
		expect(JSON.parse(j.stdout)).toMatchObject({
			ok: false,
			broken: { seq: 4, kind: 'anchor' },
			expected_head: { found: false, seq: null, entries_after: null }
		});
	});

	it('an empty log verifies, with the 64 zeros as its head', async () => {
		const { file } = await logOf(0);
		const r = await cli('audit-log', 'verify', '--db', file, '--expect-head', GENESIS_HASH);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain(`Audit log intact: 0 entries.\nHead: ${GENESIS_HASH}`);
	});

	it('chains a log made before the hash chain in place, and refuses to chain again a log that lost its columns', async () => {
		const { file } = await logOf(0);
		// The layout of earlier versions: no hash columns, no audit_chain note, now() to the microsecond.
		await tamper(
			file,
			`ALTER TABLE audit_log DROP COLUMN hash`,
			`ALTER TABLE audit_log DROP COLUMN prev_hash`,
			`DELETE FROM meta WHERE key = 'audit_chain'`,
			`INSERT INTO audit_log VALUES (1, TIMESTAMPTZ '2025-04-07 09:10:11.123456+01', 'os:old', 'cli.import', '{"z":1,"a":2}')`,
			`INSERT INTO audit_log VALUES (2, TIMESTAMPTZ '2025-04-07 09:11:00+01', 'os:old', 'cli.undo', '{}')`
		);
		const w = await openWarehouse(file);
		await appendAudit(w, { actor: 'os:new', action: 'cli.quarantine', details: {} });
		const log = await readAuditLog(w);
		expect(log.map((e) => [e.seq, e.logged_at, e.actor])).toEqual([
			[1, '2025-04-07T08:10:11.123Z', 'os:old'],
			[2, '2025-04-07T08:11:00.000Z', 'os:old'],
			[3, expect.any(String), 'os:new']
		]);
		expect(log[0].prev_hash).toBe(GENESIS_HASH);
		expect(log[2].prev_hash).toBe(log[1].hash);
		const report = await verifyAuditLog(w);
		expect(report).toMatchObject({ ok: true, entries: 3, chain: { legacy_entries: 2, chained_at: expect.any(String) } });
		await w.close();
		const r = await cli('audit-log', 'verify', '--db', file);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('The first 2 entries predate the hash chain');

		await tamper(file, `ALTER TABLE audit_log DROP COLUMN hash`, `ALTER TABLE audit_log DROP COLUMN prev_hash`);
		const refused = await cli('audit-log', 'verify', '--db', file);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/hash columns were removed although its chain was started \(as the meta row audit_chain and its anchor \S+ shows\)/);
	});

	it('the command line chains its own entries, lists them, and refuses bad usage with 2', async () => {
		const { file } = await logOf(2);
		expect((await cli('quarantine', '--db', file)).code).toBe(0);
		const list = await cli('audit-log', 'list', '--db', file, '--json');
		expect(list.code).toBe(0);
		const entries = JSON.parse(list.stdout);
		expect(entries.map((e: { seq: number; action: string }) => [e.seq, e.action])).toEqual([
			[1, 'cli.step1'],
			[2, 'cli.step2'],
			[3, 'cli.quarantine']
		]);
		const last = await cli('audit-log', 'list', '--db', file, '--limit', '1');
		expect(last.code).toBe(0);
		expect(last.stdout).toMatch(/^4 \S+Z os:\S+ cli\.audit-log\.list \{"entries":3,"limit":null\} [0-9a-f]{64}\n$/);
		expect((await cli('audit-log', 'verify', '--db', file)).stdout).toContain('Audit log intact: 5 entries');

		expect((await cli('audit-log')).code).toBe(2);
		expect((await cli('audit-log', 'check', '--db', file)).code).toBe(2);
		expect((await cli('audit-log', 'verify')).code).toBe(2);
		expect((await cli('audit-log', 'verify', '--db', file, '--expect-head', 'abc')).code).toBe(2);
		expect((await cli('audit-log', 'list', '--db', file, '--limit', '0')).code).toBe(2);
		expect((await cli('audit-log', 'verify', '--db', `${file}.missing`)).code).toBe(1);
		const help = await cli('audit-log', '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/^Usage: cli audit-log verify --db <warehouse>/);
		expect((await cli('--help')).stdout).toContain('audit-log   verify|list|anchor');
	});
});
