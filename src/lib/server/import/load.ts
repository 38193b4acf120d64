/**
 * Judging and loading one table's staged rows, inside the import's transaction:
 * typed values and reasons (./validate.ts), then the rules that need other rows (references,
 * keys repeated in the file, a children row older than the one stored), then valid rows are
 * stored (replacing rows with the same key, whose old versions are kept for undo) and the
 * rest quarantined with every reason.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Table } from '../schema/types.ts';
import { replacedTableName } from '../warehouse/ddl.ts';
import { derivingSelect, numberChildrenSql, staleCondition, WATCHED_COLUMNS, withoutDerived } from '../warehouse/derived.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { exec, query } from '../warehouse/warehouse.ts';
import { judgeSelect, rawJson } from './validate.ts';

let counter = 0;
const temp = (prefix: string, table: Table) => `${prefix}_${table.name}_${++counter}`;

const keyMatch = (table: Table, a: string, b: string) =>
	table.primaryKey.map((k) => `${a}.${ident(k)} = ${b}.${ident(k)}`).join(' AND ');

export interface LoadResult {
	loaded: number;
	replaced: number;
	quarantined: number;
	/** Temp table of the judged rows (kept for the caller's bookkeeping, dropped with the connection's temps). */
	checked: string;
}

/**
 * The SELECT adding the rules that need other rows to the judged rows `judged`:
 * `_all` (every reason) and `_reference_only` (the only reasons are missing references).
 */
