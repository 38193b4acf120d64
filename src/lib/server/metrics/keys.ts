/**
 * The metric keys of metrics.md, version 2 (version 1's nineteen, then the nine practice
 * measures version 2 added). A key never changes meaning; a changed
 * definition is a new key. The registry (./registry.ts) defines exactly these; the
 * partnership settings (priorities, benchmarks) accept exactly these.
 */

/** The nineteen keys of metrics.md version 1. */
export const VERSION_1_KEYS = [
	'contacts_per_10k',
	'referrals_per_10k',
	're_referrals_12m_pct',
	'multi_agency_children_pct',
	'referral_decision_1wd_pct',
	'assessment_45wd_pct',
	'assessment_median_wd',
	'icpc_15wd_pct',
	'info_request_on_time_pct',
	'info_request_median_hours',
	'escalations_per_100_referrals',
	'escalations_stage3_pct',
	'escalation_resolution_median_days',
	'escalations_open_at_end',
	'icpc_partner_attendance_pct',
	'cp_second_subsequent_pct',
	'cp_ended_2y_plus_pct',
	'audits_good_or_better_pct',
	'audit_actions_on_time_pct'
] as const;

/** The nine keys version 2 added (the seeds' practice measures). */
export const VERSION_2_KEYS = [
	'contact_conversion_pct',
	'info_request_ack_1wd_pct',
	'info_requests_overdue_at_end',
	'assessments_open_over_45wd_at_end',
	'escalations_agreed_pct',
	'cp_meeting_partner_attendance_pct',
	'conference_reports_pct',
	'audit_actions_overdue_at_end',
	'children_known_3plus_agencies'
] as const;

export const METRIC_KEYS = [...VERSION_1_KEYS, ...VERSION_2_KEYS] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** Version of the metric definitions, carried by every export. */
export const METRICS_VERSION = 2;
