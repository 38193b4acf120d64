/** The browser tests' accounts (made by global-setup.ts in the test warehouse). */
import type { Role } from '../../src/lib/server/auth/roles.ts';

export interface TestAccount {
	email: string;
	role: Role;
	password: string;
	secondFactor: boolean;
	/** Set by global-setup for accounts with a second factor. */
	totpSecret?: string | null;
}

const account = (name: string, role: Role, secondFactor: boolean): TestAccount => ({
	email: `${name}@test.invalid`,
	role,
	password: `${name.split("").reverse().join("")}: a walk past the quiet harbour`,
	secondFactor
});

/** One account per role (named after it), and more for tests of their own. */
export const TEST_ACCOUNTS: Record<string, TestAccount> = {
	viewer: account('viewer', 'viewer', false),
	lead: account('lead', 'lead', false),
	auditor: account('auditor', 'auditor', false),
	analyst: account('analyst', 'analyst', true),
	admin: account('admin', 'admin', true),
	/** An analyst whose second factor is not set up yet. */
	analyst2: account('analyst2', 'analyst', false),
	/** A viewer for throttling and session-ending tests (its sessions come and go). */
	viewer2: account('viewer2', 'viewer', false),
	viewer3: account('viewer3', 'viewer', false),
	/** For signing in through the pages, second factor set up there on first use. */
	analyst3: account('analyst3', 'analyst', false),
	admin2: account('admin2', 'admin', false)
};
