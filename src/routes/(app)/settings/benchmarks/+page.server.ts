import { can } from '$lib/server/auth/roles.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { METRICS } from '$lib/server/metrics/registry.ts';
import { deleteBenchmark, listSettingsRows } from '$lib/server/settings-edit/edit.ts';
import { done, idOf, refused, saveRow } from '../settings-actions.server.ts';
import type { Actions, PageServerLoad } from './$types';

const HOW = ['created', 'edited', 'unchanged', 'deleted'] as const;

/**
 * Benchmarks (published comparators): everyone reads them; leads, analysts and admins
 * (enter_benchmarks) add, change and delete them. `?edit=<id>` shows a benchmark's edit form,
 * `?delete=<id>` asks to confirm its deletion; `?saved=<id>&how=…` says what was just done.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const canEdit = can(locals.user!.role, 'enter_benchmarks');
	const rows = await listSettingsRows(await serverWarehouse(), 'benchmarks');
	const benchmarks = rows.map((r) => ({
		id: r.benchmark_id!,
		metric: r.metric ?? '',
		label: r.label ?? '',
		periodStart: r.period_start ?? '',
		periodEnd: r.period_end ?? '',
		value: r.value ?? '',
		source: r.source,
		values: r
	}));
	const find = (name: string) => {
		const id = url.searchParams.get(name);
		return canEdit && id ? (benchmarks.find((b) => b.id === id) ?? null) : null;
	};
	const savedId = url.searchParams.get('saved');
	const how = HOW.find((h) => h === url.searchParams.get('how')) ?? null;
	const saved = savedId && how && (how === 'deleted' ? /^[A-Za-z0-9_-]{1,64}$/.test(savedId) : benchmarks.some((b) => b.id === savedId)) ? { id: savedId, how } : null;
	return {
		benchmarks,
		metrics: METRICS.map((m) => ({ key: m.key, title: m.title, unit: m.unit })),
		canEdit,
		editing: find('edit'),
		deleting: find('delete'),
		saved,
		filtersIgnored: "benchmarks are the partnership's settings: each covers its own period"
	};
};

export const actions: Actions = {
	create: (event) => saveRow(event, 'benchmarks', 'create'),
	edit: (event) => saveRow(event, 'benchmarks', 'edit'),
	delete: async (event) => {
		const named = await idOf(event, 'benchmarks', 'delete');
		if (!named.ok) return named.refusal;
		const { id } = named;
		if (id === null) return refused('delete', {}, { fieldErrors: {}, formErrors: ['No benchmark was given to delete.'] });
		const result = await deleteBenchmark(await serverWarehouse(), id);
		if (!result.ok) return refused('delete', {}, result);
		return done(event, 'benchmarks', 'deleted', result);
	}
};
