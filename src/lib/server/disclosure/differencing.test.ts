/**
 * Rule 7 against differencing, over the views a person can ask for (disclosure-control.md
 * version 2; issue 11's acceptance): fixed periods (months, quarters, financial years, the last
 * 12 whole months as the data grow a month at a time) of a partnership, its areas, its
 * agencies and their sectors. The rows are synthetic referrals keyed as the warehouse keys
 * them (the first byte of HMAC-SHA-256 of `table:primary key` with a secret); each view's count
 * and cell key are sums over its rows, as the SQL makes them, and every figure is shown by the
 * disclosure layer under a deployment's policy.
 *
 * - Pairs of views whose true counts differ by 1 to 5 (a quarter and one of its months, an area
 *   and the partnership, an agency and its sector, the last 12 months a month apart), pairs
 *   with a `c` side left out: the shown difference is the true one in at most half.
 * - A small count hidden as `c` (one month of one slice), worked out by every difference the
 *   fixed periods allow (the quarter less its other months, the financial year less its other
 *   months, the last 12 months less the 12 before a month earlier plus the month dropped),
 *   averaged and rounded: exact in at most a quarter of cases.
 * - No shown count from 1 to the threshold; the mean of p over the views' cells within ±0.05 of
 *   0; no percentage over 100.
 *
 * The partnership is generated from a fixed seed; DIFF_SEED=<n> tries another.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MetricValue } from '../metrics/compute.ts';
import { suppressCount } from './counts.ts';
import { suppressMetric } from './metric.ts';
import { cellKeySum } from './perturbation.ts';
import { policyFrom } from './policy.ts';
import { prng } from '../testing/random.ts';

const POLICY = policyFrom({});
const T = POLICY.threshold;
const SECRET = Buffer.from('d1ff3renc1ng-test-secret-not-a-real-one-0123', 'utf8');
const recordKey = (id: string) => createHmac('sha256', SECRET).update(`referrals:${id}`).digest()[0];

const AREAS = ['N', 'S', 'E', 'W', 'C', 'NE', 'NW', 'SE'];
const SECTORS: Record<string, string[]> = { police: ['POL1', 'POL2'], health: ['HLT1', 'HLT2', 'HLT3'], education: ['SCH1', 'SCH2', 'SCH3'], voluntary: ['VOL1', 'VOL2'] };
const AGENCIES = Object.values(SECTORS).flat();
const sectorOf = (agency: string) => Object.keys(SECTORS).find((s) => SECTORS[s].includes(agency))!;
/** 60 months: April 2021 to March 2026 (five financial years). */
const MONTHS = 60;

interface Cell {
	n: number;
	key: number;
	/** Of them, referrals that led to an assessment within the time (a subset, for percentages). */
	sub: number;
	subKey: number;
}

/**
 * The partnership's referrals by area × agency × month, each a count with its cell key. Some
 * slices are busy (months of 10–40), some quiet (a few a month), so small counts and pairs a few
 * rows apart occur in every kind of view.
 */
function partnership(seed: number): Cell[][][] {
	const rnd = prng(seed);
	let id = 0;
	// One large area and smaller ones; large agencies and one small one in each sector.
	const areaWeight = AREAS.map((_, i) => (i === 0 ? 1 : 0.03 + rnd() * 0.12));
	const agencyWeight = Object.values(SECTORS).flatMap((agencies) => agencies.map((_, j) => (j === agencies.length - 1 ? 0.3 + rnd() : 8 + rnd() * 30)));
	return AREAS.map((_, a) =>
		AGENCIES.map((_, g) => {
			const level = areaWeight[a] * agencyWeight[g] * 3;
			return Array.from({ length: MONTHS }, () => {
				// Around the slice's level (a Poisson count), now and then a quiet month.
				const mean = rnd() < 0.1 ? level / 4 : level;
				let n = 0;
				for (let p = Math.exp(-mean), u = rnd(); u > p && n < 1000; n++) u *= rnd();
				const cell: Cell = { n, key: 0, sub: 0, subKey: 0 };
				for (let r = 0; r < n; r++) {
					const k = recordKey(`r${++id}`);
					cell.key = (cell.key + k) % 256;
					if (rnd() < 0.7) {
						cell.sub++;
						cell.subKey = (cell.subKey + k) % 256;
					}
				}
				return cell;
			});
		})
	);
}

