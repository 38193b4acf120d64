/**
 * The meetings page as presented: no count from 1 to the threshold anywhere; a percentage
 * only from two shown counts; the headline's numerator and denominator the same figures as
 * the tables' totals; and nothing suppressed recoverable: a search follows every "these add
 * up to that" the page implies (agency × meeting type with its totals, sectors as sums of
 * their agencies, months adding up to the period, invited = attended + not attended,
 * conferences = ICPCs + RCPCs, reports submitted + not = invited to conferences, a share
 * beside its base gives its count) until nothing more can be worked out. The agencies
 * invited but absent are ordered by their shown figures only.
 *
 * A deployment's policy (`policyFrom`) perturbs every count by its cell key (rule 7): page
 * data for it carries keys (`pageData(spec, seed)`), and every count is then shown as
 * perturbed(n, key) for its own key (a sum of cells by their keys added), none from 1 to
 * the threshold, no percentage over 100, with the same figures suppressed as without the
 * method (so the search, given the true value of every figure shown, still finds nothing).
 * Tests of rules 1 to 6 over exact hand-made counts use the policy without it (`EXACT`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { meetingsPage, type MeetingsData } from '../dashboard/meetings.ts';
import { cellKeySum, perturbed, policyFrom } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { attendance, extract, K1, K3, meeting } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { orderByShown, presentMeetings, type AbsentRow, type Attendance, type AttendanceAndAbsence, type MeetingsView } from './meetings.ts';

const POLICY = policyFrom({});
/** A deployment's policy without the cell key method (rules 1 to 6 alone: exact counts). */
const EXACT: DisclosurePolicy = { ...POLICY, cellKey: false };
const OPTIONS = {
	benchmarks: [],
	agencies: [
		{ code: 'POL', name: 'Police' },
		{ code: 'HLT', name: 'Health trust' },
		{ code: 'SCH', name: 'School' },
		{ code: 'GP', name: 'GP practice' },
		{ code: 'VOL', name: 'Charity' }
	]
};
const TYPES = ['strategy_discussion', 'icpc', 'rcpc', 'core_group'];
const MONTHS = ['2024-04', '2024-05', '2024-06'];
const range = (n: number) => [...Array(n).keys()];
const sum = (ns: readonly number[]) => ns.reduce((a, n) => a + n, 0);
const C: Shown = { value: null, symbol: 'c' };
const shown = (value: number): Shown => ({ value, symbol: null });
const isShownValue = (s: unknown): s is Shown => typeof s === 'object' && s !== null && (s as Shown).symbol === null && (s as Shown).value !== null;

// ------------------------------------------------------------------ page data from counts

interface Spec {
	/** Agencies (codes) and their sectors. */
	agencies: { code: string; sector: string }[];
	/** Agency × [strategy discussion, ICPC, RCPC, core group]. */
	invited: number[][];
	attended: number[][];
	/** Reports submitted: ICPC and RCPC columns only. */
	reports: number[][];
	/** Each month's [invited, attended], adding up to the tables'. */
	months: [number, number][];
	filters?: MeetingsData['filters'];
}

const m = (v: Partial<MetricValue>): MetricValue => ({ value: null, numerator: null, denominator: null, status: 'ok', n: null, population: null, ...v });
const ratio = (numerator: number, denominator: number): MetricValue =>
	denominator === 0 ? m({ numerator, denominator, status: 'z' }) : m({ value: (100 * numerator) / denominator, numerator, denominator });
const table = (rows: string[], counts: number[][]): CountTable => ({ rows, columns: [...TYPES], counts, rowTotals: true, columnTotals: true });
const col = (counts: number[][], c: number) => sum(counts.map((r) => r[c]));

/** Page data of the counts; with a seed, every count with a cell key (0–255) as the warehouse gives them. */
function pageData(spec: Spec, seed?: number): MeetingsData {
	const rows = spec.agencies.map((a) => a.code);
	const conf = (t: number[][]) => col(t, 1) + col(t, 2);
	const data: MeetingsData = {
		period: { from: '2024-04-01', to: '2024-06-30' },
		filters: spec.filters ?? { area: null, agency: null, sector: null },
		figures: {
			cp_meeting_partner_attendance_pct: ratio(sum(spec.attended.flat()), sum(spec.invited.flat())),
			icpc_partner_attendance_pct: ratio(col(spec.attended, 1), col(spec.invited, 1)),
			conference_reports_pct: ratio(sum(spec.reports.flat()), conf(spec.invited))
		},
		trend: spec.months.map(([inv, att], i) => ({ month: MONTHS[i], metrics: { cp_meeting_partner_attendance_pct: ratio(att, inv) } })),
		byAgency: { invited: table(rows, spec.invited), attended: table(rows, spec.attended), reports: table(rows, spec.reports) },
		sectorOf: Object.fromEntries(spec.agencies.map((a) => [a.code, a.sector]))
	};
	return seed === undefined ? data : withKeys(data, seed);
}

/**
 * The page data with cell keys from a seed: each cell's at random (0 for an empty one; an
 * attended cell that is all its invitations the invited cell's key: the same rows); the
 * figures' keys the sums of the keys of the cells they count (the same rows as the tables'),
 * the months' at random.
 */
