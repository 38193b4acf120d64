import { startOidc } from '$lib/server/oidc/web.ts';
import type { RequestHandler } from './$types';

/** Sign-in through the identity provider: to the provider (404 when OIDC is not configured). */
export const GET: RequestHandler = (event) => startOidc(event);
