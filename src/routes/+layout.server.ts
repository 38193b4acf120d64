import { can } from '$lib/server/auth/roles.ts';
import type { LayoutServerLoad } from './$types';

/** Who is signed in, for the site header: their email, role and what the navigation offers them. */
export const load: LayoutServerLoad = async ({ locals }) => {
	const { user, session } = locals;
	if (!user || !session || session.secondFactorPending) return { user: null };
	return {
		user: {
			email: user.email,
			role: user.role,
			unsuppressed: session.unsuppressed,
			may: {
				unsuppressed: can(user.role, 'unsuppressed'),
				import: can(user.role, 'import'),
				manageAccounts: can(user.role, 'manage_accounts'),
				readAuditLog: can(user.role, 'read_audit_log')
			}
		}
	};
};
