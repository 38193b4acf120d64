/**
 * The data page (`/data`) as a person may see it: the import history and how fresh each
 * supplier's data is, table by table. These counts are of rows, not children, but they pass
 * through disclosure control all the same (docs/disclosure.md: import and quarantine counts
 * included): a small count of rows of one table can be a small number of children. They are
 * exact (no cell key method: `rowsPolicy`).
 *
 * ## What is protected together
 * - A batch's rows loaded, replaced and quarantined stand alone (`suppressCount`): no total
 *   of them is shown.
 * - A supplier's rows by table are parts of the rows its committed imports loaded: the
 *   rows an import loaded that are still in the warehouse are its supplier's, and the rest
 *   were replaced since (or undone). When every one of those imports' loaded counts is shown,
 *   their sum is known, so the tables with that sum are one line (`suppressComplement`, the
 *   rest not shown): a single small table is not left to be worked out from the others. Where
 *   the sum itself must be hidden, the smallest of its imports' loaded counts is suppressed.
 * - Ages ("3 months behind") are from dates, which are not counts.
 *
 * No SvelteKit here: pure functions from page data and policy to plain JSON.
 */
import type { BatchSummary } from '../import/quarantine.ts';
import type { DataPageData } from '../dashboard/data.ts';
import { suppressComplement, suppressCount } from '../disclosure/index.ts';
import type { DisclosurePolicy, Shown } from '../disclosure/types.ts';

export interface ShownBatch {
	id: number;
	supplier: string;
	source: string;
	extractedOn: string;
	/** UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
	importedAt: string;
	/** The same in UK time, for people: "5 May 2024, 10:15". */
	importedAtText: string;
	status: 'committed' | 'undone';
	loaded: Shown;
	replaced: Shown;
	quarantined: Shown;
}

/** How far one date is behind another, in words and whole months (days under a month). */
export interface Lag {
	days: number;
	months: number;
	words: string;
}

export interface ShownFreshness {
	supplier: string;
	table: string;
	/** The table in words ("Information requests"). */
	tableLabel: string;
	extractedOn: string | null;
	batchId: number | null;
	rows: Shown;
	latestEventOn: string | null;
	/** The latest event against the warehouse's latest event date; null without event dates. */
	eventsBehind: Lag | null;
	/** The extract against the newest extract of any supplier. */
	extractBehind: Lag | null;
	/** A month or more behind the latest data. */
	stale: boolean;
}

export interface DataPageView {
	latestEventDate: string | null;
	newestExtract: string | null;
	batches: ShownBatch[];
	freshness: ShownFreshness[];
	/** Suppliers in the order of `freshness`, each with how many of its tables are stale. */
	suppliers: { supplier: string; tables: number; stale: number }[];
}

const TABLE_WORDS: Readonly<Record<string, string>> = {
	agencies: 'Agencies',
	areas: 'Areas',
	children: 'Children',
	contacts: 'Contacts',
	referrals: 'Referrals',
	assessments: 'Assessments',
	s47_enquiries: 'Section 47 enquiries',
	cp_plans: 'Child protection plans',
	info_requests: 'Information requests',
	escalations: 'Escalations',
	meetings: 'Meetings',
	meeting_attendance: 'Meeting attendance',
	audits: 'Audits',
	audit_findings: 'Audit findings',
	audit_actions: 'Audit actions',
	priorities: 'Priorities',
	benchmarks: 'Benchmarks'
};

export function tableLabel(table: string): string {
	const words = TABLE_WORDS[table] ?? table.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

const DAY_MS = 86_400_000;
const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));

/** How far `date` is behind `latest` (both `YYYY-MM-DD`): whole months, or days under a month. */
export function lag(date: string, latest: string): Lag {
	const days = Math.max(0, Math.round((ms(latest) - ms(date)) / DAY_MS));
	let months = (Number(latest.slice(0, 4)) - Number(date.slice(0, 4))) * 12 + (Number(latest.slice(5, 7)) - Number(date.slice(5, 7)));
	if (Number(latest.slice(8, 10)) < Number(date.slice(8, 10))) months--;
	months = Math.max(0, months);
	const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
	const words = days === 0 ? 'up to date' : months >= 1 ? `${plural(months, 'month')} behind` : `${plural(days, 'day')} behind`;
	return { days, months, words };
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	hour12: false
});

export function londonTime(utc: string): string {
	const d = new Date(utc);
	return Number.isNaN(d.getTime()) ? utc : LONDON.format(d).replace(' at ', ', ');
}

