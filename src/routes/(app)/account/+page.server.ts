import { fail, redirect } from '@sveltejs/kit';
import { permissionsOf } from '$lib/server/auth/roles.ts';
import { endAllSessions, endSessionById, listSessions } from '$lib/server/auth/sessions.ts';
import { readForm } from '$lib/server/http/form.ts';
import { auditRequest, clearSessionCookie } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import type { Actions, PageServerLoad } from './$types';

/** One's own account: role, what it allows, sessions (end one, or all). */
export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const sessions = await listSessions(await serverWarehouse(), user.userId);
	return {
		filtersIgnored: 'it is about your account, not figures',
		email: user.email,
		role: user.role,
		permissions: permissionsOf(user.role),
		sessions: sessions
			.filter((s) => s.active)
			.map((s) => ({
				id: s.id,
				current: s.id === locals.session!.id,
				createdAt: s.createdAt.toISOString(),
				lastSeenAt: s.lastSeenAt.toISOString(),
				address: s.address,
				userAgent: s.userAgent
			}))
	};
};

export const actions: Actions = {
	end: async (event) => {
		const read = await readForm(event);
		if (!read.ok) return fail(read.status, { message: read.message });
		const id = String(read.form.get('id') ?? '');
		if (!/^[0-9a-f]{64}$/.test(id)) return fail(400, { message: 'No such session.' });
		const ended = await endSessionById(await serverWarehouse(), event.locals.user!.userId, id);
		if (!ended) return fail(400, { message: 'No such session.' });
		await auditRequest(event, 'session.end', { own: id === event.locals.session!.id });
		if (id === event.locals.session!.id) {
			clearSessionCookie(event.cookies);
			redirect(303, '/login');
		}
		return { message: 'That session has ended.' };
	},
	endAll: async (event) => {
		await endAllSessions(await serverWarehouse(), event.locals.user!.userId);
		await auditRequest(event, 'session.end_all', {});
		clearSessionCookie(event.cookies);
		redirect(303, '/login');
	}
};
