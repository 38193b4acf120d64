/** The audits page over April to June 2024. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, audit, expectMetric, extract, K1, K2, K3 } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { cellKeySum } from '../disclosure/index.ts';
import type { CountTable } from '../disclosure/types.ts';
import { query } from '../warehouse/warehouse.ts';
import { auditsPage } from './audits.ts';

const Q2 = { from: '2024-04-01', to: '2024-06-30' };

const finding = (audit_id: string, agency_code: string, criterion: string, grade: string) => ({ audit_id, agency_code, criterion, grade });

const DATA = extract({
	audits: [
		audit('au1', K1, '2024-04-10', 'good'), // A1
		{ ...audit('au2', K3, '2024-05-15', 'requires_improvement'), theme: 'domestic_abuse' }, // A2
		audit('au3', null, '2024-05-20', 'outstanding'), // no child
		audit('au4', K2, '2024-07-01', 'inadequate') // July: out
	],
	audit_findings: [
		finding('au1', 'POL', 'information_sharing', 'good'),
		finding('au1', 'HLT', 'information_sharing', 'inadequate'),
		finding('au1', 'POL', 'planning', 'outstanding'),
		finding('au2', 'POL', 'information_sharing', 'requires_improvement'),
		finding('au2', 'CSC', 'risk_assessment', 'good'),
		finding('au3', 'HLT', 'voice_of_child', 'good'),
		finding('au4', 'POL', 'information_sharing', 'good') // its audit is out
	],
	audit_actions: [
		action('ac1', 'au1', 'POL', '2024-04-30', '2024-04-29'), // on time
		action('ac2', 'au1', 'HLT', '2024-05-31', '2024-06-02'), // completed late
		action('ac3', 'au2', 'POL', '2024-06-15', null), // not completed
		action('ac4', 'au4', 'CSC', '2024-06-20', '2024-06-20'), // due in the period (its audit is not): on time
		action('ac5', 'au1', 'POL', '2024-07-15', null) // due in July: out
	]
});

/** Non-zero cells as `row/column: count`. */
function cells(table: CountTable): Record<string, number | null> {
	return Object.fromEntries(table.rows.flatMap((r, i) => table.columns.flatMap((c, j) => (table.counts[i][j] ? [[`${r}/${c}`, table.counts[i][j]]] : []))));
}

