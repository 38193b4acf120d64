/**
 * The front door: contacts, referrals, and the children known to several agencies.
 * Definitions: metrics.md, "Metrics". The SQL contract: ../definition.ts.
 */
import type { MetricSql } from '../events.ts';
import { defineMetric, keyedCount, sharedSql, type MetricSpec, type SharedQuery } from '../definition.ts';

export const contactsPer10k = defineMetric({
	key: 'contacts_per_10k',
	title: 'Contacts per 10,000 children',
	definition:
		'Contacts received in the period (by their received date in UK time) per 10,000 children living in the partnership or the chosen area, for the period as chosen (not annualised).',
	numerator: 'Contacts with received date in the period',
	denominator: 'Child population (latest mid-year estimate no later than the period\'s end year)',
	unit: 'per_10k',
	higherIsBetter: null,
	sources: ['contacts'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('num')}
		FROM (${q.rows('contacts', { on: 'e.d_received_on' })})
		GROUP BY grp`
});

export const referralsPer10k = defineMetric({
	key: 'referrals_per_10k',
	title: 'Referrals per 10,000 children',
	definition:
		'Referrals accepted by children\'s social care and received in the period, per 10,000 children living in the partnership or the chosen area, for the period as chosen (not annualised).',
	numerator: 'Referrals with received date in the period',
	denominator: 'Child population (latest mid-year estimate no later than the period\'s end year)',
	unit: 'per_10k',
	higherIsBetter: null,
	sources: ['referrals'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('num')}
		FROM (${q.rows('referrals', { on: 'e.d_received_on' })})
		GROUP BY grp`
});

export const reReferrals12mPct = defineMetric({
	key: 're_referrals_12m_pct',
	title: 'Re-referrals within 12 months',
	definition:
		'Of the referrals received in the period, the percentage whose child had another referral received within the 12 months before it: on or after the same day 12 months earlier and strictly before its date (a referral on the same date does not count). The earlier referral may be outside the period and any filter.',
	numerator: 'Referrals in the period whose child had another referral in the 12 months before',
	denominator: 'Referrals with received date in the period',
	unit: 'percent',
	higherIsBetter: false,
	sources: ['referrals'],
	// The look-back reads the whole referrals table: it is never filtered (metrics.md).
	// `x - INTERVAL 12 MONTH` takes 29 February to 28 February.
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')}, ${keyedCount('num', 'earlier')}
		FROM (
			SELECT r.grp, r.d_record_key, EXISTS (
				SELECT 1 FROM referrals o
				WHERE o.d_child_n = r.d_child_n
					AND o.d_received_on >= CAST(r.d_received_on - INTERVAL 12 MONTH AS DATE)
					AND o.d_received_on < r.d_received_on
			) AS earlier
			FROM (${q.rows('referrals', { on: 'e.d_received_on' })}) r
		)
		GROUP BY grp`
});

export const referralDecision1wdPct = defineMetric({
	key: 'referral_decision_1wd_pct',
	title: 'Referral decisions within 1 working day',
	definition:
		'Of the referrals received in the period, the percentage with a decision recorded within one working day of the received date (working days after the received date up to the decision date, in UK dates). A referral not yet decided counts as late; a decision after the period counts on its recorded date.',
	numerator: 'Referrals in the period decided within 1 working day',
	denominator: 'Referrals with received date in the period (undecided ones count as late)',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['referrals'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den')},
			${keyedCount('num', 'd_decided_on IS NOT NULL AND d_decided_wdn - d_received_wdn <= 1')}
		FROM (${q.rows('referrals', { on: 'e.d_received_on' })})
		GROUP BY grp`
});

/**
 * metrics.md "Involved agencies": one row (grp, child, agency) per source row of a child in
 * the period: the source agency of its contacts and referrals (null with a source code only),
 * both agencies of its information requests, and the agency of its meeting attendance rows
 * (null unless it attended). The one definition, shared by the metric below and the
 * dashboard's overlap of agencies (../../dashboard/need.ts). `child` is the child's number
 * (`d_child_n`, one per pseudonym), null for a row of no child.
 */
export function involvedAgencyRows(q: MetricSql): string {
	return `
		SELECT grp, d_child_n AS child, d_child_key AS child_key, source_agency_code AS agency FROM (${q.rows('contacts', { on: 'e.d_received_on' })})
		UNION ALL
		SELECT grp, d_child_n, d_child_key, source_agency_code FROM (${q.rows('referrals', { on: 'e.d_received_on' })})
		UNION ALL
		SELECT grp, d_child_n, d_child_key, UNNEST([requesting_agency_code, responding_agency_code])
		FROM (${q.rows('info_requests', { on: 'e.d_requested_on' })})
		UNION ALL
		SELECT grp, d_child_n, d_child_key, CASE WHEN attended THEN agency_code END
		FROM (${q.rows('meeting_attendance', { on: 'p.held_on' })})`;
}