function withKeys(data: MeetingsData, seed: number): MeetingsData {
	const rand = random(seed);
	const keyFor = (n: number) => (n === 0 ? 0 : Math.floor(rand() * 256));
	const { invited, attended, reports } = data.byAgency;
	const counts = (t: CountTable) => t.counts.map((row) => row.map((n) => n ?? 0));
	const inv = counts(invited).map((row) => row.map(keyFor));
	const att = counts(attended).map((row, r) => row.map((n, c) => (n === invited.counts[r][c] ? inv[r][c] : keyFor(n))));
	const rep = counts(reports).map((row) => row.map(keyFor));
	const column = (k: number[][], c: number) => cellKeySum(k.map((row) => row[c]));
	const keyed = (v: MetricValue, numerator: number, denominator: number): MetricValue => ({ ...v, keys: { numerator, denominator, value: null } });
	const f = data.figures;
	return {
		...data,
		figures: {
			cp_meeting_partner_attendance_pct: keyed(f.cp_meeting_partner_attendance_pct, cellKeySum(att.flat()), cellKeySum(inv.flat())),
			icpc_partner_attendance_pct: keyed(f.icpc_partner_attendance_pct, column(att, 1), column(inv, 1)),
			conference_reports_pct: keyed(f.conference_reports_pct, cellKeySum(rep.flat()), cellKeySum([column(inv, 1), column(inv, 2)]))
		},
		trend: data.trend.map((m) => {
			const v = m.metrics.cp_meeting_partner_attendance_pct;
			return { ...m, metrics: { cp_meeting_partner_attendance_pct: keyed(v, keyFor(v.numerator ?? 0), keyFor(v.denominator ?? 0)) } };
		}),
		byAgency: { invited: { ...invited, keys: inv }, attended: { ...attended, keys: att }, reports: { ...reports, keys: rep } }
	};
}

function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function count(rand: () => number): number {
	const u = rand();
	return u < 0.25 ? 0 : u < 0.6 ? 1 + Math.floor(rand() * 5) : 6 + Math.floor(rand() * 30);
}

/** Mostly attended, often all but a few (so that "not attended" is often small). */
function part(n: number, rand: () => number): number {
	const u = rand();
	return u < 0.25 ? n : u < 0.6 ? Math.max(0, n - 1 - Math.floor(rand() * 4)) : Math.floor(rand() * (n + 1));
}

const SECTOR_POOL = ['police', 'health', 'health', 'education', 'voluntary'];

function randomSpec(rand: () => number): Spec {
	const A = 1 + Math.floor(rand() * 5);
	const agencies = range(A).map((i) => ({ code: OPTIONS.agencies[i].code, sector: SECTOR_POOL[Math.floor(rand() * SECTOR_POOL.length)] }));
	const invited = agencies.map(() => TYPES.map(() => count(rand)));
	const attended = invited.map((row) => row.map((n) => part(n, rand)));
	const reports = invited.map((row) => row.map((n, c) => (c === 1 || c === 2 ? part(n, rand) : 0)));
	// Each invitation falls in a random month.
	const months: [number, number][] = MONTHS.map(() => [0, 0]);
	invited.forEach((row, r) =>
		row.forEach((n, c) => {
			for (let k = 0; k < n; k++) {
				const mo = Math.floor(rand() * MONTHS.length);
				months[mo][0]++;
				if (k < attended[r][c]) months[mo][1]++;
			}
		})
	);
	return { agencies, invited, attended, reports, months };
}

// ------------------------------------------------------------------ the search

type Line = { members: string[]; total: string };

function workedOut(known: Map<string, number>, lines: readonly Line[]): Map<string, number> {
	const out = new Map<string, number>();
	for (let changed = true; changed; ) {
		changed = false;
		for (const line of lines) {
			const unknown = [...line.members, line.total].filter((id) => !known.has(id));
			if (unknown.length !== 1) continue;
			const [id] = unknown;
			const total = (ids: string[]) => ids.reduce((a, x) => a + (known.get(x) as number), 0);
			const v = id === line.total ? total(line.members) : (known.get(line.total) as number) - total(line.members.filter((x) => x !== id));
			known.set(id, v);
			out.set(id, v);
			changed = true;
		}
	}
	return out;
}

/**
 * The truth and what the view shows of it, with every arithmetic tie the page implies,
 * written here from the counts (not from the presenter's lines). Ids: `I`, `A`, `B`
 * (invited, attended, not attended) of `a,t` (agency, type; `T` for all), `s:` sectors,
 * `m:` months, `R`/`RS`/`RN` reports (invited to conferences, submitted, not).
 */
