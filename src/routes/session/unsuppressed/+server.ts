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
	const next = safeNext(String(form.get('next') ?? '/'));
	// Back to suppressed figures: custom dates are for the unsuppressed view only (rule 7), so
	// the page comes back for the last 12 months rather than as a 400.
	const back = on ? next : withoutCustomDates(next);
	const changed = await setUnsuppressed(await serverWarehouse(), event.locals.session!.token, on);
	if (!changed) error(403, 'Your session cannot switch to unsuppressed figures.');
	await auditRequest(event, on ? 'unsuppressed.on' : 'unsuppressed.off', { page: back });
	redirect(303, back);
};

/** A same-site path without custom dates (`from`, `to`, `period=custom`), its other parameters kept. */
function withoutCustomDates(path: string): string {
	const url = new URL(path, 'http://x');
	const custom = url.searchParams.get('period') === 'custom' || (!url.searchParams.has('period') && (url.searchParams.has('from') || url.searchParams.has('to')));
	if (!custom) return path;
	for (const name of ['period', 'from', 'to']) url.searchParams.delete(name);
	return `${url.pathname}${url.search}${url.hash}`;
}
