/**
 * The settings pages' form actions, shared by priorities and benchmarks. The access rule
 * (hooks.server.ts) has let through only a role that may make the change. A row is checked
 * and stored by the settings import's own rules ($lib/server/settings-edit/edit.ts); each
 * change is written to the audit log with the id and what changed. On success the page is
 * shown again (303) saying what was done; a refusal shows the form again with each reason
 * beside its field. A body that is not a form (http/form.ts) is refused the same way (400, or
 * 413 when too large), its reason in the summary.
 */
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { readForm, type FormRead } from '$lib/server/http/form.ts';
import { auditRequest } from '$lib/server/http/session.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';
import {
	createSettingsRow,
	editSettingsRow,
	formColumns,
	parseSettingsForm,
	type SaveResult,
	type SettingsValues
} from '$lib/server/settings-edit/edit.ts';
import type { SettingsTable } from '$lib/server/settings/settings.ts';

export type FormAction = 'create' | 'edit' | 'retire' | 'delete';

const PAGE: Record<SettingsTable, { path: string; noun: string; key: string }> = {
	priorities: { path: '/settings/priorities', noun: 'priority', key: 'priority_id' },
	benchmarks: { path: '/settings/benchmarks', noun: 'benchmark', key: 'benchmark_id' }
};

/** What a refused form gets back: the values as sent, and the reasons. */
export function refused(action: FormAction, values: SettingsValues, result: { fieldErrors: Record<string, string[]>; formErrors: string[] }) {
	return fail(400, { action, values, fieldErrors: result.fieldErrors, formErrors: result.formErrors });
}

/** A body that could not be read as a form: the page again, the reason in its summary. */
function unreadable(action: FormAction, read: Extract<FormRead, { ok: false }>) {
	return fail(read.status, { action, values: {} as SettingsValues, fieldErrors: {} as Record<string, string[]>, formErrors: [read.message] });
}

/** The form's own text back (for a form zod refused: nothing else is known of it). */
function sent(table: SettingsTable, form: FormData): SettingsValues {
	return Object.fromEntries(
		formColumns(table).map((name) => {
			const v = form.get(name);
			return [name, typeof v === 'string' ? v : null];
		})
	);
}

/** Logs a stored change and shows the page again, saying what was done. */
export async function done(event: RequestEvent, table: SettingsTable, how: 'created' | 'edited' | 'retired' | 'deleted', result: Extract<SaveResult, { ok: true }>) {
	const { path, noun, key } = PAGE[table];
	const verb = { created: 'create', edited: 'edit', retired: 'retire', deleted: 'delete' }[how];
	if (how !== 'edited' || Object.keys(result.changed).length > 0) {
		await auditRequest(event, `${noun}.${verb}`, { [key]: result.id, changed: result.changed });
	}
	const shown = how === 'edited' && Object.keys(result.changed).length === 0 ? 'unchanged' : how;
	redirect(303, `${path}?saved=${encodeURIComponent(result.id)}&how=${shown}`);
}

/** Adds a row (`create`) or replaces an existing row's form columns (`edit`, the id from the form's hidden field). */
export async function saveRow(event: RequestEvent, table: SettingsTable, mode: 'create' | 'edit') {
	const read = await readForm(event);
	if (!read.ok) return unreadable(mode, read);
	const { form } = read;
	const parsed = parseSettingsForm(table, form);
	if (!parsed.ok) return refused(mode, sent(table, form), parsed);
	const warehouse = await serverWarehouse();
	const { key, noun } = PAGE[table];
	let result: SaveResult;
	if (mode === 'create') {
		result = await createSettingsRow(warehouse, table, parsed.values);
	} else {
		const id = parsed.values[key];
		if (id === null) return refused(mode, parsed.values, { fieldErrors: {}, formErrors: [`No ${noun} was given to edit.`] });
		result = await editSettingsRow(warehouse, table, id, parsed.values);
	}
	if (!result.ok) return refused(mode, parsed.values, result);
	return done(event, table, mode === 'create' ? 'created' : 'edited', result);
}

/**
 * The id a one-row action (retire, delete) names (`id`, or null when it names none), or the
 * refusal to return when the body is not a form.
 */
export async function idOf(event: RequestEvent, table: SettingsTable, action: 'retire' | 'delete') {
	const read = await readForm(event);
	if (!read.ok) return { ok: false as const, refusal: unreadable(action, read) };
	const v = read.form.get(PAGE[table].key);
	return { ok: true as const, id: typeof v === 'string' && v.trim() !== '' && v.length <= 64 ? v.trim() : null };
}