function attack(view: MeetingsView, spec: Spec, exact = true): { truth: Map<string, number>; revealed: Map<string, number> } {
	const truth = new Map<string, number>();
	const known = new Map<string, number>();
	const lines: Line[] = [];
	const A = spec.agencies.length;
	const measures: [string, number[][]][] = [['I', spec.invited], ['A', spec.attended]];
	/**
	 * What a figure shown gives: its value; or, when the counts are perturbed (not `exact`),
	 * its true count (the worst case: whatever the perturbation, the suppression must hold).
	 */
	const learnt = (id: string, value: number) => known.set(id, exact ? value : (truth.get(id) as number));
	const setKnown = (id: string, s: Shown | undefined) => {
		if (s && isShownValue(s)) learnt(id, s.value as number);
	};
	/** An attendance figure: its counts, and a share gives its count where its base is shown. */
	const learn = (id: string, f: Attendance & Partial<AttendanceAndAbsence>) => {
		setKnown(`I:${id}`, f.invited);
		setKnown(`A:${id}`, f.attended);
		setKnown(`B:${id}`, f.absent);
		if (isShownValue(f.invited)) {
			const base = f.invited.value as number;
			if (isShownValue(f.attendedPct)) learnt(`A:${id}`, Math.round(((f.attendedPct.value as number) * base) / 100));
			if (f.absentPct && isShownValue(f.absentPct)) learnt(`B:${id}`, Math.round(((f.absentPct.value as number) * base) / 100));
		}
	};

	// Agency × type with totals.
	for (const [x, k] of measures) {
		for (const r of range(A)) {
			TYPES.forEach((_, t) => truth.set(`${x}:${r},${t}`, k[r][t]));
			truth.set(`${x}:${r},T`, sum(k[r]));
			lines.push({ members: TYPES.map((_, t) => `${x}:${r},${t}`), total: `${x}:${r},T` });
		}
		TYPES.forEach((_, t) => {
			truth.set(`${x}:T,${t}`, col(k, t));
			lines.push({ members: range(A).map((r) => `${x}:${r},${t}`), total: `${x}:T,${t}` });
		});
		truth.set(`${x}:T,T`, sum(k.flat()));
		lines.push({ members: range(A).map((r) => `${x}:${r},T`), total: `${x}:T,T` });
		lines.push({ members: TYPES.map((_, t) => `${x}:T,${t}`), total: `${x}:T,T` });
	}
	// Not attended, shown by agency and in all: invited = attended + not attended there.
	for (const r of [...range(A), 'T' as const]) {
		truth.set(`B:${r},T`, (truth.get(`I:${r},T`) as number) - (truth.get(`A:${r},T`) as number));
		lines.push({ members: [`A:${r},T`, `B:${r},T`], total: `I:${r},T` });
	}
	lines.push({ members: range(A).map((r) => `B:${r},T`), total: 'B:T,T' });
	// Sectors: sums of their agencies (which agency is in which sector is public).
	const sectors = [...new Set(spec.agencies.map((a) => a.sector))];
	for (const s of sectors) {
		const rs = range(A).filter((r) => spec.agencies[r].sector === s);
		for (const [x] of measures) {
			truth.set(`${x}:s${s},T`, sum(rs.map((r) => truth.get(`${x}:${r},T`) as number)));
			lines.push({ members: rs.map((r) => `${x}:${r},T`), total: `${x}:s${s},T` });
		}
	}
	// Months add up to the period.
	spec.months.forEach(([inv, att], i) => {
		truth.set(`I:m${i}`, inv);
		truth.set(`A:m${i}`, att);
	});
	for (const [x] of measures) lines.push({ members: spec.months.map((_, i) => `${x}:m${i}`), total: `${x}:T,T` });
	// Reports: invited to conferences are the ICPC and RCPC invitations.
	for (const r of [...range(A), 'T' as const]) {
		truth.set(`R:${r}`, r === 'T' ? col(spec.invited, 1) + col(spec.invited, 2) : spec.invited[r][1] + spec.invited[r][2]);
		truth.set(`RS:${r}`, r === 'T' ? sum(spec.reports.flat()) : sum(spec.reports[r]));
		lines.push({ members: [`I:${r},1`, `I:${r},2`], total: `R:${r}` });
	}
	for (const x of ['R', 'RS']) lines.push({ members: range(A).map((r) => `${x}:${r}`), total: `${x}:T` });

	// What the view shows.
	learn('T,T', view.all);
	view.types.forEach((ty, t) => learn(`T,${t}`, ty.figures));
	view.agencies.forEach((a, r) => {
		a.byType.forEach((f, t) => learn(`${r},${t}`, f));
		learn(`${r},T`, a.all);
		setKnown(`R:${r}`, a.reports.invited);
		setKnown(`RS:${r}`, a.reports.submitted);
		if (isShownValue(a.reports.invited) && isShownValue(a.reports.submittedPct)) {
			learnt(`RS:${r}`, Math.round(((a.reports.submittedPct.value as number) * (a.reports.invited.value as number)) / 100));
		}
	});
	view.sectors.forEach((s) => learn(`s${s.sector},T`, s.all));
	view.months.forEach((mo, i) => learn(`m${i}`, mo.figures));
	setKnown('R:T', view.reports.invited);
	setKnown('RS:T', view.reports.submitted);
	for (const row of view.absent) {
		const r = spec.agencies.findIndex((a) => a.code === row.agency);
		setKnown(`I:${r},T`, row.invited);
		setKnown(`B:${r},T`, row.absent);
	}
	const h = view.headlines;
	setKnown('A:T,T', h.cpMeetings.figure.numerator);
	setKnown('I:T,T', h.cpMeetings.figure.denominator);
	setKnown('A:T,1', h.icpc.figure.numerator);
	setKnown('I:T,1', h.icpc.figure.denominator);
	setKnown('RS:T', h.reports.figure.numerator);
	setKnown('R:T', h.reports.figure.denominator);

	for (const [id, v] of known) expect(v, `${id} shown`).toBe(truth.get(id));
	return { truth, revealed: workedOut(known, lines) };
}

/** Counts anywhere in the view (not percentages, settings or chart labels). */
function smallNumbers(value: unknown, threshold: number, path = ''): string[] {
	if (/(^|\.)(threshold|period|decimals|benchmarks)|Pct|\.share\b|headlines\.\w+\.figure\.value|charts/.test(path)) return [];
	if (typeof value === 'number') return value >= 1 && value <= threshold ? [`${path} = ${value}`] : [];
	if (Array.isArray(value)) return value.flatMap((v, i) => smallNumbers(v, threshold, `${path}[${i}]`));
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value);
		// A shown figure: its value is a count unless the path says it is a percentage (above).
		if ('symbol' in value && 'value' in value) {
			const v = (value as Shown).value;
			return typeof v === 'number' && v >= 1 && v <= threshold ? [`${path} = ${v}`] : [];
		}
		return entries.flatMap(([k, v]) => smallNumbers(v, threshold, path ? `${path}.${k}` : k));
	}
	return [];
}

/** The numbers in the charts' tables whose columns are counts. */
function smallInTables(view: MeetingsView, threshold: number): string[] {
	const out: string[] = [];
	const tables = {
		byType: view.charts.byType.table,
		counts: view.charts.byAgency.counts,
		bySector: view.charts.bySector.table,
		trend: view.charts.trend.table,
		reports: view.charts.reports.table,
		absent: view.charts.absent.table
	};
	for (const [name, t] of Object.entries(tables)) {
		t.rows.forEach((row) =>
			row.cells.forEach((cell, i) => {
				if (t.columns[i].unit === '%') return;
				const v = typeof cell === 'object' && cell !== null ? cell.value : cell;
				if (typeof v === 'number' && v >= 1 && v <= threshold) out.push(`${name} ${row.header} [${t.columns[i].label}] = ${v}`);
			})
		);
	}
	for (const b of view.charts.absent.bars.bars) if (b.value !== null && b.value >= 1 && b.value <= threshold) out.push(`absent bar ${b.label} = ${b.value}`);
	return out;
}

