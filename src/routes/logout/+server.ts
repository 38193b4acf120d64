import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/http/session.ts';
import { signOut } from '$lib/server/http/sign-in.ts';
import type { RequestHandler } from './$types';

/** Sign-out: ends the session on the server, clears the cookie, back to the sign-in page. */
export const POST: RequestHandler = async (event) => {
	await signOut(event);
	clearSessionCookie(event.cookies);
	redirect(303, '/login');
};
