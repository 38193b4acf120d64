import { json } from '@sveltejs/kit';
import { receiveUpload } from '$lib/server/uploads/server.ts';
import type { RequestHandler } from './$types';

/**
 * Uploads an extract (multipart/form-data, field `files`: one .zip, or manifest.json and the
 * table files) and starts its import in the background: 202 `{id}`, then GET /api/imports/{id}
 * for its progress and report. 400 for names outside the extract's, 413 over the size limit,
 * 415 for another content type, 503 while too many imports run. (Access: `import`, in hooks.)
 */
export const POST: RequestHandler = async (event) => {
	const received = await receiveUpload(event);
	if (!received.ok) {
		const { status, message, limit } = received;
		// Over the limit the rest of the body is never read: close the connection after answering.
		const headers: Record<string, string> = status === 503 ? { 'retry-after': '30' } : status === 413 ? { connection: 'close' } : {};
		return json({ error: message, ...(limit ? { limit } : {}) }, { status, headers });
	}
	return json({ id: received.job.id }, { status: 202, headers: { location: `/api/imports/${received.job.id}` } });
};