function expectSafe(view: MeetingsView, spec: Spec, threshold: number, exact = true): void {
	expect(smallNumbers(view, threshold)).toEqual([]);
	expect(smallInTables(view, threshold)).toEqual([]);
	const { truth, revealed } = attack(view, spec, exact);
	for (const [id, v] of revealed) {
		expect(v, id).toBe(truth.get(id));
		expect(v >= 1 && v <= threshold, `${id} = ${v} worked out`).toBe(false);
	}
}

/** Every percentage of the view (not counts), where it is. */
function percentagesOf(view: MeetingsView): { id: string; value: number }[] {
	const out: { id: string; value: number }[] = [];
	const put = (id: string, s: Shown) => {
		if (isShownValue(s)) out.push({ id, value: s.value as number });
	};
	const all = (id: string, f: Attendance & Partial<AttendanceAndAbsence>) => {
		put(`${id} attended`, f.attendedPct);
		if (f.absentPct) put(`${id} absent`, f.absentPct);
	};
	all('all', view.all);
	view.types.forEach((t) => all(t.type, t.figures));
	view.agencies.forEach((a) => {
		a.byType.forEach((f, t) => all(`${a.agency} ${t}`, f));
		all(a.agency, a.all);
		put(`${a.agency} reports`, a.reports.submittedPct);
	});
	view.sectors.forEach((x) => all(x.sector, x.all));
	view.months.forEach((x) => all(x.month, x.figures));
	put('reports', view.reports.submittedPct);
	view.absent.forEach((x) => put(`absent ${x.agency}`, x.share));
	for (const [k, h] of Object.entries(view.headlines)) put(k, h.figure.value);
	return out;
}

/**
 * Every percentage of the view: shown only when both its counts are; of the counts as shown
 * (under the dashboard profile, the counts unrounded), a part capped at its whole; none over 100.
 */
function expectSharesOfShown(view: MeetingsView): void {
	const attendances: Attendance[] = [view.all, ...view.types.map((t) => t.figures), ...view.agencies.flatMap((a) => [...a.byType, a.all]), ...view.sectors.map((s) => s.all), ...view.months.map((x) => x.figures)];
	for (const f of attendances) {
		if (!isShownValue(f.attended) || !isShownValue(f.invited)) expect(f.attendedPct.value).toBeNull();
		if (isShownValue(f.attendedPct)) expect(f.attendedPct.value).toBeCloseTo((100 * Math.min(f.attended.value as number, f.invited.value as number)) / (f.invited.value as number), 9);
	}
	expect(percentagesOf(view).filter((p) => p.value < 0 || p.value > 100)).toEqual([]);
	for (const f of [view.all, ...view.agencies.map((a) => a.all)]) {
		if (!isShownValue(f.absent) || !isShownValue(f.invited)) expect(f.absentPct.value).toBeNull();
	}
	for (const row of view.absent) if (!isShownValue(row.absent) || !isShownValue(row.invited)) expect(row.share.value).toBeNull();
	for (const r of [view.reports, ...view.agencies.map((a) => a.reports)]) {
		if (!isShownValue(r.submitted) || !isShownValue(r.invited)) expect(r.submittedPct.value).toBeNull();
	}
	for (const h of Object.values(view.headlines)) {
		if (!isShownValue(h.figure.numerator) || !isShownValue(h.figure.denominator)) expect(h.figure.value.value).toBeNull();
	}
}

/** Every count of the view beside its true count and its cell key (a sum of cells: their keys added). */
function keyedFigures(view: MeetingsView, data: MeetingsData): { id: string; shown: Shown; count: number; key: number }[] {
	const out: { id: string; shown: Shown; count: number; key: number }[] = [];
	const { invited, attended, reports } = data.byAgency;
	const at = (t: CountTable, cells: (readonly [number, number])[]) => ({
		count: sum(cells.map(([r, c]) => t.counts[r][c] ?? 0)),
		key: cellKeySum(cells.map(([r, c]) => t.keys![r][c]))
	});
	const A = invited.rows.length;
	const rowCells = (rs: number[], cs: number[]) => rs.flatMap((r) => cs.map((c) => [r, c] as const));
	const put = (id: string, shown: Shown, f: { count: number; key: number }) => out.push({ id, shown, ...f });
	const types = range(TYPES.length);
	/** The attendance of some cells, and the invitations not attended. */
	const attendanceOf = (id: string, f: Attendance & Partial<AttendanceAndAbsence>, cells: (readonly [number, number])[]) => {
		const i = at(invited, cells);
		const a = at(attended, cells);
		put(`${id} invited`, f.invited, i);
		put(`${id} attended`, f.attended, a);
		if (f.absent) put(`${id} absent`, f.absent, { count: i.count - a.count, key: (((i.key - a.key) % 256) + 256) % 256 });
	};
	view.agencies.forEach((x, r) => {
		x.byType.forEach((f, t) => attendanceOf(`${x.agency} ${TYPES[t]}`, f, [[r, t]]));
		attendanceOf(x.agency, x.all, rowCells([r], types));
		put(`${x.agency} reports invited`, x.reports.invited, at(invited, rowCells([r], [1, 2])));
		put(`${x.agency} reports submitted`, x.reports.submitted, at(reports, rowCells([r], types)));
	});
	view.types.forEach((x, t) => attendanceOf(x.type, x.figures, rowCells(range(A), [t])));
	attendanceOf('all', view.all, rowCells(range(A), types));
	view.sectors.forEach((x) => attendanceOf(x.sector, x.all, rowCells(range(A).filter((r) => data.sectorOf[invited.rows[r]] === x.sector), types)));
	put('reports invited', view.reports.invited, at(invited, rowCells(range(A), [1, 2])));
	put('reports submitted', view.reports.submitted, at(reports, rowCells(range(A), types)));
	view.months.forEach((x, i) => {
		const v = data.trend[i].metrics.cp_meeting_partner_attendance_pct;
		put(`${x.month} invited`, x.figures.invited, { count: v.denominator ?? 0, key: v.keys?.denominator ?? 0 });
		put(`${x.month} attended`, x.figures.attended, { count: v.numerator ?? 0, key: v.keys?.numerator ?? 0 });
	});
	const h = view.headlines;
	for (const [name, figure, numerator, denominator] of [
		['cpMeetings', h.cpMeetings.figure, at(attended, rowCells(range(A), types)), at(invited, rowCells(range(A), types))],
		['icpc', h.icpc.figure, at(attended, rowCells(range(A), [1])), at(invited, rowCells(range(A), [1]))],
		['reports', h.reports.figure, at(reports, rowCells(range(A), types)), at(invited, rowCells(range(A), [1, 2]))]
	] as const) {
		put(`${name} numerator`, figure.numerator, numerator);
		put(`${name} denominator`, figure.denominator, denominator);
	}
	return out;
}

