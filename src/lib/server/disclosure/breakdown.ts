/**
 * Breakdowns (`--by`) shown with their whole (disclosure-control.md, policy 2: "a breakdown
 * whose groups add up to a figure shown elsewhere on the same page or export").
 *
 * For each count of each metric (numerator, denominator, or a count metric's value), the
 * groups add up to the whole when every row counted falls in one group at most. Then the
 * groups, the rows in no group (the rest: events of no area, contacts from a source code
 * alone, hidden, since no page shows them beside the breakdown) and the whole are one line
 * of ./lines.ts (several breakdowns of one whole: one line each, sharing the whole), and the
 * secondary suppression found there applies to the groups and to the whole. Values are
 * derived afterwards, each following its own counts (./metric.ts). docs/disclosure.md
 * tabulates which counts add up by which breakdown.
 *
 * Where the rows counted can fall in several groups, the groups do not add up to the whole
 * and nothing can be worked out from it: each group is suppressed on its own.
 */
import type { MetricsResult, MetricValue } from '../metrics/compute.ts';
import type { Dimension } from '../metrics/dimensions.ts';
import { SCOPES, type ScopeName } from '../metrics/events.ts';
import { METRIC_KEYS, type MetricKey } from '../metrics/keys.ts';
import { REGISTRY } from '../metrics/registry.ts';
import { protectParts } from './complement.ts';
import { COUNT_FIELDS, primaryCounts, showMetric, type CountField } from './metric.ts';
import { checkPolicy } from './policy.ts';
import type { DisclosurePolicy, ShownBreakdown, ShownMetricSet } from './types.ts';

/**
 * Counts at a date (a position, not a flow): the rows of a table still open, or overdue, at
 * the end of the period (with `--by month`, at each month's end).
 */
export const POSITIONS = {
	open_escalations: 'escalations',
	overdue_info_requests: 'info_requests',
	open_assessments_over_45wd: 'assessments',
	overdue_audit_actions: 'audit_actions'
} as const satisfies Record<string, ScopeName>;
export type Position = keyof typeof POSITIONS;

/**
 * What a count counts: the rows of an event table, the distinct children with involved
 * agencies, or the rows of a table open at a date (`POSITIONS`).
 */
export type Counted = ScopeName | 'children' | Position;

/** The event table whose rows a count counts (a child's involved agencies come first from contacts). */
export function scopeOfCounted(counted: Counted): ScopeName {
	if (counted === 'children') return 'contacts';
	return counted in POSITIONS ? POSITIONS[counted as Position] : (counted as ScopeName);
}

const isPosition = (counted: Counted): counted is Position => counted in POSITIONS;

/** What each count of each metric counts (metrics.md's numerators and denominators). */
export const COUNTED: Readonly<Record<MetricKey, Partial<Record<CountField, Counted>>>> = {
	contacts_per_10k: { numerator: 'contacts' },
	referrals_per_10k: { numerator: 'referrals' },
	re_referrals_12m_pct: { numerator: 'referrals', denominator: 'referrals' },
	multi_agency_children_pct: { numerator: 'children', denominator: 'children' },
	referral_decision_1wd_pct: { numerator: 'referrals', denominator: 'referrals' },
	assessment_45wd_pct: { numerator: 'assessments', denominator: 'assessments' },
	assessment_median_wd: {},
	icpc_15wd_pct: { numerator: 's47_enquiries', denominator: 's47_enquiries' },
	info_request_on_time_pct: { numerator: 'info_requests', denominator: 'info_requests' },
	info_request_median_hours: {},
	escalations_per_100_referrals: { numerator: 'escalations', denominator: 'referrals' },
	escalations_stage3_pct: { numerator: 'escalations', denominator: 'escalations' },
	escalation_resolution_median_days: {},
	escalations_open_at_end: { value: 'open_escalations' },
	icpc_partner_attendance_pct: { numerator: 'meeting_attendance', denominator: 'meeting_attendance' },
	cp_second_subsequent_pct: { numerator: 'cp_plans', denominator: 'cp_plans' },
	cp_ended_2y_plus_pct: { numerator: 'cp_plans', denominator: 'cp_plans' },
	audits_good_or_better_pct: { numerator: 'audits', denominator: 'audits' },
	audit_actions_on_time_pct: { numerator: 'audit_actions', denominator: 'audit_actions' },
	contact_conversion_pct: { numerator: 'contacts', denominator: 'contacts' },
	info_request_ack_1wd_pct: { numerator: 'info_requests', denominator: 'info_requests' },
	info_requests_overdue_at_end: { value: 'overdue_info_requests' },
	assessments_open_over_45wd_at_end: { value: 'open_assessments_over_45wd' },
	escalations_agreed_pct: { numerator: 'escalations', denominator: 'escalations' },
	cp_meeting_partner_attendance_pct: { numerator: 'meeting_attendance', denominator: 'meeting_attendance' },
	conference_reports_pct: { numerator: 'meeting_attendance', denominator: 'meeting_attendance' },
	audit_actions_overdue_at_end: { value: 'overdue_audit_actions' },
	children_known_3plus_agencies: { value: 'children' }
};

