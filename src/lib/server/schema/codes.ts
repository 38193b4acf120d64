/**
 * Code lists of the multi-agency extract, version 1 (../shared/spec/extract-format.md).
 * The single source: the schema, the validation SQL, the demo generator and the
 * data dictionary all read these arrays. Never write a code list out anywhere else.
 */

export const SECTORS = [
	'children_social_care',
	'police',
	'health',
	'education',
	'early_years',
	'youth_justice',
	'probation',
	'adult_social_care',
	'housing',
	'voluntary',
	'other'
] as const;
export type Sector = (typeof SECTORS)[number];

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;

/** DfE ethnicity codes. */
export const ETHNICITIES = [
	'WBRI', 'WIRI', 'WOTH', 'WIRT', 'WROM', 'MWBC', 'MWBA', 'MWAS', 'MOTH', 'AIND',
	'APKN', 'ABAN', 'AOTH', 'BCRB', 'BAFR', 'BOTH', 'CHNE', 'OOTH', 'REFU', 'NOBT'
] as const;

export const DISABILITY = ['yes', 'no', 'unknown'] as const;

/** DfE ReferralSource codes (CIN census). */
export const REFERRAL_SOURCES = [
	'1A', '1B', '1C', '1D', '2A', '2B', '3A', '3B', '3C', '3D', '3E', '3F',
	'4', '5A', '5B', '5C', '5D', '6', '7', '8', '9', '10'
] as const;

/**
 * Sector of a contact or referral that names no source agency, from its source code
 * (metrics.md, "Sector of a contact or referral"). Codes not listed map to `other`.
 */
export const SECTOR_OF_SOURCE_CODE: Readonly<Partial<Record<(typeof REFERRAL_SOURCES)[number], Sector>>> = {
	'2A': 'education',
	'2B': 'education',
	'3A': 'health',
	'3B': 'health',
	'3C': 'health',
	'3D': 'health',
	'3E': 'health',
	'3F': 'health',
	'6': 'police',
	'5A': 'adult_social_care',
	'5B': 'children_social_care',
	'5C': 'children_social_care',
	'5D': 'children_social_care',
	'4': 'housing',
	'7': 'probation',
	'8': 'voluntary'
};

export const CONTACT_OUTCOMES = ['referral', 'early_help', 'information_advice', 'no_further_action'] as const;

export const PRIMARY_NEEDS = ['N0', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8', 'N9'] as const;

export const CONCERNS = [
	'neglect',
	'physical_abuse',
	'emotional_abuse',
	'sexual_abuse',
	'domestic_abuse',
	'parental_mental_health',
	'parental_substance_misuse',
	'child_sexual_exploitation',
	'child_criminal_exploitation',
	'harmful_sexual_behaviour',
	'going_missing',
	'online_harm',
	'self_harm',
	'other'
] as const;

export const REFERRAL_OUTCOMES = ['no_further_action', 'early_help', 'assessment', 'strategy_discussion', 'other'] as const;

/** CIN census AssessmentFactors codes (CIN_schema_2024.xsd); `21` means none. */
export const ASSESSMENT_FACTORS = [
	'1A', '1B', '1C', '2A', '2B', '2C', '3A', '3B', '3C', '4A', '4B', '4C', '5A', '5B', '5C',
	'6A', '6B', '6C', '7A', '8B', '8C', '8D', '8E', '8F', '9A', '10A', '11A', '12A', '13A',
	'14A', '15A', '16A', '17A', '18B', '18C', '19B', '19C', '20', '21', '22A', '23A', '24A'
] as const;

export const CP_CATEGORIES = ['NEG', 'PHY', 'SAB', 'EMO', 'MUL'] as const;

export const REQUEST_PRIORITIES = ['urgent', 'routine'] as const;

export const ESCALATION_CATEGORIES = [
	'threshold',
	'plan_progress',
	'roles_responsibilities',
	'information_sharing',
	'communication',
	'other'
] as const;

export const ESCALATION_OUTCOMES = ['agreed', 'plan_changed', 'withdrawn', 'unresolved'] as const;

export const MEETING_TYPES = [
	'strategy_discussion',
	'icpc',
	'rcpc',
	'core_group',
	'cin_review',
	'team_around_family',
	'other'
] as const;

export const GRADES = ['outstanding', 'good', 'requires_improvement', 'inadequate'] as const;

export const AUDIT_CRITERIA = [
	'information_sharing',
	'risk_assessment',
	'voice_of_child',
	'planning',
	'management_oversight',
	'multi_agency_working',
	'outcomes'
] as const;

export const DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;

/** Age bands (the DfE's), metrics.md "Age at an event". */
export const AGE_BANDS = ['under_1', '1_4', '5_9', '10_15', '16_17', '18_plus', 'unknown'] as const;

/** Ethnicity groups from the code's first letter, metrics.md. */
export const ETHNICITY_GROUPS = ['white', 'mixed', 'asian', 'black', 'other', 'unknown'] as const;
