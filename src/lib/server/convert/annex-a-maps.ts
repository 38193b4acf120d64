/**
 * The Annex A header patterns and code maps, as data.
 *
 * Encoded from the Local Information and Intelligence Alliance's liia-tools configuration
 * (public, MIT): the header patterns from `annex-a-merge.yml` ("datasources") and the code
 * maps from `annex-a-data-map.yml` ("data_config"); copies are kept in
 * ../shared/fixtures/third-party/liia-tools_annex-a-merge.yml and
 * liia-tools_annex-a-data-map.yml, and annex-a.test.ts checks this encoding against them.
 * The app never reads those files at run time.
 *
 * Header patterns: a field without a `regex` in the YAML is matched by its own name; each
 * pattern is matched against the whole trimmed header, case-insensitively.
 * Code maps: a value matches an entry by its code or name (whole, case-insensitive), else by
 * the entry's patterns tried in the YAML's order, each anchored at the value's start (as
 * Python's `re.match`), the first entry to match winning.
 */

export interface HeaderField {
	/** The field's name in the YAML. */
	name: string;
	/** The YAML's patterns without slashes and flags (all are `/…/i`); none: the name itself. */
	regex?: readonly string[];
}

const CHILD_ID: HeaderField = { name: 'Child Unique ID', regex: ['.*child.*id.*'] };
const GENDER: HeaderField = { name: 'Gender' };
const ETHNICITY: HeaderField = { name: 'Ethnicity' };
const DOB: HeaderField = { name: 'Date of Birth', regex: ['.*date.*birth.*'] };
const AGE: HeaderField = { name: 'Age of Child (Years)', regex: ['.*age.*'] };
const DISABILITY: HeaderField = { name: 'Does the Child have a Disability' };
const TEAM: HeaderField = { name: 'Allocated Team' };
const WORKER: HeaderField = { name: 'Allocated Worker' };

/** Lists 1 to 7 (the lists this converter maps), from annex-a-merge.yml. */
export const ANNEX_A_HEADERS: Readonly<Record<number, readonly HeaderField[]>> = {
	1: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE,
		{ name: 'Date of Contact', regex: ['.*date.*contact.*'] },
		{ name: 'Contact Source', regex: ['.*contact.*source.*'] }
	],
	2: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE,
		{ name: 'Assessment start date' },
		{ name: 'Assessment completion date' },
		{ name: 'Organisation completing assessment' }
	],
	3: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE,
		{ name: 'Date of referral', regex: ['.*date of.*referral.*'] },
		{ name: 'Referral Source' },
		{ name: 'Referral NFA?' },
		{ name: 'Number of Referrals in Last 12 Months' },
		TEAM, WORKER
	],
	4: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE, DISABILITY,
		{ name: 'Continuous Assessment Start Date' },
		{ name: 'Child Seen During Continuous Assessment' },
		{ name: 'Continuous Assessment Date of Authorisation' },
		{
			name: "Was the child assessed as requiring LA children's social care support?",
			regex: ['.*was the child assessed.*social care support.*']
		},
		TEAM, WORKER
	],
	5: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE, DISABILITY,
		{ name: 'Strategy discussion initiating Section 47 Enquiry Start Date' },
		{ name: 'Was an Initial Child Protection Conference deemed unnecessary?' },
		{ name: 'Date of Initial Child Protection Conference' },
		{ name: 'Did the Initial Child Protection Conference Result in a Child Protection Plan' },
		{ name: 'Number of Section 47 Enquiries in the last 12 months' },
		{ name: 'Number of ICPCs in the last 12 months' },
		TEAM, WORKER
	],
	6: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE, DISABILITY,
		{ name: 'CIN Start Date' },
		{ name: 'Primary Need Code' },
		{ name: 'Date Child Was Last Seen' },
		{ name: 'CIN Closure Date' },
		{ name: 'Reason for Closure' },
		{ name: 'Case Status' },
		TEAM, WORKER
	],
	7: [
		CHILD_ID, GENDER, ETHNICITY, DOB, AGE, DISABILITY,
		{ name: 'Child Protection Plan Start Date' },
		{ name: 'Initial Category of Abuse' },
		{ name: 'Latest Category of Abuse' },
		{ name: 'Date of the Last Statutory Visit' },
		{ name: 'Was the Child Seen Alone?' },
		{ name: 'Date of latest review conference' },
		{ name: 'Child Protection Plan End Date' },
		{
			name: 'Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)',
			regex: ['.*Subject to Emergency Protection Order.*']
		},
		{ name: 'Number of Previous Child Protection Plans' },
		TEAM, WORKER
	]
};

