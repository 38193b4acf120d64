/**
 * The disclosure policy of a deployment (disclosure-control.md, "The policy"): the threshold
 * (counts from 1 to it are suppressed; default 5, never below 3) and the export profile.
 */
import { z } from 'zod';
import type { DisclosurePolicy, PolicySettings } from './types.ts';

/** The lowest threshold a deployment may set. */
export const MIN_THRESHOLD = 3;
export const DEFAULT_THRESHOLD = 5;
export const PROFILES = ['dashboard', 'publication', 'unsuppressed'] as const;
/** The profiles a deployment may configure: `unsuppressed` is only ever per request (unsuppressedPolicy). */
const CONFIGURABLE = ['dashboard', 'publication'] as const;

/**
 * The default threshold and profile with rules 1 to 6 alone (no cell key method): for tests of
 * those rules over counts made by hand. A deployment's policy comes from `policyFrom`, which
 * switches the cell key method on.
 */
export const DEFAULT_POLICY: Readonly<DisclosurePolicy> = Object.freeze({ threshold: DEFAULT_THRESHOLD, profile: 'dashboard' });

/** Unset, null and blank text (an environment variable set to nothing) mean the default. */
const unset = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const settingsSchema = z.object({
	threshold: z.preprocess(
		(v) => (unset(v) ? DEFAULT_THRESHOLD : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
		z.number({ error: `must be a whole number of at least ${MIN_THRESHOLD}` }).int(`must be a whole number of at least ${MIN_THRESHOLD}`).min(MIN_THRESHOLD, `must be at least ${MIN_THRESHOLD}`)
	),
	profile: z.preprocess((v) => (unset(v) ? 'dashboard' : typeof v === 'string' ? v.trim() : v), z.enum(CONFIGURABLE, { error: `must be one of ${CONFIGURABLE.join(', ')}` }))
});

/** Checks a policy (throws naming the setting at fault); the policy every function here takes. */
export function policyFrom(settings: PolicySettings = {}): DisclosurePolicy {
	const parsed = settingsSchema.safeParse(settings);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const got = settings[issue.path[0] as keyof PolicySettings];
		throw new Error(`disclosure ${String(issue.path[0])}: ${issue.message} (got ${JSON.stringify(got)})`);
	}
	// Rule 7: a deployment's figures are perturbed by their cell keys under both profiles.
	return { ...parsed.data, cellKey: true };
}

/** Refuses a policy built by hand that breaks the rules (every entry point checks). */
export function checkPolicy(policy: DisclosurePolicy): void {
	const cellKeyOk = policy.cellKey === undefined || policy.cellKey === false || (policy.cellKey === true && policy.profile !== 'unsuppressed');
	if (!Number.isInteger(policy.threshold) || policy.threshold < MIN_THRESHOLD || !PROFILES.includes(policy.profile) || !cellKeyOk) {
		throw new Error(`not a valid disclosure policy: ${JSON.stringify(policy)} (threshold a whole number ≥ ${MIN_THRESHOLD}, profile one of ${PROFILES.join(', ')})`);
	}
}

/** The policy of a person who switched to unsuppressed figures: nothing is suppressed; the threshold is kept for the words. */
export function unsuppressedPolicy(policy: DisclosurePolicy): DisclosurePolicy {
	checkPolicy(policy);
	return { threshold: policy.threshold, profile: 'unsuppressed', cellKey: false };
}
