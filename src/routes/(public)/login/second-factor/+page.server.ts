import { fail, redirect } from '@sveltejs/kit';
import { readForm } from '$lib/server/http/form.ts';
import { clientAddress, safeNext } from '$lib/server/http/session.ts';
import { enrolmentFor, secondFactor } from '$lib/server/http/sign-in.ts';
import type { Actions, PageServerLoad } from './$types';

/** The second factor: a code from the person's authenticator app, set up on first use. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'));
	if (!locals.user || !locals.session) redirect(303, '/login');
	if (!locals.session.secondFactorPending) redirect(303, next);
	const enrolment = locals.user.secondFactorEnrolled ? null : enrolmentFor(locals.session.id, locals.user);
	return { next, enrolment, email: locals.user.email };
};

export const actions: Actions = {
	default: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { message: read.message });
		const { form } = read;
		const code = String(form.get('code') ?? '');
		const next = safeNext(String(form.get('next') ?? '/'));
		if (!/^\s*\d{3}\s?\d{3}\s*$/.test(code)) return fail(400, { message: 'Enter the 6-digit code your app shows.' });
		const result = await secondFactor(event, code, clientAddress(event));
		if (result.outcome === 'throttled') return fail(429, { message: result.message });
		if (result.outcome !== 'ok') return fail(400, { message: result.message });
		redirect(303, next);
	}
};