/**
 * Per group: the children with involved agencies (`den`: 1 or more; `two`: 2 or more;
 * `three`: 3 or more; `four`: 4 or more), each with its cell key (`den_key`, …: the sum of the
 * children's keys), and the rows behind them (`source_rows`). The one
 * count of `multi_agency_children_pct` and `children_known_3plus_agencies` (metrics.md: "the
 * same involved agencies, rows, filters and groups"), and of the local need page's children
 * by number of agencies (../../dashboard/need.ts: 1, 2, 3 and 4+ are the differences).
 *
 * The filters apply to the underlying rows literally (metrics.md, "Filters"): under an
 * agency filter a child's involved agencies come only from the rows that agency's filter
 * keeps (its contacts and referrals, the requests it makes or answers, with both of their
 * agencies, and its own attendance). Rows of no child add no child.
 */
export function involvedChildren(q: MetricSql): string {
	return `
		WITH involved AS (${involvedAgencyRows(q)}), per_agency AS (
			SELECT grp, child, agency, count(*) AS source_rows, any_value(child_key) AS child_key
			FROM involved GROUP BY grp, child, agency
		), per_child AS (
			-- count(agency) skips the null agency: distinct agencies, without a DISTINCT aggregate.
			SELECT grp, child, sum(source_rows) AS source_rows, count(agency) AS agencies, any_value(child_key) AS child_key
			FROM per_agency GROUP BY grp, child
		)
		SELECT grp, CAST(sum(source_rows) AS BIGINT) AS source_rows,
			${keyedCount('den', 'child IS NOT NULL AND agencies >= 1', 'child_key')},
			${keyedCount('two', 'child IS NOT NULL AND agencies >= 2', 'child_key')},
			${keyedCount('three', 'child IS NOT NULL AND agencies >= 3', 'child_key')},
			${keyedCount('four', 'child IS NOT NULL AND agencies >= 4', 'child_key')}
		FROM per_child
		GROUP BY grp`;
}

/** A metric of `involvedChildren`'s columns: the query runs once for all of them (compute.ts). */
function fromInvolvedChildren(columns: SharedQuery['columns']): Pick<MetricSpec, 'sql' | 'shared'> {
	const shared = { id: 'involved_children', sql: involvedChildren, columns };
	return { shared, sql: sharedSql(shared) };
}

export const multiAgencyChildrenPct = defineMetric({
	key: 'multi_agency_children_pct',
	title: 'Children involving 2 or more agencies',
	definition:
		'Of the children with at least one involved agency in the period, the percentage with two or more. A child\'s involved agencies are the source agencies of its contacts and referrals received in the period (a source code alone adds none), both agencies of its information requests made in the period, and the agencies that attended its meetings held in the period. Children\'s social care counts like any other agency.',
	numerator: 'Children with 2 or more distinct involved agencies',
	denominator: 'Children with 1 or more involved agency',
	unit: 'percent',
	higherIsBetter: true,
	sources: ['contacts', 'referrals', 'info_requests', 'meeting_attendance'],
	...fromInvolvedChildren({ source_rows: 'source_rows', den: 'den', den_key: 'den_key', num: 'two', num_key: 'two_key' })
});

export const childrenKnown3plusAgencies = defineMetric({
	key: 'children_known_3plus_agencies',
	title: 'Children known to 3 or more agencies',
	definition:
		'The number of children with three or more involved agencies in the period: of the children counted by "Children involving 2 or more agencies" (the same involved agencies, rows and filters), those with three or more.',
	numerator: null,
	denominator: null,
	unit: 'count',
	higherIsBetter: null,
	sources: ['contacts', 'referrals', 'info_requests', 'meeting_attendance'],
	...fromInvolvedChildren({ source_rows: 'source_rows', num: 'three', num_key: 'three_key' })
});

/**
 * A contact's outcome as `contact_conversion_pct` reads it (metrics.md version 2): decided when
 * it has an outcome, converted when the outcome is a referral. SQL over a contact's columns,
 * shared with the local need page's contacts by outcome (../../dashboard/need.ts).
 */
export const CONTACT_DECIDED = 'outcome IS NOT NULL';
export const CONTACT_CONVERTED = "outcome = 'referral'";

export const contactConversionPct = defineMetric({
	key: 'contact_conversion_pct',
	title: 'Contacts that became referrals',
	definition:
		'Of the contacts received in the period whose outcome has been decided, the percentage whose outcome is a referral to children\'s social care. A contact with no outcome yet is undecided and left out, whatever its decision time says. By source sector and agency, the measure of a shared understanding of thresholds.',
	numerator: 'Contacts received in the period with outcome referral',
	denominator: 'Contacts received in the period with an outcome (undecided ones left out)',
	unit: 'percent',
	higherIsBetter: null,
	sources: ['contacts'],
	sql: (q) => `
		SELECT grp, count(*) AS source_rows, ${keyedCount('den', CONTACT_DECIDED)}, ${keyedCount('num', CONTACT_CONVERTED)}
		FROM (${q.rows('contacts', { on: 'e.d_received_on' })})
		GROUP BY grp`
});
