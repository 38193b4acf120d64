/**
 * The demo generator's SQL: staging tables built one after another in a scratch DuckDB,
 * every random draw a hash of (seed, row key, field) (./random.ts), so that the result
 * does not depend on threads or row order.
 *
 * The model, child by child: each child known to the partnership has a need level z and
 * a number of "events" (contacts, or referrals that arrived without a contact), placed in
 * time around a centre of its own (an episode) or spread over the period (chronic need).
 * Contacts become referrals more often for children of higher need; referrals lead to
 * assessments, strategy discussions and section 47 enquiries, conferences and plans; and
 * around them run the meetings, information requests and escalations between agencies.
 * Audits sample children. Whatever would happen after the period's end is not yet known:
 * it is left out (an event) or null (a later date of an event, and what depends on it).
 *
 * Events are generated from a lead-in before the period (`leadStart`), so that what is
 * under way when the period starts (assessments, enquiries, plans) is there as in a real
 * extract; only what falls in or overlaps the period is written, and a reference to a
 * record left out (a referral's contact before the period) is null. More candidate children
 * are drawn than asked for, and the first of them (by number) with an event in the period
 * are kept, so the `children` table has exactly the children asked for.
 *
 * Row keys are BIGINTs unique within a table, derived from their parent's key (an event's
 * is n * 64 + j for the j-th event of candidate child n), so that no window function has
 * to number the events. Every staging table `x_<table>` ends up
 * with exactly the extract table's columns; ./output.ts writes them in schema order.
 */
import { AUDIT_CRITERIA, MEETING_TYPES } from '../schema/codes.ts';
import { literal } from '../warehouse/sql.ts';
import { type Choice, independentList, intBetween, logNormal, normal, pick, uni } from './random.ts';
import {
	AGENCIES,
	AGENCY,
	AREAS,
	ASSESSMENT_FACTOR_RATES,
	AUDIT_AGENCY_EFFECT,
	AUDIT_AGENCY_SHARE,
	AUDIT_CRITERION_EFFECT,
	AUDIT_THEMES,
	CONCERN_RATES,
	CONTACT_SOURCES,
	CP_CATEGORY_MIX,
	ESCALATION_CATEGORY_MIX,
	ESCALATION_OUTCOME_MIX,
	ESCALATION_RAISED_BY,
	GRADE_THRESHOLDS,
	INVITATIONS,
	MINORITY_ETHNICITIES,
	NO_AREA_SHARE,
	OTHER_REQUESTERS,
	PARTNERS_OF_CSC,
	PRIMARY_NEED_MIX,
	REPORT_MEETINGS,
	SLOWING_RESPONDERS,
	UNINVITED_ATTENDANCE
} from './world.ts';

/** What the SQL needs to know about this run. */
export interface PipelinePlan {
	seed: number;
	children: number;
	years: number;
	/** First and last day of the period, `YYYY-MM-DD`. */
	start: string;
	end: string;
	/** Events are generated from here (before `start`); the day weights cover [leadStart, end]. */
	leadStart: string;
	/** Assessments started from about here get quicker (the priority that works). */
	improvementFrom: string;
	/** Answers to information requests, and escalations, get slower from about here. */
	worseningFrom: string;
	/** Number of multi-agency audits. */
	audits: number;
	/** Referrals per 10,000 children a year that the areas' populations are sized for. */
	referralRate: number;
}

export interface Step {
	stage: string;
	sql: string[];
}

/** Most events (contacts and direct referrals) of one child: keeps event keys below n * 64. */
const MAX_EVENTS = 40;
/**
 * Candidate children drawn for `children` kept: enough that the first `children` of them
 * with an event in the period always exist (about 85% of candidates have one).
 */
export function candidates(children: number): number {
	return Math.ceil(children * 1.3) + 200;
}
/** How likely a child's other contacts become referrals, relative to the one at its centre (j = 0). */
const REPEAT_CONVERSION = 0.55;

/** Share of children with a plan from a conference who had an earlier plan (with the ones found in the data, ~23%). */
const PRIOR_PLAN_SHARE = 0.15;
/** Plans open from before the lead-in, as a multiple of a year's new plans (steady state). */
const OPEN_PLANS_PER_YEAR_OF_STARTS = 0.9;
/** Lengths of child protection plans in days: most under 15 months, a few two years or more. */
const PLAN_LENGTHS = [
	{ from: 90, width: 180, share: 0.5 },
	{ from: 270, width: 180, share: 0.32 },
	{ from: 450, width: 280, share: 0.135 },
	{ from: 730, width: 420, share: 0.045 }
] as const;

/** A plan's length in days from two draws; length-biased for a plan found open on a given day. */
function planDays(m: string, v: string, lengthBiased: boolean): string {
	const weights = PLAN_LENGTHS.map((p) => p.share * (lengthBiased ? p.from + p.width / 2 : 1));
	const total = weights.reduce((s, w) => s + w, 0);
	let cumulative = 0;
	const whens = PLAN_LENGTHS.slice(0, -1).map((p, i) => {
		cumulative += weights[i] / total;
		return `WHEN ${m} < ${cumulative} THEN ${p.from} + ${p.width} * ${v}`;
	});
	const last = PLAN_LENGTHS[PLAN_LENGTHS.length - 1];
	return `CASE ${whens.join(' ')} ELSE ${last.from} + ${last.width} * ${v} END`;
}

const date = (d: string) => `DATE ${literal(d)}`;
const list = (values: readonly string[]) => `(${values.map(literal).join(', ')})`;

/** Clamp an SQL expression to [0, 1]. */
const unit = (x: string) => `greatest(0.0, least(1.0, ${x}))`;

/**
 * Working-day arithmetic by two joins on the calendar: `day` is the day `k` working days
 * after `from` (so wd(from, day) = k), or `from` itself when k = 0.
 */
function addWorkingDays(alias: string, from: string, k: string): { joins: string; day: string } {
	return {
		joins: `LEFT JOIN cal ${alias}_c ON ${alias}_c.day = ${from}
			LEFT JOIN wday ${alias}_w ON ${alias}_w.number = ${alias}_c.number + (${k})`,
		day: `CASE WHEN (${k}) = 0 THEN ${from} ELSE ${alias}_w.day END`
	};
}

