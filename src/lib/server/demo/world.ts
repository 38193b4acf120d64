/**
 * The fictional partnership of the demo data: Greystone, a county of twelve localities
 * with one council, one police force, two NHS trusts and an ICB, its schools, youth
 * justice, probation, housing and a voluntary sector charity. Every name and code here is
 * invented; nothing resembles a real identifier (area codes are not GSS codes, nothing
 * is a postcode).
 *
 * The numbers are the generator's assumptions, chosen to land near published England
 * figures (DfE Characteristics of children in need; see ./generate.ts for the targets).
 */
import type {
	CONCERNS,
	ESCALATION_CATEGORIES,
	ESCALATION_OUTCOMES,
	ETHNICITIES,
	GRADES,
	MEETING_TYPES,
	PRIMARY_NEEDS,
	REFERRAL_SOURCES,
	Sector
} from '../schema/codes.ts';
import type { Choice } from './random.ts';

export const AGENCY = {
	csc: 'CSC01',
	police: 'POL01',
	acute: 'HLT01',
	community: 'HLT02',
	icb: 'ICB01',
	schools: 'EDU01',
	youthJustice: 'YJS01',
	probation: 'PRB01',
	housing: 'HOU01',
	voluntary: 'VOL01'
} as const;
export type AgencyCode = (typeof AGENCY)[keyof typeof AGENCY];

export interface DemoAgency {
	code: AgencyCode;
	name: string;
	sector: Sector;
}

export const AGENCIES: readonly DemoAgency[] = [
	{ code: AGENCY.csc, name: "Greystone County Council Children's Social Care", sector: 'children_social_care' },
	{ code: AGENCY.police, name: 'Greystone Constabulary', sector: 'police' },
	{ code: AGENCY.acute, name: 'Greystone Hospitals NHS Foundation Trust', sector: 'health' },
	{ code: AGENCY.community, name: 'Greystone Community Health NHS Trust', sector: 'health' },
	{ code: AGENCY.icb, name: 'Greystone Integrated Care Board (GP practices)', sector: 'health' },
	// A comma in a name, so that every CSV reader meets a quoted field.
	{ code: AGENCY.schools, name: 'Greystone Schools, Academies and Colleges', sector: 'education' },
	{ code: AGENCY.youthJustice, name: 'Greystone Youth Justice Service', sector: 'youth_justice' },
	{ code: AGENCY.probation, name: 'Probation Service (Greystone delivery unit)', sector: 'probation' },
	{ code: AGENCY.housing, name: 'Greystone Homes Partnership', sector: 'housing' },
	{ code: AGENCY.voluntary, name: 'Families Together Greystone', sector: 'voluntary' }
];

export interface DemoArea {
	code: string;
	name: string;
	/** Share of the county's child population. */
	share: number;
	/** Rate of children known, relative to the county (deprivation). */
	rate: number;
	/** Share of children not White British, before unknowns. */
	diversity: number;
	/** Assessment durations in this locality's team, relative to the county. */
	assessmentPace: number;
}

export const AREAS: readonly DemoArea[] = [
	{ code: 'GRY01', name: 'Abbeyfield & Town Centre', share: 0.11, rate: 1.55, diversity: 0.42, assessmentPace: 1.12 },
	{ code: 'GRY02', name: 'Brookmoor', share: 0.09, rate: 1.35, diversity: 0.3, assessmentPace: 1.05 },
	{ code: 'GRY03', name: 'Castlegate', share: 0.08, rate: 1.25, diversity: 0.34, assessmentPace: 1.0 },
	{ code: 'GRY04', name: 'Dunmere', share: 0.1, rate: 1.1, diversity: 0.14, assessmentPace: 0.95 },
	{ code: 'GRY05', name: 'Eastholme', share: 0.07, rate: 1.05, diversity: 0.2, assessmentPace: 1.0 },
	{ code: 'GRY06', name: 'Fernley', share: 0.08, rate: 0.92, diversity: 0.1, assessmentPace: 0.92 },
	{ code: 'GRY07', name: 'Greystone Harbour', share: 0.09, rate: 1.2, diversity: 0.24, assessmentPace: 1.08 },
	{ code: 'GRY08', name: 'Hollins Park', share: 0.08, rate: 0.8, diversity: 0.12, assessmentPace: 0.95 },
	{ code: 'GRY09', name: 'Ingleby', share: 0.07, rate: 0.68, diversity: 0.07, assessmentPace: 0.9 },
	{ code: 'GRY10', name: 'Kestrel Vale', share: 0.08, rate: 0.62, diversity: 0.06, assessmentPace: 0.9 },
	{ code: 'GRY11', name: 'Longmead', share: 0.08, rate: 0.75, diversity: 0.09, assessmentPace: 0.94 },
	// A comma here too.
	{ code: 'GRY12', name: 'Marsh End, Quayside', share: 0.07, rate: 1.45, diversity: 0.18, assessmentPace: 1.1 }
];