/** What describes a child for good (a child's age band may change between its events, its area may not). */
const LASTING_CHILD_DIMENSIONS: readonly Dimension[] = ['area', 'sex', 'ethnicity_group'];

/**
 * Whether the groups of a breakdown add up to the whole for a count: whether each row
 * counted falls in one group at most (compute.ts and ./events.ts say how rows are grouped).
 * - `concern`: never (a referral counts in each of its concerns).
 * - Children with involved agencies: by area, sex and ethnicity group only; a child counts
 *   in each month, age band, agency and sector of its events.
 * - Counts at the end (`POSITIONS`): not by month (each month is its own position, so one
 *   row counts in every month it is open); otherwise as the rows of their table.
 * - `agency` and `sector`: only for tables whose rows have one agency (contacts, referrals,
 *   attendance, audit actions); a request or an escalation counts for both its agencies.
 * - Otherwise (month of the event, area, age band at the event, sex, ethnicity): yes.
 */
export function addsUp(counted: Counted, by: Dimension): boolean {
	if (by === 'concern') return false;
	if (counted === 'children') return LASTING_CHILD_DIMENSIONS.includes(by);
	if (isPosition(counted) && by === 'month') return false;
	const scope = scopeOfCounted(counted);
	if (by === 'agency' || by === 'sector') return SCOPES[scope].agencies?.length === 1;
	return true;
}

/**
 * A count as it takes part in a line: a metric with no source rows (`x`) counts nothing, even
 * where compute.ts reports no count (a count metric's value); a count not applicable (null
 * under `z`) takes no part, and nor then does its line.
 */
function lineCount(m: MetricValue, field: CountField): number | null {
	return m[field] ?? (m.status === 'x' ? 0 : null);
}

export type GroupedResult = Extract<MetricsResult, { by: Dimension }>;
export type WholeResult = Extract<MetricsResult, { by: null }>;

/**
 * A breakdown and its whole (the same query without `by`), suppressed together: the page
 * shows `total` from here as the whole's figure, never one suppressed on its own, since the
 * breakdown may have had to suppress it. Secondary suppression across the groups and the
 * whole applies to each count that adds up (`addsUp`); values follow their counts.
 */
export function suppressGroups(grouped: GroupedResult, whole: WholeResult, policy: DisclosurePolicy): ShownBreakdown {
	return suppressBreakdowns([grouped], whole, policy)[0];
}

/**
 * Several breakdowns of one whole shown on one page or export (a chart by month, bars by
 * area, the headline figure), suppressed together: the whole is in each breakdown's line,
 * so a whole suppressed for one is suppressed for all, and each breakdown protected with it.
 * Every answer carries the same `total`.
 */
export function suppressBreakdowns(breakdowns: readonly GroupedResult[], whole: WholeResult, policy: DisclosurePolicy): ShownBreakdown[] {
	checkPolicy(policy);
	for (const grouped of breakdowns) {
		if (JSON.stringify([grouped.period, grouped.filters]) !== JSON.stringify([whole.period, whole.filters])) {
			throw new Error('a breakdown and its whole must be of the same period and filters');
		}
	}
	const total = {} as ShownMetricSet;
	const shown = breakdowns.map((b) => ({ by: b.by, total, groups: b.groups.map((g) => ({ group: g.group, metrics: {} as ShownMetricSet })) }));
	for (const key of METRIC_KEYS) {
		const totalCounts = primaryCounts(key, whole.metrics[key], policy);
		const groupCounts = breakdowns.map((b) => b.groups.map((g) => primaryCounts(key, g.metrics[key], policy)));
		for (const field of COUNT_FIELDS[REGISTRY[key].kind]) {
			const counted = COUNTED[key][field];
			if (counted === undefined) throw new Error(`${key}'s ${field}: what it counts is not recorded in COUNTED`);
			const wholeCount = lineCount(whole.metrics[key], field);
			if (wholeCount === null) continue;
			// The breakdowns whose groups add up to the whole for this count, with their counts.
			const adding: { b: number; parts: number[] }[] = [];
			breakdowns.forEach((grouped, b) => {
				const parts = grouped.groups.map((g) => lineCount(g.metrics[key], field));
				if (!addsUp(counted, grouped.by) || !parts.every((n): n is number => n !== null)) return;
				const sum = parts.reduce((a, n) => a + n, 0);
				if (sum > wholeCount) throw new Error(`${key}'s ${field} by ${grouped.by}: the groups (${sum}) add up to more than the whole (${wholeCount})`);
				adding.push({ b, parts });
			});
			if (adding.length === 0) continue;
			const decided = protectParts(wholeCount, adding.map((a) => a.parts), policy, 'hidden');
			adding.forEach(({ b }, k) => groupCounts[b].forEach((flags, i) => (flags[field] = decided.sets[k].suppressed[i])));
			totalCounts[field] = decided.whole;
		}
		total[key] = showMetric(key, whole.metrics[key], totalCounts, policy);
		breakdowns.forEach((b, j) => b.groups.forEach((g, i) => (shown[j].groups[i].metrics[key] = showMetric(key, g.metrics[key], groupCounts[j][i], policy))));
	}
	return shown;
}
