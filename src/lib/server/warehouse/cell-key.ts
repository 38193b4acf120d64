/**
 * The warehouse's cell key secret (disclosure-control.md version 2, rule 7): 32 random bytes,
 * made once with the warehouse, from which every stored event row gets its record key and
 * every child its child key (HMAC-SHA-256 of the row's table and primary key, or of the child
 * pseudonym; the first byte, 0–255). A count's cell key is the sum of the keys it counts,
 * modulo 256, and disclosure control perturbs the count by it.
 *
 * ## Where it is kept
 * In a file of its own beside the warehouse, `<warehouse>.cellkey` (FP_CELL_KEY_FILE moves it),
 * readable only by its owner: never in the warehouse itself, so no page, export, command or
 * copy of the warehouse file prints or carries it. Only the writer reads it, to key the rows it
 * loads; it reaches DuckDB as bound parameters into a temporary table of the writer's
 * connection (`cell_key_pads`: the key XORed with HMAC's inner and outer pads), which is never
 * stored. Keys depend only on the secret, the table and the primary key, so a row replaced,
 * undone or imported again keeps its key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The secret's file for a warehouse file (FP_CELL_KEY_FILE, or `<warehouse>.cellkey`). */
export function cellKeyPath(warehouseFile: string, env: NodeJS.ProcessEnv = process.env): string {
	const configured = env.FP_CELL_KEY_FILE?.trim();
	return configured ? path.resolve(configured) : `${warehouseFile}.cellkey`;
}

const SECRET_BYTES = 32;
const HEX = /^[0-9a-f]{64}$/;

export class CellKeyError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CellKeyError';
	}
}

/** The secret, read from its file; null when there is none. Throws for a file that is not a secret. */
export function readCellKey(file: string): Buffer | null {
	if (!existsSync(file)) return null;
	const text = readFileSync(file, 'utf8').trim();
	if (!HEX.test(text)) throw new CellKeyError(`the cell key file ${file} does not hold a key (64 hexadecimal characters): restore it from your backup`);
	return Buffer.from(text, 'hex');
}

/** Makes a new secret in `file` (refusing to replace one), readable only by its owner. */
export function createCellKey(file: string): Buffer {
	const secret = randomBytes(SECRET_BYTES);
	// `wx`: never overwrite a secret the warehouse's keys were made with.
	writeFileSync(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
	return secret;
}

/** HMAC-SHA-256's inner and outer pads of the secret (a key of 32 bytes is padded to the 64-byte block). */
export function hmacPads(secret: Buffer): { ki: string; ko: string } {
	const block = Buffer.concat([secret, Buffer.alloc(64 - secret.length)]);
	const xor = (pad: number) => Buffer.from(block.map((b) => b ^ pad)).toString('hex');
	return { ki: xor(0x36), ko: xor(0x5c) };
}

/** The temporary table of the writer's connection that the key expressions read (never stored). */
export const PADS_TABLE = 'cell_key_pads';

/** Its statement: the pads arrive as the bound parameters `$ki`, `$ko` (hex), never as SQL text. */
export const PADS_DDL = `CREATE OR REPLACE TEMP TABLE ${PADS_TABLE} AS SELECT unhex($ki) AS ki, unhex($ko) AS ko`;

/**
 * SQL of a key 0–255 of the text `message` (an SQL expression): the first byte of
 * HMAC-SHA-256(secret, message), with the pads table joined as `pads`.
 */
export function keyExpr(message: string, pads: string): string {
	return `CAST(('0x' || left(sha256(${pads}.ko || unhex(sha256(${pads}.ki || encode(${message})))), 2)) AS UTINYINT)`;
}
