/**
 * The DfE Children in Need census XML (schema versions 2017 to 2026) → a multi-agency extract:
 * agencies (the supplying council), children, referrals, assessments, s47_enquiries, cp_plans.
 *
 * Pseudonyms follow extract-format.md "How pseudonyms are made": the LA code is the header's
 * `Source/LEA` (or `LA`); a child's linkage identifier is `NHS:<number>` where the data
 * controller's --nhs-lookup gives one for the LA child ID, else `LA:<la>:<LAchildID upper-cased>`;
 * the census has no ids for its records, so each record's source id is
 * `<linkage identifier>:<event date>` (`:2`, `:3` … for further events of that child, table and
 * date in source order), hashed with recordId(key, agency, table, sourceId). The same event
 * therefore gets the same id in next year's census.
 *
 * What the census holds and the extract does not (closure, CIN plans, reviews, identifiers, …) is
 * reported field by field; no identifier, birth date or death date is ever written, and the
 * report and errors name elements and positions, never values. Values that break a rule of the
 * extract (an unknown code, dates out of order) are passed through for the import to quarantine.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
	birthMonth,
	childPseudonym,
	EventIds,
	linkageIdentifier,
	LinkageError,
	readKeyFile,
	recordId,
	type PartnershipKey
} from '../pseudonym/pseudonym.ts';
import { readLookup, ReportBuilder, writeExtractFolder, type ConversionReport, type OutputRow } from './common.ts';

export interface CinCensusOptions {
	/** The census XML file. */
	file: string;
	/** The partnership key file (or `key`, already read). */
	keyFile?: string;
	key?: PartnershipKey;
	/** The supplying agency's code: the manifest's supplied_by and the record ids' supplier. */
	agency: string;
	/** The agencies row's name (default: the agency code; the census names no agency). */
	agencyName?: string;
	outDir: string;
	/** CSV: LA child ID → NHS number. */
	nhsLookup?: string;
	/** CSV: LA child ID → area code. */
	areaLookup?: string;
	/** The manifest's extracted_on (default: the header's ReferenceDate, else today). */
	extractedOn?: string;
}

export interface CinCensusResult {
	report: ConversionReport;
	/** Rows written per table, and what the source held. */
	counts: {
		written: Record<string, number>;
		source: { children: number; cin_details: number; assessments: number; section47: number; cp_plans: number };
		skipped_children: number;
	};
	manifest: { supplied_by: string; extracted_on: string; period_start?: string; period_end?: string };
}

export class CinCensusError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CinCensusError';
	}
}

type Node = Record<string, unknown>;

/** Every occurrence of a child element, as nodes (a repeated element parses as an array). */
function all(node: Node | undefined, name: string): unknown[] {
	if (!node || typeof node !== 'object') return [];
	const v = node[name];
	if (v === undefined) return [];
	return Array.isArray(v) ? v : [v];
}

const asNode = (v: unknown): Node => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});

/** A code with or without its label: "1 - Male" → "1", "WBRI: White British" → "WBRI". */
export function cinCode(value: string): string {
	const v = value.trim();
	const m = /^([A-Za-z0-9]+)\s*(?:[-–—:)]|\s)\s*\S.*$/.exec(v);
	return m ? m[1] : v;
}

