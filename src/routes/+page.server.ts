import { listBatches } from '$lib/server/import/quarantine.ts';
import { isDemo, serverWarehouse } from '$lib/server/http/warehouse.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const batches = await listBatches(await serverWarehouse());
	return {
		demo: isDemo(),
		batches: batches.map((b) => ({ batch_id: b.batch_id, supplied_by: b.supplied_by, extracted_on: b.extracted_on, status: b.status }))
	};
};