/** The first working day on or after `from`. */
function workingDayOnOrAfter(alias: string, from: string): { joins: string; day: string } {
	const w = addWorkingDays(alias, `CAST(${from} - 1 AS DATE)`, '1');
	return { joins: w.joins, day: `${alias}_w.day` };
}

/**
 * A timestamp `k` working days after `ts` (whose working day is `day`): when k = 0, later
 * the same day (before 20:00 where it can be); otherwise during working hours of `day`.
 */
function laterTimestamp(ts: string, k: string, day: string, key: string, field: string): string {
	const u = uni(key, field);
	return `CASE WHEN (${k}) = 0
		THEN safe_ts(${ts} + to_seconds(CAST(floor(${u} * greatest(1800, 72000 - secs_of_day(${ts}))) AS BIGINT)))
		ELSE ts_at(${day}, 28800 + floor(${u} * 43200)) END`;
}

/** Pick an agency other than `other`: a choice that equals it falls back to children's social care. */
function pickAgencyOtherThan(u: string, choices: readonly Choice<string>[], other: string): string {
	const choice = pick(u, choices);
	return `CASE WHEN ${choice} = ${other} THEN ${literal(AGENCY.csc)} ELSE ${choice} END`;
}

/** The grade of a score, by the thresholds (best first; the last grade takes the rest). */
function grade(score: string): string {
	const whens = GRADE_THRESHOLDS.slice(0, -1).map(([g, t]) => `WHEN ${score} >= ${t} THEN ${literal(g)}`);
	return `CASE ${whens.join(' ')} ELSE ${literal(GRADE_THRESHOLDS[GRADE_THRESHOLDS.length - 1][0])} END`;
}

/** A record id: the first 32 hex characters of a hash, like the pseudonymising tool's. */
const recordId = (seed: number, table: string, key: string) => `md5(${literal(`${seed}:${table}:`)} || ${key})`;

export function macros(): string[] {
	return [
		// A local time skipped when the clocks go forward (01:00 to 02:00 on the last Sunday of
		// March) is invalid in an extract: move it an hour on.
		`CREATE OR REPLACE MACRO safe_ts(ts) AS
			CASE WHEN month(ts) = 3 AND dayofweek(ts) = 0 AND day(ts) >= 25 AND hour(ts) = 1 THEN ts + INTERVAL 1 HOUR ELSE ts END`,
		`CREATE OR REPLACE MACRO secs_of_day(ts) AS (hour(ts) * 3600 + minute(ts) * 60 + second(ts))`,
		`CREATE OR REPLACE MACRO ts_at(d, s) AS safe_ts(CAST(d AS TIMESTAMP) + to_seconds(CAST(s AS BIGINT)))`
	];
}

/** Reference tables small enough to write as SQL text: areas' parameters, sources, invitations. */
export function referenceTables(): string[] {
	const totalShare = CONTACT_SOURCES.reduce((s, c) => s + c.weight, 0);
	let lo = 0;
	const sources = CONTACT_SOURCES.map((c) => {
		const row = `(${lo}, ${literal(c.code)}, ${c.agency ? literal(c.agency) : 'NULL'}, ${literal(c.profile)}, ${c.conversion})`;
		lo += c.weight / totalShare;
		return row;
	});
	const invitations = Object.entries(INVITATIONS).flatMap(([type, invs]) =>
		invs.map(
			(i) =>
				`(${literal(type)}, ${literal(i.agency)}, ${AGENCIES.findIndex((a) => a.code === i.agency)}, ${i.invited}, ${i.attends}, ${
					i.schoolAge ? 4 : (i.minAge ?? 0)
				}, ${i.schoolAge ? 18 : 200})`
		)
	);
	return [
		`CREATE TABLE area_def AS SELECT * FROM (VALUES ${AREAS.map(
			(a, i) => `(${i + 1}, ${literal(a.code)}, ${literal(a.name)}, ${a.share}, ${a.rate}, ${a.diversity}, ${a.assessmentPace})`
		).join(', ')}) t(area_index, area_code, area_name, share, rate, diversity, pace)`,
		`CREATE TABLE src AS SELECT * FROM (VALUES ${sources.join(', ')}) t(lo, source_code, source_agency_code, profile, conversion)`,
		`CREATE TABLE prof AS
			SELECT 'general' AS profile, lo_general AS lo, day FROM pdays
			UNION ALL SELECT 'police', lo_police, day FROM pdays
			UNION ALL SELECT 'education', lo_education, day FROM pdays`,
		`CREATE TABLE inv AS SELECT * FROM (VALUES ${invitations.join(', ')})
			t(meeting_type, agency_code, agency_index, p_invited, p_attends, min_age, max_age)`
	];
}

