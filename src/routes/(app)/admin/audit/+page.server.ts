import { error } from '@sveltejs/kit';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { AUDIT_PAGE_SIZE, auditQueryOf, auditSearch, parseAuditFilter } from '$lib/server/settings-edit/audit-filter.ts';
import { canonicalJson, queryAuditLog } from '$lib/server/warehouse/audit.ts';
import type { PageServerLoad } from './$types';

const LONDON = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
	timeZoneName: 'short'
});

/** `YYYY-MM-DD HH:MM:SS BST` (or GMT): an instant as London's clocks showed it. */
function londonText(iso: string): string {
	const p = Object.fromEntries(LONDON.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName === 'GMT+1' ? 'BST' : (p.timeZoneName ?? '')}`.trim();
}

/**
 * The audit log (read_audit_log: administrators), newest first, 100 entries a page, filtered by
 * action prefix, actor and London dates (`?action=&actor=&since=&until=&page=`; a bad filter is
 * a 400 naming it). Shows the chain's head, to compare with `cli audit-log verify`.
 */
export const load: PageServerLoad = async ({ url }) => {
	const parsed = parseAuditFilter(url.searchParams);
	if (!parsed.ok) error(400, parsed.message);
	const { filter } = parsed;
	const result = await queryAuditLog(await serverWarehouse(), auditQueryOf(filter));
	const pages = Math.max(1, Math.ceil(result.matching / AUDIT_PAGE_SIZE));
	return {
		filter: { action: filter.action ?? '', actor: filter.actor ?? '', since: filter.since ?? '', until: filter.until ?? '' },
		filtered: Boolean(filter.action || filter.actor || filter.since || filter.until),
		page: filter.page,
		pages,
		newer: filter.page > 1 ? `/admin/audit${auditSearch(filter, Math.min(filter.page - 1, pages))}` : null,
		older: filter.page < pages ? `/admin/audit${auditSearch(filter, filter.page + 1)}` : null,
		entries: result.entries.map((e) => ({
			seq: e.seq,
			utc: e.logged_at ? `${e.logged_at.replace('T', ' ').replace(/Z$/, '')} UTC` : '',
			london: e.logged_at ? londonText(e.logged_at) : '',
			actor: e.actor,
			action: e.action,
			details: e.details === null || e.details === undefined ? '' : canonicalJson(e.details)
		})),
		matching: result.matching,
		total: result.total,
		head: result.head,
		filtersIgnored: 'the audit log has filters of its own'
	};
};