describe('auditsPage', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('figures', async () => {
		const { figures } = await auditsPage(t.warehouse, Q2);
		expectMetric(figures.audits_good_or_better_pct, { value: 200 / 3, numerator: 2, denominator: 3 });
		expectMetric(figures.audit_actions_on_time_pct, { value: 50, numerator: 2, denominator: 4 });
	});

	it('grades by month and by theme', async () => {
		const page = await auditsPage(t.warehouse, Q2);
		expect(page.gradesByMonth).toMatchObject({
			rows: ['2024-04', '2024-05', '2024-06'],
			columns: ['outstanding', 'good', 'requires_improvement', 'inadequate'],
			counts: [
				[0, 1, 0, 0],
				[1, 0, 1, 0],
				[0, 0, 0, 0]
			],
			rowTotals: true,
			columnTotals: true
		});
		expect(page.gradesByTheme).toMatchObject({
			rows: ['domestic_abuse', 'neglect'],
			counts: [
				[0, 0, 1, 0],
				[1, 1, 0, 0]
			]
		});
	});

	it('findings by criterion and agency: good or better, and all', async () => {
		const { findings } = await auditsPage(t.warehouse, Q2);
		expect(findings.findings.columns).toEqual(['CSC', 'HLT', 'POL']);
		expect(findings.findings.rows).toHaveLength(7); // every criterion
		expect(findings.findings).toMatchObject({ rowTotals: true, columnTotals: true });
		expect(cells(findings.findings)).toEqual({
			'information_sharing/HLT': 1,
			'information_sharing/POL': 2,
			'risk_assessment/CSC': 1,
			'planning/POL': 1,
			'voice_of_child/HLT': 1
		});
		expect(cells(findings.goodOrBetter)).toEqual({
			'information_sharing/POL': 1,
			'risk_assessment/CSC': 1,
			'planning/POL': 1,
			'voice_of_child/HLT': 1
		});
	});

	it('actions due, and overdue, by owner', async () => {
		const { actions } = await auditsPage(t.warehouse, Q2);
		expect(actions).toMatchObject({
			rows: ['CSC', 'HLT', 'POL'],
			columns: ['on_time', 'completed_late', 'not_completed'],
			counts: [
				[1, 0, 0],
				[0, 1, 0],
				[1, 0, 1]
			],
			rowTotals: true,
			columnTotals: true
		});
	});

	it('each count with its cell key; the headlines\' counts keyed as the tables\' figures that count the same rows', async () => {
		const keyOf = async (table: string, column: string, ids: string[]) =>
			(await t.warehouse.read((conn) => query<{ k: number }>(conn, `SELECT CAST(sum(d_record_key) % 256 AS INTEGER) AS k FROM ${table} WHERE ${column} IN (${ids.map((i) => `'${i}'`).join(', ')})`)))[0].k;
		const page = await auditsPage(t.warehouse, Q2);
		const all = (keys: (number | null)[][] | undefined) => cellKeySum((keys ?? []).flat());
		const columns = (keys: (number | null)[][] | undefined, cs: number[]) => cellKeySum((keys ?? []).flatMap((row) => cs.map((c) => row[c])));
		const f = page.figures;
		// Audits: au1 (good), au2 (requires improvement), au3 (outstanding).
		expect(f.audits_good_or_better_pct.keys?.denominator).toBe(await keyOf('audits', 'audit_id', ['au1', 'au2', 'au3']));
		for (const table of [page.gradesByMonth, page.gradesByTheme]) expect(all(table?.keys)).toBe(f.audits_good_or_better_pct.keys?.denominator);
		expect(f.audits_good_or_better_pct.keys?.numerator).toBe(await keyOf('audits', 'audit_id', ['au1', 'au3']));
		expect(columns(page.gradesByMonth?.keys, [0, 1])).toBe(f.audits_good_or_better_pct.keys?.numerator);
		// Actions due: ac1 to ac4; on time: ac1, ac4.
		expect(all(page.actions.keys)).toBe(f.audit_actions_on_time_pct.keys?.denominator);
		expect(f.audit_actions_on_time_pct.keys?.denominator).toBe(await keyOf('audit_actions', 'action_id', ['ac1', 'ac2', 'ac3', 'ac4']));
		expect(columns(page.actions.keys, [0])).toBe(await keyOf('audit_actions', 'action_id', ['ac1', 'ac4']));
		expect(columns(page.actions.keys, [0])).toBe(f.audit_actions_on_time_pct.keys?.numerator);
		// Findings: information sharing × POL is two findings of au1 and au2, one of them good.
		const [r, c] = [page.findings.findings.rows.indexOf('information_sharing'), page.findings.findings.columns.indexOf('POL')];
		const finding = async (where: string) =>
			(await t.warehouse.read((conn) => query<{ k: number }>(conn, `SELECT CAST(sum(d_record_key) % 256 AS INTEGER) AS k FROM audit_findings WHERE agency_code = 'POL' AND criterion = 'information_sharing' AND ${where}`)))[0].k;
		expect(page.findings.findings.keys?.[r][c]).toBe(await finding(`audit_id IN ('au1', 'au2')`));
		expect(page.findings.goodOrBetter.keys?.[r][c]).toBe(await finding(`audit_id = 'au1'`));
	});

	it('under an agency filter: its findings and actions; overall grades not applicable', async () => {
		const page = await auditsPage(t.warehouse, { ...Q2, agency: 'POL' });
		expect(page.gradesByMonth).toBeNull();
		expect(page.gradesByTheme).toBeNull();
		expect(page.figures.audits_good_or_better_pct.status).toBe('z');
		expect(cells(page.findings.findings)).toEqual({ 'information_sharing/POL': 2, 'planning/POL': 1 });
		expect(page.actions).toMatchObject({ rows: ['POL'], counts: [[1, 0, 1]] });
	});

	it('under a sector filter: findings of that sector\'s agencies', async () => {
		const page = await auditsPage(t.warehouse, { ...Q2, sector: 'health' });
		expect(cells(page.findings.findings)).toEqual({ 'information_sharing/HLT': 1, 'voice_of_child/HLT': 1 });
	});

	it('under an area filter: findings and actions follow their audit\'s child', async () => {
		const page = await auditsPage(t.warehouse, { ...Q2, area: 'A1' });
		expect(page.gradesByMonth?.counts).toEqual([
			[0, 1, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 0]
		]);
		expect(cells(page.findings.findings)).toEqual({ 'information_sharing/HLT': 1, 'information_sharing/POL': 1, 'planning/POL': 1 });
		// ac1, ac2 (au1, K1) and ac4 (au4, K2): A1's children.
		expect(page.actions).toMatchObject({ rows: ['CSC', 'HLT', 'POL'], counts: [[1, 0, 0], [0, 1, 0], [1, 0, 0]] });
	});
});
