/**
 * The correctness guard of the figures kept per data version (docs/architecture.md, "Figures
 * kept per data version"): over random warehouses (the demo generator, several seeds) and
 * random queries (period, filters, breakdown, metrics asked, in a random order, some asked
 * again), every answer given with the cache equals the answer computed directly
 * (FP_FIGURE_CACHE=off), and so do the pages' data; and the children counted on their numbers
 * (`d_child_n`) are those counted on their pseudonyms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationPage } from '../dashboard/escalation.ts';
import { filterOptions, type FilterOptions } from '../dashboard/filters.ts';
import { meetingsPage } from '../dashboard/meetings.ts';
import { needPage } from '../dashboard/need.ts';
import { responsePage } from '../dashboard/response.ts';
import { generateDemo } from '../demo/generate.ts';
import { importExtract } from '../import/import.ts';
import { SECTORS } from '../schema/codes.ts';
import { openWarehouse, query, type Warehouse } from '../warehouse/warehouse.ts';
import { computeMetricsFor, DIMENSIONS, type MetricQuery } from './compute.ts';
import { METRIC_KEYS } from './keys.ts';

const SEEDS = [2, 3];
// More with KEPT_FIGURES_RUNS=N (each run asks up to 8 queries twice, with and without the cache).
const RUNS = Number(process.env.KEPT_FIGURES_RUNS ?? 15);

let root: string;
const warehouses: { warehouse: Warehouse; options: FilterOptions }[] = [];

beforeAll(async () => {
	root = mkdtempSync(path.join(os.tmpdir(), 'fp-kept-figures-'));
	for (const seed of SEEDS) {
		const generated = await generateDemo({ outDir: path.join(root, `demo-${seed}`), children: 400, years: 2, seed, end: '2025-03-31', threads: 2 });
		const warehouse = await openWarehouse(path.join(root, `w-${seed}.duckdb`), { create: true });
		const report = await importExtract(warehouse, generated.extractDir, { actor: 'test' });
		if (report.status !== 'committed') throw new Error(JSON.stringify(report.errors));
		warehouses.push({ warehouse, options: await filterOptions(warehouse) });
	}
}, 180_000);

afterAll(async () => {
	for (const { warehouse } of warehouses) await warehouse.close();
	if (root) rmSync(root, { recursive: true, force: true });
});

/** Runs `fn` with the cache off: the direct answer. */
async function direct<T>(fn: () => Promise<T>): Promise<T> {
	process.env.FP_FIGURE_CACHE = 'off';
	try {
		return await fn();
	} finally {
		delete process.env.FP_FIGURE_CACHE;
	}
}

const months = Array.from({ length: 24 }, (_, i) => {
	const d = new Date(Date.UTC(2023, 3 + i, 1));
	return d.toISOString().slice(0, 10);
});

function queryOf(options: FilterOptions) {
	return fc
		.record({
			start: fc.integer({ min: 0, max: months.length - 1 }),
			length: fc.integer({ min: 1, max: 12 }),
			// Some periods end on a day that is not a month's last (an analyst's custom dates).
			trim: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
			area: fc.option(fc.constantFrom(...options.areas.map((a) => a.code)), { nil: null }),
			filter: fc.oneof(
				fc.constant({ agency: null, sector: null }),
				fc.constantFrom(...options.agencies.map((a) => ({ agency: a.code, sector: null }))),
				fc.constantFrom(...SECTORS.map((s) => ({ agency: null, sector: s })))
			),
			by: fc.option(fc.constantFrom(...DIMENSIONS), { nil: null }),
			keys: fc.subarray([...METRIC_KEYS], { minLength: 1 })
		})
		.map(({ start, length, trim, area, filter, by, keys }) => {
			const from = months[start];
			const end = new Date(`${months[Math.min(start + length, months.length - 1)]}T00:00:00Z`);
			end.setUTCDate(end.getUTCDate() - 1 - trim);
			const to = end.toISOString().slice(0, 10) < from ? from : end.toISOString().slice(0, 10);
			return { q: { from, to, area, ...filter, by } satisfies MetricQuery, keys };
		});
}

type Ask = { q: MetricQuery; keys: (typeof METRIC_KEYS)[number][] };