/** The first field of Lists 8 to 10 (Child Unique ID) and List 11, to find their header rows. */
export const OUT_OF_SCOPE_FIRST_FIELDS: readonly HeaderField[] = [CHILD_ID, { name: 'Individual adopter identifier' }];

export interface CodeEntry {
	/** The Annex A code, e.g. `b) Female`. */
	code: string;
	name: string;
	regex: readonly string[];
	/** What it becomes in the extract (null: no value). */
	target: string | null;
}

/** `&gen` (List 1: Gender). `d) Neither` becomes `other`; not stated, unknown and indeterminate `unknown`. */
export const GENDER_MAP: readonly CodeEntry[] = [
	{ code: 'b) Female', name: 'F', regex: ['.*fem.*', 'b\\).*'], target: 'female' },
	{ code: 'a) Male', name: 'M', regex: ['^mal.*', 'a\\).*'], target: 'male' },
	{
		code: 'c) Not stated/recorded',
		name: 'Not stated/recorded',
		regex: ['not.*', '.*unknown.*', '.*indeterminate.*', 'c\\).*'],
		target: 'unknown'
	},
	{ code: 'd) Neither', name: 'Neither', regex: ['d\\).*'], target: 'other' }
];

/** `&eth` (List 1: Ethnicity); the target is the DfE code in the Annex A code. */
export const ETHNICITY_MAP: readonly CodeEntry[] = [
	{ code: 'a) WBRI', name: 'White British', regex: ['.*whi.*british.*', 'a\\).*', 'WBRI.*'], target: 'WBRI' },
	{ code: 'b) WIRI', name: 'White Irish', regex: ['.*whi.*\\sir.*', 'b\\).*', 'WIRI.*'], target: 'WIRI' },
	{ code: 'c) WIRT', name: 'Traveller of Irish heritage', regex: ['^tra.*\\sirish.*', 'c\\).*', 'WIRT.*'], target: 'WIRT' },
	{ code: 'd) WOTH', name: 'Any other White background', regex: ['.*oth.*\\swhi.*', 'd\\).*', 'WOTH.*'], target: 'WOTH' },
	{ code: 'e) WROM', name: 'Gypsy/Roma', regex: ['^gy.*', '.*roma.*', 'e\\).*', 'WROM.*'], target: 'WROM' },
	{ code: 'f) MWBC', name: 'White and Black Caribbean', regex: ['^w.*\\sb.*\\sca.*', 'f\\).*', 'MWBC.*'], target: 'MWBC' },
	{ code: 'g) MWBA', name: 'White and Black African', regex: ['^w.*\\sb.*\\saf.*', 'g\\).*', 'MWBA.*'], target: 'MWBA' },
	{ code: 'h) MWAS', name: 'White and Asian', regex: ['^w.*\\sa.*', 'h\\).*', 'MWAS.*'], target: 'MWAS' },
	{ code: 'i) MOTH', name: 'Any other Mixed background', regex: ['.*oth.*\\smix.*', 'i\\).*', 'MOTH.*'], target: 'MOTH' },
	{ code: 'j) AIND', name: 'Indian', regex: ['^in.*', 'j\\).*', 'AIND.*'], target: 'AIND' },
	{ code: 'k) APKN', name: 'Pakistani', regex: ['^pak.*', 'k\\).*', 'APKN.*'], target: 'APKN' },
	{ code: 'l) ABAN', name: 'Bangladeshi', regex: ['^ban.*', 'l\\).*', 'ABAN.*'], target: 'ABAN' },
	{ code: 'm) AOTH', name: 'Any other Asian background', regex: ['.*asian.*', 'm\\).*', 'AOTH.*'], target: 'AOTH' },
	{ code: 'n) BCRB', name: 'Caribbean', regex: ['^car.*', 'n\\).*', 'BCRB.*'], target: 'BCRB' },
	{ code: 'o) BAFR', name: 'African', regex: ['^af.*', 'o\\).*', 'BAFR.*'], target: 'BAFR' },
	{ code: 'p) BOTH', name: 'Any other Black background', regex: ['.*oth.*\\sbl.*', 'p\\).*', 'BOTH.*'], target: 'BOTH' },
	{ code: 'q) CHNE', name: 'Chinese', regex: ['^ch.*', 'q\\).*', 'CHNE.*'], target: 'CHNE' },
	{ code: 'r) OOTH', name: 'Any other ethnic group', regex: ['.*oth.*\\seth.*', 'r\\).*', 'OOTH.*'], target: 'OOTH' },
	{ code: 's) REFU', name: 'Refused', regex: ['^ref.*', '.*did\\snot\\swish.*', 'REFU.*'], target: 'REFU' },
	{ code: 's) NOBT', name: 'Information not yet obtained', regex: ['.*info.*', '.*not.*\\sobtained.*', 'NOBT.*'], target: 'NOBT' }
];

