import { json } from '@sveltejs/kit';
import { listQuarantine } from '$lib/server/import/quarantine.ts';
import { auditRequest } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { parseQuarantineFilter, QuarantineFilterError, quarantineCsv } from '$lib/server/uploads/quarantine-csv.ts';
import type { RequestHandler } from './$types';

/**
 * The quarantined rows still out of the warehouse, as a CSV download (`?batch=&table=`):
 * batch_id, file, table, line and reasons; never the row's values. Logged as an export with
 * the file's SHA-256 and row count. (Access: `quarantine`, analysts and admins, in hooks.)
 */
export const GET: RequestHandler = async (event) => {
	let filter;
	try {
		filter = parseQuarantineFilter(event.url.searchParams);
	} catch (e) {
		if (e instanceof QuarantineFilterError) return json({ error: e.message }, { status: 400 });
		throw e;
	}
	const rows = await listQuarantine(await serverWarehouse(), filter);
	const csv = quarantineCsv(rows, filter);
	await auditRequest(event, 'quarantine.export', {
		file: csv.filename,
		sha256: csv.sha256,
		rows: csv.rows,
		batch: filter.batch ?? null,
		table: filter.table ?? null,
		columns: 'batch_id,file,table,line,reasons'
	});
	return new Response(csv.text, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${csv.filename}"`,
			'x-content-sha256': csv.sha256
		}
	});
};
