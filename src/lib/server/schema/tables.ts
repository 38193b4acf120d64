/**
 * Every table of the multi-agency extract, version 1, and the partnership settings,
 * declared once (../shared/spec/extract-format.md). The warehouse DDL, the import's
 * validation SQL and docs/data-dictionary.md are generated from these declarations.
 */
import { METRIC_KEYS } from '../metrics/keys.ts';
import {
	ASSESSMENT_FACTORS,
	AUDIT_CRITERIA,
	CONCERNS,
	CONTACT_OUTCOMES,
	CP_CATEGORIES,
	DIRECTIONS,
	DISABILITY,
	ESCALATION_CATEGORIES,
	ESCALATION_OUTCOMES,
	ETHNICITIES,
	GRADES,
	MEETING_TYPES,
	PRIMARY_NEEDS,
	REFERRAL_OUTCOMES,
	REFERRAL_SOURCES,
	REQUEST_PRIORITIES,
	SECTORS,
	SEXES
} from './codes.ts';
import type { Column, ColumnType, Table } from './types.ts';

type Options = Omit<Column, 'name' | 'type' | 'required' | 'description'>;

function required(name: string, type: ColumnType, description: string, options: Options = {}): Column {
	return { name, type, required: true, description, ...options };
}
function optional(name: string, type: ColumnType, description: string, options: Options = {}): Column {
	return { name, type, required: false, description, ...options };
}
const codes = (list: readonly string[], codesName: string): Options => ({ codes: list, codesName });
const fk = (table: string, column: string, noun: string): Options => ({ fk: { table, column, noun } });
const token: Options = { token: true };

const childId = (isRequired: boolean): Column =>
	(isRequired ? required : optional)('child_id', 'text', 'The child\'s pseudonym (HMAC-SHA256 of the linkage identifier).', {
		pseudonym: true
	});
const agencyRef = (name: string, description: string, isRequired = true): Column =>
	(isRequired ? required : optional)(name, 'text', description, fk('agencies', 'agency_code', 'agency'));