/** `&source` (List 1: Contact Source, List 3: Referral Source), in the YAML's order; target: the DfE ReferralSource code. */
export const SOURCE_MAP: readonly CodeEntry[] = [
	{ code: 'a) 1A: Individual', name: 'INDIVIDUAL – family member, relative or carer', regex: ['.*family.*', '.*relative.*', '.*carer.*', '.*1A.*'], target: '1A' },
	{ code: 'b) 1B: Individual', name: 'INDIVIDUAL – acquaintance (including neighbours and child minders)', regex: ['.*acqua.*', '.*1B.*'], target: '1B' },
	{ code: 'c) 1C: Individual', name: 'INDIVIDUAL – self', regex: ['.*self.*', '.*1C.*'], target: '1C' },
	{ code: 'd) 1D: Individual', name: 'INDIVIDUAL – other (including strangers)', regex: ['.*individual.*\\sother.*', '.*1D.*'], target: '1D' },
	{ code: 'i) 3C: Health services', name: 'HEALTH SERVICES – school nurse', regex: ['.*scho.*\\snurse.*', '.*3C.*'], target: '3C' },
	{ code: 'e) 2A: Schools', name: 'SCHOOLS', regex: ['^school.*', '.*2A.*'], target: '2A' },
	{ code: 'f) 2B: Education services', name: 'EDUCATION SERVICES', regex: ['.*educat.*', '.*2B.*'], target: '2B' },
	{ code: 'g) 3A: Health services', name: 'HEALTH SERVICES – general practitioner (GP)', regex: ['.*\\sgp.*', '^gp.*', '.*3A.*'], target: '3A' },
	{ code: 'h) 3B: Health services', name: 'HEALTH SERVICES – health visitor', regex: ['.*hea.*\\svisi.*', '.*3B.*'], target: '3B' },
	{ code: 'j) 3D: Health services', name: 'HEALTH SERVICES – other primary health services', regex: ['.*other.*\\sprimary.*', '.*3D.*'], target: '3D' },
	{ code: 'k) 3E: Health services', name: 'HEALTH SERVICES – A&E (accident and emergency department)', regex: ['.*a&e.*', '.*3E.*'], target: '3E' },
	{ code: 'l) 3F: Health services', name: 'HEALTH SERVICES – other (for example hospice)', regex: ['.*other.*\\shealth.*', '.*health.*\\sother.*', '.*hospice.*', '.*3F.*'], target: '3F' },
	{
		code: 'o) 5B: LA services',
		name: 'LA SERVICES – other internal (department other than social care in local authorities, for example, youth offending (excluding housing))',
		regex: ['.*other.*internal.*', '.*5B.*'],
		target: '5B'
	},
	{
		code: 'p) 5C: LA services',
		name: 'LA SERVICES – external, for example, from another local authority’s adults social care services',
		regex: ['.*external', '.*5C.*'],
		target: '5C'
	},
	{ code: 'n) 5A: LA services', name: 'LA SERVICES – social care for example adults social care services', regex: ['.*social\\scare.*', '.*5A.*'], target: '5A' },
	{ code: 'm) 4: Housing', name: 'HOUSING - local authority housing or housing association', regex: ['.*housing.*', '.*4.*'], target: '4' },
	{ code: 'q) 6: Police', name: 'POLICE', regex: ['.*police.*', '.*6.*'], target: '6' },
	{
		code: 'r) 7: Other legal agency',
		name: 'OTHER LEGAL AGENCY – including courts, probation, immigration, CAFCASS (Children and Family Court Advisory and Support Service) or prison',
		regex: ['.*other\\slegal.*', '.*7.*'],
		target: '7'
	},
	{
		code: 's) 8: Other',
		name: 'OTHER – including children’s centres, independent agency providers or voluntary organisations',
		regex: ['^other.*', '.*8.*'],
		target: '8'
	},
	{ code: 't) 9: Anonymous', name: 'ANONYMOUS', regex: ['^anon.*', '.*9.*'], target: '9' },
	{ code: 'u) 10: Unknown', name: 'UNKNOWN', regex: ['^unk.*', '.*10.*'], target: '10' }
];

