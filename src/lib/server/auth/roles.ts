/**
 * Roles and what each may do: the table "Who sees what" of the disclosure-control spec
 * (shared/spec/disclosure-control.md), as data. Every route and endpoint asks `can()` on the
 * server; hiding a button is not access control.
 *
 *   ROLES: readonly Role[]                      viewer, lead, auditor, analyst, admin
 *   PERMISSIONS: readonly Permission[]
 *   isRole(text): text is Role
 *   can(role: Role, permission: Permission): boolean
 *   permissionsOf(role: Role): Permission[]
 *   needsSecondFactor(role: Role): boolean      analyst and admin (they can see unsuppressed figures)
 */

export const ROLES = ['viewer', 'lead', 'auditor', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
	/** Every dashboard page, audit results included, suppressed. */
	'view',
	/** Export suppressed reports. */
	'export',
	/** Create, edit and retire partnership priorities. */
	'edit_priorities',
	/** Enter benchmarks (published comparators). */
	'enter_benchmarks',
	/** Pseudonymised case lists for sampling. */
	'case_lists',
	/** Export audit samples. */
	'export_audit_samples',
	/** Switch to unsuppressed figures (each switch logged). */
	'unsuppressed',
	/** Import and undo extracts. */
	'import',
	/** Read the quarantine and the data-quality page. */
	'quarantine',
	/** Manage accounts and roles. */
	'manage_accounts',
	/** Read the audit log. */
	'read_audit_log'
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
	viewer: ['view', 'export'],
	lead: ['view', 'export', 'edit_priorities', 'enter_benchmarks'],
	auditor: ['view', 'export', 'case_lists', 'export_audit_samples'],
	analyst: ['view', 'export', 'case_lists', 'export_audit_samples', 'unsuppressed', 'import', 'quarantine', 'enter_benchmarks'],
	admin: [
		'view',
		'export',
		'case_lists',
		'export_audit_samples',
		'unsuppressed',
		'import',
		'quarantine',
		'enter_benchmarks',
		'manage_accounts',
		'read_audit_log'
	]
};

export function isRole(text: unknown): text is Role {
	return typeof text === 'string' && (ROLES as readonly string[]).includes(text);
}

export function can(role: Role, permission: Permission): boolean {
	return GRANTS[role]?.includes(permission) ?? false;
}

/** The role's permissions, in the order of PERMISSIONS. */
export function permissionsOf(role: Role): Permission[] {
	return PERMISSIONS.filter((p) => can(role, p));
}

/** Roles that can see unsuppressed figures or change who can: a second factor is required. */
export function needsSecondFactor(role: Role): boolean {
	return role === 'analyst' || role === 'admin';
}
