/**
 * The audit log page's filters, as they live in the URL: `action` (a prefix of the action,
 * e.g. `priority.`), `actor` (part of the actor, e.g. an email), `since` and `until` (London
 * dates, inclusive) and `page` (100 entries a page, newest first). Checked with zod; a bad one
 * gives a message naming it (the page answers 400). The names avoid `from` and `to`, which the
 * dashboard's own period filter reads.
 *
 *   parseAuditFilter(params): { ok: true, filter } | { ok: false, message }
 *   auditQueryOf(filter): AuditQuery        for queryAuditLog (../warehouse/audit.ts)
 *   auditSearch(filter, page): string       the URL's query for another page, same filters
 */
import { z } from 'zod';
import type { AuditQuery } from '../warehouse/audit.ts';

export const AUDIT_PAGE_SIZE = 100;

const blankIsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
	.refine((d) => {
		const t = new Date(`${d}T00:00:00Z`);
		return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
	}, 'is not a date of the calendar');

const schema = z
	.strictObject({
		action: z.preprocess(
			blankIsAbsent,
			z
				.string()
				.max(100, 'must be at most 100 characters')
				.regex(/^[A-Za-z0-9_.:-]+$/, 'may hold only letters, digits and . _ : -')
				.optional()
		),
		actor: z.preprocess(blankIsAbsent, z.string().max(254, 'must be at most 254 characters').optional()),
		since: z.preprocess(blankIsAbsent, isoDate.optional()),
		until: z.preprocess(blankIsAbsent, isoDate.optional()),
		page: z.preprocess(blankIsAbsent, z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be 1 or more').max(1_000_000, 'is too large').default(1))
	})
	.refine((f) => !f.since || !f.until || f.since <= f.until, { path: ['until'], message: 'is before since' });

export type AuditFilter = z.infer<typeof schema>;

export const AUDIT_FILTER_PARAMS = ['action', 'actor', 'since', 'until', 'page'] as const;

/** The filters of the URL (each parameter's first value; other parameters are not the page's and are left alone). */
export function parseAuditFilter(params: URLSearchParams): { ok: true; filter: AuditFilter } | { ok: false; message: string } {
	const raw: Record<string, string> = {};
	for (const name of AUDIT_FILTER_PARAMS) {
		const value = params.get(name);
		if (value !== null) raw[name] = value;
	}
	const parsed = schema.safeParse(raw);
	if (parsed.success) return { ok: true, filter: parsed.data };
	const issue = parsed.error.issues[0];
	return { ok: false, message: `${issue.path.join('.') || 'filter'}: ${issue.message}` };
}

export function auditQueryOf(filter: AuditFilter): AuditQuery {
	return {
		actionPrefix: filter.action,
		actor: filter.actor,
		since: filter.since,
		until: filter.until,
		limit: AUDIT_PAGE_SIZE,
		offset: (filter.page - 1) * AUDIT_PAGE_SIZE
	};
}

/** `?action=…&page=N`: the same filters, on page `page` (page 1 is left out). */
export function auditSearch(filter: AuditFilter, page: number): string {
	const p = new URLSearchParams();
	for (const name of ['action', 'actor', 'since', 'until'] as const) {
		const v = filter[name];
		if (v) p.set(name, v);
	}
	if (page > 1) p.set('page', String(page));
	const s = p.toString();
	return s ? `?${s}` : '';
}
