import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/roles.ts';
import { decide, ROUTE_ACCESS, type Visitor } from './access.ts';

const ROUTES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../routes');

/** Route ids of src/routes: every folder holding a +page or +server file. */
function routeIds(dir = ROUTES, id = ''): string[] {
	const out: string[] = [];
	const names = readdirSync(dir);
	if (names.some((n) => /^\+(page|server)\b/.test(n))) out.push(id === '' ? '/' : id);
	for (const n of names) {
		if (statSync(path.join(dir, n)).isDirectory()) out.push(...routeIds(path.join(dir, n), `${id}/${n}`));
	}
	return out;
}

describe('the access table', () => {
	it('has a rule for every route of src/routes, and no rule for a route that does not exist', () => {
		const ids = routeIds();
		expect(ids.length).toBeGreaterThan(10);
		for (const id of ids) expect(ROUTE_ACCESS[id], `no access rule for ${id}`).toBeDefined();
		for (const id of Object.keys(ROUTE_ACCESS)) expect(ids, `a rule for ${id}, which is no route`).toContain(id);
	});

	it('decides as disclosure-control.md says who sees what', () => {
		const signed = (role: Role): Visitor => ({ kind: 'signed_in', role });
		const nobody: Visitor = { kind: 'nobody' };
		// Every role sees the dashboard; nobody is sent to sign in; a role waiting for its second factor too.
		for (const role of ROLES) {
			expect(decide('/(app)/need', 'GET', signed(role)).outcome).toBe('allow');
			expect(decide('/(app)/need', 'GET', { kind: 'pending', role })).toEqual({ outcome: 'sign_in', secondFactor: true });
			expect(decide('/(public)/login/second-factor', 'POST', { kind: 'pending', role }).outcome).toBe('allow');
		}
		expect(decide('/(app)/need', 'GET', nobody)).toEqual({ outcome: 'sign_in', secondFactor: false });
		expect(decide('/(public)/login', 'POST', nobody).outcome).toBe('allow');
		const allowed = (route: string, method: string) => ROLES.filter((r) => decide(route, method, signed(r)).outcome === 'allow');
		expect(allowed('/(app)/data/import', 'POST')).toEqual(['analyst', 'admin']);
		expect(allowed('/session/unsuppressed', 'POST')).toEqual(['analyst', 'admin']);
		expect(allowed('/(app)/settings/priorities', 'POST')).toEqual(['lead']);
		expect(allowed('/(app)/settings/benchmarks', 'POST')).toEqual(['lead', 'analyst', 'admin']);
		expect(allowed('/(app)/settings/priorities', 'GET')).toEqual([...ROLES]);
		expect(allowed('/(app)/admin/users', 'GET')).toEqual(['admin']);
		expect(allowed('/(app)/admin/audit', 'GET')).toEqual(['admin']);
		expect(allowed('/api/quarantine', 'GET')).toEqual(['analyst', 'admin']);
		// A method with no rule; a route with no rule (fail closed); no route at all (SvelteKit's 404).
		expect(decide('/(app)/need', 'POST', signed('admin')).outcome).toBe('method_not_allowed');
		expect(decide('/(app)/secret', 'GET', signed('admin')).outcome).toBe('no_rule');
		expect(decide(null, 'GET', nobody).outcome).toBe('allow');
		expect(decide('/(app)/need', 'HEAD', signed('viewer')).outcome).toBe('allow');
	});
});