/** The symbol of every figure of the view, by where it is: what is suppressed, whatever the values. */
function symbols(view: MeetingsView): Record<string, string | null> {
	const out: Record<string, string | null> = {};
	const walk = (v: unknown, path: string) => {
		if (v === null || typeof v !== 'object') return;
		if ('symbol' in v && 'value' in v) out[path] = (v as Shown).symbol;
		for (const [k, child] of Object.entries(v)) walk(child, `${path}.${k}`);
	};
	walk(view, '');
	return out;
}

// ------------------------------------------------------------------ tests

const BASE_SPEC: Spec = {
	agencies: [
		{ code: 'HLT', sector: 'health' },
		{ code: 'VOL', sector: 'voluntary' },
		{ code: 'POL', sector: 'police' },
		{ code: 'SCH', sector: 'education' }
	],
	invited: [
		[20, 12, 10, 30],
		[0, 8, 7, 0],
		[40, 15, 11, 25], // police: one core group missed (25 invited, 24 attended)
		[0, 9, 9, 18]
	],
	attended: [
		[18, 8, 8, 20],
		[0, 6, 6, 0],
		[39, 15, 11, 24],
		[0, 9, 2, 12]
	],
	reports: [
		[0, 10, 8, 0],
		[0, 3, 4, 0],
		[0, 12, 11, 0], // police: all 11 RCPC reports
		[0, 9, 9, 0]
	],
	months: [
		[80, 67],
		[70, 60],
		[64, 51]
	]
};

