/** Figures kept per data version: computed once, never of another version, bounded, never shared by reference. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undoBatch } from '../import/undo.ts';
import { computeMetricsFor } from '../metrics/compute.ts';
import { latestEventDate } from '../metrics/priorities.ts';
import { contact, extract, K1, K2 } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, loadRows, type TestWarehouse } from '../metrics/test-helpers.ts';
import { VersionedCache } from './versioned-cache.ts';
import { query } from './warehouse.ts';

describe('VersionedCache', () => {
	it('computes a figure once per version, and afresh when the version changes', async () => {
		const cache = new VersionedCache();
		let runs = 0;
		const compute = async () => ({ n: ++runs });
		expect(await cache.get('v1', 'a', compute)).toEqual({ n: 1 });
		expect(await cache.get('v1', 'a', compute)).toEqual({ n: 1 });
		expect(await cache.get('v2', 'a', compute)).toEqual({ n: 2 });
		// The older version's entries are gone: asking for it again computes.
		expect(await cache.get('v1', 'a', compute)).toEqual({ n: 3 });
		expect(cache.stats()).toMatchObject({ hits: 1, misses: 3 });
	});

	it('computes the missing keys of a set together, once, and answers each', async () => {
		const cache = new VersionedCache();
		const asked: string[][] = [];
		const compute = async (missing: string[]) => {
			asked.push(missing);
			return new Map(missing.map((k) => [k, k.toUpperCase()]));
		};
		expect([...(await cache.getMany('v', ['a', 'b'], compute))]).toEqual([['a', 'A'], ['b', 'B']]);
		expect([...(await cache.getMany('v', ['b', 'c', 'c'], compute))]).toEqual([['b', 'B'], ['c', 'C']]);
		expect(asked).toEqual([['a', 'b'], ['c']]);
	});

	it('answers two concurrent asks with one computation', async () => {
		const cache = new VersionedCache();
		let runs = 0;
		const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 10));
		expect(await Promise.all([cache.get('v', 'a', slow), cache.get('v', 'a', slow)])).toEqual([1, 1]);
	});

	it('keeps no failure: the next ask computes again', async () => {
		const cache = new VersionedCache();
		await expect(cache.get('v', 'a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(await cache.get('v', 'a', async () => 'ok')).toBe('ok');
		const partial = async () => new Map([['a', 1]]);
		await expect(cache.getMany('v', ['x', 'y'], partial)).rejects.toThrow(/no figure was computed for x/);
	});

	it('holds at most maxEntries, dropping the least recently used', async () => {
		const cache = new VersionedCache(2);
		let runs = 0;
		const compute = async () => ++runs;
		await cache.get('v', 'a', compute); // 1
		await cache.get('v', 'b', compute); // 2
		await cache.get('v', 'a', compute); // a used again: b is now the oldest
		await cache.get('v', 'c', compute); // 3, drops b
		expect(cache.stats().entries).toBe(2);
		expect(await cache.get('v', 'a', compute)).toBe(1);
		expect(await cache.get('v', 'b', compute)).toBe(4);
	});

	it('answers a copy: what one caller changes, the next does not see', async () => {
		const cache = new VersionedCache();
		const first = await cache.get('v', 'a', async () => ({ list: [1, 2] }));
		first.list.push(3);
		expect(await cache.get('v', 'a', async () => ({ list: [] as number[] }))).toEqual({ list: [1, 2] });
	});
});

describe('figures kept by a warehouse', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(extract({ contacts: [contact({ contact_id: 'c1', child_id: K1, received_at: '2024-06-03 10:00:00' })] }));
	});
	afterAll(() => t.dispose());

	const contactsIn2024 = async () => {
		const r = await computeMetricsFor(t.warehouse, { from: '2024-04-01', to: '2025-03-31' }, ['contacts_per_10k']);
		if (r.by !== null) throw new Error('no breakdown asked');
		return r.metrics.contacts_per_10k.numerator;
	};

	it('are of the data as it is now: an import and its undo each change them', async () => {
		expect(await latestEventDate(t.warehouse)).toBe('2024-06-03');
		expect(await contactsIn2024()).toBe(1);
		const before = t.warehouse.cacheStats().hits;
		expect(await contactsIn2024()).toBe(1);
		expect(t.warehouse.cacheStats().hits).toBeGreaterThan(before);

		await loadRows(t.warehouse, { contacts: [contact({ contact_id: 'c2', child_id: K2, received_at: '2024-09-09 10:00:00' })] });
		expect(await latestEventDate(t.warehouse)).toBe('2024-09-09');
		expect(await contactsIn2024()).toBe(2);

		const [{ batch }] = await t.warehouse.read((conn) => query<{ batch: number }>(conn, 'SELECT max(batch_id) AS batch FROM batches'));
		const undone = await undoBatch(t.warehouse, batch, 'test');
		expect(undone.rows_removed).toBe(1);
		expect(await latestEventDate(t.warehouse)).toBe('2024-06-03');
		expect(await contactsIn2024()).toBe(1);
	});

	it('are computed again with FP_FIGURE_CACHE=off', async () => {
		process.env.FP_FIGURE_CACHE = 'off';
		try {
			const before = t.warehouse.cacheStats();
			expect(await contactsIn2024()).toBe(1);
			expect(t.warehouse.cacheStats()).toEqual(before);
		} finally {
			delete process.env.FP_FIGURE_CACHE;
		}
	});
});