export function steps(plan: PipelinePlan): Step[] {
	const { seed } = plan;
	const start = date(plan.start);
	const end = date(plan.end);
	const periodDays = `(${end} - ${start} + 1)`;
	const id = (table: string, key: string) => recordId(seed, table, key);

	// ---- children -------------------------------------------------------------------------
	const areaWeights: Choice<string>[] = AREAS.map((a) => [a.code, a.share * a.rate]);
	const children: Step = {
		stage: 'candidate children',
		sql: [
			`CREATE TABLE cand AS
			WITH b AS (
				SELECT n,
					${uni('n', 'child.need')} AS z,
					${uni('n', 'child.area')} AS ua,
					${uni('n', 'child.ethnicity')} AS ue,
					${uni('n', 'child.minority')} AS um,
					${uni('n', 'child.age.band')} AS uab,
					${uni('n', 'child.age')} AS uag
				FROM range(1, ${candidates(plan.children) + 1}) t(n)
			), a AS (
				SELECT *, CASE WHEN ua < ${NO_AREA_SHARE} THEN NULL
					ELSE ${pick(`((ua - ${NO_AREA_SHARE}) / ${1 - NO_AREA_SHARE})`, areaWeights)} END AS area_code
				FROM b
			)
			SELECT a.n, a.z, a.area_code,
				sha256(${literal(`${seed}:child:`)} || a.n) AS child_id,
				-- Events: one for most, many for a few children of high need.
				1 + least(${MAX_EVENTS - 1}, CAST(floor(-ln(1 - ${uni('a.n', 'child.events')}) * (0.25 + 3.4 * a.z * a.z * a.z)) AS INTEGER)) AS k,
				${uni('a.n', 'child.centre')} AS centre,
				${uni('a.n', 'child.chronic')} < 0.1 + 0.3 * a.z AS chronic,
				${pick(uni('a.n', 'child.sex'), [['male', 50.6], ['female', 48.6], ['unknown', 0.6], ['other', 0.2]])} AS sex,
				${pick(uni('a.n', 'child.disability'), [['no', 85], ['yes', 8], ['unknown', 7]])} AS disability,
				CASE WHEN a.ue < 0.02 THEN NULL WHEN a.ue < 0.035 THEN 'NOBT' WHEN a.ue < 0.04 THEN 'REFU'
					WHEN a.um < coalesce(d.diversity, 0.2) + 0.04 THEN ${pick(uni('a.n', 'child.minority.code'), MINORITY_ETHNICITIES)}
					ELSE 'WBRI' END AS ethnicity,
				-- Age at the child's first event, in years.
				CASE WHEN uab < 0.11 THEN uag WHEN uab < 0.31 THEN 1 + 4 * uag WHEN uab < 0.55 THEN 5 + 5 * uag
					WHEN uab < 0.95 THEN 10 + 6 * uag ELSE 16 + 1.5 * uag END AS age_first
			FROM a LEFT JOIN area_def d ON d.area_code = a.area_code`
		]
	};

	// ---- events: contacts and direct referrals ---------------------------------------------
	// Episodes spread over about 100 days either side of the child's centre, on a time axis
	// that wraps round from the lead-in's start to the period's end (so every part of it is
	// equally likely).
	const spread = `(100.0 / (${end} - ${date(plan.leadStart)} + 1))`;
	const events: Step = {
		stage: 'contacts and children',
		sql: [
			`CREATE TABLE ev0 AS
			WITH e AS (
				SELECT n, j, n * 64 + j AS key, centre, chronic, z
				FROM (SELECT n, centre, chronic, z, unnest(range(k)) AS j FROM cand)
			), p AS (
				SELECT *,
					centre + CASE WHEN j = 0 THEN 0 WHEN chronic THEN ${uni('key', 'ev.spread')} - 0.5
						ELSE ${normal('key', 'ev.cluster')} * ${spread} END AS raw,
					${uni('key', 'ev.source')} AS us
				FROM e
			), s AS (
				SELECT p.*, raw - floor(raw) AS x, src.source_code, src.source_agency_code, src.profile, src.conversion
				FROM p ASOF JOIN src ON p.us >= src.lo
			)
			SELECT s.key, s.n, s.z, s.source_code, s.source_agency_code, s.conversion,
				ts_at(pr.day, CASE WHEN s.profile = 'police' AND ${uni('s.key', 'ev.night')} < 0.3
					THEN floor(${uni('s.key', 'ev.time')} * 86400) ELSE 28800 + floor(${uni('s.key', 'ev.time')} * 43200) END) AS received_at,
				${uni('s.key', 'ev.direct')} < 0.05 AS direct
			FROM s ASOF JOIN prof pr ON pr.profile = s.profile AND s.x >= pr.lo`,
			// The children: the first candidates with an event in the period; \`rank\` numbers them 1 to N.
			`CREATE TABLE kept AS
			SELECT n, row_number() OVER (ORDER BY n) AS rank
			FROM (SELECT DISTINCT n FROM ev0 WHERE CAST(received_at AS DATE) >= ${start}) ORDER BY n LIMIT ${plan.children}`,
			`CREATE TABLE child0 AS SELECT c.*, k.rank FROM cand c JOIN kept k USING (n)`,
			`CREATE TABLE ev AS SELECT * FROM ev0 SEMI JOIN kept USING (n)`,
			`DROP TABLE ev0`,
			(() => {
				const w = addWorkingDays('dw', 'd.rday', 'd.kd');
				return `CREATE TABLE contact0 AS
				WITH d AS (
					SELECT ev.*, CAST(received_at AS DATE) AS rday,
						${pick(uni('key', 'contact.decision'), [[0, 72], [1, 20], [2, 5], [3, 2], [5, 1]])} AS kd,
						${uni('key', 'contact.outcome')} AS uo
					FROM ev WHERE NOT direct
				), t AS (
					SELECT d.*, ${laterTimestamp('d.received_at', 'd.kd', w.day, 'd.key', 'contact.decided')} AS dec
					FROM d ${w.joins}
				)
				SELECT key, n, ${id('contacts', 'key')} AS contact_id, received_at, source_code, source_agency_code,
					CASE WHEN CAST(dec AS DATE) <= ${end} THEN dec END AS decided_at,
					CASE WHEN CAST(dec AS DATE) > ${end} THEN NULL
						-- A child's other contacts are less often referred: its case is open, or was just closed.
						WHEN uo < least(0.9, conversion * (0.1 + 0.5 * z) * CASE WHEN key % 64 = 0 THEN 1 ELSE ${REPEAT_CONVERSION} END) THEN 'referral'
						ELSE ${pick(uni('key', 'contact.other'), [['early_help', 33], ['information_advice', 37], ['no_further_action', 30]])} END AS outcome
				FROM t`;
			})(),
			`CREATE TABLE x_contacts AS SELECT contact_id, child_id, received_at, source_code, source_agency_code, outcome, decided_at
				FROM contact0 JOIN child0 USING (n) WHERE CAST(received_at AS DATE) >= ${start}`
		]
	};

	// ---- referrals ------------------------------------------------------------------------
	const referrals: Step = {
		stage: 'referrals',
		sql: [
			(() => {
				const w = addWorkingDays('rw', 'r.rday', 'r.kd');
				return `CREATE TABLE ref0 AS
				WITH r0 AS (
					SELECT key, n, contact_id, CAST(received_at AS DATE) AS contact_day, decided_at AS received_at, source_code, source_agency_code
					FROM contact0 WHERE outcome = 'referral'
					UNION ALL
					SELECT key, n, NULL, NULL, received_at, source_code, source_agency_code FROM ev WHERE direct
				), r AS (
					SELECT r0.*, c.z, CAST(received_at AS DATE) AS rday,
						${pick(uni('r0.key', 'referral.decision'), [[0, 61], [1, 28], [2, 5], [3, 3], [4, 2], [6, 1]])} AS kd,
						${uni('r0.key', 'referral.outcome')} AS uo
					FROM r0 JOIN child0 c USING (n)
				), t AS (
					SELECT r.*, ${laterTimestamp('r.received_at', 'r.kd', w.day, 'r.key', 'referral.decided')} AS dec
					FROM r ${w.joins}
				), o AS (
					SELECT t.*, CASE WHEN CAST(dec AS DATE) <= ${end} THEN dec END AS decided_at,
						0.06 + 0.26 * z AS p_sd
					FROM t
				)
				SELECT key, n, ${id('referrals', 'key')} AS referral_id, rday,
					CASE WHEN contact_day >= ${start} THEN contact_id END AS contact_id, received_at, source_code, source_agency_code,
					decided_at, CAST(decided_at AS DATE) AS dday,
					CASE WHEN decided_at IS NULL THEN NULL
						WHEN uo < p_sd THEN 'strategy_discussion'
						ELSE ${pick(`((uo - p_sd) / (1 - p_sd))`, [['assessment', 88], ['no_further_action', 5], ['early_help', 5], ['other', 2]])} END AS outcome
				FROM o`;
			})()
		]
	};

	// ---- assessments ----------------------------------------------------------------------
	const improvement = `${unit(`(a.started_on - (${date(plan.improvementFrom)} - 45)) / 150.0`)}`;
	const assessments: Step = {
		stage: 'assessments',
		sql: [
			(() => {
				const s = addWorkingDays('sw', 'r.dday', 'r.ks');
				const c = addWorkingDays('cw', 'a.started_on', 'a.dur');
				return `CREATE TABLE assess0 AS
				WITH r AS (
					SELECT key, n, CASE WHEN rday >= ${start} THEN referral_id END AS referral_id, dday,
						${pick(uni('key', 'assessment.start'), [[0, 55], [1, 35], [2, 10]])} AS ks
					FROM ref0
					WHERE outcome IN ('assessment', 'strategy_discussion') AND ${uni('key', 'assessment.held')} < 0.96
				), a AS (
					SELECT r.key, r.n, r.referral_id, ${s.day} AS started_on FROM r ${s.joins}
				), d AS (
					SELECT a.*,
						-- Durations in working days: log-normal, quicker once the priority takes hold, by locality team.
						least(250, greatest(1, CAST(round(${logNormal('a.key', 'assessment.duration', `(28.5 - 6 * ${improvement}) * coalesce(ad.pace, 1)`, `0.52 - 0.06 * ${improvement}`)}) AS INTEGER))) AS dur
					FROM a JOIN child0 ch USING (n) LEFT JOIN area_def ad ON ad.area_code = ch.area_code
					WHERE a.started_on <= ${end}
				), f AS (
					SELECT a.*, ${c.day} AS done FROM d AS a ${c.joins}
				)
				SELECT key, n, ${id('assessments', 'key')} AS assessment_id, referral_id, started_on,
					CASE WHEN done <= ${end} AND ${uni('key', 'assessment.abandoned')} >= 0.003 THEN done END AS completed_on
				FROM f`;
			})(),
			(() => {
				const factors = independentList('key', 'assessment.factor', ASSESSMENT_FACTOR_RATES);
				return `CREATE TABLE x_assessments AS
				SELECT assessment_id, child_id, referral_id, started_on, completed_on,
					CASE WHEN completed_on IS NULL THEN NULL WHEN len(fs) = 0 THEN ['21'] ELSE fs END AS factors
				FROM (SELECT a.*, ${factors} AS fs FROM assess0 a) f JOIN child0 USING (n)
				WHERE coalesce(completed_on, ${end}) >= ${start}`;
			})()
		]
	};

	// ---- strategy discussions, section 47 enquiries, conferences, plans ---------------------
	const s47: Step = {
		stage: 's47 enquiries',
		sql: [
			(() => {
				const sd = addWorkingDays('dw', 'r.dday', 'r.kd');
				const st = addWorkingDays('sw', 's.sd_on', 's.ks');
				const ic = addWorkingDays('iw', 't.started_on', 't.ki');
				return `CREATE TABLE sd0 AS
				WITH r AS (
					SELECT key, n, CASE WHEN rday >= ${start} THEN referral_id END AS referral_id, dday,
						${pick(uni('key', 's47.sd'), [[0, 70], [1, 30]])} AS kd
					FROM ref0 WHERE outcome = 'strategy_discussion'
				), s AS (
					SELECT r.key, r.n, r.referral_id, ${sd.day} AS sd_on,
						${pick(uni('r.key', 's47.start'), [[0, 75], [1, 20], [2, 5]])} AS ks
					FROM r ${sd.joins}
				), t AS (
					SELECT s.*, ${st.day} AS started_on, c.z,
						${uni('s.key', 's47.held')} < 0.86 AS held,
						${uni('s.key', 's47.icpc')} < 0.3 + 0.2 * c.z AS icpc_required,
						greatest(1, CAST(round(${logNormal('s.key', 's47.icpc.wd', 11, 0.42)}) AS INTEGER)) AS ki
					FROM s JOIN child0 c USING (n) ${st.joins}
					WHERE s.sd_on <= ${end}
				)
				SELECT t.key, t.n, t.referral_id, t.sd_on, t.started_on, t.held AND t.started_on <= ${end} AS is_s47,
					t.icpc_required, CASE WHEN t.icpc_required AND ${ic.day} <= ${end} THEN ${ic.day} END AS icpc_on
				FROM t ${ic.joins}`;
			})(),
			`CREATE TABLE s470 AS
			SELECT key, n, ${id('s47_enquiries', 'key')} AS s47_id, referral_id,
				CASE WHEN ${uni('key', 's47.sd.missing')} >= 0.03 THEN sd_on END AS strategy_discussion_on,
				started_on, NOT icpc_required AS icpc_not_required, icpc_on,
				CASE WHEN icpc_on IS NOT NULL THEN ${uni('key', 's47.plan')} < 0.87 END AS cp_plan_started
			FROM sd0 WHERE is_s47`,
			`CREATE TABLE x_s47_enquiries AS
			SELECT s47_id, child_id, referral_id, strategy_discussion_on, started_on, icpc_not_required, icpc_on, cp_plan_started
			FROM s470 JOIN child0 USING (n) WHERE started_on >= ${start} OR icpc_on >= ${start}`,
			// Plans: from conferences (key 2k); for some of their children an earlier plan, ended
			// before the period (2k + 1); and plans already open before the lead-in, of children of
			// high need (key (64n + 63) * 2, as no event has j = 63). The table carries this history,
			// as a plans register does, so that second plans and long plans are recognised.
			`CREATE TABLE plan0 AS
			WITH a AS (
				SELECT key * 2 AS key, n, icpc_on AS started_on FROM s470 WHERE cp_plan_started
			), b AS (
				SELECT key + 1 AS key, n,
					CAST(least(started_on - 60, ${start} - 1) - ${intBetween('key', 'plan.prior.gap', 0, 900)} AS DATE) AS ended
				FROM a WHERE ${uni('key', 'plan.prior')} < ${PRIOR_PLAN_SHARE}
			), c AS (
				SELECT (n * 64 + 63) * 2 AS key, n FROM child0
				WHERE z > 0.6 AND ${uni('n', 'plan.open')} < ${OPEN_PLANS_PER_YEAR_OF_STARTS}
					* (SELECT count(*) FROM a WHERE started_on >= ${start}) / ${plan.years}
					/ (SELECT count(*) FROM child0 WHERE z > 0.6)
			), abc AS (
				SELECT key, n, started_on, NULL::DATE AS ended, false AS open FROM a
				UNION ALL SELECT key, n, NULL, ended, false FROM b
				UNION ALL SELECT key, n, NULL, NULL, true FROM c
			), l AS (
				SELECT *, ${uni('key', 'plan.length')} AS m, ${uni('key', 'plan.length.days')} AS v, ${uni('key', 'plan.elapsed')} AS el FROM abc
			), d AS (
				-- A plan open at a given day is more likely a long one (length-biased).
				SELECT *, CAST(CASE WHEN open THEN ${planDays('m', 'v', true)} ELSE ${planDays('m', 'v', false)} END AS INTEGER) AS days FROM l
			), e AS (
				SELECT key, n, days,
					coalesce(started_on, ended - days, CAST(${date(plan.leadStart)} - 1 - CAST(floor(el * days) AS INTEGER) AS DATE)) AS started_on
				FROM d
			)
			SELECT key, n, ${id('cp_plans', 'key')} AS plan_id, started_on,
				CASE WHEN started_on + days <= ${end} THEN CAST(started_on + days AS DATE) END AS ended_on,
				${pick(uni('key', 'plan.category'), CP_CATEGORY_MIX)} AS initial_category,
				${uni('key', 'plan.recategorised')} < 0.12 AS recategorised
			FROM e`,
			`CREATE TABLE x_cp_plans AS
			SELECT plan_id, child_id, started_on, ended_on, initial_category,
				CASE WHEN recategorised THEN ${pick(uni('key', 'plan.category.latest'), CP_CATEGORY_MIX)} ELSE initial_category END AS latest_category
			FROM plan0 JOIN child0 USING (n)`
		]
	};

	// ---- what is known about each child ------------------------------------------------------
	const childrenFinal: Step = {
		stage: 'children',
		sql: [
			// Born so that the child's age at its first event is the drawn one.
			`CREATE TABLE child1 AS
			WITH f AS (
				SELECT n, min(d) AS first_day FROM (
					SELECT n, CAST(received_at AS DATE) AS d FROM ev
					UNION ALL SELECT n, started_on FROM plan0
				) GROUP BY n
			)
			SELECT c.*, CAST(date_trunc('month', f.first_day - CAST(floor(c.age_first * 365.25) AS INTEGER)) AS DATE) AS birth_start
			FROM child0 c JOIN f USING (n)`,
			`CREATE TABLE x_children AS
			SELECT child_id, CASE WHEN ${uni('n', 'child.birth.missing')} >= 0.01 THEN strftime(birth_start, '%Y-%m') END AS birth_month,
				sex, ethnicity, disability, area_code
			FROM child1`,
			(() => {
				const teen = `(date_diff('year', c.birth_start, CAST(r.received_at AS DATE)) >= 11)`;
				const concerns = independentList(
					'r.key',
					'referral.concern',
					CONCERN_RATES.map(([code, young, old]) => [code, `CASE WHEN ${teen} THEN ${old} ELSE ${young} END`] as const)
				);
				const fallback = pick(
					uni('key', 'referral.concern.only'),
					CONCERN_RATES.map(([code, young]) => [code, young] as const)
				);
				return `CREATE TABLE x_referrals AS
				SELECT referral_id, child_id, contact_id, received_at, source_code, source_agency_code,
					CASE WHEN ${uni('key', 'referral.need.missing')} >= 0.04 THEN ${pick(uni('key', 'referral.need'), PRIMARY_NEED_MIX)} END AS primary_need_code,
					CASE WHEN ${uni('key', 'referral.concerns.missing')} < 0.02 THEN NULL WHEN len(cs) = 0 THEN [${fallback}] ELSE cs END AS concerns,
					decided_at, outcome
				FROM (SELECT r.*, c.child_id, ${concerns} AS cs FROM ref0 r JOIN child1 c USING (n)) rc
				WHERE rday >= ${start}`;
			})()
		]
	};

	// ---- meetings and who came --------------------------------------------------------------
	const kinds = MEETING_TYPES;
	const kindNo = (t: (typeof MEETING_TYPES)[number]) => kinds.indexOf(t) + 1;
	/** A meeting's key: its kind, its parent's key (below 2^30) and its number within the parent. */
	const meetingKey = (t: (typeof MEETING_TYPES)[number], parent: string, j: string) => `(${kindNo(t)} * ${2 ** 36} + ${parent} * 64 + ${j})`;
	const limit = `least(coalesce(ended_on, ${end}), ${end})`;
	const repeats = (first: string, every: number) =>
		`CASE WHEN ${limit} >= ${first} THEN least(63, CAST(floor((${limit} - ${first}) / ${every}) AS INTEGER) + 1) ELSE 0 END`;
	const nextWd = workingDayOnOrAfter('mw', 'm.raw');
	const meetings: Step = {
		stage: 'meetings',
		sql: [
			`CREATE TABLE meet0 AS
			WITH m AS (
				-- Strategy discussions and initial conferences keep the dates of their enquiries.
				SELECT ${meetingKey('strategy_discussion', 'key', '0')} AS key, n, 'strategy_discussion' AS meeting_type, sd_on AS raw, false AS move FROM sd0
				UNION ALL SELECT ${meetingKey('icpc', 'key', '0')}, n, 'icpc', icpc_on, false FROM s470 WHERE icpc_on IS NOT NULL
				-- Core groups within 10 working days of a plan, then every six weeks; reviews at three months, then six-monthly.
				UNION ALL SELECT ${meetingKey('core_group', 'key', 'j')}, n, 'core_group', CAST(started_on + CAST(14 + 42 * j AS INTEGER) AS DATE), true
					FROM (SELECT key, n, started_on, unnest(range(${repeats('CAST(started_on + 14 AS DATE)', 42)})) AS j FROM plan0)
				UNION ALL SELECT ${meetingKey('rcpc', 'key', 'j')}, n, 'rcpc', CAST(started_on + CAST(91 + 182 * j AS INTEGER) AS DATE), true
					FROM (SELECT key, n, started_on, unnest(range(${repeats('CAST(started_on + 91 AS DATE)', 182)})) AS j FROM plan0)
				-- Reviews of child in need plans after some assessments.
				UNION ALL SELECT ${meetingKey('cin_review', 'key', 'j')}, n, 'cin_review', CAST(completed_on + CAST(91 * (j + 1) AS INTEGER) AS DATE), true
					FROM (SELECT key, n, completed_on, unnest(range(2)) AS j FROM assess0
						WHERE completed_on IS NOT NULL AND ${uni('key', 'assessment.cin')} < 0.3)
				-- Team around the family meetings after some contacts passed to early help.
				UNION ALL SELECT ${meetingKey('team_around_family', 'key', '0')}, n, 'team_around_family',
					CAST(CAST(decided_at AS DATE) + ${intBetween('key', 'contact.taf.days', 7, 28)} AS DATE), true
					FROM contact0 WHERE outcome = 'early_help' AND ${uni('key', 'contact.taf')} < 0.4
				UNION ALL SELECT ${meetingKey('other', 'key', '0')}, n, 'other', CAST(dday + ${intBetween('key', 'referral.meeting.days', 1, 20)} AS DATE), true
					FROM ref0 WHERE dday IS NOT NULL AND ${uni('key', 'referral.meeting')} < 0.01
			)
			SELECT m.key, m.n, ${id('meetings', 'm.key')} AS meeting_id, m.meeting_type,
				CASE WHEN m.move THEN ${nextWd.day} ELSE m.raw END AS held_on
			FROM m ${nextWd.joins}
			WHERE m.raw BETWEEN ${start} - 7 AND ${end}`,
			// (A NULL date, outside the calendar, goes too.)
			`DELETE FROM meet0 WHERE NOT coalesce(held_on BETWEEN ${start} AND ${end}, false)`,
			`CREATE TABLE x_meetings AS
			SELECT meeting_id, CASE WHEN ${uni('key', 'meeting.child.missing')} >= 0.02 THEN child_id END AS child_id, meeting_type, held_on
			FROM meet0 JOIN child0 USING (n)`,
			(() => {
				const k = 'm.key * 16 + i.agency_index';
				const reports = list(REPORT_MEETINGS);
				return `CREATE TABLE x_meeting_attendance AS
				WITH a AS (
					SELECT m.meeting_id, m.meeting_type, i.agency_code,
						${uni(k, 'attendance.invited')} < i.p_invited
							AND date_diff('year', c.birth_start, m.held_on) BETWEEN i.min_age AND i.max_age - 1 AS invited,
						${uni(k, 'attendance.attended')} AS ua,
						i.p_attends, ${uni(k, 'attendance.report')} AS ur
					FROM meet0 m JOIN child1 c USING (n) JOIN inv i ON i.meeting_type = m.meeting_type
				), b AS (
					SELECT *, CASE WHEN invited THEN ua < p_attends ELSE ua < ${UNINVITED_ATTENDANCE} END AS attended FROM a
				)
				SELECT meeting_id, agency_code, invited, attended,
					CASE WHEN meeting_type NOT IN ${reports} THEN NULL
						WHEN agency_code = ${literal(AGENCY.csc)} THEN true
						WHEN NOT invited THEN false
						ELSE ur < CASE WHEN attended THEN 0.85 ELSE 0.45 END END AS report_submitted
				FROM b WHERE invited OR attended`;
			})()
		]
	};

	// ---- information requests between agencies ------------------------------------------------
	const worsening = (day: string) => unit(`(${day} - ${date(plan.worseningFrom)}) / 90.0`);
	const requests: Step = {
		stage: 'information requests',
		sql: [
			(() => {
				const rq = addWorkingDays('qw', 'q.rday', 'q.kq');
				const rs = addWorkingDays('sw', 't.qday', 't.kr');
				const k = 'r.key * 4 + i';
				return `CREATE TABLE x_info_requests AS
				WITH q0 AS (
					SELECT r.key, r.n, r.received_at, CAST(r.received_at AS DATE) AS rday, r.outcome, i, ${k} AS qkey
					FROM (SELECT *, unnest(range(${pick(uni('key', 'request.count'), [[0, 28], [1, 42], [2, 20], [3, 10]])})) AS i FROM ref0) r
				), q AS (
					SELECT q0.*, ${pick(uni('qkey', 'request.delay'), [[0, 70], [1, 25], [2, 5]])} AS kq,
						CASE WHEN ${uni('qkey', 'request.by.csc')} < 0.8 THEN ${literal(AGENCY.csc)} ELSE ${pick(uni('qkey', 'request.by'), OTHER_REQUESTERS)} END AS requesting
					FROM q0
				), t0 AS (
					SELECT q.*, ${laterTimestamp('q.received_at', 'q.kq', rq.day, 'q.qkey', 'request.at')} AS requested_at,
						CASE WHEN requesting = ${literal(AGENCY.csc)} THEN ${pick(uni('q.qkey', 'request.to'), PARTNERS_OF_CSC)}
							ELSE ${pickAgencyOtherThan(uni('q.qkey', 'request.to.other'), [[AGENCY.csc, 70], [AGENCY.police, 10], [AGENCY.community, 10], [AGENCY.schools, 10]], 'q.requesting')} END AS responding,
						${uni('q.qkey', 'request.urgent')} < CASE WHEN q.outcome = 'strategy_discussion' THEN 0.6 ELSE 0.2 END AS urgent
					FROM q ${rq.joins}
				), w AS (
					SELECT t0.*, CAST(requested_at AS DATE) AS qday,
						-- Some agencies answer more slowly in the last months (the worsening trend).
						CASE WHEN responding IN ${list(SLOWING_RESPONDERS)} THEN ${worsening('CAST(requested_at AS DATE)')} ELSE 0 END AS slowing
					FROM t0 WHERE CAST(requested_at AS DATE) BETWEEN ${start} AND ${end}
				), t AS (
					SELECT w.*, greatest(0, CAST(round(${logNormal('qkey', 'request.wd', '2.4 * (1 + 1.2 * slowing)', 0.6)}) AS INTEGER)) AS kr FROM w
				), a AS (
					SELECT t.*,
						CASE WHEN ${uni('qkey', 'request.unanswered')} < 0.03 THEN NULL
							WHEN urgent THEN safe_ts(requested_at + to_seconds(CAST(3600 * ${logNormal('qkey', 'request.hours', '7 * (1 + 1.5 * slowing)', 1.0)} AS BIGINT)))
							ELSE ${laterTimestamp('t.requested_at', 't.kr', rs.day, 't.qkey', 'request.answered')} END AS answered
					FROM t ${rs.joins}
				), b AS (
					SELECT *, CASE WHEN CAST(answered AS DATE) <= ${end} THEN answered END AS responded_at FROM a
				)
				SELECT ${id('info_requests', 'qkey')} AS request_id,
					CASE WHEN ${uni('qkey', 'request.child.missing')} >= 0.05 THEN c.child_id END AS child_id,
					requesting AS requesting_agency_code, responding AS responding_agency_code,
					CASE WHEN urgent THEN 'urgent' ELSE 'routine' END AS priority, requested_at,
					CASE WHEN responded_at IS NOT NULL AND ${uni('qkey', 'request.acknowledged')} < 0.6
						THEN safe_ts(requested_at + to_seconds(CAST(floor(${uni('qkey', 'request.ack.at')} * (epoch(responded_at) - epoch(requested_at))) AS BIGINT)))
					END AS acknowledged_at,
					responded_at
				FROM b JOIN child0 c USING (n)`;
			})()
		]
	};

	// ---- escalations ----------------------------------------------------------------------------
	const stageMedianDays = [6, 14, 30, 55];
	const escalations: Step = {
		stage: 'escalations',
		sql: [
			`CREATE TABLE x_escalations AS
			WITH e0 AS (
				SELECT key, n, CAST(CAST(received_at AS DATE) + ${intBetween('key', 'escalation.days', 1, 45)} AS DATE) AS raised_on,
					${pick(uni('key', 'escalation.by'), ESCALATION_RAISED_BY)} AS raised_by
				FROM ref0
				-- A few per 100 referrals, more in the last months.
				WHERE ${uni('key', 'escalation')} < 0.028 * (1 + 0.8 * ${worsening('CAST(received_at AS DATE)')})
			), e AS (
				SELECT e0.*,
					CASE WHEN raised_by = ${literal(AGENCY.csc)} THEN ${pick(uni('key', 'escalation.with'), PARTNERS_OF_CSC)}
						ELSE ${pickAgencyOtherThan(uni('key', 'escalation.with.other'), [[AGENCY.csc, 75], [AGENCY.police, 10], [AGENCY.community, 8], [AGENCY.schools, 7]], 'raised_by')} END AS raised_with,
					${pick(uni('key', 'escalation.stage'), [[1, 55], [2, 28], [3, 12], [4, 5]])} AS highest_stage
				FROM e0 WHERE raised_on BETWEEN ${start} AND ${end}
			), r AS (
				SELECT e.*, CASE WHEN ${uni('key', 'escalation.stuck')} < 0.02 THEN NULL
					ELSE CAST(raised_on + CAST(round(${logNormal('key', 'escalation.resolution', `[${stageMedianDays.join(', ')}][highest_stage] * (1 + 1.2 * ${worsening('raised_on')})`, 0.7)}) AS INTEGER) AS DATE) END AS closed
				FROM e
			)
			SELECT ${id('escalations', 'key')} AS escalation_id,
				CASE WHEN ${uni('key', 'escalation.child.missing')} >= 0.08 THEN c.child_id END AS child_id,
				raised_by AS raised_by_agency_code, raised_with AS raised_with_agency_code, raised_on,
				${pick(uni('key', 'escalation.category'), ESCALATION_CATEGORY_MIX)} AS category,
				${uni('key', 'escalation.risk')} < 0.12 AS immediate_risk,
				CAST(highest_stage AS INTEGER) AS highest_stage,
				CASE WHEN closed <= ${end} THEN closed END AS resolved_on,
				CASE WHEN closed <= ${end} THEN ${pick(uni('key', 'escalation.outcome'), ESCALATION_OUTCOME_MIX)} END AS outcome
			FROM r JOIN child0 c USING (n)`
		]
	};

	// ---- audits ---------------------------------------------------------------------------------
	const agencyIndex = AGENCIES.map((a, i) => `(${i}, ${literal(a.code)}, ${AUDIT_AGENCY_SHARE[a.code]}, ${AUDIT_AGENCY_EFFECT[a.code]})`);
	const criteria = AUDIT_CRITERIA.map((c, i) => `(${i}, ${literal(c)}, ${AUDIT_CRITERION_EFFECT[c]})`);
	const auditDay = workingDayOnOrAfter('aw', `CAST(${start} + CAST(floor(${uni('key', 'audit.day')} * (${periodDays} - 7)) AS INTEGER) AS DATE)`);
	const audits: Step = {
		stage: 'audits',
		sql: [
			`CREATE TABLE audit0 AS
			SELECT key, ${id('audits', 'key')} AS audit_id, ${auditDay.day} AS audited_on,
				CASE WHEN ${uni('key', 'audit.child.missing')} >= 0.15 THEN 1 + CAST(floor(${uni('key', 'audit.child')} * ${plan.children}) AS BIGINT) END AS rank,
				${pick(uni('key', 'audit.theme'), AUDIT_THEMES)} AS theme,
				-- Practice improves a little over the period.
				0.2 + 0.3 * (${auditDay.day} - ${start}) / ${periodDays} + 0.6 * ${normal('key', 'audit.score')} AS score
			FROM range(1, ${plan.audits + 1}) t(key) ${auditDay.joins}`,
			`CREATE TABLE x_audits AS
			SELECT audit_id, c.child_id, audited_on, theme, ${grade(`(score + 0.15 * ${normal('key', 'audit.overall')})`)} AS overall_grade
			FROM audit0 LEFT JOIN child0 c USING (rank)`,
			`CREATE TABLE x_audit_findings AS
			WITH g AS (
				SELECT a.audit_id, a.key, a.score, a.theme, ag.i AS ai, ag.code AS agency_code, ag.share, ag.effect
				FROM audit0 a CROSS JOIN (VALUES ${agencyIndex.join(', ')}) ag(i, code, share, effect)
			), p AS (
				SELECT * FROM g
				WHERE ${uni('key * 16 + ai', 'finding.agency')} < CASE WHEN agency_code = ${literal(AGENCY.youthJustice)} AND theme = 'exploitation' THEN 0.8 ELSE share END
			)
			SELECT audit_id, agency_code, cr.criterion,
				${grade(`(p.score + p.effect + cr.effect + 0.55 * ${normal('(p.key * 16 + p.ai) * 8 + cr.ci', 'finding.grade')})`)} AS grade
			FROM p CROSS JOIN (VALUES ${criteria.join(', ')}) cr(ci, criterion, effect)`,
			`CREATE TABLE x_audit_actions AS
			WITH a AS (
				SELECT key * 8 + i AS akey, audit_id, audited_on
				FROM (SELECT *, unnest(range(1 + CAST(floor(${uni('key', 'action.count')} * 4) AS INTEGER))) AS i FROM audit0)
			), d AS (
				SELECT *, CAST(audited_on + ${intBetween('akey', 'action.due', 28, 120)} AS DATE) AS due_on,
					${uni('akey', 'action.done')} AS ud
				FROM a
			), c AS (
				SELECT *, CASE WHEN ud < 0.68 THEN greatest(audited_on, CAST(due_on - ${intBetween('akey', 'action.early', 0, 30)} AS DATE))
					WHEN ud < 0.88 THEN CAST(due_on + ${intBetween('akey', 'action.late', 1, 75)} AS DATE) END AS done
				FROM d
			)
			SELECT ${id('audit_actions', 'akey')} AS action_id, audit_id,
				${pick(uni('akey', 'action.owner'), [[AGENCY.csc, 40], [AGENCY.police, 15], [AGENCY.community, 15], [AGENCY.schools, 15], [AGENCY.icb, 8], [AGENCY.acute, 7]])} AS owner_agency_code,
				due_on, CASE WHEN done <= ${end} THEN done END AS completed_on
			FROM c`
		]
	};

	// ---- reference tables of the extract --------------------------------------------------------
	const totalShare = AREAS.reduce((s, a) => s + a.share, 0);
	const firstYear = Number(plan.start.slice(0, 4)) - 1;
	const lastYear = Math.max(firstYear, Number(plan.end.slice(0, 4)) - 1);
	const reference: Step = {
		stage: 'areas and agencies',
		sql: [
			`CREATE TABLE x_agencies AS SELECT * FROM (VALUES ${AGENCIES.map((a) => `(${literal(a.code)}, ${literal(a.name)}, ${literal(a.sector)})`).join(', ')})
				t(agency_code, agency_name, sector)`,
			// Populations sized so that the county's referral rate is the planned one; mid-year
			// estimates lag a year, and drift a little from year to year.
			`CREATE TABLE x_areas AS
			WITH t AS (SELECT count(*) / ${plan.years} / ${plan.referralRate / 10_000} AS population FROM x_referrals)
			SELECT d.area_code, d.area_name, CAST(y AS INTEGER) AS population_year,
				CAST(round(t.population * d.share / ${totalShare} * (1 + 0.006 * (y - ${lastYear}))
					* (1 + 0.01 * (${uni('d.area_index * 10000 + y', 'area.population')} - 0.5))) AS INTEGER) AS child_population
			FROM area_def d CROSS JOIN t CROSS JOIN range(${firstYear}, ${lastYear + 1}) r(y)`
		]
	};

	return [children, events, referrals, assessments, s47, childrenFinal, meetings, requests, escalations, audits, reference];
}
