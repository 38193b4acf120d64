import { json } from '@sveltejs/kit';
import { importJobs, jobView } from '$lib/server/uploads/jobs.ts';
import type { RequestHandler } from './$types';

/**
 * An import started from the browser: its stage (checks, import, done), steps done of total,
 * and once done its report and the identifier check's verdict. Only for the person who started
 * it, or an admin: anyone else gets 404, as for an unknown id. (Access: `import`, in hooks.)
 */
export const GET: RequestHandler = async ({ params, locals }) => {
	const user = locals.user!;
	const job = importJobs.get(params.id, { userId: user.userId, role: user.role });
	if (!job) return json({ error: 'no such import (imports are kept for an hour after they end)' }, { status: 404 });
	return json(jobView(job));
};
