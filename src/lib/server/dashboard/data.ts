/**
 * Data (`/data`): the import history, and how fresh each supplier's data is, table by table,
 * so that an agency whose extracts have stopped, or whose latest extract holds old events,
 * stands out. Not about any period or filter: the page takes none.
 *
 * ## Choices
 * - **A supplier's rows** of a table are the rows now in the warehouse that one of its
 *   imports last wrote (`_batch`): a row another supplier's extract replaced is that
 *   supplier's, and a quarantined row loaded when a later import retried it is that import's.
 * - **Latest extract** of a supplier for a table: the greatest `extracted_on` of its
 *   committed (not undone) imports that held a file for the table, and that import's batch.
 * - **Latest event** of those rows: the greatest event date over the table's date and
 *   timestamp columns (London dates), planned dates aside, as the latest event date that
 *   ends the priorities' periods. Tables with no dates of their own (agencies, areas,
 *   children, meeting attendance, audit findings) have none.
 */
import { listBatches, type BatchSummary } from '../import/quarantine.ts';
import { LOAD_ORDER } from '../schema/tables.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import { eventDateAggregate, eventDateColumns, eventDateSpan } from './filters.ts';

export interface Freshness {
	supplied_by: string;
	table: string;
	/** Latest `extracted_on` of this supplier's committed imports holding a file for the table (null: none did, as when its rows came only by retries). */
	extracted_on: string | null;
	/** The import that extract came in. */
	batch_id: number | null;
	/** Rows of the table now in the warehouse that this supplier's imports wrote. */
	rows: number;
	/** Latest event date among those rows; null when the table has no event dates or no rows. */
	latest_event_on: string | null;
}

export interface DataPageData {
	batches: BatchSummary[];
	/** The latest event date of the whole warehouse (what priorities' periods end at). */
	latestEventDate: string | null;
	/** By supplier (codes in code-point order), then table in load order. */
	freshness: Freshness[];
}

/** Rows and latest event date by supplier, for every extract table. */
function rowsBySupplierSql(): string {
	const parts = LOAD_ORDER.map((t) => {
		const latest = eventDateColumns(t).length > 0 ? eventDateAggregate(t, 'last') : 'CAST(NULL AS DATE)';
		return `SELECT ${literal(t.name)} AS table_name, _batch, count(*) AS n, ${latest} AS latest FROM ${ident(t.name)} GROUP BY _batch`;
	});
	return `SELECT b.supplied_by, r.table_name, CAST(sum(r.n) AS BIGINT) AS rows, CAST(max(r.latest) AS VARCHAR) AS latest_event_on
		FROM (${parts.join(' UNION ALL ')}) r JOIN batches b ON b.batch_id = r._batch
		GROUP BY ALL`;
}

const LATEST_EXTRACTS_SQL = `
	SELECT b.supplied_by, f.table_name, CAST(max(b.extracted_on) AS VARCHAR) AS extracted_on,
		arg_max(b.batch_id, (b.extracted_on, b.batch_id)) AS batch_id
	FROM batches b JOIN batch_files f USING (batch_id)
	WHERE b.status = 'committed'
	GROUP BY ALL`;

/** The page's data, every part of it from the same committed data (`Warehouse.snapshot`), kept for its data version (`Warehouse.cached`). */
export function dataPage(warehouse: Warehouse): Promise<DataPageData> {
	return warehouse.snapshot((view) => view.cached('page data', () => dataPageIn(view)));
}

async function dataPageIn(warehouse: Warehouse): Promise<DataPageData> {
	const [batches, span, rows, extracts] = await Promise.all([
		listBatches(warehouse),
		eventDateSpan(warehouse),
		warehouse.read((conn) => query<{ supplied_by: string; table_name: string; rows: number; latest_event_on: string | null }>(conn, rowsBySupplierSql())),
		warehouse.read((conn) =>
			query<{ supplied_by: string; table_name: string; extracted_on: string; batch_id: number }>(conn, LATEST_EXTRACTS_SQL)
		)
	]);
	const byKey = new Map<string, Freshness>();
	const entry = (supplied_by: string, table: string): Freshness => {
		const key = JSON.stringify([supplied_by, table]);
		let f = byKey.get(key);
		if (!f) {
			f = { supplied_by, table, extracted_on: null, batch_id: null, rows: 0, latest_event_on: null };
			byKey.set(key, f);
		}
		return f;
	};
	for (const e of extracts) Object.assign(entry(e.supplied_by, e.table_name), { extracted_on: e.extracted_on, batch_id: e.batch_id });
	for (const r of rows) Object.assign(entry(r.supplied_by, r.table_name), { rows: r.rows, latest_event_on: r.latest_event_on });
	const order = new Map(LOAD_ORDER.map((t, i) => [t.name, i]));
	const bySupplier = (a: Freshness, b: Freshness) => (a.supplied_by < b.supplied_by ? -1 : a.supplied_by > b.supplied_by ? 1 : 0);
	const freshness = [...byKey.values()].sort((a, b) => bySupplier(a, b) || (order.get(a.table) ?? 0) - (order.get(b.table) ?? 0));
	return { batches, latestEventDate: span.last, freshness };
}
