/**
 * docs/data-dictionary.md, generated from the schema declarations and the warehouse's
 * derived columns (`npm run docs`). A test fails when the committed file differs.
 */
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR } from '../calendar/bank-holidays.ts';
import { derivedColumns } from '../warehouse/derived.ts';
import { SQL_TYPES } from '../warehouse/ddl.ts';
import { TABLES } from './tables.ts';
import type { Column, RowRule, Table } from './types.ts';

function rules(c: Column): string {
	const out: string[] = [];
	if (c.pseudonym) out.push('a child pseudonym: 64 lowercase hex');
	if (c.token) out.push('an id: 1 to 64 of `A-Z a-z 0-9 _ -`');
	if (c.codes) out.push(`${c.type === 'list' ? 'each item ' : ''}one of: ${c.codes.map((x) => `\`${x}\``).join(', ')}`);
	if (c.pattern) out.push(`${c.pattern.says} (\`${c.pattern.regex}\`)`);
	if (c.maxLength !== undefined) out.push(`at most ${c.maxLength} characters`);
	if (c.min !== undefined && c.max !== undefined) out.push(`${c.min} to ${c.max}`);
	else if (c.min !== undefined) out.push(`≥ ${c.min}`);
	if (c.fk) out.push(`must exist in \`${c.fk.table}.${c.fk.column}\` (this extract or an earlier import)`);
	if (c.type === 'date' || c.type === 'timestamp') out.push(`in ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}`);
	if (c.planned) out.push('a planned date: never taken as the latest data');
	return out.join('; ');
}

function ruleText(r: RowRule): string {
	switch (r.kind) {
		case 'gte':
			return `\`${r.column}\` ≥ \`${r.other}\``;
		case 'lte':
			return `\`${r.column}\` ≤ \`${r.other}\``;
		case 'ne':
			return `\`${r.column}\` ≠ \`${r.other}\``;
		case 'present_iff':
			return `\`${r.column}\` is given exactly when \`${r.other}\` is`;
		case 'not_after_extract':
			return `\`${r.column}\` is not after the manifest's \`extracted_on\``;
	}
}

const TYPE_TEXT: Record<Column['type'], string> = {
	text: 'text',
	int: 'int',
	number: 'number',
	bool: 'bool',
	date: 'date',
	timestamp: 'timestamp',
	month: 'month',
	list: 'list'
};

function tableSection(t: Table): string {
	const lines = [`### ${t.name}`, '', t.description, ''];
	lines.push(`Key: ${t.primaryKey.map((k) => `\`${k}\``).join(' + ')}.`, '');
	lines.push('| column | type | required | meaning | rules |', '|---|---|---|---|---|');
	for (const c of t.columns) {
		lines.push(`| \`${c.name}\` | ${TYPE_TEXT[c.type]} | ${c.required ? 'yes' : 'no'} | ${c.description.replaceAll('|', '\\|')} | ${rules(c)} |`);
	}
	if (t.rules.length) lines.push('', `Row rules: ${t.rules.map(ruleText).join('; ')}.`);
	if (t.replaceOnlyIfNotOlder) lines.push('', "A row replaces a stored one only if its extract's `extracted_on` is the same or later.");
	const derived = derivedColumns(t);
	if (derived.length) {
		lines.push('', 'Derived at import (stored in the warehouse, not sent in extracts):', '', '| column | type | meaning |', '|---|---|---|');
		for (const d of derived) lines.push(`| \`${d.name}\` | ${d.sqlType} | ${d.description} |`);
	}
	return lines.join('\n');
}

export function dataDictionary(): string {
	const types = Object.entries(SQL_TYPES)
		.map(([t, sql]) => `\`${t}\` → ${sql}`)
		.join(', ');
	return [
		'# Data dictionary',
		'',
		'<!-- Generated from src/lib/server/schema/tables.ts and src/lib/server/warehouse/derived.ts by `npm run docs`. Do not edit by hand. -->',
		'',
		'The multi-agency extract, version 1 (the contract: `../shared/spec/extract-format.md`), and the partnership settings, as this Full Picture reads and stores them.',
		'Values are read as extract-format.md says (surrounding spaces trimmed, an empty field is null; the CSV dialect is fixed).',
		`Warehouse types: ${types}.`,
		'',
		'## Extract tables',
		'',
		...TABLES.filter((t) => t.kind === 'extract').map((t) => `${tableSection(t)}\n`),
		'## Partnership settings',
		'',
		...TABLES.filter((t) => t.kind === 'settings').map((t) => `${tableSection(t)}\n`)
	].join('\n');
}
