/**
 * Multi-agency case audits. Definitions: metrics.md, "Metrics". The SQL contract: ../definition.ts.
 */
import { inList } from '../../warehouse/sql.ts';
import { defineMetric, keyedCount } from '../definition.ts';

export const auditsGoodOrBetterPct = defineMetric({
	key: 'audits_good_or_better_pct',
	title: 'Audits graded good or outstanding',
	definition:
		'Of the multi-agency case audits held in the period, the percentage whose overall grade is outstanding or good. The overall grade belongs to no agency, so the figure does not apply under an agency or sector filter.',
	numerator: 'Audits in the period graded outstanding or good',
	denominator: 'Audits with audited date in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['audits'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')},
			${keyedCount('num', `overall_grade IN ${inList(['outstanding', 'good'])}`)}
		FROM (${q.rows('audits', { on: 'e.audited_on' })})
		GROUP BY grp`
});

export const auditActionsOnTimePct = defineMetric({
	key: 'audit_actions_on_time_pct',
	title: 'Audit actions completed on time',
	definition:
		'Of the actions agreed at audits and due in the period, the percentage completed on or before their due date. An action not yet completed counts as not on time. Under an area filter an action follows its audit\'s child; under an agency filter, its owner.',
	numerator: 'Actions due in the period completed on or before their due date',
	denominator: 'Actions with due date in the period',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['audit_actions'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')},
			${keyedCount('num', 'completed_on IS NOT NULL AND completed_on <= due_on')}
		FROM (${q.rows('audit_actions', { on: 'e.due_on' })})
		GROUP BY grp`
});

/** Not completed on or before an end of ./events.ts `atEnd`, and due by then. */
export const AUDIT_ACTION_OVERDUE_AT = (end: string) => `due_on <= ${end}.at AND (completed_on IS NULL OR completed_on > ${end}.at)`;

export const auditActionsOverdueAtEnd = defineMetric({
	key: 'audit_actions_overdue_at_end',
	title: 'Audit actions overdue at the end of the period',
	definition:
		'The number of actions agreed at audits that were due on or before the period\'s last day and not completed on or before it. A completion dated after the period has not happened yet at its end. Under an area filter an action follows its audit\'s child; under an agency filter, its owner. By month, the number at each month\'s end.',
	numerator: null,
	denominator: null,
	unit: 'count',
	higherIsBetter: false,
	sources: ['audit_actions'],
	sql: (q) => q.atEnd('audit_actions', 'e.due_on', AUDIT_ACTION_OVERDUE_AT)
});