describe('presentMeetings, from hand-made page data (rules 1 to 6: exact counts)', () => {
	const spec = BASE_SPEC;
	const data = pageData(spec);
	const view = presentMeetings(data, EXACT, OPTIONS);

	it('shows no count from 1 to the threshold, and nothing suppressed can be worked out', () => {
		expect(sum(BASE_SPEC.months.map((x) => x[0]))).toBe(sum(BASE_SPEC.invited.flat()));
		expectSafe(view, spec, 5);
		expectSharesOfShown(view);
	});

	it('the police missed 2 of 91 invitations: c, and so is a figure beside it that would give it away', () => {
		const police = view.agencies.find((a) => a.agency === 'POL')!;
		expect(police.all.absent).toEqual(C);
		// 91 invited beside 89 attended would give the 2 away: 89 is c (the smaller), and both percentages.
		expect(police.all).toEqual({ invited: shown(91), attended: C, attendedPct: C, absent: C, absentPct: C });
		// With the 89 hidden, its row needs another c: the smallest, the RCPCs' 11.
		expect(police.byType.map((f) => f.attended.value ?? f.attended.symbol)).toEqual([39, 15, 'c', 24]);
		// A cell's complement (the one core group missed of 25) is no figure the page shows: the spec leaves it (docs/disclosure.md, Limits).
		expect(police.byType[3]).toEqual({ invited: shown(25), attended: shown(24), attendedPct: shown(96) });
		// The counts behind the heat map, a row per agency and meeting type it was invited to (VOL: ICPCs and RCPCs only).
		const counts = view.charts.byAgency.counts.rows;
		expect(counts.find((r) => r.header === 'Police: core groups')?.cells).toEqual([shown(25), shown(24), shown(96)]);
		expect(counts.find((r) => r.header === 'Police: all child protection meetings')?.cells).toEqual([shown(91), C, C]);
		expect(counts.filter((r) => r.header.startsWith('Charity: ')).map((r) => r.header)).toEqual([
			'Charity: initial conferences (ICPCs)',
			'Charity: review conferences (RCPCs)',
			'Charity: all child protection meetings'
		]);
	});

	it('the headline\'s numerators and denominators are the tables\' totals (one figure, shown or c in both)', () => {
		const h = view.headlines;
		expect(h.cpMeetings.figure.numerator).toEqual(view.all.attended);
		expect(h.cpMeetings.figure.denominator).toEqual(view.all.invited);
		expect(h.icpc.figure.numerator).toEqual(view.types[1].figures.attended);
		expect(h.icpc.figure.denominator).toEqual(view.types[1].figures.invited);
		expect(h.reports.figure.numerator).toEqual(view.reports.submitted);
		expect(h.reports.figure.denominator).toEqual(view.reports.invited);
		// 178 of 214 attended (36 not); ICPCs 38 of 44; reports for 66 of the 81 invitations to conferences.
		expect(h.cpMeetings.figure).toEqual({ value: shown((100 * 178) / 214), numerator: shown(178), denominator: shown(214) });
		expect(view.all).toMatchObject({ absent: shown(36), absentPct: shown((100 * 36) / 214) });
		expect(h.icpc.figure).toEqual({ value: shown((100 * 38) / 44), numerator: shown(38), denominator: shown(44) });
		expect(h.reports.figure).toEqual({ value: shown((100 * 66) / 81), numerator: shown(66), denominator: shown(81) });
	});

	it('the months: the metric\'s value, with the counts as protected', () => {
		expect(view.months.map((x) => [x.month, x.figures.invited.value, x.figures.attended.value])).toEqual([
			['2024-04', 80, 67],
			['2024-05', 70, 60],
			['2024-06', 64, 51]
		]);
		expect(view.months[0].figures.attendedPct).toEqual(shown(83.75));
		expect(view.charts.trend.chart.series[0].points.map((p) => p.value)).toEqual([83.75, (100 * 60) / 70, (100 * 51) / 64]);
		expect(view.charts.trend.table.rows.map((r) => r.header)).toEqual(['Apr 2024', 'May 2024', 'Jun 2024', 'The period']);
	});

	it('sectors: the sum of their agencies, each c where its agency\'s is', () => {
		expect(view.sectors.map((s) => s.label)).toEqual(['Police', 'Health', 'Education', 'Voluntary sector']);
		expect(view.sectors.map((s) => [s.all.invited.value, s.all.attended.value ?? s.all.attended.symbol])).toEqual([
			[91, 'c'],
			[72, 54],
			[36, 23],
			[15, 'c']
		]);
	});

	it('agencies invited but absent: most not attended first, suppressed ones last by name', () => {
		// Not attended: HLT 18, VOL 3 (c), POL 2 (c), SCH 13.
		expect(view.absent.map((a) => [a.name, a.absent.value ?? a.absent.symbol])).toEqual([
			['Health trust', 18],
			['School', 13],
			['Charity', 'c'],
			['Police', 'c']
		]);
		expect(view.charts.absent.table.rows.map((r) => r.header)).toEqual(['Health trust', 'School', 'Charity', 'Police', 'All partner agencies']);
		expect(view.charts.absent.bars.bars.map((b) => b.label)).toEqual(['Health trust', 'School', 'Charity', 'Police']);
		expect(view.charts.absent.bars.order).toBe('given');
	});

	it('reports: invited to conferences (its ICPC and RCPC invitations), submitted, the share of shown counts', () => {
		const police = view.agencies.find((a) => a.agency === 'POL')!;
		expect(police.reports).toEqual({ invited: shown(26), submitted: shown(23), submittedPct: shown((100 * 23) / 26) });
		const vol = view.agencies.find((a) => a.agency === 'VOL')!;
		expect(vol.reports).toEqual({ invited: shown(15), submitted: shown(7), submittedPct: shown((100 * 7) / 15) });
		expect(view.reports).toEqual({ invited: shown(81), submitted: shown(66), submittedPct: shown((100 * 66) / 81) });
	});

	it('a metric that does not count what the tables count is a bug: it throws', () => {
		const wrong = structuredClone(data);
		wrong.figures.icpc_partner_attendance_pct = ratio(37, 44);
		expect(() => presentMeetings(wrong, EXACT, OPTIONS)).toThrow(/icpc_partner_attendance_pct/);
		const months = structuredClone(data);
		months.trend[0].metrics.cp_meeting_partner_attendance_pct = ratio(67, 81);
		expect(() => presentMeetings(months, EXACT, OPTIONS)).toThrow(/do not add up/);
	});
});