/**
 * Which loaded counts are suppressed: primary, and, where a supplier's tables and the sum of
 * its imports' loaded counts are one line, what that line needs.
 */
function protect(data: DataPageData, policy: DisclosurePolicy): { loaded: Map<number, Shown>; rows: Map<string, Shown> } {
	const loaded = new Map<number, Shown>(data.batches.map((b) => [b.batch_id, suppressCount(b.rows_loaded, policy)]));
	const rows = new Map<string, Shown>();
	const key = (supplier: string, table: string) => JSON.stringify([supplier, table]);
	const suppliers = [...new Set(data.freshness.map((f) => f.supplied_by))];
	for (const supplier of suppliers) {
		const tables = data.freshness.filter((f) => f.supplied_by === supplier);
		const imports = data.batches.filter((b) => b.supplied_by === supplier && b.status === 'committed');
		const whole = imports.reduce((a, b) => a + b.rows_loaded, 0);
		const parts = tables.map((f) => f.rows);
		const sumKnown = imports.length > 0 && imports.every((b) => loaded.get(b.batch_id)?.symbol === null);
		const sum = parts.reduce((a, n) => a + n, 0);
		if (!sumKnown || sum > whole) {
			// The sum is not shown (or the rows are not parts of it): each table stands alone.
			for (const f of tables) rows.set(key(supplier, f.table), suppressCount(f.rows, policy));
			continue;
		}
		const shown = suppressComplement(whole, parts, policy, { rest: 'hidden' });
		tables.forEach((f, i) => rows.set(key(supplier, f.table), shown.parts[i]));
		if (shown.whole.symbol === 'c') {
			// Hide the sum: suppress the smallest non-zero of the imports' loaded counts.
			const smallest = imports.filter((b) => b.rows_loaded > 0).sort((a, b) => a.rows_loaded - b.rows_loaded || a.batch_id - b.batch_id)[0];
			if (smallest) loaded.set(smallest.batch_id, { value: null, symbol: 'c' });
		}
	}
	return { loaded, rows };
}

/**
 * Rows of files, not figures of a period: exact, 1 to the threshold suppressed (rules 1 to 4),
 * without the cell key method (rule 7). No filter reaches them, so no two views differ by a
 * few of them, and the import history already gives each batch's rows; a data manager
 * reconciles them with the supplier's file row for row (docs/disclosure.md, "What the cell
 * key method covers").
 */
function rowsPolicy(policy: DisclosurePolicy): DisclosurePolicy {
	return policy.cellKey === true ? { ...policy, cellKey: false } : policy;
}

export function presentData(data: DataPageData, deployment: DisclosurePolicy): DataPageView {
	const policy = rowsPolicy(deployment);
	const { loaded, rows } = protect(data, policy);
	const extracts = data.freshness.map((f) => f.extracted_on).filter((d): d is string => d !== null);
	const newestExtract = extracts.length > 0 ? extracts.reduce((a, b) => (a > b ? a : b)) : null;
	const latest = data.latestEventDate;
	const batches = data.batches.map(
		(b: BatchSummary): ShownBatch => ({
			id: b.batch_id,
			supplier: b.supplied_by,
			source: b.source,
			extractedOn: b.extracted_on,
			importedAt: b.imported_at,
			importedAtText: londonTime(b.imported_at),
			status: b.status,
			loaded: loaded.get(b.batch_id) ?? suppressCount(b.rows_loaded, policy),
			replaced: suppressCount(b.rows_replaced, policy),
			quarantined: suppressCount(b.rows_quarantined, policy)
		})
	);
	const freshness = data.freshness.map((f): ShownFreshness => {
		const eventsBehind = f.latest_event_on !== null && latest !== null ? lag(f.latest_event_on, latest) : null;
		return {
			supplier: f.supplied_by,
			table: f.table,
			tableLabel: tableLabel(f.table),
			extractedOn: f.extracted_on,
			batchId: f.batch_id,
			rows: rows.get(JSON.stringify([f.supplied_by, f.table])) ?? suppressCount(f.rows, policy),
			latestEventOn: f.latest_event_on,
			eventsBehind,
			extractBehind: f.extracted_on !== null && newestExtract !== null ? lag(f.extracted_on, newestExtract) : null,
			stale: eventsBehind !== null && eventsBehind.months >= 1
		};
	});
	const suppliers = [...new Set(freshness.map((f) => f.supplier))].map((supplier) => {
		const tables = freshness.filter((f) => f.supplier === supplier);
		return { supplier, tables: tables.length, stale: tables.filter((f) => f.stale).length };
	});
	return { latestEventDate: latest, newestExtract, batches, freshness, suppliers };
}
