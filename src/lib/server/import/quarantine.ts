/** Reading the quarantine and the import history. */
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import type { QuarantinedRow } from './types.ts';

export interface QuarantineFilter {
	batch?: number;
	table?: string;
	/** `open` (default): rows still out of the warehouse; `all`: loaded and superseded ones too. */
	status?: 'open' | 'all';
}

export async function listQuarantine(warehouse: Warehouse, filter: QuarantineFilter = {}): Promise<QuarantinedRow[]> {
	const rows = await warehouse.read((conn) =>
		query<{ batch_id: number; file: string; table_name: string; line: number; reasons: string[]; row_json: string; reference_only: boolean }>(
			conn,
			`SELECT batch_id, file, table_name, line, reasons, CAST(row_json AS VARCHAR) AS row_json, reference_only
			FROM quarantine
			WHERE ($batch IS NULL OR batch_id = $batch) AND ($table IS NULL OR table_name = $table)
				AND ($all OR status = 'open')
			ORDER BY batch_id, file, line`,
			{ batch: filter.batch ?? null, table: filter.table ?? null, all: filter.status === 'all' }
		)
	);
	return rows.map((r) => ({
		batch_id: r.batch_id,
		file: r.file,
		table: r.table_name,
		line: r.line,
		reasons: r.reasons,
		row: JSON.parse(r.row_json) as Record<string, string | null>,
		waiting_for_reference: r.reference_only
	}));
}

export interface BatchSummary {
	batch_id: number;
	source: string;
	supplied_by: string;
	extracted_on: string;
	imported_at: string;
	imported_by: string;
	status: 'committed' | 'undone';
	rows_read: number;
	rows_loaded: number;
	rows_replaced: number;
	rows_quarantined: number;
}

export async function listBatches(warehouse: Warehouse): Promise<BatchSummary[]> {
	return warehouse.read((conn) =>
		query<BatchSummary>(
			conn,
			`SELECT b.batch_id, b.source, b.supplied_by, strftime(b.extracted_on, '%Y-%m-%d') AS extracted_on,
				strftime(timezone('UTC', b.imported_at), '%Y-%m-%dT%H:%M:%SZ') AS imported_at, b.imported_by, b.status,
				coalesce(sum(f.rows_read), 0)::BIGINT AS rows_read, coalesce(sum(f.rows_loaded), 0)::BIGINT AS rows_loaded,
				coalesce(sum(f.rows_replaced), 0)::BIGINT AS rows_replaced, coalesce(sum(f.rows_quarantined), 0)::BIGINT AS rows_quarantined
			FROM batches b LEFT JOIN batch_files f USING (batch_id)
			GROUP BY ALL ORDER BY b.batch_id`
		)
	);
}
