/**
 * Record keys and child keys (disclosure-control.md version 2, rule 7): made at import from
 * HMAC-SHA-256 with the warehouse's own secret, kept in a file beside the warehouse and never
 * in it; the same through replacement, undo and a second import of the same extract; and
 * given to an older warehouse's rows by the writer on first open, no row lost.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importExtract } from '../import/import.ts';
import { undoBatch } from '../import/undo.ts';
import { contact, extract, K1, K2, meeting, attendance } from '../metrics/test-fixtures.ts';
import { loadRows } from '../metrics/test-helpers.ts';
import { writeExtract } from '../testing/extract.ts';
import { WAREHOUSE_LAYOUT_VERSION } from './ddl.ts';
import { KEYED_TABLES } from './derived.ts';
import { exec, openWarehouse, query, type Warehouse } from './warehouse.ts';

const files: string[] = [];
function newFile(): string {
	const file = path.join(tmpdir(), `full-picture-cellkey-${randomUUID()}.duckdb`);
	files.push(file);
	return file;
}
afterAll(() => {
	for (const file of files) {
		for (const f of [file, `${file}.wal`, `${file}.cellkey`, `${file}.audit-anchor`]) rmSync(f, { force: true });
		rmSync(`${file}.staging`, { recursive: true, force: true });
	}
});

const secretOf = (file: string) => Buffer.from(readFileSync(`${file}.cellkey`, 'utf8').trim(), 'hex');
const keyOf = (secret: Buffer, message: string) => createHmac('sha256', secret).update(message).digest()[0];

const ROWS = extract({
	contacts: [
		contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00' }),
		contact({ contact_id: 'c2', child_id: K2, received_at: '2024-04-03 09:00:00' })
	],
	meetings: [meeting('m1', K1, 'icpc', '2024-04-10'), meeting('m2', null, 'core_group', '2024-04-11')],
	meeting_attendance: [attendance('m1', 'POL', true, true), attendance('m1', 'HLT', true, false)]
});

async function keys(w: Warehouse): Promise<Record<string, unknown>[]> {
	return w.read((conn) =>
		query(
			conn,
			`SELECT 'contacts' AS t, contact_id AS id, d_record_key AS rk, d_child_key AS ck FROM contacts
			UNION ALL SELECT 'meetings', meeting_id, d_record_key, d_child_key FROM meetings
			UNION ALL SELECT 'meeting_attendance', meeting_id || ':' || agency_code, d_record_key, NULL FROM meeting_attendance
			ORDER BY t, id`
		)
	);
}

/** What the keys must be: HMAC-SHA-256 over `<table>:<primary key>` (and `child:<pseudonym>`), first byte. */
function expectedKeys(secret: Buffer): Record<string, unknown>[] {
	return [
		{ t: 'contacts', id: 'c1', rk: keyOf(secret, 'contacts:c1'), ck: keyOf(secret, `child:${K1}`) },
		{ t: 'contacts', id: 'c2', rk: keyOf(secret, 'contacts:c2'), ck: keyOf(secret, `child:${K2}`) },
		{ t: 'meeting_attendance', id: 'm1:HLT', rk: keyOf(secret, 'meeting_attendance:m1:HLT'), ck: null },
		{ t: 'meeting_attendance', id: 'm1:POL', rk: keyOf(secret, 'meeting_attendance:m1:POL'), ck: null },
		{ t: 'meetings', id: 'm1', rk: keyOf(secret, 'meetings:m1'), ck: keyOf(secret, `child:${K1}`) },
		{ t: 'meetings', id: 'm2', rk: keyOf(secret, 'meetings:m2'), ck: null }
	];
}

