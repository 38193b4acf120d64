/** The audit log page's filters, and the filtered, paged read of the log (queryAuditLog). */
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot } from '../testing/extract.ts';
import { appendAudit, GENESIS_HASH, queryAuditLog, readAuditLog } from '../warehouse/audit.ts';
import { exec } from '../warehouse/warehouse.ts';
import { AUDIT_PAGE_SIZE, auditQueryOf, auditSearch, parseAuditFilter } from './audit-filter.ts';

afterAll(() => removeTempRoot());

const parse = (q: string) => parseAuditFilter(new URLSearchParams(q));

describe('the audit filters', () => {
	it('read the URL, blank as absent, page 1 by default', () => {
		expect(parse('')).toEqual({ ok: true, filter: { page: 1 } });
		expect(parse('action=priority.&actor=+Lead@+&since=2025-04-01&until=2025-04-30&page=3&period=fy:2024')).toEqual({
			ok: true,
			filter: { action: 'priority.', actor: 'Lead@', since: '2025-04-01', until: '2025-04-30', page: 3 }
		});
		expect(parse('action=&actor=&since=&until=&page=')).toEqual({ ok: true, filter: { page: 1 } });
	});

	it('refuse a bad filter with a message naming it', () => {
		expect(parse('since=2025-02-30')).toEqual({ ok: false, message: 'since: is not a date of the calendar' });
		expect(parse('until=yesterday')).toEqual({ ok: false, message: 'until: must be a date YYYY-MM-DD' });
		expect(parse('since=2025-05-01&until=2025-04-01')).toEqual({ ok: false, message: 'until: is before since' });
		expect(parse('page=0')).toEqual({ ok: false, message: 'page: must be 1 or more' });
		expect(parse('page=1.5')).toEqual({ ok: false, message: 'page: must be a whole number' });
		expect(parse('page=abc').ok).toBe(false);
		expect(parse("action=x'%20OR%201=1").ok).toBe(false);
		expect(parse(`actor=${'a'.repeat(255)}`)).toEqual({ ok: false, message: 'actor: must be at most 254 characters' });
	});

	it('make the query and the links of other pages', () => {
		const f = { action: 'account.', actor: undefined, since: '2025-04-01', until: undefined, page: 3 };
		expect(auditQueryOf(f)).toEqual({ actionPrefix: 'account.', actor: undefined, since: '2025-04-01', until: undefined, limit: AUDIT_PAGE_SIZE, offset: 200 });
		expect(auditSearch(f, 2)).toBe('?action=account.&since=2025-04-01&page=2');
		expect(auditSearch({ page: 4 }, 1)).toBe('');
	});
});

describe('queryAuditLog', () => {
	it('gives the head of an empty log', async () => {
		const w = await freshWarehouse();
		try {
			expect(await queryAuditLog(w, { limit: 10 })).toEqual({ entries: [], matching: 0, total: 0, head: GENESIS_HASH });
		} finally {
			await w.close();
		}
	});

	it('reads newest first, filtered by action prefix, actor and London dates, a page at a time', async () => {
		const w = await freshWarehouse();
		try {
			const add = (actor: string, action: string, i: number) => appendAudit(w, { actor, action, details: { i } });
			await add('user:lead@example.org', 'priority.create', 1);
			await add('user:lead@example.org', 'priority.edit', 2);
			await add('user:admin@example.org', 'account.create', 3);
			await add('os:root', 'cli.import', 4);
			await add('user:Lead@Example.org', 'priority_other', 5);
			// Dates as London sees them: 23:30 UTC on 31 March 2025 is 00:30 on 1 April in London (BST).
			await w.write(async (conn) => {
				await exec(conn, `UPDATE audit_log SET logged_at = CAST('2025-03-31T22:30:00Z' AS TIMESTAMPTZ) WHERE seq = 1`);
				await exec(conn, `UPDATE audit_log SET logged_at = CAST('2025-03-31T23:30:00Z' AS TIMESTAMPTZ) WHERE seq = 2`);
			});
			const all = await readAuditLog(w);
			const head = all[all.length - 1].hash;

			const page = await queryAuditLog(w, { limit: 2 });
			expect(page.entries.map((e) => e.seq)).toEqual([5, 4]);
			expect(page).toMatchObject({ matching: 5, total: 5, head });
			expect((await queryAuditLog(w, { limit: 2, offset: 4 })).entries.map((e) => e.seq)).toEqual([1]);

			const prefix = await queryAuditLog(w, { actionPrefix: 'priority.', limit: 10 });
			expect(prefix.entries.map((e) => e.action)).toEqual(['priority.edit', 'priority.create']);
			expect(prefix).toMatchObject({ matching: 2, total: 5, head });
			expect((await queryAuditLog(w, { actionPrefix: '%', limit: 10 })).matching).toBe(0);

			expect((await queryAuditLog(w, { actor: 'LEAD@example', limit: 10 })).entries.map((e) => e.seq)).toEqual([5, 2, 1]);
			expect((await queryAuditLog(w, { actor: "'; DROP TABLE audit_log; --", limit: 10 })).matching).toBe(0);

			expect((await queryAuditLog(w, { until: '2025-03-31', limit: 10 })).entries.map((e) => e.seq)).toEqual([1]);
			expect((await queryAuditLog(w, { since: '2025-04-01', until: '2025-04-01', limit: 10 })).entries.map((e) => e.seq)).toEqual([2]);
			expect((await queryAuditLog(w, { since: '2025-04-02', actionPrefix: 'priority', limit: 10 })).entries.map((e) => e.seq)).toEqual([5]);
			expect(page.entries[0]).toMatchObject({ actor: 'user:Lead@Example.org', action: 'priority_other', details: { i: 5 } });
		} finally {
			await w.close();
		}
	});
});
