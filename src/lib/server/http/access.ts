/**
 * Who may reach what: the one table of access rules, by SvelteKit route id and method,
 * enforced for every request in hooks.server.ts before any page, endpoint or form action runs
 * (disclosure-control.md, "Who sees what"). A route with no rule is refused (fail closed); a
 * test checks that every route under src/routes has one.
 *
 * Rules:
 * - `public`: anyone (the sign-in pages);
 * - `pending`: anyone holding a session, even one still waiting for its second factor
 *   (the second-factor page, sign-out);
 * - `signed_in`: a whole session (second factor shown where the role needs one);
 * - a permission of auth/roles.ts: a whole session whose role has it.
 * A method without a rule (e.g. POST on a page without form actions) is answered 405.
 */
import { can, type Permission, type Role } from '../auth/roles.ts';

export type Access = 'public' | 'pending' | 'signed_in' | Permission;
export type MethodRules = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Access>>;

const page = (access: Access): MethodRules => ({ GET: access });
const pageWithActions = (get: Access, post: Access): MethodRules => ({ GET: get, POST: post });

/** Every route of src/routes, by route id. */
export const ROUTE_ACCESS: Readonly<Record<string, MethodRules>> = Object.freeze({
	// Signing in and out.
	'/(public)/login': pageWithActions('public', 'public'),
	'/(public)/login/second-factor': pageWithActions('pending', 'pending'),
	'/(public)/reset/[token]': pageWithActions('public', 'public'),
	// Sign-in through the council's identity provider (OpenID Connect), when configured.
	'/(public)/login/oidc': { GET: 'public' },
	'/(public)/login/oidc/callback': { GET: 'public' },
	'/logout': { POST: 'pending' },
	// The dashboard: every signed-in role sees it, suppressed.
	'/(app)': page('view'),
	'/(app)/need': page('view'),
	'/(app)/response': page('view'),
	'/(app)/escalation': page('view'),
	'/(app)/meetings': page('view'),
	'/(app)/audits': page('view'),
	'/(app)/metrics/[key]': page('view'),
	'/(app)/data': page('view'),
	'/(app)/about/counts': page('view'),
	'/api/metrics': { GET: 'view' },
	// One's own account: sessions, ending them.
	'/(app)/account': pageWithActions('signed_in', 'signed_in'),
	// Unsuppressed figures (analysts, admins): each switch is logged.
	'/session/unsuppressed': { POST: 'unsuppressed' },
	// Imports in the browser (analysts, admins).
	'/(app)/data/import': pageWithActions('import', 'import'),
	'/api/imports': { POST: 'import' },
	'/api/imports/[id]': { GET: 'import' },
	'/(app)/data/quarantine': pageWithActions('quarantine', 'import'),
	'/api/quarantine': { GET: 'quarantine' },
	// Partnership settings: everyone reads them; leads edit priorities; leads, analysts and admins enter benchmarks.
	'/(app)/settings/priorities': pageWithActions('view', 'edit_priorities'),
	'/(app)/settings/benchmarks': pageWithActions('view', 'enter_benchmarks'),
	// Administration.
	'/(app)/admin/users': pageWithActions('manage_accounts', 'manage_accounts'),
	'/(app)/admin/audit': page('read_audit_log')
});

/** What the request's session amounts to. */
export type Visitor = { kind: 'nobody' } | { kind: 'pending'; role: Role } | { kind: 'signed_in'; role: Role };

export type Decision =
	| { outcome: 'allow' }
	/** No session (or one that does not suffice): pages redirect to sign-in, endpoints answer 401. */
	| { outcome: 'sign_in'; secondFactor: boolean }
	| { outcome: 'forbidden'; reason: string }
	| { outcome: 'method_not_allowed' }
	| { outcome: 'no_rule' };

/** The rule for a route and method, or undefined (HEAD follows GET). */
export function ruleFor(routeId: string, method: string): Access | 'no_method' | undefined {
	const rules = ROUTE_ACCESS[routeId];
	if (!rules) return undefined;
	const m = (method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()) as keyof MethodRules;
	return rules[m] ?? 'no_method';
}

/** Decides a request. `routeId` null (no such route) is allowed through, to SvelteKit's 404. */
export function decide(routeId: string | null, method: string, visitor: Visitor): Decision {
	if (routeId === null) return { outcome: 'allow' };
	const rule = ruleFor(routeId, method);
	if (rule === undefined) return { outcome: 'no_rule' };
	if (rule === 'no_method') return { outcome: 'method_not_allowed' };
	if (rule === 'public') return { outcome: 'allow' };
	if (visitor.kind === 'nobody') return { outcome: 'sign_in', secondFactor: false };
	if (rule === 'pending') return { outcome: 'allow' };
	if (visitor.kind === 'pending') return { outcome: 'sign_in', secondFactor: true };
	if (rule === 'signed_in' || can(visitor.role, rule)) return { outcome: 'allow' };
	return { outcome: 'forbidden', reason: `your role (${visitor.role}) does not allow this (${rule.replaceAll('_', ' ')})` };
}
