/**
 * How pseudonyms are made (extract-format.md, "How pseudonyms are made"), so that every agency
 * of a partnership makes the same one. This module runs on the data controller's side, with
 * the partnership key; the dashboard never holds the key.
 *
 * - child_id = lowercase hex of HMAC-SHA256(key, linkage identifier);
 * - linkage identifier: `NHS:` + the 10-digit NHS number (spaces removed), else
 *   `LA:` + the local authority's 3-digit code + `:` + the LA child ID trimmed and upper-cased;
 * - other record ids = the first 32 hex characters of HMAC-SHA256(key, `<supplier>:<table>:<source id>`);
 *   a record with no id of its own gets `<linkage identifier>:<event date>`, then `:2`, `:3` …
 *   for further events of that child, table and date in source order;
 * - birth_month = the year and month of the date of birth.
 *
 * Error messages never carry an identifier: they say what is wrong, not with which value.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';

/** The decoded partnership key. */
export interface PartnershipKey {
	readonly bytes: Buffer;
}

export class KeyError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'KeyError';
	}
}

/** A key file's first line: 64 to 128 hexadecimal characters, an even number, either case. */
export function parseKey(text: string): PartnershipKey {
	const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0].trim();
	if (!/^[0-9a-fA-F]+$/.test(first)) throw new KeyError('the key file\'s first line must be the key in hexadecimal characters only');
	if (first.length < 64 || first.length > 128) throw new KeyError(`the key must be 64 to 128 hexadecimal characters (this one has ${first.length})`);
	if (first.length % 2 !== 0) throw new KeyError('the key must have an even number of hexadecimal characters');
	return { bytes: Buffer.from(first, 'hex') };
}

export async function readKeyFile(file: string): Promise<PartnershipKey> {
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (e) {
		throw new KeyError(`cannot read the key file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
	}
	return parseKey(text);
}

/** A new key: 32 bytes from a cryptographic random source, as 64 lowercase hex. */
export function newKeyText(): string {
	return randomBytes(32).toString('hex');
}

/** Writes a new key file with mode 0600; refuses to overwrite an existing one. */
export async function writeNewKeyFile(file: string): Promise<void> {
	const handle = await fs.open(file, 'wx', 0o600);
	try {
		await handle.writeFile(`${newKeyText()}\n`, 'utf8');
	} finally {
		await handle.close();
	}
	await fs.chmod(file, 0o600);
}

const hmac = (key: PartnershipKey, text: string) => createHmac('sha256', key.bytes).update(text, 'utf8').digest('hex');

export class LinkageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LinkageError';
	}
}

/** An NHS number with spaces (or hyphens) removed, if it is 10 digits; else null. */
export function normaliseNhsNumber(value: string): string | null {
	const digits = value.replace(/[\s-]/g, '');
	return /^\d{10}$/.test(digits) ? digits : null;
}

/** The linkage identifier: NHS number where known, else the LA child ID under its LA code. */
export function linkageIdentifier(source: { nhsNumber?: string | null; laCode?: string | null; laChildId?: string | null }): string {
	if (source.nhsNumber && source.nhsNumber.trim() !== '') {
		const nhs = normaliseNhsNumber(source.nhsNumber);
		if (!nhs) throw new LinkageError('an NHS number is not 10 digits');
		return `NHS:${nhs}`;
	}
	const la = source.laCode?.trim() ?? '';
	const id = source.laChildId?.trim().toUpperCase() ?? '';
	if (!/^\d{3}$/.test(la)) throw new LinkageError('the local authority code must be 3 digits');
	if (id === '') throw new LinkageError('a child has neither an NHS number nor an LA child ID');
	return `LA:${la}:${id}`;
}

/** child_id: lowercase hex HMAC-SHA256 of the linkage identifier (64 characters). */
export function childPseudonym(key: PartnershipKey, linkageId: string): string {
	return hmac(key, linkageId);
}

/** A record id: the first 32 hex characters of HMAC-SHA256 of `<supplier>:<table>:<source id>`. */
export function recordId(key: PartnershipKey, supplier: string, table: string, sourceId: string): string {
	return hmac(key, `${supplier}:${table}:${sourceId}`).slice(0, 32);
}

/**
 * Source ids for records that have none of their own (the CIN census's referrals, …):
 * `<linkage identifier>:<event date>`, then `:2`, `:3` … for further events of the same child,
 * table and date, in source order. One instance per (supplier, table) conversion.
 */
export class EventIds {
	private readonly seen = new Map<string, number>();

	next(linkageId: string, eventDate: string): string {
		const base = `${linkageId}:${eventDate}`;
		const n = (this.seen.get(base) ?? 0) + 1;
		this.seen.set(base, n);
		return n === 1 ? base : `${base}:${n}`;
	}
}

/** birth_month from a date of birth `YYYY-MM-DD` (or null). */
export function birthMonth(dateOfBirth: string | null | undefined): string | null {
	if (!dateOfBirth) return null;
	const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(dateOfBirth.trim());
	return m ? `${m[1]}-${m[2]}` : null;
}

/** Whether 10 digits (spaces or hyphens allowed) form an NHS number: its check digit passes modulus 11. */
export function isValidNhsNumber(value: string): boolean {
	const digits = normaliseNhsNumber(value);
	if (!digits) return false;
	let sum = 0;
	for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
	const check = 11 - (sum % 11);
	if (check === 10) return false;
	return (check === 11 ? 0 : check) === Number(digits[9]);
}