/** A set of rows: which areas, which agencies. */
interface Slice {
	name: string;
	areas: number[];
	agencies: number[];
}

function slices(): Slice[] {
	const all = (n: number) => [...Array(n).keys()];
	const out: Slice[] = [{ name: 'partnership', areas: all(AREAS.length), agencies: all(AGENCIES.length) }];
	AREAS.forEach((a, i) => out.push({ name: `area ${a}`, areas: [i], agencies: all(AGENCIES.length) }));
	AGENCIES.forEach((g, j) => out.push({ name: `agency ${g}`, areas: all(AREAS.length), agencies: [j] }));
	for (const s of Object.keys(SECTORS)) out.push({ name: `sector ${s}`, areas: all(AREAS.length), agencies: SECTORS[s].map((g) => AGENCIES.indexOf(g)) });
	// An agency within an area, and a sector within an area (the filters together).
	AREAS.forEach((a, i) => {
		AGENCIES.forEach((g, j) => out.push({ name: `area ${a} agency ${g}`, areas: [i], agencies: [j] }));
		for (const s of Object.keys(SECTORS)) out.push({ name: `area ${a} sector ${s}`, areas: [i], agencies: SECTORS[s].map((g) => AGENCIES.indexOf(g)) });
	});
	return out;
}

/** A view's true count and cell key: a slice over months [from, to). */
function view(data: Cell[][][], slice: Slice, from: number, to: number): Cell {
	const out: Cell = { n: 0, key: 0, sub: 0, subKey: 0 };
	const keys: number[] = [];
	const subKeys: number[] = [];
	for (const a of slice.areas)
		for (const g of slice.agencies)
			for (let m = from; m < to; m++) {
				const c = data[a][g][m];
				out.n += c.n;
				out.sub += c.sub;
				keys.push(c.key);
				subKeys.push(c.subKey);
			}
	out.key = cellKeySum(keys);
	out.subKey = cellKeySum(subKeys);
	return out;
}

/** The shown count, or null for a symbol. */
const shown = (c: Cell): number | null => suppressCount(c.n, POLICY, c.key).value;

const quarterOf = (m: number) => Math.floor(m / 3);
const yearOf = (m: number) => Math.floor(m / 12);

