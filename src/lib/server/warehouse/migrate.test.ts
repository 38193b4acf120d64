/**
 * An older warehouse brought up to date by the writer that opens it (./migrate.ts): a layout
 * 1 warehouse (info_requests without the first reply's columns) gets them, in the layout's
 * column order, computed as an import computes them, and its figures are those of a new
 * warehouse given the same rows; a read-only open (audit-log verify) changes nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../metrics/compute.ts';
import { undoBatch } from '../import/undo.ts';
import { contact, extract, K1, K2, K3, metricsOf, referral, request } from '../metrics/test-fixtures.ts';
import { loadRows } from '../metrics/test-helpers.ts';
import { getTable } from '../schema/tables.ts';
import { replacedTableName, storedColumns, WAREHOUSE_LAYOUT_VERSION } from './ddl.ts';
import { exec, openWarehouse, query } from './warehouse.ts';

const ROWS = extract({
	info_requests: [
		// Acknowledged the next working day: on time.
		request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-05-03 10:00:00', acknowledged_at: '2024-05-07 09:00:00' }),
		// Answered two working days later, no acknowledgement: late.
		request({ request_id: 'q2', child_id: K2, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-09 10:00:00', responded_at: '2024-05-13 09:00:00' })
	]
});
const MAY = { from: '2024-05-01', to: '2024-05-31' };
const NEW_COLUMNS = ['d_first_reply_on', 'd_first_reply_wdn'];

/** Deletes a test warehouse and the files beside it. */
function removeWarehouse(file: string): void {
	for (const f of [file, `${file}.wal`, `${file}.audit-anchor`, `${file}.cellkey`]) rmSync(f, { force: true });
	rmSync(`${file}.staging`, { recursive: true, force: true });
}

const columnsOf = (w: Awaited<ReturnType<typeof openWarehouse>>, table: string) =>
	w.read((conn) =>
		query<{ column_name: string }>(conn, `SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`, { t: table })
	).then((rows) => rows.map((r) => r.column_name));

/** A warehouse as layout 1 left it: made now, then its first-reply columns dropped and its version set back. */
async function layoutOneWarehouse(file: string): Promise<void> {
	const w = await openWarehouse(file, { create: true });
	await loadRows(w, ROWS);
	await w.write(async (conn) => {
		for (const table of ['info_requests', 'info_requests__replaced']) {
			for (const column of NEW_COLUMNS) await exec(conn, `ALTER TABLE ${table} DROP COLUMN ${column}`);
		}
		await exec(conn, `UPDATE meta SET value = '1' WHERE key = 'layout_version'`);
	});
	await w.close();
}

describe('migrating a warehouse of layout 1', () => {
	it('adds the first reply to info_requests (and its twin) in the layout\'s order, as an import computes it', async () => {
		const file = path.join(tmpdir(), `full-picture-migrate-${randomUUID()}.duckdb`);
		try {
			await layoutOneWarehouse(file);
			// verify's read-only open accepts the older layout and changes nothing.
			const before = createHash('sha256').update(readFileSync(file)).digest('hex');
			const readOnly = await openWarehouse(file, { readOnly: true });
			expect(await columnsOf(readOnly, 'info_requests')).not.toContain('d_first_reply_on');
			await readOnly.close();
			expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);

			const w = await openWarehouse(file);
			try {
				const table = getTable('info_requests');
				expect(await columnsOf(w, 'info_requests')).toEqual(storedColumns(table).map((c) => c.name));
				expect(await columnsOf(w, replacedTableName(table))).toEqual([...storedColumns(table).map((c) => c.name), '_replaced_by']);
				const [version] = await w.read((conn) => query<{ value: string }>(conn, `SELECT value FROM meta WHERE key = 'layout_version'`));
				expect(version.value).toBe(String(WAREHOUSE_LAYOUT_VERSION));
				const rows = await w.read((conn) =>
					query<{ request_id: string; reply: string | null; batch: number }>(
						conn,
						`SELECT request_id, CAST(d_first_reply_on AS VARCHAR) AS reply, _batch AS batch FROM info_requests ORDER BY request_id`
					)
				);
				expect(rows).toEqual([
					{ request_id: 'q1', reply: '2024-05-07', batch: 1 },
					{ request_id: 'q2', reply: '2024-05-13', batch: 1 }
				]);
				const m = metricsOf(await computeMetrics(w, MAY));
				expect(m.info_request_ack_1wd_pct).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
				// Loading more rows after the migration works as on a new warehouse (columns by name and by place).
				await loadRows(w, { info_requests: [request({ request_id: 'q2', child_id: K2, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'routine', requested_at: '2024-05-09 10:00:00', acknowledged_at: '2024-05-09 11:00:00' })] });
				expect(metricsOf(await computeMetrics(w, MAY)).info_request_ack_1wd_pct).toMatchObject({ value: 100, numerator: 2, denominator: 2 });
			} finally {
				await w.close();
			}
		} finally {
			removeWarehouse(file);
		}
	});

	it('refuses a layout newer than this Full Picture\'s, changing nothing', async () => {
		const file = path.join(tmpdir(), `full-picture-migrate-${randomUUID()}.duckdb`);
		try {
			const w = await openWarehouse(file, { create: true });
			await w.write((conn) => exec(conn, `UPDATE meta SET value = '99' WHERE key = 'layout_version'`));
			await w.close();
			await expect(openWarehouse(file)).rejects.toThrow(/layout version 99; this Full Picture needs version/);
		} finally {
			removeWarehouse(file);
		}
	});
});