export const TABLES: readonly Table[] = [
	{
		name: 'agencies',
		kind: 'extract',
		description: 'The partner agencies (councils, police, health, schools, youth justice, voluntary services).',
		columns: [
			required('agency_code', 'text', 'The agency\'s code, used by every other table.'),
			required('agency_name', 'text', 'The agency\'s name.'),
			required('sector', 'text', 'The agency\'s sector.', codes(SECTORS, 'sector'))
		],
		primaryKey: ['agency_code'],
		rules: []
	},
	{
		name: 'areas',
		kind: 'extract',
		description: 'Areas of the partnership (ward, locality or LSOA) and their child population by mid-year estimate.',
		columns: [
			required('area_code', 'text', 'Ward, locality or LSOA code.'),
			required('area_name', 'text', 'The area\'s name.'),
			required('population_year', 'int', 'The mid-year estimate\'s year.'),
			required('child_population', 'int', 'Children aged 0 to 17 in the area.', { min: 0 })
		],
		primaryKey: ['area_code', 'population_year'],
		rules: []
	},
	{
		name: 'children',
		kind: 'extract',
		description:
			'What is known about a child. An event may name a child that no row here describes yet; a child without one has no area, sex or age.',
		columns: [
			required('child_id', 'text', 'The child\'s pseudonym.', { pseudonym: true }),
			optional('birth_month', 'month', 'Year and month of birth (the finest detail allowed).'),
			required('sex', 'text', 'Sex.', codes(SEXES, 'sex')),
			optional('ethnicity', 'text', 'DfE ethnicity code.', codes(ETHNICITIES, 'ethnicity')),
			required('disability', 'text', 'Disability.', codes(DISABILITY, 'disability')),
			optional('area_code', 'text', 'The area the child lives in.', fk('areas', 'area_code', 'area'))
		],
		primaryKey: ['child_id'],
		rules: [{ kind: 'not_after_extract', column: 'birth_month' }],
		childColumn: 'child_id',
		replaceOnlyIfNotOlder: true
	},
	{
		name: 'contacts',
		kind: 'extract',
		description: 'Contacts to the children\'s services front door (MASH), before any decision to accept a referral.',
		columns: [
			required('contact_id', 'text', 'The contact\'s id.', token),
			childId(true),
			required('received_at', 'timestamp', 'When the contact was received.'),
			required('source_code', 'text', 'DfE ReferralSource code.', codes(REFERRAL_SOURCES, 'referral source')),
			agencyRef('source_agency_code', 'The agency that made the contact.', false),
			optional('outcome', 'text', 'The contact\'s outcome; null while undecided.', codes(CONTACT_OUTCOMES, 'contact outcome')),
			optional('decided_at', 'timestamp', 'When the outcome was decided.')
		],
		primaryKey: ['contact_id'],
		rules: [{ kind: 'gte', column: 'decided_at', other: 'received_at' }],
		childColumn: 'child_id'
	},
	{
		name: 'referrals',
		kind: 'extract',
		description: 'Referrals accepted by children\'s social care (the CIN census CINreferralDate event).',
		columns: [
			required('referral_id', 'text', 'The referral\'s id.', token),
			childId(true),
			optional('contact_id', 'text', 'The contact it came from.', { ...token, ...fk('contacts', 'contact_id', 'contact') }),
			required('received_at', 'timestamp', 'When the referral was received.'),
			required('source_code', 'text', 'DfE ReferralSource code.', codes(REFERRAL_SOURCES, 'referral source')),
			agencyRef('source_agency_code', 'The agency that made the referral.', false),
			optional('primary_need_code', 'text', 'CIN primary need code.', codes(PRIMARY_NEEDS, 'primary need')),
			optional('concerns', 'list', 'Concerns raised, separated by `;`.', codes(CONCERNS, 'concern')),
			optional('decided_at', 'timestamp', 'When the type of response was decided.'),
			optional('outcome', 'text', 'The type of response; null while undecided.', codes(REFERRAL_OUTCOMES, 'referral outcome'))
		],
		primaryKey: ['referral_id'],
		rules: [{ kind: 'gte', column: 'decided_at', other: 'received_at' }],
		childColumn: 'child_id'
	},
	{
		name: 'assessments',
		kind: 'extract',
		description: 'Children and family assessments.',
		columns: [
			required('assessment_id', 'text', 'The assessment\'s id.', token),
			childId(true),
			optional('referral_id', 'text', 'The referral it followed.', { ...token, ...fk('referrals', 'referral_id', 'referral') }),
			required('started_on', 'date', 'Start date.'),
			optional('completed_on', 'date', 'Authorisation date.'),
			optional('factors', 'list', 'CIN census AssessmentFactors codes (`21` means none).', codes(ASSESSMENT_FACTORS, 'assessment factor'))
		],
		primaryKey: ['assessment_id'],
		rules: [{ kind: 'gte', column: 'completed_on', other: 'started_on' }],
		childColumn: 'child_id'
	},
	{
		name: 's47_enquiries',
		kind: 'extract',
		description: 'Section 47 enquiries and their initial child protection conferences.',
		columns: [
			required('s47_id', 'text', 'The enquiry\'s id.', token),
			childId(true),
			optional('referral_id', 'text', 'The referral it followed.', { ...token, ...fk('referrals', 'referral_id', 'referral') }),
			optional('strategy_discussion_on', 'date', 'Date of the strategy discussion.'),
			required('started_on', 'date', 'S47ActualStartDate.'),
			required('icpc_not_required', 'bool', 'Whether no ICPC was required.'),
			optional('icpc_on', 'date', 'Date of the ICPC; null when none held (yet).'),
			optional('cp_plan_started', 'bool', 'Whether the ICPC started a plan.')
		],
		primaryKey: ['s47_id'],
		rules: [
			{ kind: 'lte', column: 'strategy_discussion_on', other: 'started_on' },
			{ kind: 'gte', column: 'icpc_on', other: 'started_on' }
		],
		childColumn: 'child_id'
	},
	{
		name: 'cp_plans',
		kind: 'extract',
		description: 'Child protection plans.',
		columns: [
			required('plan_id', 'text', 'The plan\'s id.', token),
			childId(true),
			required('started_on', 'date', 'Start date.'),
			optional('ended_on', 'date', 'End date.'),
			required('initial_category', 'text', 'Initial category of abuse.', codes(CP_CATEGORIES, 'CP category')),
			optional('latest_category', 'text', 'Latest category of abuse.', codes(CP_CATEGORIES, 'CP category'))
		],
		primaryKey: ['plan_id'],
		rules: [{ kind: 'gte', column: 'ended_on', other: 'started_on' }],
		childColumn: 'child_id'
	},
	{
		name: 'info_requests',
		kind: 'extract',
		description: 'Requests for information between agencies about a child or family.',
		columns: [
			required('request_id', 'text', 'The request\'s id.', token),
			childId(false),
			agencyRef('requesting_agency_code', 'The agency asking.'),
			agencyRef('responding_agency_code', 'The agency asked.'),
			required('priority', 'text', '`urgent` (due within 24 hours) or `routine` (due within 5 working days).', codes(REQUEST_PRIORITIES, 'request priority')),
			required('requested_at', 'timestamp', 'When the request was made.'),
			optional('acknowledged_at', 'timestamp', 'When it was acknowledged.'),
			optional('responded_at', 'timestamp', 'When it was answered.')
		],
		primaryKey: ['request_id'],
		rules: [
			{ kind: 'ne', column: 'responding_agency_code', other: 'requesting_agency_code' },
			{ kind: 'gte', column: 'acknowledged_at', other: 'requested_at' },
			{ kind: 'gte', column: 'responded_at', other: 'requested_at' }
		],
		childColumn: 'child_id'
	},
	{
		name: 'escalations',
		kind: 'extract',
		description: 'Professional disagreements raised under the partnership\'s resolution and escalation policy.',
		columns: [
			required('escalation_id', 'text', 'The escalation\'s id.', token),
			childId(false),
			agencyRef('raised_by_agency_code', 'The agency raising it.'),
			agencyRef('raised_with_agency_code', 'The agency it was raised with.'),
			required('raised_on', 'date', 'Date raised.'),
			required('category', 'text', 'What the disagreement is about.', codes(ESCALATION_CATEGORIES, 'escalation category')),
			required('immediate_risk', 'bool', 'Whether a child was at immediate risk.'),
			required('highest_stage', 'int', 'Highest stage reached: 1 (practitioners) to 4 (partnership leads).', { min: 1, max: 4 }),
			optional('resolved_on', 'date', 'Date closed, whatever the outcome; null while open.'),
			optional('outcome', 'text', 'Outcome; null while open, required once closed.', codes(ESCALATION_OUTCOMES, 'escalation outcome'))
		],
		primaryKey: ['escalation_id'],
		rules: [
			{ kind: 'ne', column: 'raised_with_agency_code', other: 'raised_by_agency_code' },
			{ kind: 'gte', column: 'resolved_on', other: 'raised_on' },
			{ kind: 'present_iff', column: 'outcome', other: 'resolved_on' }
		],
		childColumn: 'child_id'
	},
	{
		name: 'meetings',
		kind: 'extract',
		description: 'Multi-agency meetings about a child.',
		columns: [
			required('meeting_id', 'text', 'The meeting\'s id.', token),
			childId(false),
			required('meeting_type', 'text', 'Type of meeting.', codes(MEETING_TYPES, 'meeting type')),
			required('held_on', 'date', 'Date held.')
		],
		primaryKey: ['meeting_id'],
		rules: [],
		childColumn: 'child_id'
	},
	{
		name: 'meeting_attendance',
		kind: 'extract',
		description: 'Which agencies were invited to and attended each meeting.',
		columns: [
			required('meeting_id', 'text', 'The meeting.', { ...token, ...fk('meetings', 'meeting_id', 'meeting') }),
			agencyRef('agency_code', 'The agency.'),
			required('invited', 'bool', 'Whether the agency was invited.'),
			required('attended', 'bool', 'Whether the agency attended.'),
			optional('report_submitted', 'bool', 'Whether the agency submitted a report.')
		],
		primaryKey: ['meeting_id', 'agency_code'],
		rules: []
	},
	{
		name: 'audits',
		kind: 'extract',
		description: 'Multi-agency case audits.',
		columns: [
			required('audit_id', 'text', 'The audit\'s id.', token),
			childId(false),
			required('audited_on', 'date', 'Date of the audit.'),
			required('theme', 'text', 'The audit\'s theme, e.g. `neglect`, `front_door`.', {
				pattern: { regex: '[a-z_]{1,40}', says: '1 to 40 of a-z and _' }
			}),
			required('overall_grade', 'text', 'Overall grade.', codes(GRADES, 'grade'))
		],
		primaryKey: ['audit_id'],
		rules: [],
		childColumn: 'child_id'
	},
	{
		name: 'audit_findings',
		kind: 'extract',
		description: 'Each agency\'s grade against each audit criterion.',
		columns: [
			required('audit_id', 'text', 'The audit.', { ...token, ...fk('audits', 'audit_id', 'audit') }),
			agencyRef('agency_code', 'The agency graded.'),
			required('criterion', 'text', 'The criterion.', codes(AUDIT_CRITERIA, 'audit criterion')),
			required('grade', 'text', 'Grade.', codes(GRADES, 'grade'))
		],
		primaryKey: ['audit_id', 'agency_code', 'criterion'],
		rules: []
	},
	{
		name: 'audit_actions',
		kind: 'extract',
		description: 'Actions agreed at audits.',
		columns: [
			required('action_id', 'text', 'The action\'s id.', token),
			required('audit_id', 'text', 'The audit.', { ...token, ...fk('audits', 'audit_id', 'audit') }),
			agencyRef('owner_agency_code', 'The agency that owns the action.'),
			required('due_on', 'date', 'Due date.', { planned: true }),
			optional('completed_on', 'date', 'Completion date.')
		],
		primaryKey: ['action_id'],
		rules: []
	},
	{
		name: 'priorities',
		kind: 'settings',
		description: 'The partnership\'s priorities, each tied to one metric. `direction` is the partnership\'s aim, whatever the metric\'s usual direction.',
		columns: [
			required('priority_id', 'text', 'The priority\'s id.', token),
			required('title', 'text', 'Title.', { maxLength: 200 }),
			required('metric', 'text', 'A metric key of metrics.md.', codes(METRIC_KEYS, 'metric key')),
			required('target', 'number', 'Target value, in the metric\'s unit.'),
			required('direction', 'text', 'The partnership\'s aim.', codes(DIRECTIONS, 'direction')),
			required('starts_on', 'date', 'Start of the priority\'s period.'),
			required('ends_on', 'date', 'End of the priority\'s period.'),
			agencyRef('owner_agency_code', 'The agency that owns the priority.', false),
			optional('retired_on', 'date', 'A retired priority leaves the scorecard.')
		],
		primaryKey: ['priority_id'],
		rules: [{ kind: 'gte', column: 'ends_on', other: 'starts_on' }]
	},
	{
		name: 'benchmarks',
		kind: 'settings',
		description: 'Published comparators (England, region, statistical neighbours) entered by the partnership.',
		columns: [
			required('benchmark_id', 'text', 'The benchmark\'s id.', token),
			required('metric', 'text', 'A metric key of metrics.md.', codes(METRIC_KEYS, 'metric key')),
			required('label', 'text', 'E.g. `England 2024-25`.'),
			required('period_start', 'date', 'Start of the period it covers.'),
			required('period_end', 'date', 'End of the period it covers.'),
			required('value', 'number', 'Value in the metric\'s unit.'),
			optional('source', 'text', 'Where it was published.')
		],
		primaryKey: ['benchmark_id'],
		rules: [{ kind: 'gte', column: 'period_end', other: 'period_start' }]
	}
];