function checkedSelect(table: Table, judged: string): string {
	// `judged` is a subquery: judging and checking make one table, not two copies of every row.
	const joins: string[] = [];
	const fkReasons: string[] = [];
	table.columns.forEach((c, i) => {
		if (!c.fk) return;
		const alias = `fk${i}`;
		joins.push(
			`LEFT JOIN (SELECT DISTINCT ${ident(c.fk.column)} AS k FROM ${ident(c.fk.table)}) ${alias} ON ${alias}.k = j.${ident(c.name)}`
		);
		fkReasons.push(
			`CASE WHEN j.${ident(c.name)} IS NOT NULL AND ${alias}.k IS NULL THEN ${literal(
				`${c.name}: no such ${c.fk.noun} in this extract or the warehouse`
			)} END`
		);
	});
	const pk = table.primaryKey.map((k) => `j.${ident(k)}`).join(', ');
	const pkPresent = table.primaryKey.map((k) => `j.${ident(k)} IS NOT NULL`).join(' AND ');
	const keyName = table.primaryKey.join(' + ');
	const otherReasons = [
		`CASE WHEN ${pkPresent} AND row_number() OVER (PARTITION BY ${pk} ORDER BY j._origin DESC, j._line) > 1
			THEN ${literal(`${keyName}: key repeated in this file (first at line `)} || min(j._line) OVER (PARTITION BY ${pk}) || ')' END`
	];
	if (table.replaceOnlyIfNotOlder) {
		joins.push(`LEFT JOIN ${ident(table.name)} ex ON ${keyMatch(table, 'ex', 'j')}`);
		otherReasons.push(
			`CASE WHEN ex._extracted_on > j._extracted_on THEN ${literal(
				`${keyName}: a later extract (extracted on `
			)} || strftime(ex._extracted_on, '%Y-%m-%d') || ') already describes this child' END`
		);
	}
	const fk = `list_filter([${fkReasons.join(', ') || 'NULL'}]::VARCHAR[], x -> x IS NOT NULL)`;
	const other = `list_filter([${otherReasons.join(', ')}]::VARCHAR[], x -> x IS NOT NULL)`;
	return `SELECT j.*, list_concat(j._reasons, ${fk}, ${other}) AS _all,
			len(j._reasons) = 0 AND len(${other}) = 0 AND len(${fk}) > 0 AS _reference_only
		FROM ${judged} j ${joins.join(' ')}`;
}

/**
 * Judges the staged rows of `table` in `staged` and loads the valid ones as batch `batch`.
 * Quarantines the others (file rows) or returns them (retried rows: the caller updates
 * their quarantine entries). With `judged`, `staged` already holds judgeSelect's columns (the
 * import's reader judged the values in its own process: ./prepare.ts), and only the rules that
 * need the warehouse are applied here.
 */
export async function judgeAndLoad(
	conn: DuckDBConnection,
	table: Table,
	staged: string,
	batch: number,
	mode: 'file' | 'retry' | 'settings',
	options: { judged?: boolean } = {}
): Promise<LoadResult> {
	const checked = temp('checked', table);
	const okKeys = temp('ok_keys', table);
	const judged = options.judged ? staged : `(${judgeSelect(table, staged)})`;
	await exec(conn, `CREATE TEMP TABLE ${checked} AS ${checkedSelect(table, judged)}`);
	if (mode === 'settings') {
		return { loaded: 0, replaced: 0, quarantined: await count(conn, `${checked} WHERE len(_all) > 0`), checked };
	}
	const ok = `(SELECT * FROM ${checked} WHERE len(_all) = 0)`;
	// Only the keys are copied, for the replacement steps; the rows are read from `checked`.
	await exec(conn, `CREATE TEMP TABLE ${okKeys} AS SELECT ${table.primaryKey.map(ident).join(', ')} FROM ${ok}`);
	await noteTouched(conn, table, ok);
	const target = ident(table.name);
	const matchesOk = `EXISTS (SELECT 1 FROM ${okKeys} o WHERE ${keyMatch(table, 't', 'o')})`;
	const replaced = await count(conn, `${target} t WHERE ${matchesOk}`);
	if (replaced > 0) {
		await exec(
			conn,
			`INSERT INTO ${ident(replacedTableName(table))} SELECT t.*, $batch AS _replaced_by FROM ${target} t WHERE ${matchesOk}`,
			{ batch }
		);
		await exec(conn, `DELETE FROM ${target} t WHERE ${matchesOk}`);
	}
	const extra = [`$batch::INTEGER AS _batch`];
	if (table.replaceOnlyIfNotOlder) extra.push('s._extracted_on AS _extracted_on');
	const numbering = numberChildrenSql(table, ok);
	if (numbering) await exec(conn, numbering);
	await exec(conn, `INSERT INTO ${target} BY NAME ${derivingSelect(table, ok, extra)}`, { batch });
	const loaded = await count(conn, okKeys);
	await exec(conn, `DROP TABLE ${okKeys}`);
	let quarantined = 0;
	if (mode === 'file') {
		quarantined = await count(conn, `${checked} WHERE len(_all) > 0`);
		await exec(
			conn,
			`INSERT INTO quarantine
			SELECT (SELECT coalesce(max(quarantine_id), 0) FROM quarantine) + row_number() OVER (ORDER BY _line),
				$batch, _file, ${literal(table.name)}, _line, _all, ${rawJson(table)}, _reference_only, 'open', NULL
			FROM ${checked} WHERE len(_all) > 0`,
			{ batch }
		);
	}
	return { loaded, replaced, quarantined, checked };
}

/** Quarantines records DuckDB could not split into fields (never retried). */
export async function quarantineRejects(conn: DuckDBConnection, table: Table, rejects: string, file: string, batch: number): Promise<number> {
	const n = await count(conn, rejects);
	if (n === 0) return 0;
	await exec(
		conn,
		`INSERT INTO quarantine
		SELECT (SELECT coalesce(max(quarantine_id), 0) FROM quarantine) + row_number() OVER (ORDER BY _line),
			$batch, $file, ${literal(table.name)}, _line, reasons, json_object('_record', text), false, 'open', NULL
		FROM ${rejects}`,
		{ batch, file }
	);
	return n;
}

/** Records the children and agencies whose watched columns this load changes (new ones included). */
async function noteTouched(conn: DuckDBConnection, table: Table, ok: string): Promise<void> {
	if (table.name !== 'children' && table.name !== 'agencies') return;
	const watched = WATCHED_COLUMNS[table.name];
	const key = table.primaryKey[0];
	const into = table.name === 'children' ? 'touched_children' : 'touched_agencies';
	const changed = watched.map((c) => `old.${ident(c)} IS DISTINCT FROM o.${ident(c)}`).join(' OR ');
	await exec(
		conn,
		`INSERT INTO ${into} SELECT o.${ident(key)} FROM ${ok} o LEFT JOIN ${ident(table.name)} old ON ${keyMatch(table, 'old', 'o')}
		WHERE old.${ident(key)} IS NULL OR ${changed}`
	);
}

/** Temp tables naming the children and agencies changed in this transaction. */
export async function createTouchedTables(conn: DuckDBConnection): Promise<void> {
	await exec(conn, 'CREATE OR REPLACE TEMP TABLE touched_children (child_id VARCHAR)');
	await exec(conn, 'CREATE OR REPLACE TEMP TABLE touched_agencies (agency_code VARCHAR)');
}

/**
 * Recomputes the derived columns of every stored row whose child or agency changed
 * (rows of `exceptBatch` were computed when loaded, after their children and agencies).
 */
export async function recomputeStale(conn: DuckDBConnection, tables: readonly Table[], exceptBatch: number | null): Promise<number> {
	let total = 0;
	for (const table of tables) {
		const stale = staleCondition(table);
		if (!stale) continue;
		const where = `(${stale})${exceptBatch === null ? '' : ` AND _batch <> ${Number(exceptBatch)}`}`;
		const rewrite = temp('rewrite', table);
		await exec(conn, `CREATE TEMP TABLE ${rewrite} AS SELECT * FROM ${ident(table.name)} WHERE ${where}`);
		const n = await count(conn, rewrite);
		if (n > 0) {
			await exec(conn, `DELETE FROM ${ident(table.name)} WHERE ${where}`);
			// Their children were numbered when the rows were first loaded; numbering again finds none to add.
			const numbering = numberChildrenSql(table, rewrite);
			if (numbering) await exec(conn, numbering);
			await exec(conn, `INSERT INTO ${ident(table.name)} BY NAME ${derivingSelect(table, withoutDerived(table, rewrite), ['s._batch AS _batch'])}`);
		}
		await exec(conn, `DROP TABLE ${rewrite}`);
		total += n;
	}
	return total;
}

export async function count(conn: DuckDBConnection, from: string): Promise<number> {
	const [row] = await query<{ n: number }>(conn, `SELECT count(*) AS n FROM ${from}`);
	return row.n;
}