/** Each child pseudonym's number over every table: [table, child_id, d_child_n] of every stored row naming a child. */
async function childNumbers(w: Awaited<ReturnType<typeof openWarehouse>>): Promise<Map<string, Set<number | null>>> {
	const rows = await w.read((conn) =>
		query<{ child_id: string; n: number | null }>(
			conn,
			['contacts', 'referrals', 'info_requests', 'contacts__replaced'].map((t) => `SELECT child_id, d_child_n AS n FROM ${t} WHERE child_id IS NOT NULL`).join(' UNION ALL ')
		)
	);
	const out = new Map<string, Set<number | null>>();
	for (const r of rows) out.set(r.child_id, (out.get(r.child_id) ?? new Set()).add(r.n));
	return out;
}

/** Every child has one number, the same in every table, and no two children share one. */
function expectOneNumberEach(numbers: Map<string, Set<number | null>>): void {
	const seen = new Set<number>();
	for (const [child, ns] of numbers) {
		expect([...ns], child).toHaveLength(1);
		const [n] = [...ns];
		expect(typeof n, child).toBe('number');
		expect(seen.has(n as number), `${child}'s number ${n} is another child's`).toBe(false);
		seen.add(n as number);
	}
}

describe("children's numbers (d_child_n, layout 4)", () => {
	const MORE = extract({
		contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-05-02 10:00:00', source_agency_code: 'POL' }), contact({ contact_id: 'c2', child_id: K3, received_at: '2024-05-02 11:00:00', source_agency_code: 'HLT' })],
		referrals: [referral({ referral_id: 'r1', child_id: K2, received_at: '2024-05-06 10:00:00' })]
	});

	it('are given at import, kept by a later import and an undo, and a child keeps its number', async () => {
		const file = path.join(tmpdir(), `full-picture-numbers-${randomUUID()}.duckdb`);
		try {
			const w = await openWarehouse(file, { create: true });
			try {
				await loadRows(w, ROWS);
				const first = await childNumbers(w);
				expectOneNumberEach(first);
				await loadRows(w, MORE);
				const second = await childNumbers(w);
				expectOneNumberEach(second);
				// K1 and K2 came with the first import and keep their numbers; K3 is new.
				for (const child of [K1, K2]) expect(second.get(child)).toEqual(first.get(child));
				expect(second.size).toBe(3);
				// Replacing c1 (a later version of the row) and undoing it restores the row with the same number.
				await loadRows(w, { contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-05-03 10:00:00', source_agency_code: 'POL' })] });
				const [{ batch }] = await w.read((conn) => query<{ batch: number }>(conn, 'SELECT max(batch_id) AS batch FROM batches'));
				await undoBatch(w, batch, 'test');
				expect(await childNumbers(w)).toEqual(second);
			} finally {
				await w.close();
			}
		} finally {
			removeWarehouse(file);
		}
	});

	it('are given to a warehouse of layout 3 on first open, its figures unchanged', async () => {
		const file = path.join(tmpdir(), `full-picture-migrate-${randomUUID()}.duckdb`);
		try {
			const w0 = await openWarehouse(file, { create: true });
			await loadRows(w0, ROWS);
			await loadRows(w0, MORE);
			const before = await computeMetrics(w0, MAY);
			// As layout 3 left it: no numbers.
			await w0.write(async (conn) => {
				const cols = await query<{ t: string }>(conn, `SELECT table_name AS t FROM information_schema.columns WHERE column_name = 'd_child_n'`);
				for (const { t } of cols) await exec(conn, `ALTER TABLE ${t} DROP COLUMN d_child_n`);
				await exec(conn, 'DROP TABLE child_numbers');
				await exec(conn, `UPDATE meta SET value = '3' WHERE key = 'layout_version'`);
			});
			await w0.close();

			const w = await openWarehouse(file);
			try {
				expect(await columnsOf(w, 'contacts')).toEqual(storedColumns(getTable('contacts')).map((c) => c.name));
				const numbers = await childNumbers(w);
				expect(numbers.size).toBe(3);
				expectOneNumberEach(numbers);
				expect(await computeMetrics(w, MAY)).toEqual(before);
				expect(metricsOf(before).multi_agency_children_pct.denominator).toBeGreaterThan(0);
			} finally {
				await w.close();
			}
		} finally {
			removeWarehouse(file);
		}
	});
});
