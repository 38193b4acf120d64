import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataDictionary } from './dictionary.ts';
import { TABLES } from './tables.ts';

describe('the data dictionary', () => {
	it('is committed as generated from the schema (run `npm run docs` after changing the schema)', () => {
		expect(readFileSync('docs/data-dictionary.md', 'utf8')).toBe(dataDictionary());
	});

	it('describes every table and column of the schema', () => {
		const text = dataDictionary();
		for (const t of TABLES) {
			expect(text).toContain(`### ${t.name}\n`);
			for (const c of t.columns) expect(text).toContain(`| \`${c.name}\` |`);
		}
	});
});

describe('the metric definitions document', () => {
	it('is committed as generated from the registry (run `npm run docs` after changing a definition)', async () => {
		const { metricDefinitionsDoc } = await import('../metrics/doc.ts');
		expect(readFileSync('docs/metric-definitions.md', 'utf8')).toBe(metricDefinitionsDoc());
	});
});
