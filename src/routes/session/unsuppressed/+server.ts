import { error, redirect } from '@sveltejs/kit';
import { setUnsuppressed } from '$lib/server/auth/sessions.ts';
import { formOrError } from '$lib/server/http/form.ts';
import { auditRequest, safeNext } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import type { RequestHandler } from './$types';

/**
 * Switches this session to unsuppressed figures or back (analysts and admins: the access rule
 * in http/access.ts). Each switch is written to the audit log, with the page it was made on.
 */
export const POST: RequestHandler = async (event) => {
	const form = await formOrError(event);
	const on = form.get('on') === '1';
	const back = safeNext(String(form.get('next') ?? '/'));
	const changed = await setUnsuppressed(await serverWarehouse(), event.locals.session!.token, on);
	if (!changed) error(403, 'Your session cannot switch to unsuppressed figures.');
	await auditRequest(event, on ? 'unsuppressed.on' : 'unsuppressed.off', { page: back });
	redirect(303, back);
};