/** Share of children known whose record has no area (moved out, address not held). */
export const NO_AREA_SHARE = 0.02;

/** When contacts from a source arrive: weekdays only, round the clock, or in school term. */
export type DayProfile = 'general' | 'police' | 'education';
export const DAY_PROFILES: readonly DayProfile[] = ['general', 'police', 'education'];

type SourceCode = (typeof REFERRAL_SOURCES)[number];

export interface ContactSource {
	code: SourceCode;
	/** The agency that makes the contact; null: the source code alone (family, anonymous, another council). */
	agency: AgencyCode | null;
	/** Share of contacts. */
	weight: number;
	profile: DayProfile;
	/** How likely a contact from this source becomes a referral, relative to the average. */
	conversion: number;
}

/** Where contacts come from, near the DfE's published mix of referral sources. */
export const CONTACT_SOURCES: readonly ContactSource[] = [
	{ code: '6', agency: AGENCY.police, weight: 0.29, profile: 'police', conversion: 0.7 },
	{ code: '2A', agency: AGENCY.schools, weight: 0.17, profile: 'education', conversion: 1.05 },
	{ code: '2B', agency: AGENCY.schools, weight: 0.02, profile: 'education', conversion: 1.0 },
	{ code: '2B', agency: null, weight: 0.01, profile: 'education', conversion: 0.9 },
	{ code: '3A', agency: AGENCY.icb, weight: 0.03, profile: 'general', conversion: 1.1 },
	{ code: '3B', agency: AGENCY.community, weight: 0.03, profile: 'general', conversion: 1.2 },
	{ code: '3C', agency: AGENCY.community, weight: 0.01, profile: 'education', conversion: 1.1 },
	{ code: '3D', agency: AGENCY.community, weight: 0.02, profile: 'general', conversion: 1.1 },
	{ code: '3E', agency: AGENCY.acute, weight: 0.04, profile: 'police', conversion: 1.2 },
	{ code: '3F', agency: AGENCY.acute, weight: 0.02, profile: 'general', conversion: 1.1 },
	{ code: '3F', agency: null, weight: 0.01, profile: 'general', conversion: 1.0 },
	{ code: '4', agency: AGENCY.housing, weight: 0.02, profile: 'general', conversion: 0.9 },
	{ code: '5A', agency: null, weight: 0.02, profile: 'general', conversion: 1.1 },
	{ code: '5B', agency: AGENCY.csc, weight: 0.04, profile: 'general', conversion: 1.5 },
	{ code: '5C', agency: null, weight: 0.02, profile: 'general', conversion: 1.4 },
	{ code: '5D', agency: AGENCY.csc, weight: 0.03, profile: 'general', conversion: 1.4 },
	{ code: '7', agency: AGENCY.youthJustice, weight: 0.01, profile: 'general', conversion: 1.1 },
	{ code: '7', agency: AGENCY.probation, weight: 0.01, profile: 'general', conversion: 1.0 },
	{ code: '7', agency: null, weight: 0.005, profile: 'general', conversion: 1.2 },
	{ code: '8', agency: AGENCY.voluntary, weight: 0.03, profile: 'general', conversion: 0.9 },
	{ code: '8', agency: null, weight: 0.01, profile: 'general', conversion: 0.8 },
	{ code: '1A', agency: null, weight: 0.06, profile: 'general', conversion: 0.8 },
	{ code: '1B', agency: null, weight: 0.01, profile: 'general', conversion: 0.6 },
	{ code: '1C', agency: null, weight: 0.01, profile: 'general', conversion: 0.9 },
	{ code: '1D', agency: null, weight: 0.01, profile: 'general', conversion: 0.6 },
	{ code: '9', agency: null, weight: 0.03, profile: 'general', conversion: 0.5 },
	{ code: '10', agency: null, weight: 0.02, profile: 'general', conversion: 0.6 }
];