/** `base`, and `base` with one of its period, area, agency or sector filter, breakdown and metrics taken from `other` (or taken away). */
function neighbours(base: Ask, other: Ask): Ask[] {
	const q = base.q;
	return [
		base,
		{ ...base, q: { ...q, from: other.q.from, to: other.q.from > q.to ? other.q.from : q.to } },
		{ ...base, q: { ...q, to: other.q.to < q.from ? q.from : other.q.to } },
		{ ...base, q: { ...q, area: q.area === null ? other.q.area : null } },
		{ ...base, q: { ...q, agency: q.agency === null ? other.q.agency : null, sector: q.agency === null ? other.q.sector : q.sector } },
		{ ...base, q: { ...q, sector: q.sector === null ? other.q.sector : null, agency: q.sector === null ? other.q.agency : q.agency } },
		{ ...base, q: { ...q, by: q.by === null ? other.q.by : null } },
		{ ...base, keys: other.keys }
	].filter((a) => !(a.q.agency && a.q.sector));
}

describe('figures kept per data version', () => {
	it('equal the figures computed directly, for every metric, period, filter and breakdown, in any order', async () => {
		for (const { warehouse, options } of warehouses) {
			await fc.assert(
				// A query and its neighbours (each differing from it in one thing only), in a random order: a
				// cache keyed without one of the things would answer one of them with another's figures.
				fc.asyncProperty(fc.tuple(queryOf(options), queryOf(options)).chain(([base, other]) => fc.shuffledSubarray(neighbours(base, other), { minLength: 2 })), async (asks) => {
					// Each ask twice, the second time after the others: the second is answered from the cache.
					for (const round of [asks, [...asks].reverse()]) {
						for (const { q, keys } of round) {
							const kept = await computeMetricsFor(warehouse, q, keys);
							expect(kept).toEqual(await direct(() => computeMetricsFor(warehouse, q, keys)));
						}
					}
				}),
				{ numRuns: RUNS }
			);
			expect(warehouse.cacheStats().hits).toBeGreaterThan(0);
		}
	}, 600_000);

	it("equal the pages' data computed directly", async () => {
		for (const { warehouse, options } of warehouses) {
			await fc.assert(
				fc.asyncProperty(queryOf(options), async ({ q }) => {
					const page = { from: q.from, to: q.to, area: q.area, agency: q.agency, sector: q.sector };
					for (const fn of [needPage, responsePage, escalationPage, meetingsPage] as ((w: Warehouse, q: typeof page) => Promise<unknown>)[]) {
						const first = await fn(warehouse, page);
						expect(await fn(warehouse, page)).toEqual(first);
						expect(first).toEqual(await direct(() => fn(warehouse, page)));
					}
				}),
				{ numRuns: Math.max(5, Math.floor(RUNS / 3)) }
			);
		}
	}, 600_000);
});

describe("children counted on their numbers (d_child_n)", () => {
	it('are the children counted on their pseudonyms: involved agencies, whole partnership, every month', async () => {
		for (const { warehouse } of warehouses) {
			for (const from of months.filter((_, i) => i % 3 === 0)) {
				const to = new Date(`${from}T00:00:00Z`);
				to.setUTCMonth(to.getUTCMonth() + 3);
				to.setUTCDate(0);
				const q = { from, to: to.toISOString().slice(0, 10) };
				const r = await computeMetricsFor(warehouse, q, ['multi_agency_children_pct', 'children_known_3plus_agencies']);
				if (r.by !== null) throw new Error('no breakdown asked');
				// The same children, counted on the pseudonym, by a query written here from metrics.md "Involved agencies".
				const [reference] = await warehouse.read((conn) =>
					query<{ one: number; two: number; three: number }>(
						conn,
						`WITH involved AS (
							SELECT child_id, source_agency_code AS agency FROM contacts WHERE d_received_on BETWEEN $from AND $to
							UNION ALL SELECT child_id, source_agency_code FROM referrals WHERE d_received_on BETWEEN $from AND $to
							UNION ALL SELECT child_id, UNNEST([requesting_agency_code, responding_agency_code]) FROM info_requests WHERE d_requested_on BETWEEN $from AND $to
							UNION ALL SELECT m.child_id, CASE WHEN a.attended THEN a.agency_code END FROM meeting_attendance a JOIN meetings m USING (meeting_id) WHERE m.held_on BETWEEN $from AND $to
						), per_child AS (SELECT child_id, count(DISTINCT agency) AS agencies FROM involved WHERE child_id IS NOT NULL GROUP BY child_id)
						SELECT count(*) FILTER (WHERE agencies >= 1) AS one, count(*) FILTER (WHERE agencies >= 2) AS two, count(*) FILTER (WHERE agencies >= 3) AS three FROM per_child`,
						q
					)
				);
				expect(r.metrics.multi_agency_children_pct).toMatchObject({ numerator: reference.two, denominator: reference.one });
				expect(r.metrics.children_known_3plus_agencies.value ?? 0).toBe(reference.three);
			}
		}
	}, 120_000);
});