/** `&bool` (List 3: Referral NFA?, and the yes/no questions of Lists 4, 5 and 7). */
export const BOOL_MAP: readonly CodeEntry[] = [
	{ code: 'a) Yes', name: 'Yes', regex: ['Y.*', 'a\\).*'], target: 'yes' },
	{ code: 'b) No', name: 'No', regex: ['N.*', 'b\\).*'], target: 'no' },
	{ code: 'c) Unknown', name: 'Unknown', regex: ['unkn.*', 'c\\).*'], target: 'unknown' }
];

/** `&cat_abuse` (List 7: Initial / Latest Category of Abuse); target: the CIN census category code. */
export const CATEGORY_MAP: readonly CodeEntry[] = [
	{ code: 'a) Neglect', name: 'Neglect', regex: ['.*a\\).*', '.*NEG.*'], target: 'NEG' },
	{ code: 'b) Physical abuse', name: 'Physical abuse', regex: ['.*PHY*', '.*b\\).*'], target: 'PHY' },
	{ code: 'c) Sexual abuse', name: 'Sexual abuse', regex: ['.*sexual*', '.*SAB.*', '.*c\\).*'], target: 'SAB' },
	{ code: 'd) Emotional abuse', name: 'Emotional abuse', regex: ['.*EMO*', '.*d\\).*'], target: 'EMO' },
	{ code: 'e) Multiple/not recommended', name: 'Multiple/not recommended', regex: ['.*MUL', '.*e\\).*'], target: 'MUL' }
];

const compiled = new WeakMap<readonly CodeEntry[], { entry: CodeEntry; res: RegExp[] }[]>();

/**
 * The entry a value matches: its code or name, or (without the `x) ` prefix) the target code
 * itself, or the first entry one of whose patterns matches; null when none does.
 */
export function matchCode(map: readonly CodeEntry[], value: string): CodeEntry | null {
	const v = value.trim();
	const lower = v.toLowerCase();
	const exact = map.find((e) => e.code.toLowerCase() === lower || e.name.toLowerCase() === lower);
	if (exact) return exact;
	const bare = lower.replace(/^[a-z]\)\s*/, '');
	const byTarget = map.find(
		(e) => e.target !== null && (bare === e.target.toLowerCase() || bare.startsWith(`${e.target.toLowerCase()}:`))
	);
	if (byTarget) return byTarget;
	let list = compiled.get(map);
	if (!list) {
		list = map.map((entry) => ({ entry, res: entry.regex.map((r) => new RegExp(`^(?:${r})`, 'i')) }));
		compiled.set(map, list);
	}
	return list.find((c) => c.res.some((re) => re.test(v)))?.entry ?? null;
}

/** Whether a header (trimmed) matches a field: its patterns against the whole header, or its name. */
export function headerMatches(field: HeaderField, header: string): boolean {
	const h = header.trim();
	if (!field.regex) return h.toLowerCase() === field.name.toLowerCase();
	return field.regex.some((r) => new RegExp(`^(?:${r})$`, 'is').test(h));
}
