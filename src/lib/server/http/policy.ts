/**
 * The disclosure policy of this server: the threshold is set per deployment
 * (DISCLOSURE_THRESHOLD, never below 3; default 5). Until sign-in exists, every figure a
 * person sees is suppressed: there is no unsuppressed view.
 */
import { env } from '$env/dynamic/private';
import { policyFrom } from '../disclosure/index.ts';
import type { DisclosurePolicy } from '../disclosure/types.ts';

let cached: DisclosurePolicy | undefined;

export function serverPolicy(): DisclosurePolicy {
	cached ??= policyFrom({ threshold: env.DISCLOSURE_THRESHOLD ?? null, profile: 'dashboard' });
	return cached;
}