/** Ethnicity of children not White British (weights within that group). */
export const MINORITY_ETHNICITIES: readonly Choice<(typeof ETHNICITIES)[number]>[] = [
	['WOTH', 14], ['WIRI', 1.5], ['WIRT', 1], ['WROM', 1.5],
	['MWBC', 9], ['MWBA', 3], ['MWAS', 4], ['MOTH', 7],
	['AIND', 5], ['APKN', 9], ['ABAN', 4], ['AOTH', 4],
	['BCRB', 3], ['BAFR', 9], ['BOTH', 3],
	['CHNE', 1], ['OOTH', 7]
];

/** Concerns on referrals: [code, probability for a child under 11, for a child of 11 or more]. */
export const CONCERN_RATES: readonly (readonly [(typeof CONCERNS)[number], number, number])[] = [
	['neglect', 0.34, 0.2],
	['physical_abuse', 0.11, 0.1],
	['emotional_abuse', 0.17, 0.16],
	['sexual_abuse', 0.04, 0.06],
	['domestic_abuse', 0.38, 0.28],
	['parental_mental_health', 0.3, 0.24],
	['parental_substance_misuse', 0.16, 0.13],
	['child_sexual_exploitation', 0.002, 0.07],
	['child_criminal_exploitation', 0.002, 0.08],
	['harmful_sexual_behaviour', 0.01, 0.04],
	['going_missing', 0.005, 0.09],
	['online_harm', 0.01, 0.06],
	['self_harm', 0.003, 0.1],
	['other', 0.06, 0.07]
];

export const PRIMARY_NEED_MIX: readonly Choice<(typeof PRIMARY_NEEDS)[number]>[] = [
	['N1', 57], ['N2', 3], ['N3', 3], ['N4', 9], ['N5', 16], ['N6', 2], ['N7', 0.3], ['N8', 2], ['N9', 7], ['N0', 0.7]
];

/** CIN assessment factors recorded at the end of an assessment (`21`, no factors, stands alone). */
export const ASSESSMENT_FACTOR_RATES: readonly (readonly [string, number])[] = [
	['3A', 0.3], ['3B', 0.22], ['4B', 0.3], ['4A', 0.12], ['2B', 0.15], ['1B', 0.14], ['2A', 0.03],
	['1A', 0.02], ['5B', 0.04], ['5A', 0.05], ['6A', 0.03], ['7A', 0.02], ['8B', 0.02], ['9A', 0.01],
	['10A', 0.03], ['11A', 0.03], ['14A', 0.04], ['15A', 0.05], ['16A', 0.15], ['17A', 0.08],
	['18B', 0.07], ['19B', 0.03], ['20', 0.05], ['22A', 0.002], ['23A', 0.003], ['24A', 0.03]
];

export const CP_CATEGORY_MIX: readonly Choice<string>[] = [['NEG', 50], ['EMO', 37], ['PHY', 6], ['SAB', 4], ['MUL', 3]];

