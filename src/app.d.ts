// See https://svelte.dev/docs/kit/types#app.d.ts
import type { User } from '$lib/server/auth/accounts.ts';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in person (hooks.server.ts), or null. */
			user: User | null;
			/** Their session: the raw token stays on the server, for sign-out and the second factor. */
			session: { token: string; id: string; secondFactorPending: boolean; unsuppressed: boolean } | null;
		}
	}
}

export {};
