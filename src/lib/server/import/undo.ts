/**
 * Undoing an import: the rows it inserted go, the rows it replaced come back, its quarantine
 * entries go, and rows it loaded from earlier quarantine wait there again. One transaction.
 *
 * Refused while a later import depends on it (replaced rows it loaded, or loaded rows that
 * refer to rows only it brought): undo that later import first, so that undoing never leaves a
 * reference dangling and the warehouse is exactly as it was before the batch.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EXTRACT_TABLES, LOAD_ORDER } from '../schema/tables.ts';
import { replacedTableName } from '../warehouse/ddl.ts';
import { derivingSelect, numberChildrenSql, withoutDerived } from '../warehouse/derived.ts';
import { ident } from '../warehouse/sql.ts';
import { exec, query, type Warehouse } from '../warehouse/warehouse.ts';
import { createTouchedTables, recomputeStale } from './load.ts';
import type { UndoReport } from './types.ts';

export class UndoError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UndoError';
	}
}

/** Later committed batches that depend on `batch`, with the reason. */
async function dependents(conn: DuckDBConnection, batch: number): Promise<string[]> {
	const found: string[] = [];
	const retried = await query<{ by: number }>(
		conn,
		`SELECT DISTINCT q.resolved_by AS by FROM quarantine q JOIN batches b ON b.batch_id = q.resolved_by AND b.status = 'committed'
		WHERE q.batch_id = $batch AND q.status = 'loaded' ORDER BY 1`,
		{ batch }
	);
	for (const r of retried) found.push(`batch ${r.by} loaded rows that this batch had quarantined for a missing reference`);
	for (const table of EXTRACT_TABLES) {
		const rows = await query<{ by: number }>(
			conn,
			`SELECT DISTINCT r._replaced_by AS by FROM ${ident(replacedTableName(table))} r
			JOIN batches b ON b.batch_id = r._replaced_by AND b.status = 'committed'
			WHERE r._batch = $batch AND r._replaced_by <> $batch ORDER BY 1`,
			{ batch }
		);
		for (const r of rows) found.push(`batch ${r.by} replaced ${table.name} rows that this batch loaded`);
		for (const c of table.columns) {
			if (!c.fk) continue;
			const parent = EXTRACT_TABLES.find((t) => t.name === c.fk!.table)!;
			// Rows of later batches referring to a parent row that only this batch brought (no earlier version to restore).
			const refs = await query<{ by: number }>(
				conn,
				`SELECT DISTINCT child._batch AS by FROM ${ident(table.name)} child
				JOIN ${ident(parent.name)} p ON p.${ident(c.fk.column)} = child.${ident(c.name)} AND p._batch = $batch
				WHERE child._batch <> $batch
					AND NOT EXISTS (SELECT 1 FROM ${ident(replacedTableName(parent))} old
						WHERE old._replaced_by = $batch AND old.${ident(c.fk.column)} = child.${ident(c.name)})
					AND NOT EXISTS (SELECT 1 FROM ${ident(parent.name)} other
						WHERE other._batch <> $batch AND other.${ident(c.fk.column)} = child.${ident(c.name)})
				ORDER BY 1`,
				{ batch }
			);
			for (const r of refs) found.push(`batch ${r.by} loaded ${table.name} rows whose ${c.name} refers to ${parent.name} rows of this batch`);
		}
	}
	return found;
}

export async function undoBatch(warehouse: Warehouse, batch: number, actor = 'unknown'): Promise<UndoReport> {
	// Restored rows are keyed again with the cell key secret.
	warehouse.requireCellKey();
	return warehouse.write(async (conn) => {
		const [info] = await query<{ status: string }>(conn, 'SELECT status FROM batches WHERE batch_id = $batch', { batch });
		if (!info) throw new UndoError(`no import batch ${batch} in this warehouse`);
		if (info.status !== 'committed') throw new UndoError(`batch ${batch} is already undone`);
		const blockers = await dependents(conn, batch);
		if (blockers.length) {
			throw new UndoError(`batch ${batch} cannot be undone while later imports depend on it: ${blockers.join('; ')}. Undo those first.`);
		}
		await exec(conn, 'BEGIN TRANSACTION');
		try {
			await createTouchedTables(conn);
			for (const [table, into] of [
				['children', 'touched_children'],
				['agencies', 'touched_agencies']
			] as const) {
				const key = table === 'children' ? 'child_id' : 'agency_code';
				await exec(
					conn,
					`INSERT INTO ${into} SELECT ${key} FROM ${table} WHERE _batch = $batch
					UNION SELECT ${key} FROM ${table}__replaced WHERE _replaced_by = $batch`,
					{ batch }
				);
			}
			let removed = 0;
			let restored = 0;
			for (const table of [...LOAD_ORDER].reverse()) {
				const r = await conn.run(`DELETE FROM ${ident(table.name)} WHERE _batch = $batch`, { batch });
				removed += Number(r.rowsChanged);
			}
			for (const table of LOAD_ORDER) {
				const old = ident(replacedTableName(table));
				const extra = ['s._batch AS _batch', ...(table.replaceOnlyIfNotOlder ? ['s._extracted_on AS _extracted_on'] : [])];
				// Restored rows' children were numbered when first loaded (numbers are never taken back).
				const numbering = numberChildrenSql(table, `(SELECT child_id FROM ${old} WHERE _replaced_by = $batch)`);
				if (numbering) await exec(conn, numbering, { batch });
				const r = await conn.run(
					`INSERT INTO ${ident(table.name)} BY NAME ${derivingSelect(table, withoutDerived(table, `${old} WHERE _replaced_by = $batch`), extra)}`,
					{ batch }
				);
				restored += Number(r.rowsChanged);
				await exec(conn, `DELETE FROM ${old} WHERE _replaced_by = $batch`, { batch });
			}
			await exec(conn, 'DELETE FROM quarantine WHERE batch_id = $batch', { batch });
			await exec(conn, `UPDATE quarantine SET status = 'open', resolved_by = NULL WHERE resolved_by = $batch`, { batch });
			await recomputeStale(conn, EXTRACT_TABLES, null);
			await exec(conn, `UPDATE batches SET status = 'undone', undone_at = now(), undone_by = $actor WHERE batch_id = $batch`, {
				batch,
				actor
			});
			await exec(conn, 'COMMIT');
			return { batch_id: batch, rows_removed: removed, rows_restored: restored };
		} catch (e) {
			await exec(conn, 'ROLLBACK');
			throw e;
		} finally {
			await exec(conn, 'DROP TABLE IF EXISTS touched_children; DROP TABLE IF EXISTS touched_agencies');
		}
	});
}
