/**
 * The disclosure policy of this server: the threshold is set per deployment
 * (DISCLOSURE_THRESHOLD, never below 3; default 5). Every figure a person sees is suppressed,
 * except for an analyst or admin who switched their session to unsuppressed figures
 * (requestPolicy; each switch is logged).
 */
import { env } from '$env/dynamic/private';
import { policyFrom, unsuppressedPolicy } from '../disclosure/index.ts';
import type { DisclosurePolicy } from '../disclosure/types.ts';

let cached: DisclosurePolicy | undefined;

export function serverPolicy(): DisclosurePolicy {
	cached ??= policyFrom({ threshold: env.DISCLOSURE_THRESHOLD ?? null, profile: 'dashboard' });
	return cached;
}

/** The policy for one request: the server's, or unsuppressed when the session switched to it (hooks checked the role). */
export function requestPolicy(locals: App.Locals): DisclosurePolicy {
	return locals.session?.unsuppressed ? unsuppressedPolicy(serverPolicy()) : serverPolicy();
}