describe('the cell key secret and the keys it makes', () => {
	it('is made with the warehouse, beside it and readable only by its owner; never inside the warehouse file', async () => {
		const file = newFile();
		const w = await openWarehouse(file, { create: true });
		await loadRows(w, ROWS);
		await w.close();
		expect(statSync(`${file}.cellkey`).mode & 0o777).toBe(0o600);
		const secret = secretOf(file);
		expect(secret).toHaveLength(32);
		const stored = readFileSync(file);
		expect(stored.includes(secret)).toBe(false);
		expect(stored.includes(Buffer.from(secret.toString('hex')))).toBe(false);
		expect(stored.includes(Buffer.from(secret.toString('hex').toUpperCase()))).toBe(false);
	});

	it('keys every row by HMAC-SHA-256 of its table and primary key, and every child by its pseudonym', async () => {
		const file = newFile();
		const w = await openWarehouse(file, { create: true });
		try {
			await loadRows(w, ROWS);
			expect(await keys(w)).toEqual(expectedKeys(secretOf(file)));
			// Every event table has both columns where it has a child, and no row without its record key.
			for (const table of KEYED_TABLES) {
				const [row] = await w.read((conn) => query<{ n: number }>(conn, `SELECT count(*) FILTER (WHERE d_record_key IS NULL) AS n FROM ${table}`));
				expect(row.n, table).toBe(0);
			}
		} finally {
			await w.close();
		}
	});

	it('keeps each key through a replacement, an undo and a second import of the same extract', async () => {
		const file = newFile();
		const w = await openWarehouse(file, { create: true });
		try {
			const first = writeExtract({ manifest: { extracted_on: '2040-12-31' }, tables: tablesOf(ROWS) });
			expect((await importExtract(w, first, { actor: 'test' })).status).toBe('committed');
			const before = await keys(w);
			// c1 replaced (a later time): the same key.
			const changed = extract({ contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-05 10:00:00' })] });
			const second = await importExtract(w, writeExtract({ manifest: { extracted_on: '2040-12-31' }, tables: tablesOf(changed) }), { actor: 'test' });
			expect(second.status).toBe('committed');
			const [{ received }] = await w.read((conn) => query<{ received: string }>(conn, `SELECT CAST(d_received_on AS VARCHAR) AS received FROM contacts WHERE contact_id = 'c1'`));
			expect(received).toBe('2024-04-05');
			expect(await keys(w)).toEqual(before);
			await undoBatch(w, second.batch_id!, 'test');
			expect(await keys(w)).toEqual(before);
			// The same extract once more is unchanged; undone and imported again, its rows come back with the same keys.
			expect((await importExtract(w, first, { actor: 'test' })).status).toBe('unchanged');
			await undoBatch(w, 1, 'test');
			expect(await keys(w)).toEqual([]);
			expect((await importExtract(w, first, { actor: 'test' })).status).toBe('committed');
			expect(await keys(w)).toEqual(before);
		} finally {
			await w.close();
		}
	});

	it('refuses to load rows without the secret its keys were made with, naming the file and never the secret', async () => {
		const file = newFile();
		const w0 = await openWarehouse(file, { create: true });
		await loadRows(w0, ROWS);
		await w0.close();
		rmSync(`${file}.cellkey`);
		const w = await openWarehouse(file);
		try {
			// Pages still read (the keys are in the rows); the secret is not made again.
			expect(await keys(w)).toHaveLength(6);
			expect(existsSync(`${file}.cellkey`)).toBe(false);
			const report = await importExtract(w, writeExtract({ manifest: { extracted_on: '2040-12-31' }, tables: tablesOf(ROWS) }), { actor: 'test' });
			expect(report.status).toBe('failed');
			expect(report.errors[0].message).toContain(`the cell key file ${file}.cellkey is missing`);
			await expect(undoBatch(w, 1, 'test')).rejects.toThrow(/cell key file .* is missing/);
		} finally {
			await w.close();
		}
	});

	it('gives a warehouse made before the keys (layout 2) its secret and every row its keys on first open, no row lost', async () => {
		const file = newFile();
		const w0 = await openWarehouse(file, { create: true });
		await loadRows(w0, ROWS);
		// As layout 2 left it: no key columns, no secret.
		await w0.write(async (conn) => {
			for (const table of KEYED_TABLES) {
				for (const twin of [table, `${table}__replaced`]) {
					const cols = await query<{ c: string }>(conn, `SELECT column_name AS c FROM information_schema.columns WHERE table_name = $t AND column_name IN ('d_record_key', 'd_child_key')`, { t: twin });
					for (const { c } of cols) await exec(conn, `ALTER TABLE ${twin} DROP COLUMN ${c}`);
				}
			}
			await exec(conn, `UPDATE meta SET value = '2' WHERE key = 'layout_version'`);
		});
		const counts = await w0.read((conn) => query(conn, KEYED_TABLES.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`).join(' UNION ALL ') + ' ORDER BY t'));
		await w0.close();
		rmSync(`${file}.cellkey`);

		const w = await openWarehouse(file);
		try {
			expect(existsSync(`${file}.cellkey`)).toBe(true);
			expect(await keys(w)).toEqual(expectedKeys(secretOf(file)));
			expect(await w.read((conn) => query(conn, KEYED_TABLES.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`).join(' UNION ALL ') + ' ORDER BY t'))).toEqual(counts);
			const [{ value }] = await w.read((conn) => query<{ value: string }>(conn, `SELECT value FROM meta WHERE key = 'layout_version'`));
			expect(value).toBe(String(WAREHOUSE_LAYOUT_VERSION));
		} finally {
			await w.close();
		}
	});
});

/** A test extract's rows as writeExtract's tables (lists joined). */
function tablesOf(rows: ReturnType<typeof extract>): Record<string, Record<string, string | number | boolean | null>[]> {
	const out: Record<string, Record<string, string | number | boolean | null>[]> = {};
	for (const [name, list] of Object.entries(rows)) {
		if (list?.length) out[name] = list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.join(';') : (v as string | number | boolean | null)])));
	}
	return out;
}
