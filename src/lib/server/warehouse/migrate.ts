/**
 * Migrations: an older warehouse brought to the layout of ./ddl.ts by the writer that opens
 * it (`Warehouse.open`, never a read-only open), in one transaction with the meta row that
 * records the new layout version, so a warehouse is either wholly migrated or untouched.
 *
 * - **1 → 2** (metrics.md version 2): `info_requests` gained the derived columns of a
 *   request's first reply (`d_first_reply_on`, `d_first_reply_wdn`; ./derived.ts). Every
 *   extract table whose stored columns are not those of the layout is rebuilt in the layout's
 *   column order with its derived columns computed again by the import's own SELECT
 *   (`derivingSelect`), with its `__replaced` twin; extract columns and bookkeeping are copied
 *   as they are.
 * - **2 → 3** (disclosure-control.md version 2, rule 7): every event row gains its record key
 *   and child key (`d_record_key`, `d_child_key`; ./cell-key.ts), by the same rebuild. The
 *   writer makes the warehouse's cell key secret first (`Warehouse.open`), so the pads the key
 *   expressions read are on its connection.
 * - **3 → 4**: every event row naming a child gains its child's number (`d_child_n`, from the
 *   new `child_numbers` table), by the same rebuild: each table's children are numbered
 *   (`numberChildrenSql`) before its rows are derived again.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { bookkeepingColumns, CHILD_NUMBERS_DDL, replacedTableName, storedColumns, WAREHOUSE_LAYOUT_VERSION } from './ddl.ts';
import { derivedColumns, derivingSelect, numberChildrenSql } from './derived.ts';
import { ident } from './sql.ts';
import { exec, query } from './warehouse.ts';

/** The oldest layout a migration here can bring up to date. */
export const OLDEST_MIGRATABLE_LAYOUT = 1;

async function columnsOf(conn: DuckDBConnection, table: string): Promise<string[]> {
	const rows = await query<{ column_name: string }>(
		conn,
		`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $table ORDER BY ordinal_position`,
		{ table }
	);
	return rows.map((r) => r.column_name);
}

/**
 * Rebuilds `name` (the table or its `__replaced` twin) with `layout`'s columns in order:
 * the extract's columns and the bookkeeping copied, the derived ones computed again.
 */
async function rebuild(conn: DuckDBConnection, table: Table, name: string, layout: { name: string; sqlType: string }[], present: string[]): Promise<void> {
	const derived = new Set(derivedColumns(table).map((d) => d.name));
	const stale = present.filter((c) => derived.has(c));
	const source = stale.length ? `(SELECT * EXCLUDE (${stale.map(ident).join(', ')}) FROM ${ident(name)})` : ident(name);
	const bookkeeping = layout.filter((c) => !derived.has(c.name) && !table.columns.some((t) => t.name === c.name));
	const temp = `${name}__migrating`;
	await exec(conn, `CREATE TABLE ${ident(temp)} (${layout.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ')})`);
	const numbering = numberChildrenSql(table, source);
	if (numbering) await exec(conn, numbering);
	await exec(conn, `INSERT INTO ${ident(temp)} BY NAME ${derivingSelect(table, source, bookkeeping.map((c) => `s.${ident(c.name)} AS ${ident(c.name)}`))}`);
	await exec(conn, `DROP TABLE ${ident(name)}`);
	await exec(conn, `ALTER TABLE ${ident(temp)} RENAME TO ${ident(name)}`);
}

/** Every extract table (and twin) whose stored columns differ from the layout, rebuilt. Returns the tables rebuilt. */
async function rebuildChangedTables(conn: DuckDBConnection): Promise<string[]> {
	const rebuilt: string[] = [];
	for (const table of TABLES) {
		if (table.kind !== 'extract') continue;
		const main = storedColumns(table);
		const twins = [
			{ name: table.name, layout: main },
			{ name: replacedTableName(table), layout: [...main, { name: '_replaced_by', sqlType: 'INTEGER' }] }
		];
		for (const { name, layout } of twins) {
			const present = await columnsOf(conn, name);
			if (present.join() === layout.map((c) => c.name).join()) continue;
			const missingKept = [...table.columns, ...bookkeepingColumns(table)].filter((c) => !present.includes(c.name));
			if (missingKept.length) throw new Error(`the table ${name} lacks the column ${missingKept[0].name}: this warehouse cannot be migrated`);
			await rebuild(conn, table, name, layout, present);
			rebuilt.push(name);
		}
	}
	return rebuilt;
}

/**
 * Brings a warehouse of layout `from` to the current layout, inside one transaction with the
 * meta row. Throws (and changes nothing) for a layout it cannot migrate.
 */
export async function migrateLayout(conn: DuckDBConnection, from: number): Promise<{ from: number; to: number; rebuilt: string[] }> {
	if (!(from >= OLDEST_MIGRATABLE_LAYOUT && from < WAREHOUSE_LAYOUT_VERSION)) {
		throw new Error(`no migration from layout version ${from} to ${WAREHOUSE_LAYOUT_VERSION}`);
	}
	await exec(conn, 'BEGIN TRANSACTION');
	try {
		// 3 → 4: the children's numbers, before the rebuild derives them.
		await exec(conn, CHILD_NUMBERS_DDL);
		// 1 → 2 (and any later change of derived columns): rebuild what differs from the layout.
		const rebuilt = await rebuildChangedTables(conn);
		await exec(conn, `UPDATE meta SET value = $v WHERE key = 'layout_version'`, { v: String(WAREHOUSE_LAYOUT_VERSION) });
		await exec(conn, 'COMMIT');
		return { from, to: WAREHOUSE_LAYOUT_VERSION, rebuilt };
	} catch (e) {
		await exec(conn, 'ROLLBACK').catch(() => {});
		throw e;
	}
}
