import { fail, redirect } from '@sveltejs/kit';
import { readForm } from '$lib/server/http/form.ts';
import { clientAddress, safeNext } from '$lib/server/http/session.ts';
import { signIn } from '$lib/server/http/sign-in.ts';
import { isDemo } from '$lib/server/http/warehouse.ts';
import { oidcLink } from '$lib/server/oidc/web.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'));
	if (locals.user && locals.session && !locals.session.secondFactorPending) redirect(303, next);
	const oidc = oidcLink(url.origin);
	const flag = url.searchParams.get('oidc');
	const oidcMessage = !oidc
		? null
		: flag === 'failed'
			? `Signing in with ${oidc.name} did not work, or the account cannot sign in here. Try again, or ask an administrator.`
			: flag === 'throttled'
				? 'Too many attempts. Try again in 15 minutes.'
				: flag === 'unavailable'
					? `Signing in with ${oidc.name} is not possible just now. Try again later, or sign in with your password.`
					: null;
	return { next, demo: isDemo(), reset: url.searchParams.get('reset') === 'done', oidc, oidcMessage };
};

export const actions: Actions = {
	default: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { email: '', message: read.message });
		const { form } = read;
		const email = String(form.get('email') ?? '').trim();
		const password = String(form.get('password') ?? '');
		const next = safeNext(String(form.get('next') ?? '/'));
		if (!email || !password) return fail(400, { email, message: 'Give your email and your password.' });
		const result = await signIn(event, email, password, clientAddress(event));
		if (result.outcome === 'throttled') {
			event.setHeaders({ 'retry-after': String(result.retryAfterSeconds) });
			return fail(429, { email, message: result.message });
		}
		if (result.outcome === 'invalid') return fail(400, { email, message: result.message });
		redirect(303, result.secondFactor ? `/login/second-factor?next=${encodeURIComponent(next)}` : next);
	}
};