/** A date as YYYY-MM-DD: an xs:date or xs:dateTime keeps its date part; anything else passes unchanged. */
function cinDate(value: string): string {
	const m = /^(\d{4}-\d{2}-\d{2})(?:[T ].*|Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
	return m ? m[1] : value.trim();
}

const isIsoDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

/** yesnotype: true/false/TRUE/FALSE/1/0 (also Y/N, yes/no): true, false, or null if unrecognised. */
function yesNo(value: string): boolean | null {
	const v = value.trim().toLowerCase();
	if (['true', '1', 'y', 'yes'].includes(v)) return true;
	if (['false', '0', 'n', 'no'].includes(v)) return false;
	return null;
}

const SEX_CODES: Record<string, string> = {
	'1': 'male',
	m: 'male',
	male: 'male',
	'2': 'female',
	f: 'female',
	female: 'female',
	'0': 'unknown',
	u: 'unknown',
	unknown: 'unknown',
	'9': 'other',
	i: 'other',
	indeterminate: 'other'
};

/** Sex / GenderCurrent: 1 male, 2 female, 0 not recorded or unborn → unknown, 9 indeterminate → other. */
function sexOf(value: string): string | null {
	const v = value.trim().toLowerCase();
	return SEX_CODES[v] ?? SEX_CODES[cinCode(v)] ?? SEX_CODES[v.split(/\s+/).pop() ?? ''] ?? null;
}

/** The elements this converter knows, by parent, with what becomes of each (for the report). */
const NEVER: Record<string, string> = {
	'ChildIdentifiers/LAchildID': 'an identifier: used only to make child_id (and to find the lookups), never written',
	'ChildIdentifiers/UPN': 'an identifier: never leaves the council',
	'ChildIdentifiers/FormerUPN': 'an identifier: never leaves the council',
	'ChildIdentifiers/UPNunknown': 'about the UPN (an identifier): not needed by the dashboard',
	'ChildIdentifiers/ExpectedPersonBirthDate': 'an exact (expected) date of birth: identifying, and the extract has no column for it',
	'ChildIdentifiers/PersonDeathDate': 'an exact date of death would identify a child, and the extract has no column for it',
	'CINdetails/CINclosureDate': 'the extract has no column for the closure of a CIN episode',
	'CINdetails/ReasonForClosure': 'the extract has no column for the reason a CIN episode closed',
	'CINdetails/DateOfInitialCPC': 'an ICPC date outside any Section47 block: s47_enquiries.icpc_on takes only a Section47 block\'s own date',
	'CINdetails/CINPlanDates': 'the extract has no table for CIN plans',
	'Assessments/AssessmentInternalReviewDate': 'the extract has no column for the internal review date',
	'Section47/InitialCPCtarget': 'the extract has no column for the ICPC target date (the dashboard measures timeliness from the start date)',
	'ChildProtectionPlans/NumberOfPreviousCPP': 'the extract has no column for it (the dashboard counts repeat plans from cp_plans itself)',
	'ChildProtectionPlans/Reviews': 'the extract has no table for child protection reviews'
};

const MAPPED: Record<string, string> = {
	'ChildIdentifiers/PersonBirthDate': 'children.birth_month',
	'ChildIdentifiers/GenderCurrent': 'children.sex',
	'ChildIdentifiers/Sex': 'children.sex',
	'ChildCharacteristics/Ethnicity': 'children.ethnicity',
	'ChildCharacteristics/Disabilities': 'children.disability',
	'CINdetails/CINreferralDate': 'referrals.received_at',
	'CINdetails/ReferralSource': 'referrals.source_code',
	'CINdetails/PrimaryNeedCode': 'referrals.primary_need_code',
	'CINdetails/ReferralNFA': 'referrals.outcome',
	'CINdetails/Assessments': 'assessments',
	'CINdetails/Section47': 's47_enquiries',
	'CINdetails/ChildProtectionPlans': 'cp_plans',
	'Assessments/AssessmentActualStartDate': 'assessments.started_on',
	'Assessments/AssessmentAuthorisationDate': 'assessments.completed_on',
	'Assessments/FactorsIdentifiedAtAssessment': 'assessments.factors',
	'Section47/S47ActualStartDate': 's47_enquiries.started_on',
	'Section47/DateOfInitialCPC': 's47_enquiries.icpc_on',
	'Section47/ICPCnotRequired': 's47_enquiries.icpc_not_required',
	'Section47/StrategyDiscussionDate': 's47_enquiries.strategy_discussion_on',
	'Section47/DateOfStrategyDiscussion': 's47_enquiries.strategy_discussion_on',
	'ChildProtectionPlans/CPPstartDate': 'cp_plans.started_on',
	'ChildProtectionPlans/CPPendDate': 'cp_plans.ended_on',
	'ChildProtectionPlans/InitialCategoryOfAbuse': 'cp_plans.initial_category',
	'ChildProtectionPlans/LatestCategoryOfAbuse': 'cp_plans.latest_category'
};

const TABLES = ['agencies', 'children', 'referrals', 'assessments', 's47_enquiries', 'cp_plans'] as const;

function today(): string {
	return new Date().toISOString().slice(0, 10);
}

export async function convertCinCensus(options: CinCensusOptions): Promise<CinCensusResult> {
	const fileName = path.basename(options.file);
	const agency = options.agency.trim();
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(agency)) throw new CinCensusError('the agency code must be 1 to 64 letters, digits, _ or -');
	const key = options.key ?? (options.keyFile ? await readKeyFile(options.keyFile) : null);
	if (!key) throw new CinCensusError('a key file is needed to make the pseudonyms');
	const nhsLookup = options.nhsLookup ? await readLookup(options.nhsLookup) : new Map<string, string>();
	const areaLookup = options.areaLookup ? await readLookup(options.areaLookup) : new Map<string, string>();

	let xml: string;
	try {
		xml = (await fs.readFile(options.file, 'utf8')).replace(/^\uFEFF/, '');
	} catch (e) {
		throw new CinCensusError(`cannot read ${fileName} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
	}
	const valid = XMLValidator.validate(xml);
	if (valid !== true) {
		// The validator's message names tags, never text; keep only its code and position to be sure.
		throw new CinCensusError(`${fileName} is not well-formed XML (${valid.err.code} at line ${valid.err.line}, column ${valid.err.col})`);
	}
	const parsed = new XMLParser({
		ignoreAttributes: true,
		removeNSPrefix: true,
		parseTagValue: false,
		trimValues: true,
		processEntities: true
	}).parse(xml) as Node;
	const message = asNode(parsed.Message);
	if (!parsed.Message) throw new CinCensusError(`${fileName} is not a CIN census: it has no Message element`);
	const header = asNode(message.Header);
	const collection = asNode(header.CollectionDetails);
	const source = asNode(header.Source);
	const text = (node: Node, name: string): string | null => {
		const v = all(node, name)[0];
		if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
		if (typeof v === 'number' || typeof v === 'boolean') return String(v);
		return null;
	};
	const la = text(source, 'LEA') ?? text(source, 'LA');
	if (!la || !/^\d{3}$/.test(la)) {
		throw new CinCensusError(`${fileName}: Header/Source/LEA must hold the local authority's 3-digit code`);
	}
	const collectionName = text(collection, 'Collection');
	if (collectionName && collectionName.toUpperCase() !== 'CIN') {
		throw new CinCensusError(`${fileName}: Header/CollectionDetails/Collection is not CIN`);
	}

	const report = new ReportBuilder(fileName);
	const referenceDate = text(collection, 'ReferenceDate');
	const refIso = referenceDate ? cinDate(referenceDate) : null;
	let extractedOn = options.extractedOn ?? null;
	if (!extractedOn) {
		if (refIso && isIsoDate(refIso)) {
			extractedOn = refIso;
			report.mapped('Header/ReferenceDate', 'manifest.extracted_on');
		} else {
			extractedOn = today();
			if (referenceDate) report.dropped('Header/ReferenceDate', 'not a date YYYY-MM-DD: extracted_on is today', 'manifest.extracted_on');
		}
	} else if (referenceDate) {
		report.dropped('Header/ReferenceDate', 'extracted_on was given', 'manifest.extracted_on');
	}
	report.mapped('Header/LEA', 'the linkage identifier (LA code)');
	for (const [part, node, used] of [
		['CollectionDetails', collection, ['ReferenceDate', 'CollectionStartDate', 'CollectionEndDate']],
		['Source', source, ['LEA', 'LA']]
	] as const) {
		for (const name of Object.keys(node)) {
			if (name !== '#text' && !(used as readonly string[]).includes(name)) report.dropped(`Header/${name}`, `about the return (${part}), not the children: not needed`);
		}
	}
	const manifest: CinCensusResult['manifest'] = { supplied_by: agency, extracted_on: extractedOn };
	for (const [el, field] of [
		['CollectionStartDate', 'period_start'],
		['CollectionEndDate', 'period_end']
	] as const) {
		const v = text(collection, el);
		if (v && isIsoDate(cinDate(v))) {
			manifest[field] = cinDate(v);
			report.mapped(`Header/${el}`, `manifest.${field}`);
		} else if (v) report.dropped(`Header/${el}`, 'not a date YYYY-MM-DD', `manifest.${field}`);
	}

	const rows: Record<(typeof TABLES)[number], OutputRow[]> = {
		agencies: [{ agency_code: agency, agency_name: options.agencyName?.trim() || agency, sector: 'children_social_care' }],
		children: [],
		referrals: [],
		assessments: [],
		s47_enquiries: [],
		cp_plans: []
	};
	const ids = {
		referrals: new EventIds(),
		assessments: new EventIds(),
		s47_enquiries: new EventIds(),
		cp_plans: new EventIds()
	};
	const sourceCounts = { children: 0, cin_details: 0, assessments: 0, section47: 0, cp_plans: 0 };
	let skipped = 0;
	for (const name of Object.keys(NEVER)) report.declare(name, null);

	/** A leaf's text (null when absent or empty), reporting a repeat or a nested element as a problem. */
	const leaf = (node: Node, parent: string, name: string, where: string, pos: number): string | null => {
		const vs = all(node, name);
		if (vs.length === 0) return null;
		if (vs.length > 1) report.problem(`${where} / ${name}`, pos, `${parent}/${name} is repeated: the first is used`);
		const v = vs[0];
		if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
		report.problem(`${where} / ${name}`, pos, `${parent}/${name} holds elements where a value belongs`);
		return null;
	};
	/** Reports what becomes of every child element of a node that `handled` does not cover. */
	const others = (node: Node, parent: string, handled: string[], where: string, pos: number) => {
		for (const [name, value] of Object.entries(node)) {
			if (name === '#text') {
				report.problem(where, pos, `${parent} holds text outside its elements: ignored`);
				continue;
			}
			if (handled.includes(name)) continue;
			const n = Array.isArray(value) ? value.length : 1;
			const reason = NEVER[`${parent}/${name}`];
			report.dropped(`${parent}/${name}`, reason ?? 'not an element of the CIN census schema this converter knows', null, n);
		}
	};
	/** A date leaf: mapped to `target` (passed through as found), or null. */
	const date = (node: Node, parent: string, name: string, where: string, pos: number): string | null => {
		const v = leaf(node, parent, name, where, pos);
		if (v === null) return null;
		report.mapped(`${parent}/${name}`, MAPPED[`${parent}/${name}`]);
		return cinDate(v);
	};
	const code = (node: Node, parent: string, name: string, where: string, pos: number): string | null => {
		const v = leaf(node, parent, name, where, pos);
		if (v === null) return null;
		report.mapped(`${parent}/${name}`, MAPPED[`${parent}/${name}`]);
		return cinCode(v).toUpperCase();
	};

	const children = all(asNode(message.Children), 'Child');
	children.forEach((childValue, ci) => {
		const c = asNode(childValue);
		const childPos = ci + 1;
		const where = `Child ${childPos}`;
		sourceCounts.children++;
		const cinDetails = all(c, 'CINdetails');
		for (const d of cinDetails) {
			const dn = asNode(d);
			sourceCounts.cin_details++;
			sourceCounts.assessments += all(dn, 'Assessments').length;
			sourceCounts.section47 += all(dn, 'Section47').length;
			sourceCounts.cp_plans += all(dn, 'ChildProtectionPlans').length;
		}
		others(c, 'Child', ['ChildIdentifiers', 'ChildCharacteristics', 'CINdetails'], where, childPos);
		const idNodes = all(c, 'ChildIdentifiers');
		const ident = asNode(idNodes[0]);
		const laChildId = leaf(ident, 'ChildIdentifiers', 'LAchildID', where, childPos);
		if (laChildId !== null) report.dropped('ChildIdentifiers/LAchildID', NEVER['ChildIdentifiers/LAchildID']);
		if (!laChildId) {
			skipped++;
			report.problem(where, childPos, 'no ChildIdentifiers/LAchildID: the child cannot be pseudonymised, so it and its CINdetails are left out');
			return;
		}
		let linkage: string;
		const nhs = nhsLookup.get(laChildId.toUpperCase()) ?? null;
		try {
			linkage = linkageIdentifier({ nhsNumber: nhs, laCode: la, laChildId });
			if (nhs) report.mapped('--nhs-lookup', 'the linkage identifier (NHS number)');
		} catch (e) {
			if (!(e instanceof LinkageError)) throw e;
			report.problem(where, childPos, 'the NHS lookup\'s value for this child is not a 10-digit NHS number: linked by its LA child ID instead');
			report.dropped('--nhs-lookup', 'not a 10-digit NHS number');
			linkage = linkageIdentifier({ laCode: la, laChildId });
		}
		const childId = childPseudonym(key, linkage);

		// children
		others(ident, 'ChildIdentifiers', ['LAchildID', 'PersonBirthDate', 'GenderCurrent', 'Sex'], where, childPos);
		const dob = leaf(ident, 'ChildIdentifiers', 'PersonBirthDate', where, childPos);
		let month: string | null = null;
		if (dob !== null) {
			month = birthMonth(cinDate(dob));
			if (month && isIsoDate(cinDate(dob))) report.mapped('ChildIdentifiers/PersonBirthDate', 'children.birth_month');
			else {
				month = null;
				report.dropped('ChildIdentifiers/PersonBirthDate', 'not a date YYYY-MM-DD: birth_month left empty (the value is never passed on)', 'children.birth_month');
			}
		}
		const sexName = all(ident, 'Sex').length > 0 ? 'Sex' : 'GenderCurrent';
		if (sexName === 'Sex' && all(ident, 'GenderCurrent').length > 0) {
			report.dropped('ChildIdentifiers/GenderCurrent', 'both Sex and GenderCurrent are given: Sex is used', 'children.sex');
		}
		const sexRaw = leaf(ident, 'ChildIdentifiers', sexName, where, childPos);
		let sex: string;
		if (sexRaw === null) {
			sex = 'unknown';
			report.problem(where, childPos, `no ChildIdentifiers/${sexName}: sex is unknown`);
		} else {
			sex = sexOf(sexRaw) ?? sexRaw;
			report.mapped(`ChildIdentifiers/${sexName}`, 'children.sex');
		}
		const chars = asNode(all(c, 'ChildCharacteristics')[0]);
		others(chars, 'ChildCharacteristics', ['Ethnicity', 'Disabilities'], where, childPos);
		const ethnicity = code(chars, 'ChildCharacteristics', 'Ethnicity', where, childPos);
		const disabilityNodes = all(chars, 'Disabilities');
		let disability = 'unknown';
		if (disabilityNodes.length > 0) {
			const codes = disabilityNodes
				.flatMap((d) => all(asNode(d), 'Disability'))
				.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
				.map((v) => cinCode(v).toUpperCase());
			if (codes.length > 0) {
				disability = codes.some((v) => v !== 'NONE') ? 'yes' : 'no';
				report.mapped('ChildCharacteristics/Disabilities', 'children.disability');
			} else {
				report.dropped('ChildCharacteristics/Disabilities', 'no Disability code inside: disability is unknown', 'children.disability');
			}
		}
		const area = areaLookup.get(laChildId.toUpperCase()) ?? null;
		if (area) report.mapped('--area-lookup', 'children.area_code');
		rows.children.push({ child_id: childId, birth_month: month, sex, ethnicity, disability, area_code: area });

		// referrals and what sits in them
		cinDetails.forEach((dValue, di) => {
			const d = asNode(dValue);
			const dWhere = `${where} / CINdetails ${di + 1}`;
			const P = 'CINdetails';
			others(d, P, ['CINreferralDate', 'ReferralSource', 'PrimaryNeedCode', 'ReferralNFA', 'Assessments', 'Section47', 'ChildProtectionPlans'], dWhere, di + 1);
			const received = date(d, P, 'CINreferralDate', dWhere, di + 1);
			let referralId: string | null = null;
			if (received === null) {
				report.problem(dWhere, di + 1, 'no CINreferralDate: the referral has no date to make its id from, so it is left out (its assessments, Section47 and plans are kept without a referral)');
				for (const n of ['ReferralSource', 'PrimaryNeedCode', 'ReferralNFA']) {
					const k = all(d, n).length;
					if (k) report.dropped(`${P}/${n}`, 'in a CINdetails with no CINreferralDate', null, k);
				}
			} else {
				referralId = recordId(key, agency, 'referrals', ids.referrals.next(linkage, received));
				const nfa = leaf(d, P, 'ReferralNFA', dWhere, di + 1);
				let outcome: string | null = null;
				if (nfa !== null) {
					const b = yesNo(nfa);
					if (b === true) {
						outcome = 'no_further_action';
						report.mapped(`${P}/ReferralNFA`, 'referrals.outcome');
					} else if (b === false) report.dropped(`${P}/ReferralNFA`, 'false: the census does not say what the response was, so outcome is left empty', 'referrals.outcome');
					else report.dropped(`${P}/ReferralNFA`, 'not true or false', 'referrals.outcome');
				}
				rows.referrals.push({
					referral_id: referralId,
					child_id: childId,
					contact_id: null,
					received_at: received,
					source_code: code(d, P, 'ReferralSource', dWhere, di + 1),
					source_agency_code: null,
					primary_need_code: code(d, P, 'PrimaryNeedCode', dWhere, di + 1),
					concerns: null,
					decided_at: null,
					outcome
				});
			}
			if (referralId !== null) report.mapped('CINdetails (the block an Assessments or Section47 sits in)', 'assessments.referral_id, s47_enquiries.referral_id', all(d, 'Assessments').length + all(d, 'Section47').length);

			const planStarts = new Set<string>();
			all(d, 'ChildProtectionPlans').forEach((pValue, pi) => {
				const p = asNode(pValue);
				const pWhere = `${dWhere} / ChildProtectionPlans ${pi + 1}`;
				const Q = 'ChildProtectionPlans';
				others(p, Q, ['CPPstartDate', 'CPPendDate', 'InitialCategoryOfAbuse', 'LatestCategoryOfAbuse'], pWhere, pi + 1);
				const started = date(p, Q, 'CPPstartDate', pWhere, pi + 1);
				if (started === null) {
					report.problem(pWhere, pi + 1, 'no CPPstartDate: the plan has no date to make its id from, so it is left out');
					return;
				}
				planStarts.add(started);
				rows.cp_plans.push({
					plan_id: recordId(key, agency, 'cp_plans', ids.cp_plans.next(linkage, started)),
					child_id: childId,
					started_on: started,
					ended_on: date(p, Q, 'CPPendDate', pWhere, pi + 1),
					initial_category: code(p, Q, 'InitialCategoryOfAbuse', pWhere, pi + 1),
					latest_category: code(p, Q, 'LatestCategoryOfAbuse', pWhere, pi + 1)
				});
			});

			all(d, 'Assessments').forEach((aValue, ai) => {
				const a = asNode(aValue);
				const aWhere = `${dWhere} / Assessments ${ai + 1}`;
				const Q = 'Assessments';
				others(a, Q, ['AssessmentActualStartDate', 'AssessmentAuthorisationDate', 'FactorsIdentifiedAtAssessment'], aWhere, ai + 1);
				const started = date(a, Q, 'AssessmentActualStartDate', aWhere, ai + 1);
				if (started === null) {
					report.problem(aWhere, ai + 1, 'no AssessmentActualStartDate: the assessment has no date to make its id from, so it is left out');
					return;
				}
				const factors = all(a, 'FactorsIdentifiedAtAssessment')
					.flatMap((f) => all(asNode(f), 'AssessmentFactors'))
					.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
					.map((v) => cinCode(v).toUpperCase());
				if (factors.length) report.mapped(`${Q}/FactorsIdentifiedAtAssessment`, 'assessments.factors');
				rows.assessments.push({
					assessment_id: recordId(key, agency, 'assessments', ids.assessments.next(linkage, started)),
					child_id: childId,
					referral_id: referralId,
					started_on: started,
					completed_on: date(a, Q, 'AssessmentAuthorisationDate', aWhere, ai + 1),
					factors: factors.length ? [...new Set(factors)].join(';') : null
				});
			});

			all(d, 'Section47').forEach((sValue, si) => {
				const s = asNode(sValue);
				const sWhere = `${dWhere} / Section47 ${si + 1}`;
				const Q = 'Section47';
				others(s, Q, ['S47ActualStartDate', 'DateOfInitialCPC', 'ICPCnotRequired', 'StrategyDiscussionDate', 'DateOfStrategyDiscussion'], sWhere, si + 1);
				const started = date(s, Q, 'S47ActualStartDate', sWhere, si + 1);
				if (started === null) {
					report.problem(sWhere, si + 1, 'no S47ActualStartDate: the enquiry has no date to make its id from, so it is left out');
					return;
				}
				const icpc = date(s, Q, 'DateOfInitialCPC', sWhere, si + 1);
				const notRequiredRaw = leaf(s, Q, 'ICPCnotRequired', sWhere, si + 1);
				let notRequired: string | null = null;
				if (notRequiredRaw !== null) {
					const b = yesNo(notRequiredRaw);
					notRequired = b === null ? notRequiredRaw : String(b);
					report.mapped(`${Q}/ICPCnotRequired`, 's47_enquiries.icpc_not_required');
				} else if (icpc !== null) {
					notRequired = 'false';
					report.problem(sWhere, si + 1, 'no ICPCnotRequired: taken as false, as an ICPC date is given');
				} else {
					report.problem(sWhere, si + 1, 'no ICPCnotRequired (required by the extract): left empty for the import to quarantine');
				}
				const strategy =
					date(s, Q, 'StrategyDiscussionDate', sWhere, si + 1) ?? date(s, Q, 'DateOfStrategyDiscussion', sWhere, si + 1);
				let planStarted: string | null = null;
				if (icpc !== null && planStarts.has(icpc)) {
					planStarted = 'true';
					report.mapped('Section47 with a ChildProtectionPlans starting on its ICPC date', 's47_enquiries.cp_plan_started');
				}
				rows.s47_enquiries.push({
					s47_id: recordId(key, agency, 's47_enquiries', ids.s47_enquiries.next(linkage, started)),
					child_id: childId,
					referral_id: referralId,
					strategy_discussion_on: strategy,
					started_on: started,
					icpc_not_required: notRequired,
					icpc_on: icpc,
					cp_plan_started: planStarted
				});
			});
		});
	});

	const written = await writeExtractFolder(options.outDir, manifest, rows);
	return {
		report: report.build(written),
		counts: { written, source: sourceCounts, skipped_children: skipped },
		manifest
	};
}
