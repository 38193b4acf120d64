import { can } from '$lib/server/auth/roles.ts';
import { londonToday } from '$lib/server/dashboard/period.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import { METRICS } from '$lib/server/metrics/registry.ts';
import { DIRECTIONS } from '$lib/server/schema/codes.ts';
import { listSettingsRows, retirePriority } from '$lib/server/settings-edit/edit.ts';
import { done, idOf, refused, saveRow } from '../settings-actions.server.ts';
import type { Actions, PageServerLoad } from './$types';

const HOW = ['created', 'edited', 'unchanged', 'retired'] as const;

/**
 * The partnership's priorities: everyone reads them; leads (edit_priorities) add, edit and
 * retire them. `?edit=<id>` shows a priority's edit form, `?retire=<id>` asks to confirm its
 * retirement; `?saved=<id>&how=…` says what was just done.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const canEdit = can(locals.user!.role, 'edit_priorities');
	const today = londonToday();
	const rows = await listSettingsRows(await serverWarehouse(), 'priorities');
	const priorities = rows.map((r) => ({
		id: r.priority_id!,
		title: r.title ?? '',
		metric: r.metric ?? '',
		target: r.target ?? '',
		direction: r.direction ?? '',
		startsOn: r.starts_on ?? '',
		endsOn: r.ends_on ?? '',
		owner: r.owner_agency_code,
		retiredOn: r.retired_on,
		retired: r.retired_on !== null && r.retired_on <= today,
		values: r
	}));
	const find = (name: string) => {
		const id = url.searchParams.get(name);
		return canEdit && id ? (priorities.find((p) => p.id === id) ?? null) : null;
	};
	const savedId = url.searchParams.get('saved');
	const how = HOW.find((h) => h === url.searchParams.get('how')) ?? null;
	const saved = savedId && how && priorities.some((p) => p.id === savedId) ? { id: savedId, how } : null;
	const retiring = find('retire');
	return {
		priorities,
		metrics: METRICS.map((m) => ({ key: m.key, title: m.title, unit: m.unit })),
		directions: [...DIRECTIONS],
		canEdit,
		editing: find('edit'),
		retiring: retiring && !retiring.retiredOn ? retiring : null,
		saved,
		today,
		filtersIgnored: "priorities are the partnership's settings: each has its own period"
	};
};

export const actions: Actions = {
	create: (event) => saveRow(event, 'priorities', 'create'),
	edit: (event) => saveRow(event, 'priorities', 'edit'),
	retire: async (event) => {
		const named = await idOf(event, 'priorities', 'retire');
		if (!named.ok) return named.refusal;
		const { id } = named;
		if (id === null) return refused('retire', {}, { fieldErrors: {}, formErrors: ['No priority was given to retire.'] });
		const result = await retirePriority(await serverWarehouse(), id, londonToday());
		if (!result.ok) return refused('retire', {}, result);
		return done(event, 'priorities', 'retired', result);
	}
};