export const ESCALATION_CATEGORY_MIX: readonly Choice<(typeof ESCALATION_CATEGORIES)[number]>[] = [
	['threshold', 35], ['plan_progress', 20], ['information_sharing', 15], ['communication', 12], ['roles_responsibilities', 10], ['other', 8]
];
export const ESCALATION_OUTCOME_MIX: readonly Choice<(typeof ESCALATION_OUTCOMES)[number]>[] = [
	['agreed', 55], ['plan_changed', 25], ['withdrawn', 10], ['unresolved', 10]
];
/** Who raises an escalation; and with whom, when children's social care raises it. */
export const ESCALATION_RAISED_BY: readonly Choice<AgencyCode>[] = [
	[AGENCY.police, 22], [AGENCY.schools, 22], [AGENCY.community, 18], [AGENCY.csc, 18], [AGENCY.acute, 6],
	[AGENCY.icb, 4], [AGENCY.youthJustice, 4], [AGENCY.voluntary, 4], [AGENCY.housing, 2]
];
export const PARTNERS_OF_CSC: readonly Choice<AgencyCode>[] = [
	[AGENCY.police, 32], [AGENCY.community, 20], [AGENCY.schools, 20], [AGENCY.acute, 12], [AGENCY.icb, 10],
	[AGENCY.housing, 3], [AGENCY.probation, 3]
];

/** Who asks for information about a referred child when children's social care does not. */
export const OTHER_REQUESTERS: readonly Choice<AgencyCode>[] = [
	[AGENCY.police, 30], [AGENCY.community, 25], [AGENCY.schools, 25], [AGENCY.acute, 10], [AGENCY.youthJustice, 5], [AGENCY.voluntary, 5]
];
/** Responders whose answers slow down in the last months (the worsening trend). */
export const SLOWING_RESPONDERS: readonly AgencyCode[] = [AGENCY.acute, AGENCY.schools, AGENCY.icb];

export const AUDIT_THEMES: readonly Choice<string>[] = [
	['neglect', 25], ['domestic_abuse', 20], ['exploitation', 15], ['front_door', 15], ['harmful_sexual_behaviour', 8],
	['parental_mental_health', 9], ['child_protection_planning', 8]
];

/** Audit grading: effects added to an audit's score, by agency and by criterion. */
export const AUDIT_AGENCY_EFFECT: Readonly<Record<AgencyCode, number>> = {
	CSC01: 0.1, POL01: 0, HLT01: -0.15, HLT02: 0.15, ICB01: -0.35, EDU01: 0.1, YJS01: 0.05, PRB01: -0.1, HOU01: -0.1, VOL01: 0.2
};
export const AUDIT_CRITERION_EFFECT: Readonly<Record<string, number>> = {
	information_sharing: -0.1,
	risk_assessment: 0.1,
	voice_of_child: -0.35,
	planning: 0,
	management_oversight: -0.2,
	multi_agency_working: 0.05,
	outcomes: -0.1
};
/** Probability that an agency is part of an audit (children's social care always is). */
export const AUDIT_AGENCY_SHARE: Readonly<Record<AgencyCode, number>> = {
	CSC01: 1, POL01: 0.8, HLT01: 0.3, HLT02: 0.8, ICB01: 0.4, EDU01: 0.75, YJS01: 0.15, PRB01: 0.05, HOU01: 0.1, VOL01: 0.2
};
/** Score thresholds of the grades, best first (a score is roughly normal around 0.35). */
export const GRADE_THRESHOLDS: readonly (readonly [(typeof GRADES)[number], number])[] = [
	['outstanding', 1.3],
	['good', 0.2],
	['requires_improvement', -0.9],
	['inadequate', -Infinity]
];

type MeetingType = (typeof MEETING_TYPES)[number];

export interface Invitation {
	agency: AgencyCode;
	/** Probability of being invited. */
	invited: number;
	/** Probability of attending when invited. */
	attends: number;
	/** Invited only while the child is of school age (4 to 17). */
	schoolAge?: boolean;
	/** Invited only from this age. */
	minAge?: number;
}

