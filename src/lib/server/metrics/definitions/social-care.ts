/**
 * Children's social care: assessments, section 47 enquiries and child protection plans.
 * These tables name no agency, so none of these metrics applies under an agency or
 * sector filter (`z`). Definitions: metrics.md, "Metrics". The SQL contract: ../definition.ts.
 */
import { defineMetric, keyedCount } from '../definition.ts';

/** Working days of an assessment, wd(started_on, completed_on) (also the dashboard's distribution). */
export const ASSESSMENT_WORKING_DAYS = 'd_completed_wdn - d_started_wdn';
const assessmentWd = ASSESSMENT_WORKING_DAYS;

/** The timescale of an assessment (metrics.md): 45 working days. */
export const ASSESSMENT_LIMIT_WD = 45;

export const assessment45wdPct = defineMetric({
	key: 'assessment_45wd_pct',
	title: 'Assessments completed within 45 working days',
	definition:
		'Of the assessments completed (authorised) in the period, the percentage completed within 45 working days of their start.',
	numerator: 'Assessments completed in the period within 45 working days',
	denominator: 'Assessments completed in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['assessments'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')}, ${keyedCount('num', `${assessmentWd} <= ${ASSESSMENT_LIMIT_WD}`)}
		FROM (${q.rows('assessments', { on: 'e.completed_on' })})
		GROUP BY grp`
});

export const assessmentMedianWd = defineMetric({
	key: 'assessment_median_wd',
	title: 'Median working days to complete an assessment',
	definition:
		'The median number of working days from start to completion of the assessments completed in the period (an even count averages the two middle values).',
	numerator: null,
	denominator: null,
	unit: 'working_days',
	higherIsBetter: false,
	sources: ['assessments'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows,
			quantile_cont(${assessmentWd}, 0.5) AS val, count(${assessmentWd}) AS n
		FROM (${q.rows('assessments', { on: 'e.completed_on' })})
		GROUP BY grp`
});

export const icpc15wdPct = defineMetric({
	key: 'icpc_15wd_pct',
	title: 'Initial child protection conferences within 15 working days',
	definition:
		'Of the section 47 enquiries whose initial child protection conference was held in the period, the percentage held within 15 working days of the enquiry\'s start (as the DfE measures it).',
	numerator: 'S47 enquiries with an ICPC in the period within 15 working days of the start',
	denominator: 'S47 enquiries with an ICPC in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['s47_enquiries'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')},
			${keyedCount('num', 'd_icpc_wdn - d_started_wdn <= 15')}
		FROM (${q.rows('s47_enquiries', { on: 'e.icpc_on' })})
		GROUP BY grp`
});

export const cpSecondSubsequentPct = defineMetric({
	key: 'cp_second_subsequent_pct',
	title: 'Child protection plans that are a second or subsequent plan',
	definition:
		'Of the child protection plans started in the period, the percentage whose child had another plan started before this one\'s start date, at any time (a plan started the same day does not count). The earlier plan may be outside the period and any filter.',
	numerator: 'CP plans started in the period whose child had an earlier plan',
	denominator: 'CP plans started in the period',
	unit: 'percent',
	higherIsBetter: false,
	sources: ['cp_plans'],
	// The look-back (each child's first plan) reads the whole table: it is never filtered.
	sql: (q) => `
		SELECT c.grp, count(*) AS source_rows, ${keyedCount('den', null, 'c.d_record_key')}, ${keyedCount('num', 'f.first_on < c.started_on', 'c.d_record_key')}
		FROM (${q.rows('cp_plans', { on: 'e.started_on' })}) c
		LEFT JOIN (SELECT d_child_n, min(started_on) AS first_on FROM cp_plans GROUP BY d_child_n) f
			ON f.d_child_n = c.d_child_n
		GROUP BY c.grp`
});

export const cpEnded2yPlusPct = defineMetric({
	key: 'cp_ended_2y_plus_pct',
	title: 'Child protection plans ended after 2 years or more',
	definition:
		'Of the child protection plans ended in the period, the percentage that lasted two years or more (ended on or after the same date two years after the start; a plan started on 29 February reaches two years on 28 February).',
	numerator: 'CP plans ended in the period lasting 2 years or more',
	denominator: 'CP plans ended in the period',
	unit: 'percent',
	higherIsBetter: false,
	sources: ['cp_plans'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')},
			${keyedCount('num', 'ended_on >= CAST(started_on + INTERVAL 2 YEAR AS DATE)')}
		FROM (${q.rows('cp_plans', { on: 'e.ended_on' })})
		GROUP BY grp`
});

/** Still open at an end of ./events.ts `atEnd` (no completion, or one after it), beyond 45 working days. */
export const ASSESSMENT_OPEN_OVER_45WD_AT = (end: string) =>
	`started_on <= ${end}.at AND (completed_on IS NULL OR completed_on > ${end}.at) AND ${end}.at_wdn - d_started_wdn > ${ASSESSMENT_LIMIT_WD}`;

export const assessmentsOpenOver45wdAtEnd = defineMetric({
	key: 'assessments_open_over_45wd_at_end',
	title: 'Assessments open beyond 45 working days at the end of the period',
	definition:
		'The number of assessments started on or before the period\'s last day, not completed by then (no completion date, or one after it), that had been open more than 45 working days at that day. A completion dated after the period has not happened yet at its end. By month, the number at each month\'s end.',
	numerator: null,
	denominator: null,
	unit: 'count',
	higherIsBetter: false,
	sources: ['assessments'],
	sql: (q) => q.atEnd('assessments', 'e.started_on', ASSESSMENT_OPEN_OVER_45WD_AT)
});
