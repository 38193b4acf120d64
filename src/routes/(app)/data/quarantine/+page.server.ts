import { warmInBackground } from '$lib/server/dashboard/warm.ts';
import { error, fail } from '@sveltejs/kit';
import { listBatches, listQuarantine } from '$lib/server/import/quarantine.ts';
import { undoBatch, UndoError } from '$lib/server/import/undo.ts';
import { readForm } from '$lib/server/http/form.ts';
import { auditRequest } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { parseQuarantineFilter, QUARANTINE_TABLES, QuarantineFilterError } from '$lib/server/uploads/quarantine-csv.ts';
import type { Actions, PageServerLoad } from './$types';

/** Rows the page lists at most (the CSV download has them all). */
const SHOWN = 1000;

/**
 * The quarantine: rows still out of the warehouse, by batch, file and line, with their reasons;
 * never the rows' values, which could be personal (analysts and admins: the access rule
 * `quarantine`; undo needs `import`, both in hooks).
 */
export const load: PageServerLoad = async ({ url }) => {
	let filter;
	try {
		filter = parseQuarantineFilter(url.searchParams);
	} catch (e) {
		if (e instanceof QuarantineFilterError) error(400, e.message);
		throw e;
	}
	const warehouse = await serverWarehouse();
	const [rows, batches] = await Promise.all([listQuarantine(warehouse, filter), listBatches(warehouse)]);
	const search = new URLSearchParams();
	if (filter.batch !== undefined) search.set('batch', String(filter.batch));
	if (filter.table) search.set('table', filter.table);
	const query = search.size ? `?${search}` : '';
	return {
		filter: { batch: filter.batch ?? null, table: filter.table ?? null },
		tables: [...QUARANTINE_TABLES],
		batches: [...batches].reverse(),
		total: rows.length,
		// Batch, file, line and reasons only: the row's values stay on the server.
		rows: rows.slice(0, SHOWN).map((r) => ({
			batch_id: r.batch_id,
			file: r.file,
			table: r.table,
			line: r.line,
			reasons: r.reasons,
			waiting: r.waiting_for_reference
		})),
		shown: SHOWN,
		download: `/api/quarantine${query}`,
		filtersIgnored: 'it lists the rows imports have quarantined'
	};
};

export const actions: Actions = {
	/** Undoes an import batch (undo.ts): refused, with the reason, while a later import depends on it. Logged either way. */
	undo: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { undo: { ok: false, batch: null, message: read.message } });
		const raw = String(read.form.get('batch') ?? '').trim();
		if (!/^[1-9][0-9]{0,9}$/.test(raw)) return fail(400, { undo: { ok: false, batch: null, message: 'Choose an import batch to undo.' } });
		const batch = Number(raw);
		const user = event.locals.user!;
		try {
			const report = await undoBatch(await serverWarehouse(), batch, `user:${user.email}`);
			await auditRequest(event, 'undo', { via: 'browser', batch_id: batch, rows_removed: report.rows_removed, rows_restored: report.rows_restored });
			// A new data version: its first pages' figures computed ahead (dashboard/warm.ts).
			warmInBackground(await serverWarehouse());
			return {
				undo: {
					ok: true,
					batch,
					message: `Batch ${batch} undone: ${report.rows_removed.toLocaleString('en-GB')} rows removed, ${report.rows_restored.toLocaleString('en-GB')} rows restored.`
				}
			};
		} catch (e) {
			if (!(e instanceof UndoError)) throw e;
			await auditRequest(event, 'undo.refused', { via: 'browser', batch_id: batch, reason: e.message });
			return fail(409, { undo: { ok: false, batch, message: `Undo refused: ${e.message}` } });
		}
	}
};
