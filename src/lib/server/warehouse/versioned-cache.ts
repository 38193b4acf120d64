/**
 * What the warehouse's data gives again and again, kept per data version: computed once after
 * every import or undo, then answered from memory (docs/architecture.md, "Figures kept per data
 * version").
 *
 * The version is what every import and undo changes (the batches table: `DATA_VERSION_SQL` of
 * warehouse.ts), read inside the same snapshot as the figure, so a kept figure is never of
 * another state of the data than the page that asks for it. Entries of an older version are
 * dropped the first time a newer one is asked for (an import or undo empties the cache).
 *
 * Only figures before disclosure control are kept here (unsuppressed figures with their cell
 * key sums, filter options, the latest event date): disclosure is applied to them per request,
 * under the requester's own policy, so no role's view is ever served to another.
 *
 * Bounded: at most `maxEntries` entries (least recently used dropped first), each answered as a
 * deep copy, so no caller can change what another is given.
 */
export class VersionedCache {
	private version: string | null = null;
	private readonly entries = new Map<string, Promise<unknown>>();
	private hits = 0;
	private misses = 0;

	constructor(readonly maxEntries = 20_000) {}

	/** The kept figure of `key` at `version`, or `compute`'s (kept; a failure is not kept). */
	async get<T>(version: string, key: string, compute: () => Promise<T>): Promise<T> {
		const found = await this.getMany<T>(version, [key], async () => new Map([[key, await compute()]]));
		return found.get(key) as T;
	}

	/**
	 * The kept figures of `keys` at `version`; those not kept are computed together by one call
	 * of `compute` with the missing keys, which answers a figure for each of them.
	 */
	async getMany<T>(version: string, keys: readonly string[], compute: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
		if (version !== this.version) {
			this.entries.clear();
			this.version = version;
		}
		const asked = new Map<string, Promise<T>>();
		const missing: string[] = [];
		for (const key of keys) {
			const entry = this.entries.get(key) as Promise<T> | undefined;
			if (entry) {
				// Most recently used last.
				this.entries.delete(key);
				this.entries.set(key, entry);
				asked.set(key, entry);
			} else if (!missing.includes(key)) {
				missing.push(key);
			}
		}
		this.hits += keys.length - missing.length;
		this.misses += missing.length;
		if (missing.length > 0) {
			const together = compute(missing);
			for (const key of missing) {
				const entry = together.then((all) => {
					if (!all.has(key)) throw new Error(`no figure was computed for ${key}`);
					return all.get(key) as T;
				});
				asked.set(key, entry);
				this.entries.set(key, entry);
				// A failure is the caller's, and is not kept.
				entry.catch(() => {
					if (this.entries.get(key) === entry) this.entries.delete(key);
				});
			}
			while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
		}
		const out = new Map<string, T>();
		for (const [key, entry] of asked) out.set(key, structuredClone(await entry));
		return out;
	}

	/** Drops every entry (the next `get` computes afresh). */
	clear(): void {
		this.entries.clear();
		this.version = null;
	}

	/** How often a figure was answered from memory (for the bench and tests). */
	stats(): { entries: number; hits: number; misses: number } {
		return { entries: this.entries.size, hits: this.hits, misses: this.misses };
	}
}
