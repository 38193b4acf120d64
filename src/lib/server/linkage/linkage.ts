/**
 * Linkage: how far the partnership's data links children across agencies. Children by the
 * number of their involved agencies, and pairs of agencies sharing children, for a period.
 * "Involved agencies" is the metric layer's one definition (`involvedAgencyRows`, metrics.md,
 * "Involved agencies"): the source agencies of a child's contacts and referrals received in the
 * period, both agencies of its information requests made in the period, and the agencies that
 * attended its meetings held in the period. Unfiltered; the period is bound as `$from`/`$to`.
 *
 * Figures are unsuppressed: this is the data controller's tool (the command line).
 */
import { involvedAgencyRows } from '../metrics/definitions/front-door.ts';
import { MetricSql } from '../metrics/events.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';

export interface LinkageReport {
	/** The period asked for; null ends mean all data. */
	period: { from: string | null; to: string | null };
	/** Children with 1, 2, 3 … involved agencies; the last group is `4+` (children with none are not counted). */
	children_by_agency_count: { agencies: string; children: number }[];
	/** Pairs of agencies (agency_a < agency_b) and the children involved with both; most children first. */
	pairs: { agency_a: string; agency_b: string; children: number }[];
}

/** The widest dates the period can take when an end is not given. */
const EARLIEST = '0001-01-01';
const LATEST = '9999-12-31';

const BUCKETS = ['1', '2', '3', '4+'] as const;

function involved(): string {
	const ms = new MetricSql({ area: false, agency: false, sector: false }, null);
	return `SELECT DISTINCT child, agency FROM (${involvedAgencyRows(ms)}) WHERE child IS NOT NULL AND agency IS NOT NULL`;
}

export async function linkageReport(warehouse: Warehouse, period: { from?: string | null; to?: string | null } = {}): Promise<LinkageReport> {
	const params = { from: period.from ?? EARLIEST, to: period.to ?? LATEST };
	const [counts, pairs] = await warehouse.read(async (conn) => {
		const counts = await query<{ agencies: number; children: number }>(
			conn,
			`WITH involved AS (${involved()}), per_child AS (SELECT child, count(*) AS agencies FROM involved GROUP BY child)
			SELECT CAST(agencies AS INTEGER) AS agencies, CAST(count(*) AS INTEGER) AS children FROM per_child GROUP BY agencies ORDER BY agencies`,
			params
		);
		const pairs = await query<{ agency_a: string; agency_b: string; children: number }>(
			conn,
			`WITH involved AS (${involved()})
			SELECT a.agency AS agency_a, b.agency AS agency_b, CAST(count(*) AS INTEGER) AS children
			FROM involved a JOIN involved b ON a.child = b.child AND a.agency < b.agency
			GROUP BY a.agency, b.agency ORDER BY children DESC, agency_a, agency_b`,
			params
		);
		return [counts, pairs] as const;
	});
	const byBucket = new Map<string, number>(BUCKETS.map((b) => [b, 0]));
	for (const c of counts) {
		const bucket = c.agencies >= 4 ? '4+' : String(c.agencies);
		byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + Number(c.children));
	}
	return {
		period: { from: period.from ?? null, to: period.to ?? null },
		children_by_agency_count: BUCKETS.map((agencies) => ({ agencies, children: byBucket.get(agencies) ?? 0 })),
		pairs: pairs.map((p) => ({ agency_a: p.agency_a, agency_b: p.agency_b, children: Number(p.children) }))
	};
}
