/** The roles table of shared/spec/disclosure-control.md ("Who sees what"), as permissions. */
import { describe, expect, it } from 'vitest';
import { can, isRole, needsSecondFactor, permissionsOf, PERMISSIONS, ROLES, type Permission, type Role } from './roles.ts';

// Written out from the spec, independently of roles.ts.
const SPEC: Record<Role, Permission[]> = {
	viewer: ['view', 'export'],
	lead: ['view', 'export', 'edit_priorities', 'enter_benchmarks'],
	auditor: ['view', 'export', 'case_lists', 'export_audit_samples'],
	analyst: ['view', 'export', 'case_lists', 'export_audit_samples', 'unsuppressed', 'import', 'quarantine', 'enter_benchmarks'],
	admin: ['view', 'export', 'case_lists', 'export_audit_samples', 'unsuppressed', 'import', 'quarantine', 'enter_benchmarks', 'manage_accounts', 'read_audit_log']
};

describe('roles', () => {
	it('grant exactly the permissions of the spec', () => {
		expect([...ROLES]).toEqual(['viewer', 'lead', 'auditor', 'analyst', 'admin']);
		for (const role of ROLES) {
			expect(new Set(permissionsOf(role)), role).toEqual(new Set(SPEC[role]));
			for (const p of PERMISSIONS) expect(can(role, p), `${role} ${p}`).toBe(SPEC[role].includes(p));
		}
	});

	it('give each permission to the roles the spec names', () => {
		const holders = (p: Permission) => ROLES.filter((r) => can(r, p));
		expect(holders('view')).toEqual([...ROLES]);
		expect(holders('export')).toEqual([...ROLES]);
		expect(holders('edit_priorities')).toEqual(['lead']);
		expect(holders('enter_benchmarks')).toEqual(['lead', 'analyst', 'admin']);
		expect(holders('case_lists')).toEqual(['auditor', 'analyst', 'admin']);
		expect(holders('export_audit_samples')).toEqual(['auditor', 'analyst', 'admin']);
		expect(holders('unsuppressed')).toEqual(['analyst', 'admin']);
		expect(holders('import')).toEqual(['analyst', 'admin']);
		expect(holders('quarantine')).toEqual(['analyst', 'admin']);
		expect(holders('manage_accounts')).toEqual(['admin']);
		expect(holders('read_audit_log')).toEqual(['admin']);
	});

	it('ask a second factor of analysts and admins only', () => {
		expect(ROLES.filter(needsSecondFactor)).toEqual(['analyst', 'admin']);
	});

	it('recognise only the five role names', () => {
		expect(isRole('admin')).toBe(true);
		expect(isRole('Admin')).toBe(false);
		expect(isRole('root')).toBe(false);
		expect(isRole(undefined)).toBe(false);
		expect(can('nobody' as Role, 'view')).toBe(false);
	});
});