/** Who is invited to each kind of meeting, and how often they come. Conferences also record reports. */
export const INVITATIONS: Readonly<Record<MeetingType, readonly Invitation[]>> = {
	strategy_discussion: [
		{ agency: AGENCY.csc, invited: 1, attends: 1 },
		{ agency: AGENCY.police, invited: 0.98, attends: 0.95 },
		{ agency: AGENCY.community, invited: 0.8, attends: 0.8 },
		{ agency: AGENCY.schools, invited: 0.75, attends: 0.8, schoolAge: true },
		{ agency: AGENCY.icb, invited: 0.3, attends: 0.45 },
		{ agency: AGENCY.acute, invited: 0.2, attends: 0.7 }
	],
	icpc: [
		{ agency: AGENCY.csc, invited: 1, attends: 1 },
		{ agency: AGENCY.police, invited: 0.95, attends: 0.84 },
		{ agency: AGENCY.community, invited: 0.92, attends: 0.85 },
		{ agency: AGENCY.icb, invited: 0.8, attends: 0.5 },
		{ agency: AGENCY.acute, invited: 0.2, attends: 0.65 },
		{ agency: AGENCY.schools, invited: 0.92, attends: 0.9, schoolAge: true },
		{ agency: AGENCY.youthJustice, invited: 0.25, attends: 0.8, minAge: 10 },
		{ agency: AGENCY.voluntary, invited: 0.15, attends: 0.75 },
		{ agency: AGENCY.housing, invited: 0.1, attends: 0.6 },
		{ agency: AGENCY.probation, invited: 0.08, attends: 0.7 }
	],
	rcpc: [
		{ agency: AGENCY.csc, invited: 1, attends: 1 },
		{ agency: AGENCY.police, invited: 0.7, attends: 0.7 },
		{ agency: AGENCY.community, invited: 0.9, attends: 0.82 },
		{ agency: AGENCY.icb, invited: 0.7, attends: 0.4 },
		{ agency: AGENCY.schools, invited: 0.92, attends: 0.88, schoolAge: true },
		{ agency: AGENCY.voluntary, invited: 0.15, attends: 0.75 },
		{ agency: AGENCY.housing, invited: 0.08, attends: 0.6 }
	],
	core_group: [
		{ agency: AGENCY.csc, invited: 1, attends: 0.97 },
		{ agency: AGENCY.community, invited: 0.8, attends: 0.75 },
		{ agency: AGENCY.schools, invited: 0.88, attends: 0.85, schoolAge: true },
		{ agency: AGENCY.police, invited: 0.35, attends: 0.55 },
		{ agency: AGENCY.voluntary, invited: 0.2, attends: 0.75 },
		{ agency: AGENCY.housing, invited: 0.1, attends: 0.6 }
	],
	cin_review: [
		{ agency: AGENCY.csc, invited: 1, attends: 0.98 },
		{ agency: AGENCY.schools, invited: 0.85, attends: 0.8, schoolAge: true },
		{ agency: AGENCY.community, invited: 0.6, attends: 0.7 },
		{ agency: AGENCY.voluntary, invited: 0.15, attends: 0.7 }
	],
	team_around_family: [
		{ agency: AGENCY.schools, invited: 0.9, attends: 0.9, schoolAge: true },
		{ agency: AGENCY.community, invited: 0.55, attends: 0.8 },
		{ agency: AGENCY.voluntary, invited: 0.4, attends: 0.8 },
		{ agency: AGENCY.csc, invited: 0.3, attends: 0.8 },
		{ agency: AGENCY.housing, invited: 0.1, attends: 0.7 }
	],
	other: [
		{ agency: AGENCY.csc, invited: 1, attends: 0.9 },
		{ agency: AGENCY.police, invited: 0.4, attends: 0.8 },
		{ agency: AGENCY.community, invited: 0.3, attends: 0.7 }
	]
};
/** Meetings where agencies are asked for a written report. */
export const REPORT_MEETINGS: readonly MeetingType[] = ['icpc', 'rcpc'];
/** An agency not invited that attends anyway (a police officer joining a strategy discussion). */
export const UNINVITED_ATTENDANCE = 0.01;
