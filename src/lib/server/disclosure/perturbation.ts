/**
 * The cell key method's perturbation table (disclosure-control.md version 2, rule 7): a shown
 * count is n + p, p from the table by n and the count's cell key (0–255: the sum modulo 256 of
 * the record keys of the rows counted, made in the same query as the count). The same rows
 * give the same key and so the same shown count, whatever filters reached them; two views that
 * differ by a few rows have unrelated keys, so their shown difference is rarely the true one.
 *
 * ## The table, for a threshold T (docs/disclosure.md writes it out for the threshold in force)
 * - n = 0: 0 stays 0. n from 1 to T: suppressed (`c`), never shown, so never perturbed.
 * - n = T + 1: p = 0 for every key (n + p must not fall to T or below).
 * - n = T + 2: p = −1, 0, +1 for 64, 128 and 64 of the 256 keys.
 * - n ≥ T + 3: p = −2, −1, 0, +1, +2 for 64, 32, 64, 32 and 64 of the keys (variance 2.25:
 *   weight on ±2, so that averaging the few differences fixed periods allow still leaves the
 *   small count uncertain; ./differencing.test.ts measures it).
 * Which keys get which p turns with n: the key's slot in a row is (key + 97 × n) mod 256, and
 * the slots 0, 1, … hold the values in the order above (−2 first). So every row has mean 0
 * over the 256 keys; n + p > T for every n > T; and from T + 2 up, p = 0 for at most half the
 * keys (half at T + 2, 64 of 256 from T + 3). Rows repeat every 256 values of n.
 */

/** How far the slot of a key turns from one n to the next (odd, so every key meets every slot). */
export const ROW_TURN = 97;

/** The slots of a row: [p, how many keys] in slot order. */
export const NEAR_THRESHOLD_ROW: readonly (readonly [number, number])[] = [
	[-1, 64],
	[0, 128],
	[1, 64]
];
export const GENERAL_ROW: readonly (readonly [number, number])[] = [
	[-2, 64],
	[-1, 32],
	[0, 64],
	[1, 32],
	[2, 64]
];

function expand(row: readonly (readonly [number, number])[]): number[] {
	const out = row.flatMap(([p, keys]) => Array<number>(keys).fill(p));
	if (out.length !== 256) throw new Error('a row of the perturbation table covers 256 keys');
	return out;
}
const NEAR = expand(NEAR_THRESHOLD_ROW);
const GENERAL = expand(GENERAL_ROW);

/** The perturbation p of a true count `n` with cell key `key`, under threshold `threshold`. */
export function perturbation(n: number, key: number, threshold: number): number {
	if (!Number.isInteger(key) || key < 0 || key > 255) throw new Error(`a cell key is a whole number from 0 to 255, not ${key}`);
	if (n <= threshold + 1) return 0;
	const slot = (key + ROW_TURN * (n % 256)) % 256;
	return n === threshold + 2 ? NEAR[slot] : GENERAL[slot];
}

/** The perturbed count (n + p); n from 1 to the threshold is the caller's to suppress. */
export function perturbed(n: number, key: number, threshold: number): number {
	return n + perturbation(n, key, threshold);
}

/**
 * The cell key of a count made of others (a total, a sum of cells): their keys added, modulo
 * 256, as the sum of their rows' record keys would be. A missing key (a cell not available)
 * adds nothing.
 */
export function cellKeySum(keys: readonly (number | null | undefined)[]): number {
	return keys.reduce<number>((a, k) => (a + (k ?? 0)) % 256, 0);
}
