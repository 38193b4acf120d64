/** Editing priorities and benchmarks one row at a time, through the settings import's own rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPriorities } from '../dashboard/settings.ts';
import { BASE } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { exportSettings } from '../settings/settings.ts';
import { query } from '../warehouse/warehouse.ts';
import {
	createSettingsRow,
	deleteBenchmark,
	editSettingsRow,
	formColumns,
	listSettingsRows,
	MAX_FIELD_LENGTH,
	parseSettingsForm,
	plainNumber,
	readSettingsRow,
	retirePriority
} from './edit.ts';

const PRIORITY = {
	priority_id: '',
	title: 'Decisions within a working day',
	metric: 'referral_decision_1wd_pct',
	target: '90',
	direction: 'higher_is_better',
	starts_on: '2025-04-01',
	ends_on: '2026-03-31',
	owner_agency_code: 'CSC'
};

const BENCHMARK = {
	benchmark_id: '',
	metric: 'referrals_per_10k',
	label: 'England 2024-25',
	period_start: '2024-04-01',
	period_end: '2025-03-31',
	value: '512.5',
	source: 'DfE, Children in need 2025'
};

function values(table: 'priorities' | 'benchmarks', form: Record<string, string>) {
	const parsed = parseSettingsForm(table, form);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed));
	return parsed.values;
}

let t: TestWarehouse;
beforeAll(async () => {
	t = await createTestWarehouse({ agencies: BASE.agencies });
});
afterAll(async () => {
	await t?.dispose();
});

describe('the settings form', () => {
	it('reads only the form columns, trimmed, empty as null', () => {
		const fd = new FormData();
		fd.set('title', '  A title ');
		fd.set('target', '');
		fd.set('retired_on', '2025-01-01');
		fd.set('other', 'x');
		const parsed = parseSettingsForm('priorities', fd);
		expect(parsed).toEqual({
			ok: true,
			values: { priority_id: null, title: 'A title', metric: null, target: null, direction: null, starts_on: null, ends_on: null, owner_agency_code: null }
		});
		expect(formColumns('priorities')).not.toContain('retired_on');
		expect(formColumns('benchmarks')).toContain('source');
	});

	it('refuses a field that is not text or is too long, by field', () => {
		const fd = new FormData();
		fd.set('title', 'x'.repeat(MAX_FIELD_LENGTH + 1));
		fd.set('label', new Blob(['a']));
		expect(parseSettingsForm('priorities', fd)).toMatchObject({ ok: false, fieldErrors: { title: [`longer than ${MAX_FIELD_LENGTH} characters`] } });
		expect(parseSettingsForm('benchmarks', fd)).toMatchObject({ ok: false, fieldErrors: { label: ['not text'] } });
	});

	it('writes numbers as the import reads them: plain decimals', () => {
		expect(plainNumber(90)).toBe('90');
		expect(plainNumber(-0)).toBe('0');
		expect(plainNumber(1e21)).toBe('1000000000000000000000');
		expect(plainNumber(0.1 + 0.2)).toBe('0.3');
		expect(plainNumber(1e-7)).toBe('0.0000001');
		expect(plainNumber(-12.5)).toBe('-12.5');
	});
});

describe('priorities', () => {
	it('are created with the next free id, and every field is recorded as changed', async () => {
		const r1 = await createSettingsRow(t.warehouse, 'priorities', values('priorities', PRIORITY));
		expect(r1).toMatchObject({ ok: true, id: 'P01', changed: { priority_id: { from: null, to: 'P01' }, target: { from: null, to: '90' } } });
		expect(r1.ok && 'retired_on' in r1.changed).toBe(false);
		const r2 = await createSettingsRow(t.warehouse, 'priorities', values('priorities', { ...PRIORITY, owner_agency_code: '' }));
		expect(r2).toMatchObject({ ok: true, id: 'P02' });
		const listed = await listPriorities(t.warehouse);
		expect(listed.map((p) => [p.priority_id, p.target, p.owner_agency_code, p.retired_on])).toEqual([
			['P01', 90, 'CSC', null],
			['P02', 90, null, null]
		]);
	});

	it('take a given id, and refuse one that is taken (nothing overwritten)', async () => {
		const given = await createSettingsRow(t.warehouse, 'priorities', values('priorities', { ...PRIORITY, priority_id: 'P10', target: '75.5' }));
		expect(given).toMatchObject({ ok: true, id: 'P10' });
		const taken = await createSettingsRow(t.warehouse, 'priorities', values('priorities', { ...PRIORITY, priority_id: 'P01', target: '5' }));
		expect(taken).toEqual({ ok: false, fieldErrors: { priority_id: ['a priority with this id exists already'] }, formErrors: [] });
		expect((await readSettingsRow(t.warehouse, 'priorities', 'P01'))?.target).toBe('90');
		// The next free number follows the highest.
		expect(await createSettingsRow(t.warehouse, 'priorities', values('priorities', PRIORITY))).toMatchObject({ id: 'P11' });
	});

	it('are refused by the import\'s own rules, each reason under its field', async () => {
		const bad = await createSettingsRow(
			t.warehouse,
			'priorities',
			values('priorities', {
				...PRIORITY,
				priority_id: 'bad id!',
				title: 'x'.repeat(201),
				metric: 'no_such_metric',
				target: '1e3',
				direction: 'up',
				starts_on: '2026-04-01',
				ends_on: '2026-03-31',
				owner_agency_code: 'NOPE'
			})
		);
		expect(bad.ok).toBe(false);
		if (bad.ok) return;
		expect(bad.formErrors).toEqual([]);
		expect(Object.keys(bad.fieldErrors).sort()).toEqual(['direction', 'ends_on', 'metric', 'owner_agency_code', 'priority_id', 'target', 'title']);
		expect(bad.fieldErrors.title).toEqual(['longer than 200 characters']);
		expect(bad.fieldErrors.ends_on).toEqual(['before starts_on']);
		expect(bad.fieldErrors.target[0]).toMatch(/^not a number/);
		expect(bad.fieldErrors.owner_agency_code[0]).toMatch(/^no such agency/);
		const empty = await createSettingsRow(t.warehouse, 'priorities', values('priorities', {}));
		expect(empty).toMatchObject({ ok: false, fieldErrors: { title: ['required, but empty'], target: ['required, but empty'] } });
		expect((await listPriorities(t.warehouse)).map((p) => p.priority_id)).toEqual(['P01', 'P02', 'P10', 'P11']);
	});

	it('are edited (the form\'s columns only) with what changed, and a bad edit leaves the row', async () => {
		const edited = await editSettingsRow(t.warehouse, 'priorities', 'P01', values('priorities', { ...PRIORITY, target: '92.5', title: 'Decisions, one working day' }));
		expect(edited).toEqual({
			ok: true,
			id: 'P01',
			changed: { title: { from: 'Decisions within a working day', to: 'Decisions, one working day' }, target: { from: '90', to: '92.5' } }
		});
		const same = await editSettingsRow(t.warehouse, 'priorities', 'P01', values('priorities', { ...PRIORITY, target: '92.50', title: 'Decisions, one working day' }));
		expect(same).toEqual({ ok: true, id: 'P01', changed: {} });
		const bad = await editSettingsRow(t.warehouse, 'priorities', 'P01', values('priorities', { ...PRIORITY, ends_on: '2024-01-01' }));
		expect(bad).toMatchObject({ ok: false, fieldErrors: { ends_on: ['before starts_on'] } });
		expect((await readSettingsRow(t.warehouse, 'priorities', 'P01'))?.target).toBe('92.5');
		expect(await editSettingsRow(t.warehouse, 'priorities', 'P99', values('priorities', PRIORITY))).toMatchObject({
			ok: false,
			formErrors: ['There is no priority P99: it may have been removed.']
		});
	});

	it('are retired once, and an edit keeps the retirement', async () => {
		expect(await retirePriority(t.warehouse, 'P02', '2025-06-30')).toEqual({ ok: true, id: 'P02', changed: { retired_on: { from: null, to: '2025-06-30' } } });
		expect(await retirePriority(t.warehouse, 'P02', '2025-07-01')).toMatchObject({ ok: false, formErrors: ['Priority P02 was retired on 2025-06-30 already.'] });
		expect(await retirePriority(t.warehouse, 'P98', '2025-07-01')).toMatchObject({ ok: false });
		await editSettingsRow(t.warehouse, 'priorities', 'P02', values('priorities', { ...PRIORITY, target: '80' }));
		expect(await readSettingsRow(t.warehouse, 'priorities', 'P02')).toMatchObject({ target: '80', retired_on: '2025-06-30' });
		expect((await listPriorities(t.warehouse, { activeOn: '2025-07-01' })).map((p) => p.priority_id)).toEqual(['P01', 'P10', 'P11']);
	});

	it('are listed as text, by start date then id', async () => {
		const rows = await listSettingsRows(t.warehouse, 'priorities');
		expect(rows.map((r) => r.priority_id)).toEqual(['P01', 'P02', 'P10', 'P11']);
		expect(rows[2]).toMatchObject({ target: '75.5', starts_on: '2025-04-01', retired_on: null });
	});

	it('are exported as they were entered', async () => {
		const { csv } = await exportSettings(t.warehouse, 'priorities');
		expect(csv.split('\n')[1]).toBe('P01,"Decisions, one working day",referral_decision_1wd_pct,92.5,higher_is_better,2025-04-01,2026-03-31,CSC,');
	});
});

describe('benchmarks', () => {
	it('are created, edited and deleted', async () => {
		const created = await createSettingsRow(t.warehouse, 'benchmarks', values('benchmarks', BENCHMARK));
		expect(created).toMatchObject({ ok: true, id: 'B01', changed: { value: { from: null, to: '512.5' } } });
		const edited = await editSettingsRow(t.warehouse, 'benchmarks', 'B01', values('benchmarks', { ...BENCHMARK, source: '' }));
		expect(edited).toEqual({ ok: true, id: 'B01', changed: { source: { from: 'DfE, Children in need 2025', to: null } } });
		const bad = await editSettingsRow(t.warehouse, 'benchmarks', 'B01', values('benchmarks', { ...BENCHMARK, value: 'lots', period_end: '' }));
		expect(bad).toMatchObject({ ok: false, fieldErrors: { value: [expect.stringMatching(/^not a number/)], period_end: ['required, but empty'] } });
		const deleted = await deleteBenchmark(t.warehouse, 'B01');
		expect(deleted).toMatchObject({ ok: true, id: 'B01', changed: { benchmark_id: { from: 'B01', to: null } } });
		expect(await deleteBenchmark(t.warehouse, 'B01')).toMatchObject({ ok: false });
		const rows = await t.warehouse.read((conn) => query(conn, 'SELECT * FROM benchmarks'));
		expect(rows).toEqual([]);
	});

	it('leave nothing behind in the staging directory', async () => {
		const { readdirSync } = await import('node:fs');
		expect(readdirSync(t.warehouse.stagingDir).filter((f) => f.startsWith('settings'))).toEqual([]);
	});
});