export const EXTRACT_TABLES: readonly Table[] = TABLES.filter((t) => t.kind === 'extract');
export const SETTINGS_TABLES: readonly Table[] = TABLES.filter((t) => t.kind === 'settings');

const byName = new Map(TABLES.map((t) => [t.name, t]));

/** The table of that name, or undefined: the allow-list for every table identifier. */
export function findTable(name: string): Table | undefined {
	return byName.get(name);
}

export function getTable(name: string): Table {
	const table = byName.get(name);
	if (!table) throw new Error(`unknown table ${name}`);
	return table;
}

/**
 * A table's event dates: its date and timestamp columns, planned dates (an action's due date)
 * aside, so that a plan never makes the data look more recent than it is.
 */
export function eventDateColumns(table: Table): string[] {
	return table.columns.filter((c) => (c.type === 'date' || c.type === 'timestamp') && !c.planned).map((c) => c.name);
}

export function column(table: Table, name: string): Column {
	const c = table.columns.find((x) => x.name === name);
	if (!c) throw new Error(`unknown column ${table.name}.${name}`);
	return c;
}

/**
 * Extract tables (settings are not part of an extract) in an order where every referenced table comes before the tables that
 * reference it, so that one import can check references against rows it has just loaded.
 */
export const LOAD_ORDER: readonly Table[] = (() => {
	const done = new Set<string>();
	const out: Table[] = [];
	const visit = (t: Table) => {
		if (done.has(t.name)) return;
		done.add(t.name);
		for (const c of t.columns) if (c.fk && c.fk.table !== t.name) visit(getTable(c.fk.table));
		out.push(t);
	};
	for (const t of EXTRACT_TABLES) visit(t);
	return out;
})();