describe('under a deployment\'s policy (the cell key method), from hand-made page data with cell keys', () => {
	const spec = BASE_SPEC;
	const data = pageData(spec, 11);
	const view = presentMeetings(data, POLICY, OPTIONS);

	it('policyFrom({}) perturbs', () => {
		expect(POLICY.cellKey).toBe(true);
	});

	it('every count is shown as perturbed(n, key, 5) for its own key; a sum of cells by their keys added', () => {
		const figures = keyedFigures(view, data).filter((f) => isShownValue(f.shown));
		expect(figures.length).toBeGreaterThan(60);
		for (const f of figures) expect(f.shown.value, f.id).toBe(f.count === 0 ? 0 : perturbed(f.count, f.key, 5));
		expect(figures.filter((f) => f.shown.value !== f.count).length).toBeGreaterThan(10);
		// For instance: the health trust's 30 core groups by their own key; its 72 invitations by its row's keys added;
		// all 214 invitations by every cell's; its 18 not attended by its row's invited key less its attended key.
		const [inv, att] = [data.byAgency.invited.keys!, data.byAgency.attended.keys!];
		const hlt = view.agencies.find((a) => a.agency === 'HLT')!;
		expect(hlt.byType[3].invited).toEqual(shown(perturbed(30, inv[0][3]!, 5)));
		expect(hlt.all.invited).toEqual(shown(perturbed(72, cellKeySum(inv[0]), 5)));
		expect(view.all.invited).toEqual(shown(perturbed(214, cellKeySum(inv.flat()), 5)));
		expect(hlt.all.absent).toEqual(shown(perturbed(18, (cellKeySum(inv[0]) - cellKeySum(att[0]) + 256) % 256, 5)));
	});

	it('no count from 1 to 5 shown, no percentage over 100, and nothing suppressed worked out', () => {
		expectSafe(view, spec, 5, false);
		expectSharesOfShown(view);
		expect(percentagesOf(view).length).toBeGreaterThan(30);
	});

	it('suppression is decided on the true counts: the same figures as without the method', () => {
		expect(symbols(view)).toEqual(symbols(presentMeetings(data, EXACT, OPTIONS)));
		const police = view.agencies.find((a) => a.agency === 'POL')!;
		expect(police.all).toMatchObject({ attended: C, attendedPct: C, absent: C, absentPct: C });
	});

	it('the headlines: the tables\' figures (the same rows, the same keys), the value of the perturbed counts', () => {
		const h = view.headlines;
		expect(h.cpMeetings.figure.numerator).toEqual(view.all.attended);
		expect(h.cpMeetings.figure.denominator).toEqual(view.all.invited);
		expect(h.icpc.figure.denominator).toEqual(view.types[1].figures.invited);
		expect(h.reports.figure.numerator).toEqual(view.reports.submitted);
		const [n, d] = [view.all.attended.value!, view.all.invited.value!];
		expect(h.cpMeetings.figure.value).toEqual(shown((100 * Math.min(n, d)) / d));
		// A metric whose keys are not the tables' (other rows) is a bug: it throws.
		const wrong = structuredClone(data);
		wrong.figures.icpc_partner_attendance_pct.keys!.denominator = (wrong.figures.icpc_partner_attendance_pct.keys!.denominator! + 1) % 256;
		expect(() => presentMeetings(wrong, POLICY, OPTIONS)).toThrow(/icpc_partner_attendance_pct: the metric's cell keys/);
		// Without the method the keys are not asked for.
		expect(() => presentMeetings(wrong, EXACT, OPTIONS)).not.toThrow();
	});

	it('a share is of the perturbed counts, a part capped at its whole: 100% where the part is shown above its whole', () => {
		// The police attended 39 of 40 strategy discussions: some keys show the 39 above the 40.
		let found = 0;
		for (let seed = 0; seed < 400 && found < 3; seed++) {
			const d = pageData(spec, seed);
			const f = presentMeetings(d, POLICY, OPTIONS).agencies.find((a) => a.agency === 'POL')!.byType[0];
			const [a, i] = [f.attended.value!, f.invited.value!];
			expect(a).toBe(perturbed(39, d.byAgency.attended.keys![2][0]!, 5));
			expect(i).toBe(perturbed(40, d.byAgency.invited.keys![2][0]!, 5));
			expect(f.attendedPct).toEqual(shown((100 * Math.min(a, i)) / i));
			if (a > i) {
				expect(f.attendedPct).toEqual(shown(100));
				found++;
			}
		}
		expect(found).toBe(3);
	});

	it('a count without its key is refused, not shown unperturbed', () => {
		expect(() => presentMeetings(pageData(spec), POLICY, OPTIONS)).toThrow(/cell key/);
	});
});

describe('the order of agencies invited but absent never depends on a suppressed value', () => {
	// VOL misses `vol` ICPCs and 1 RCPC; the police `pol` strategy discussions and 1 core group.
	const spec = (vol: number, pol: number): Spec => ({
		...BASE_SPEC,
		attended: BASE_SPEC.attended.map((row, r) => row.map((n, c) => (r === 1 && c === 1 ? 8 - vol : r === 2 && c === 0 ? 40 - pol : n))),
		months: [
			[80, 67 + 3 - vol - pol],
			[70, 60],
			[64, 51]
		]
	});

	it('two pages whose suppressed counts differ (VOL 3 and police 5, or VOL 5 and police 3) list them in the same order', () => {
		const a = presentMeetings(pageData(spec(2, 4), 1), POLICY, OPTIONS);
		const b = presentMeetings(pageData(spec(4, 2), 1), POLICY, OPTIONS);
		expect(a.absent.map((r) => r.absent.symbol)).toEqual([null, null, 'c', 'c']);
		expect(b.absent.map((r) => r.absent.symbol)).toEqual([null, null, 'c', 'c']);
		expect(a.absent.map((r) => r.agency)).toEqual(b.absent.map((r) => r.agency));
		expect(a.absent.map((r) => r.agency)).toEqual(['HLT', 'SCH', 'VOL', 'POL']);
		// Unsuppressed, the order follows the counts: the police (5) before VOL (3), then the other way.
		const unsuppressed = { threshold: 5, profile: 'unsuppressed' } as const;
		expect(presentMeetings(pageData(spec(2, 4)), unsuppressed, OPTIONS).absent.map((r) => r.agency)).toEqual(['HLT', 'SCH', 'POL', 'VOL']);
		expect(presentMeetings(pageData(spec(4, 2)), unsuppressed, OPTIONS).absent.map((r) => r.agency)).toEqual(['HLT', 'SCH', 'VOL', 'POL']);
	});

	const shownArb: fc.Arbitrary<Shown> = fc.oneof(
		fc.integer({ min: 0, max: 50 }).map((v) => shown(v)),
		fc.constant(C),
		fc.constant<Shown>({ value: null, symbol: 'z' })
	);
	const rowArb = fc.record({ agency: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), name: fc.constantFrom('Police', 'Health', 'School', 'Charity'), invited: shownArb, absent: shownArb, share: shownArb });

	it('property: any two rows are in the order of their shown figures; a hidden value, whatever it is, moves nothing', () => {
		fc.assert(
			fc.property(fc.uniqueArray(rowArb, { selector: (r) => r.agency, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 6, maxLength: 6 }), (rows, hiddenValues) => {
				const ordered = orderByShown(rows);
				expect(ordered.map((r) => r.agency).sort()).toEqual(rows.map((r) => r.agency).sort());
				const key = (s: Shown) => (isShownValue(s) ? (s.value as number) : -Infinity);
				for (let i = 1; i < ordered.length; i++) {
					const [p, q] = [ordered[i - 1], ordered[i]];
					expect(key(p.absent)).toBeGreaterThanOrEqual(key(q.absent));
					if (key(p.absent) === key(q.absent)) {
						expect(key(p.share)).toBeGreaterThanOrEqual(key(q.share));
						if (key(p.share) === key(q.share)) expect(p.name.localeCompare(q.name, 'en-GB')).toBeLessThanOrEqual(0);
					}
				}
				// The same rows with values behind their symbols (as a careless page would carry them): the same order.
				const withHidden: AbsentRow[] = rows.map((r, i) => ({
					...r,
					absent: r.absent.symbol ? { ...r.absent, hidden: hiddenValues[i] } : r.absent,
					share: r.share.symbol ? { ...r.share, hidden: hiddenValues[5 - i] } : r.share
				}));
				expect(orderByShown(withHidden).map((r) => r.agency)).toEqual(ordered.map((r) => r.agency));
				// Nor does the order the rows come in.
				expect(orderByShown([...rows].reverse()).map((r) => r.agency)).toEqual(ordered.map((r) => r.agency));
			}),
			{ numRuns: 400 }
		);
	});
});

