import { fail, redirect } from '@sveltejs/kit';
import { checkResetToken, consumeResetToken } from '$lib/server/auth/reset.ts';
import { readForm } from '$lib/server/http/form.ts';
import { auditRequest } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import type { Actions, PageServerLoad } from './$types';

const REFUSED = {
	invalid: 'This reset link is not valid. Ask an administrator for a new one.',
	expired: 'This reset link has expired (links last 60 minutes). Ask an administrator for a new one.',
	used: 'This reset link has been used already. Ask an administrator for a new one.'
} as const;

/** A one-time password reset link made by an administrator (cli users reset, or the Users page). */
export const load: PageServerLoad = async ({ params }) => {
	const check = await checkResetToken(await serverWarehouse(), params.token);
	return check.ok ? { valid: true as const, email: check.user.email } : { valid: false as const, message: REFUSED[check.reason] };
};

export const actions: Actions = {
	default: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { message: read.message });
		const { form } = read;
		const password = String(form.get('password') ?? '');
		if (password !== String(form.get('confirm') ?? '')) return fail(400, { message: 'The two passwords are not the same.' });
		const result = await consumeResetToken(await serverWarehouse(), event.params.token, password);
		if (!result.ok) return fail(400, { message: result.reason === 'policy' ? result.message : REFUSED[result.reason] });
		await auditRequest(event, 'password.reset', {}, `user:${result.user.email}`);
		redirect(303, '/login?reset=done');
	}
};