describe('rule 7 over fixed-period views of a synthetic partnership', () => {
	const data = partnership(Number(process.env.DIFF_SEED ?? 20261207));
	const all = slices();

	it('pairs of views a few rows apart: the shown difference is the true one in at most half of 1,000 or more pairs', () => {
		const pairs: { kind: string; a: Cell; b: Cell }[] = [];
		const whole = all[0];
		for (const s of all) {
			for (let m = 0; m < MONTHS; m++) {
				// A quarter and one of its months.
				const q = quarterOf(m);
				pairs.push({ kind: 'quarter vs month', a: view(data, s, q * 3, q * 3 + 3), b: view(data, s, m, m + 1) });
				// The last 12 months, a month apart (as the data grow).
				if (m >= 12) pairs.push({ kind: 'last 12 a month apart', a: view(data, s, m - 11, m + 1), b: view(data, s, m - 12, m) });
			}
		}
		const periods: [number, number][] = [];
		for (let m = 0; m < MONTHS; m++) periods.push([m, m + 1]);
		for (let q = 0; q < MONTHS / 3; q++) periods.push([q * 3, q * 3 + 3]);
		for (let y = 0; y < MONTHS / 12; y++) periods.push([y * 12, y * 12 + 12]);
		for (const [from, to] of periods) {
			// An area (or an area's agency or sector) against the wider view it is part of.
			for (const s of all.filter((x) => x.name.startsWith('area '))) {
				const wider = s.agencies.length === AGENCIES.length ? whole : all.find((x) => x.name === s.name.replace(/^area \w+ /, ''))!;
				pairs.push({ kind: 'area vs wider', a: view(data, wider, from, to), b: view(data, s, from, to) });
			}
			// An agency against its sector.
			for (const g of AGENCIES) {
				pairs.push({ kind: 'agency vs sector', a: view(data, all.find((x) => x.name === `sector ${sectorOf(g)}`)!, from, to), b: view(data, all.find((x) => x.name === `agency ${g}`)!, from, to) });
			}
		}
		let counted = 0;
		let exact = 0;
		const byKind = new Map<string, [number, number]>();
		for (const { kind, a, b } of pairs) {
			const d = a.n - b.n;
			if (Math.abs(d) < 1 || Math.abs(d) > T) continue;
			const [sa, sb] = [shown(a), shown(b)];
			if (sa === null || sb === null) continue;
			counted++;
			const hit = sa - sb === d;
			if (hit) exact++;
			const k = byKind.get(kind) ?? [0, 0];
			byKind.set(kind, [k[0] + 1, k[1] + (hit ? 1 : 0)]);
		}
		expect(counted).toBeGreaterThanOrEqual(1000);
		expect(exact / counted).toBeLessThanOrEqual(0.5);
		// Every kind of pair occurs, and none on its own gives the difference away in over half its pairs.
		expect([...byKind.keys()].sort()).toEqual(['agency vs sector', 'area vs wider', 'last 12 a month apart', 'quarter vs month']);
		for (const [kind, [n, hits]] of byKind) expect(hits / n, kind).toBeLessThanOrEqual(0.5);
	});

	it('a small count hidden as c, worked out by averaging every difference the fixed periods allow: exact in at most a quarter of cases', () => {
		let targets = 0;
		let recovered = 0;
		for (const s of all) {
			const month = (m: number) => view(data, s, m, m + 1);
			for (let m = 12; m < MONTHS; m++) {
				const target = month(m);
				if (target.n < 1 || target.n > T) continue;
				expect(shown(target)).toBeNull();
				const estimates: number[] = [];
				// Each difference needs every figure in it shown.
				const difference = (plus: Cell[], minus: Cell[]) => {
					const values = [...plus, ...minus].map(shown);
					if (values.some((v) => v === null)) return;
					estimates.push(plus.reduce((a, c) => a + shown(c)!, 0) - minus.reduce((a, c) => a + shown(c)!, 0));
				};
				const others = (from: number, to: number) => [...Array(to - from).keys()].map((i) => from + i).filter((x) => x !== m).map(month);
				const q = quarterOf(m);
				difference([view(data, s, q * 3, q * 3 + 3)], others(q * 3, q * 3 + 3));
				const y = yearOf(m);
				difference([view(data, s, y * 12, y * 12 + 12)], others(y * 12, y * 12 + 12));
				if (m >= 12) difference([view(data, s, m - 11, m + 1), month(m - 11 - 1)], [view(data, s, m - 12, m)]);
				if (estimates.length === 0) continue;
				targets++;
				const average = estimates.reduce((a, b) => a + b, 0) / estimates.length;
				if (Math.round(average) === target.n) recovered++;
			}
		}
		expect(targets).toBeGreaterThanOrEqual(200);
		expect(recovered / targets).toBeLessThanOrEqual(0.25);
	});

	it('no shown count from 1 to the threshold, the mean adjustment within ±0.05 of 0 over 10,000 or more cells, and no percentage over 100', () => {
		let cells = 0;
		let sumP = 0;
		for (const s of all) {
			const periods: [number, number][] = [];
			for (let m = 0; m < MONTHS; m++) periods.push([m, m + 1]);
			for (let q = 0; q < MONTHS / 3; q++) periods.push([q * 3, q * 3 + 3]);
			for (let y = 0; y < MONTHS / 12; y++) periods.push([y * 12, y * 12 + 12]);
			for (let m = 11; m < MONTHS; m++) periods.push([m - 11, m + 1]);
			for (const [from, to] of periods) {
				const v = view(data, s, from, to);
				const shownCount = shown(v);
				if (shownCount !== null && shownCount > 0) {
					expect(shownCount > T, `${s.name} ${from}–${to}`).toBe(true);
					if (v.n > T) {
						cells++;
						sumP += shownCount - v.n;
					}
				}
				// The share of referrals that met the standard: its numerator a subset of its denominator.
				const m: MetricValue = { value: v.n > 0 ? (100 * v.sub) / v.n : null, numerator: v.sub, denominator: v.n, status: v.n > 0 ? 'ok' : 'z', n: null, population: null, keys: { numerator: v.subKey, denominator: v.key, value: null } };
				const pct = suppressMetric('referral_decision_1wd_pct', m, POLICY);
				if (pct.value.value !== null) expect(pct.value.value).toBeLessThanOrEqual(100);
			}
		}
		expect(cells).toBeGreaterThanOrEqual(10_000);
		expect(Math.abs(sumP / cells)).toBeLessThanOrEqual(0.05);
	});
});