describe('random pages', () => {
	for (const threshold of [3, 5, 10]) {
		it(`threshold ${threshold}, perturbed by random keys: no small count shown or worked out; percentages only of shown counts, none over 100`, () => {
			const policy: DisclosurePolicy = policyFrom({ threshold });
			expect(policy.cellKey).toBe(true);
			const rand = random(200 + threshold);
			let shares = 0;
			let moved = 0;
			for (let i = 0; i < 150; i++) {
				const spec = randomSpec(rand);
				const data = pageData(spec, Math.floor(rand() * 2 ** 31));
				const view = presentMeetings(data, policy, OPTIONS);
				expectSafe(view, spec, threshold, false);
				expectSharesOfShown(view);
				for (const f of keyedFigures(view, data)) {
					if (!isShownValue(f.shown)) continue;
					expect(f.shown.value, f.id).toBe(f.count === 0 ? 0 : perturbed(f.count, f.key, threshold));
					if (f.shown.value !== f.count) moved++;
				}
				// Suppression is decided on the true counts: the same as without the method.
				expect(symbols(view)).toEqual(symbols(presentMeetings(data, { ...policy, cellKey: false }, OPTIONS)));
				shares += view.agencies.flatMap((a) => a.byType).filter((f) => isShownValue(f.attendedPct)).length;
			}
			// Not everything suppressed, and the perturbation moves counts.
			expect(shares).toBeGreaterThan(100);
			expect(moved).toBeGreaterThan(100);
		});
	}

	it('(the search finds what a shown "attended" beside a shown "invited" gives away)', () => {
		const spec = BASE_SPEC;
		const view = structuredClone(presentMeetings(pageData(spec), EXACT, OPTIONS));
		const police = view.agencies.find((a) => a.agency === 'POL')!;
		police.all.invited = shown(91);
		police.all.attended = shown(89);
		const { revealed } = attack(view, spec);
		expect(revealed.get('B:2,T')).toBe(2);
	});
});

describe('under the publication profile', () => {
	it('every count shown is a multiple of 5, every percentage a whole number', () => {
		const view = presentMeetings(pageData(BASE_SPEC, 3), policyFrom({ profile: 'publication' }), OPTIONS);
		const attendances = [view.all, ...view.types.map((t) => t.figures), ...view.agencies.flatMap((a) => [...a.byType, a.all]), ...view.months.map((x) => x.figures)];
		const counts = [...attendances.flatMap((f) => [f.invited, f.attended]), ...view.absent.map((a) => a.absent), view.all.absent].filter(isShownValue);
		expect(counts.length).toBeGreaterThan(0);
		expect(counts.filter((s) => (s.value as number) % 5 !== 0)).toEqual([]);
		const shares = [...attendances.map((f) => f.attendedPct), ...view.absent.map((a) => a.share)].filter(isShownValue);
		expect(shares.filter((s) => !Number.isInteger(s.value))).toEqual([]);
		expect(Number.isInteger(view.headlines.cpMeetings.figure.value.value)).toBe(true);
	});
});

describe('unsuppressed (an analyst who switched)', () => {
	it('nothing is c', () => {
		const view = presentMeetings(pageData(BASE_SPEC), { threshold: 5, profile: 'unsuppressed' }, OPTIONS);
		expect(JSON.stringify(view)).not.toContain('"symbol":"c"');
		expect(view.absent.map((a) => a.absent.value)).toEqual([18, 13, 3, 2]);
		expect(view.absent.map((a) => a.name)).toEqual(['Health trust', 'School', 'Charity', 'Police']);
	});
});

describe('presentMeetings, from a warehouse', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				meetings: [meeting('m1', K1, 'icpc', '2024-04-10'), meeting('m2', K3, 'core_group', '2024-04-20')],
				meeting_attendance: [
					{ ...attendance('m1', 'POL', true, true), report_submitted: true },
					{ ...attendance('m1', 'HLT', true, false), report_submitted: null },
					attendance('m2', 'POL', true, false),
					attendance('m2', 'CSC', true, true)
				]
			})
		);
	});
	afterAll(async () => t.dispose());

	it('every count is small here: c, zeros 0, percentages c or z', async () => {
		const data = await meetingsPage(t.warehouse, { from: '2024-04-01', to: '2024-04-30' });
		const view = presentMeetings(data, POLICY, OPTIONS);
		expect(view.all).toEqual({ invited: C, attended: C, absent: C, attendedPct: C, absentPct: C });
		expect(view.headlines.cpMeetings.figure).toEqual({ value: C, numerator: C, denominator: C });
		expect(view.types[0].figures).toEqual({ invited: shown(0), attended: shown(0), attendedPct: { value: null, symbol: 'z' } });
		expect(view.absent.map((a) => a.agency)).toEqual(['HLT', 'POL']); // both c: by name (Health trust, Police)
		expect(smallNumbers(view, 5)).toEqual([]);
		expect(smallInTables(view, 5)).toEqual([]);
	});
});
