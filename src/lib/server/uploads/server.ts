/**
 * The request-bound side of importing in the browser (used by POST /api/imports and the
 * /data/import page's `upload` action): the limits from the environment, saving the upload,
 * starting its job and the audit entry under the signed-in person. The access rule (`import`)
 * has been enforced by hooks.server.ts before any of this runs.
 *
 * Limits: FP_UPLOAD_LIMIT_MB (default 200) is ours; adapter-node's BODY_SIZE_LIMIT (default
 * 512K) also applies to every request body, so the smaller of the two is the one that holds.
 */
import { randomBytes } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { clientAddress } from '../http/session.ts';
import { serverWarehouse } from '../http/warehouse.ts';
import { importJobs, JobsBusyError, type ImportJob } from './jobs.ts';
import { bodySizeLimitBytes, saveUpload, sizeWords, uploadLimitBytes, UploadError, type UploadLimits } from './save.ts';
import { startUploadImport } from './start.ts';

export interface ServerUploadLimits extends UploadLimits {
	/** The smaller of FP_UPLOAD_LIMIT_MB and BODY_SIZE_LIMIT, in bytes: what an upload may weigh. */
	effectiveBytes: number;
	/** The effective limit in words, e.g. "200 MB". */
	text: string;
}

export function uploadLimits(): ServerUploadLimits {
	const bytes = uploadLimitBytes(env.FP_UPLOAD_LIMIT_MB);
	const bodySizeLimit = env.BODY_SIZE_LIMIT || '512K';
	const body = bodySizeLimitBytes(bodySizeLimit);
	const effectiveBytes = Number.isFinite(body) && body > 0 ? Math.min(bytes, body) : bytes;
	return { bytes, bodySizeLimit, effectiveBytes, text: sizeWords(effectiveBytes) };
}

export type Received = { ok: true; job: ImportJob } | { ok: false; status: 400 | 413 | 415 | 503 | 507; message: string; limit?: string };

/** Saves the request's upload and starts its import; a refusal comes back with its status and message. */
export async function receiveUpload(event: Pick<RequestEvent, 'request' | 'locals' | 'getClientAddress'>): Promise<Received> {
	const user = event.locals.user;
	if (!user) throw new Error('receiveUpload needs a signed-in person (the access rule sees to it)');
	const limits = uploadLimits();
	try {
		importJobs.assertRoom();
	} catch (e) {
		if (e instanceof JobsBusyError) return { ok: false, status: 503, message: e.message };
		throw e;
	}
	const warehouse = await serverWarehouse();
	const id = randomBytes(16).toString('hex');
	let saved;
	try {
		saved = await saveUpload(event.request, { stagingDir: warehouse.stagingDir, id, limits });
	} catch (e) {
		if (e instanceof UploadError) {
			return { ok: false, status: e.status, message: e.message, ...(e.status === 413 ? { limit: sizeWords(limits.bytes) } : {}) };
		}
		throw e;
	}
	// The audit entry is written when the import ends, after this request: keep what it needs now.
	const address = clientAddress(event);
	try {
		const job = startUploadImport(warehouse, saved, {
			jobs: importJobs,
			id,
			owner: { userId: user.userId, email: user.email },
			audit: (details) => ({ actor: `user:${user.email}`, action: 'import', details: { ...details, address } })
		});
		return { ok: true, job };
	} catch (e) {
		if (e instanceof JobsBusyError) return { ok: false, status: 503, message: e.message };
		throw e;
	}
}
