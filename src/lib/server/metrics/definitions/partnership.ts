/**
 * Working together: information sharing, escalations and attendance at conferences.
 * Definitions: metrics.md, "Metrics". The SQL contract: ../definition.ts.
 */
import { inList } from '../../warehouse/sql.ts';
import { defineMetric, keyedCount } from '../definition.ts';
import type { MetricSql } from '../events.ts';

/** 24 hours of elapsed time in microseconds: whole numbers, so exactly 24 hours is on time. */
const URGENT_LIMIT_US = 24 * 3600 * 1_000_000;

/**
 * A request answered on time (the one definition, also used by the dashboard's table by
 * responding agency): urgent within 24 hours of elapsed time (whole microseconds, so exactly
 * 24 hours is on time), routine within 5 working days of the request date; unanswered is late.
 */
export const INFO_REQUEST_ON_TIME = `responded_at IS NOT NULL AND CASE priority
	WHEN 'urgent' THEN epoch_us(responded_at) - epoch_us(requested_at) <= ${URGENT_LIMIT_US}
	ELSE d_responded_wdn - d_requested_wdn <= 5 END`;

export const infoRequestOnTimePct = defineMetric({
	key: 'info_request_on_time_pct',
	title: 'Information requests answered on time',
	definition:
		'Of the information requests made in the period, the percentage answered on time: an urgent request within 24 hours of elapsed time (a night when the clocks change lasts 23 or 25 hours), a routine one within 5 working days of the request date. An unanswered request counts as late; an answer after the period counts on its recorded time.',
	numerator: 'Requests made in the period answered on time',
	denominator: 'Requests with requested date in the period (unanswered ones count as late)',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['info_requests'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')},
			${keyedCount('num', INFO_REQUEST_ON_TIME)}
		FROM (${q.rows('info_requests', { on: 'e.d_requested_on' })})
		GROUP BY grp`
});

export const infoRequestMedianHours = defineMetric({
	key: 'info_request_median_hours',
	title: 'Median hours to answer an information request',
	definition:
		'The median elapsed time, in hours, from request to answer, over the requests made in the period that have been answered.',
	numerator: null,
	denominator: null,
	unit: 'hours',
	higherIsBetter: false,
	sources: ['info_requests'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows,
			quantile_cont(d_response_hours, 0.5) AS val, count(d_response_hours) AS n
		FROM (${q.rows('info_requests', { on: 'e.d_requested_on' })})
		GROUP BY grp`
});

export const escalationsPer100Referrals = defineMetric({
	key: 'escalations_per_100_referrals',
	title: 'Escalations per 100 referrals',
	definition: 'Escalations (professional disagreements) raised in the period for every 100 referrals received in the period.',
	numerator: 'Escalations raised in the period',
	denominator: 'Referrals with received date in the period',
	unit: 'per_100',
	higherIsBetter: null,
	sources: ['escalations', 'referrals'],
	sql: (q) => `
		SELECT grp, count(*) FILTER (WHERE escalation) AS source_rows,
			${keyedCount('num', 'escalation')}, ${keyedCount('den', 'NOT escalation')}
		FROM (
			SELECT grp, true AS escalation, d_record_key FROM (${q.rows('escalations', { on: 'e.raised_on' })})
			UNION ALL
			SELECT grp, false, d_record_key FROM (${q.rows('referrals', { on: 'e.d_received_on' })})
		)
		GROUP BY grp`
});

export const escalationsStage3Pct = defineMetric({
	key: 'escalations_stage3_pct',
	title: 'Escalations reaching stage 3 or higher',
	definition: 'Of the escalations raised in the period, the percentage whose highest stage reached is 3 or 4.',
	numerator: 'Escalations raised in the period reaching stage 3 or higher',
	denominator: 'Escalations raised in the period',
	unit: 'percent',
	higherIsBetter: false,
	sources: ['escalations'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')}, ${keyedCount('num', 'highest_stage >= 3')}
		FROM (${q.rows('escalations', { on: 'e.raised_on' })})
		GROUP BY grp`
});

export const escalationResolutionMedianDays = defineMetric({
	key: 'escalation_resolution_median_days',
	title: 'Median days to close an escalation',
	definition:
		'The median number of days from raising to closing, over the escalations closed in the period (whatever their outcome).',
	numerator: null,
	denominator: null,
	unit: 'days',
	higherIsBetter: false,
	sources: ['escalations'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, quantile_cont(resolved_on - raised_on, 0.5) AS val, count(*) AS n
		FROM (${q.rows('escalations', { on: 'e.resolved_on' })})
		GROUP BY grp`
});

export const escalationsOpenAtEnd = defineMetric({
	key: 'escalations_open_at_end',
	title: 'Escalations open at the end of the period',
	definition: 'The number of escalations raised on or before the period\'s last day and not closed on or before it.',
	numerator: null,
	denominator: null,
	unit: 'count',
	higherIsBetter: false,
	sources: ['escalations'],
	// A position at a date rather than a flow: its source rows are every escalation raised
	// by then. By month, the position at each month's end (the last month's at `to`).
	sql: (q) => {
		const rows = q.rows('escalations', { on: 'e.raised_on', within: 'to' });
		return q.by === 'month'
			? `
				SELECT m.grp, count(*) AS source_rows,
					${keyedCount('num', 'r.resolved_on IS NULL OR r.resolved_on > m.at', 'r.d_record_key')}
				FROM (${q.monthEnds()}) m JOIN (${rows}) r ON r.raised_on <= m.at
				GROUP BY m.grp`
			: `
				SELECT grp, count(*) AS source_rows, ${keyedCount('num', `resolved_on IS NULL OR resolved_on > ${q.to}`)}
				FROM (${rows})
				GROUP BY grp`;
	}
});

/**
 * metrics.md (version 2) "Overdue at the end of `to`", at an end of ./events.ts `atEnd`: an
 * urgent request whose requested_at + 24 hours of elapsed time is before the first instant of
 * the next day (Europe/London); a routine one with wd(requested date, end) > 5.
 */
export const INFO_REQUEST_OVERDUE_AT = (end: string) => `CASE priority
	WHEN 'urgent' THEN epoch_us(requested_at) + ${URGENT_LIMIT_US} < ${end}.next_us
	ELSE ${end}.at_wdn - d_requested_wdn > 5 END`;

/** Not answered by the end (no answer, or one dated after it): the one definition, also the dashboard's. */
export const INFO_REQUEST_UNANSWERED_AT = (end: string) => `(d_responded_on IS NULL OR d_responded_on > ${end}.at)`;

/**
 * Overdue at an end (`info_requests_overdue_at_end`'s whole condition, also the dashboard's
 * rows by the agency asked): made by then, not answered by then, and overdue at it.
 */
export const INFO_REQUEST_OVERDUE_OPEN_AT = (end: string) =>
	`d_requested_on <= ${end}.at AND ${INFO_REQUEST_UNANSWERED_AT(end)} AND ${INFO_REQUEST_OVERDUE_AT(end)}`;

/** Acknowledged within 1 working day: a first reply (acknowledgement or answer) by the next working day. */
export const INFO_REQUEST_ACK_1WD = 'd_first_reply_wdn IS NOT NULL AND d_first_reply_wdn - d_requested_wdn <= 1';

export const infoRequestAck1wdPct = defineMetric({
	key: 'info_request_ack_1wd_pct',
	title: 'Information requests acknowledged within 1 working day',
	definition:
		'Of the information requests made in the period, the percentage whose first reply (an acknowledgement, or the answer itself if it came first) is dated within one working day of the request date. A request never acknowledged nor answered counts as late; a reply after the period counts on its recorded date.',
	numerator: 'Requests made in the period with a first reply within 1 working day',
	denominator: 'Requests with requested date in the period (never acknowledged ones count as late)',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['info_requests'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')}, ${keyedCount('num', INFO_REQUEST_ACK_1WD)}
		FROM (${q.rows('info_requests', { on: 'e.d_requested_on' })})
		GROUP BY grp`
});

export const infoRequestsOverdueAtEnd = defineMetric({
	key: 'info_requests_overdue_at_end',
	title: 'Information requests overdue at the end of the period',
	definition:
		'The number of information requests made on or before the period\'s last day, not answered by the end of it, whose time to answer had run out by then: an urgent request 24 hours (of elapsed time) after it was made, a routine one 5 working days after the request date. An answer dated after the period has not happened yet at its end. By month, the number at each month\'s end.',
	numerator: null,
	denominator: null,
	unit: 'count',
	higherIsBetter: false,
	sources: ['info_requests'],
	sql: (q) => q.atEnd('info_requests', 'e.d_requested_on', INFO_REQUEST_OVERDUE_OPEN_AT)
});

/** The outcomes of a closed escalation that count as agreed (metrics.md version 2). */
export const AGREED_OUTCOMES = ['agreed', 'plan_changed'] as const;

export const escalationsAgreedPct = defineMetric({
	key: 'escalations_agreed_pct',
	title: 'Escalations closed with agreement',
	definition:
		'Of the escalations closed in the period (whatever their outcome), the percentage closed with agreement: agreed, or the plan changed. Withdrawn and unresolved ones are closed without it.',
	numerator: 'Escalations closed in the period agreed or with the plan changed',
	denominator: 'Escalations closed in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['escalations'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')}, ${keyedCount('num', `outcome IN ${inList(AGREED_OUTCOMES)}`)}
		FROM (${q.rows('escalations', { on: 'e.resolved_on' })})
		GROUP BY grp`
});

/** Child protection meetings (metrics.md version 2) and, of them, conferences. */
export const CP_MEETING_TYPES = ['strategy_discussion', 'icpc', 'rcpc', 'core_group'] as const;
export const CONFERENCE_TYPES = ['icpc', 'rcpc'] as const;

/**
 * A partner: an agency of any sector but children's social care (a row whose agency has no
 * sector counts as a partner). The one definition, also the dashboard's (/meetings).
 */
export const PARTNER = `d_sector IS DISTINCT FROM 'children_social_care'`;

/** An attendance row the partner metrics count: an invitation of a partner. */
export const PARTNER_INVITATION = `(invited AND ${PARTNER})`;

/** Of those, attended (`cp_meeting_partner_attendance_pct`, `icpc_partner_attendance_pct`). */
export const ATTENDED = 'attended';

/** Of those, with a report submitted (`conference_reports_pct`): a null report counts as not submitted. */
export const REPORT_SUBMITTED = 'report_submitted IS TRUE';

/** Attendance rows of meetings of `types` held in the period, each with its meeting's type and date. */
export function meetingAttendanceRows(q: MetricSql, types: readonly string[]): string {
	return q.rows('meeting_attendance', { on: 'p.held_on', where: `p.meeting_type IN ${inList(types)}` });
}

/**
 * Invitations of partners to meetings of `types` held in the period: `den` the invitations,
 * `num` those meeting `measure` too.
 */
function partnerInvitations(q: MetricSql, types: readonly string[], measure: string): string {
	return `
		SELECT grp, count(*) AS source_rows,
			${keyedCount('den', PARTNER_INVITATION)},
			${keyedCount('num', `${PARTNER_INVITATION} AND (${measure})`)}
		FROM (${meetingAttendanceRows(q, types)})
		GROUP BY grp`;
}

export const icpcPartnerAttendancePct = defineMetric({
	key: 'icpc_partner_attendance_pct',
	title: 'Partner attendance at initial child protection conferences',
	definition:
		'Of the invitations of partner agencies (any sector but children\'s social care) to initial child protection conferences held in the period, the percentage attended.',
	numerator: 'Invitations of partners to ICPCs held in the period that were attended',
	denominator: 'Invitations of partners (not children\'s social care) to ICPCs held in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['meeting_attendance'],
	sql: (q) => partnerInvitations(q, ['icpc'], ATTENDED)
});

export const cpMeetingPartnerAttendancePct = defineMetric({
	key: 'cp_meeting_partner_attendance_pct',
	title: 'Partner attendance at child protection meetings',
	definition:
		'Of the invitations of partner agencies (any sector but children\'s social care) to child protection meetings held in the period (strategy discussions, initial and review child protection conferences, core groups), the percentage attended.',
	numerator: 'Invitations of partners to child protection meetings held in the period that were attended',
	denominator: 'Invitations of partners (not children\'s social care) to child protection meetings held in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['meeting_attendance'],
	sql: (q) => partnerInvitations(q, CP_MEETING_TYPES, ATTENDED)
});

export const conferenceReportsPct = defineMetric({
	key: 'conference_reports_pct',
	title: 'Partner reports submitted to conferences',
	definition:
		'Of the invitations of partner agencies (any sector but children\'s social care) to initial and review child protection conferences held in the period, the percentage for which the agency submitted a report. A report not recorded either way counts as not submitted.',
	numerator: 'Invitations of partners to conferences held in the period with a report submitted',
	denominator: 'Invitations of partners (not children\'s social care) to conferences held in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['meeting_attendance'],
	sql: (q) => partnerInvitations(q, CONFERENCE_TYPES, REPORT_SUBMITTED)
});
