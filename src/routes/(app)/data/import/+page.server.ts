import { fail } from '@sveltejs/kit';
import { listBatches } from '$lib/server/import/quarantine.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { identifierVerdict } from '$lib/server/uploads/report.ts';
import { receiveUpload, uploadLimits } from '$lib/server/uploads/server.ts';
import type { Actions, PageServerLoad } from './$types';

/** How many of the latest batches the page lists. */
const RECENT = 10;

/** Importing an extract in the browser (analysts and admins: the access rule `import`, in hooks). */
export const load: PageServerLoad = async () => {
	const limits = uploadLimits();
	const batches = await listBatches(await serverWarehouse());
	return {
		limit: { bytes: limits.effectiveBytes, text: limits.text },
		batches: batches.slice(-RECENT).reverse(),
		allBatches: batches.length,
		filtersIgnored: 'it imports extracts into the warehouse'
	};
};

export const actions: Actions = {
	/** Without JavaScript: the upload as a plain multipart form; answers once the import is over, with its report. */
	upload: async (event) => {
		const received = await receiveUpload(event);
		if (!received.ok) {
			// Over the limit the rest of the body is never read: close the connection after answering.
			if (received.status === 413) event.setHeaders({ connection: 'close' });
			return fail(received.status, { message: received.message });
		}
		const report = await received.job.finished;
		return { report, identifierCheck: identifierVerdict(report) };
	}
};
