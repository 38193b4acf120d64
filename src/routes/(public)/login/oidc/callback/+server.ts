import { finishOidc } from '$lib/server/oidc/web.ts';
import type { RequestHandler } from './$types';

/** The provider's redirect back: signs in by the verified email (404 when OIDC is not configured). */
export const GET: RequestHandler = (event) => finishOidc(event);
