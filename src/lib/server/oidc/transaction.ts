/**
 * The sign-in in flight between "Sign in with …" and the provider's redirect back: the PKCE
 * code verifier, the state, the nonce and where to go after. It travels in the `__Host-fp_oidc`
 * cookie (HttpOnly, Secure, SameSite=Lax, 10 minutes), sealed with AES-256-GCM under a key made
 * at random when the process starts: the browser can neither read nor change it, and a restart
 * voids the sign-ins in flight (the person starts again).
 *
 *   sealTransaction(t: Transaction, now?): string       the cookie's value
 *   openTransaction(value, now?): Transaction | null    null: missing, altered, expired, or
 *       sealed by another process
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const TRANSACTION_COOKIE = '__Host-fp_oidc';
export const TRANSACTION_MS = 10 * 60_000;

export interface Transaction {
	codeVerifier: string;
	state: string;
	nonce: string;
	/** A same-site path (safeNext). */
	next: string;
}

const KEY = randomBytes(32);
/** Bound into every seal: a value sealed for another purpose does not open here. */
const AAD = Buffer.from(`${TRANSACTION_COOKIE} v1`);
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far above a real value (~250 characters): longer ones are not even decrypted. */
const MAX_LENGTH = 2048;

export function sealTransaction(t: Transaction, now: Date = new Date()): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', KEY, iv);
	cipher.setAAD(AAD);
	const plain = Buffer.from(JSON.stringify({ v: t.codeVerifier, s: t.state, n: t.nonce, x: t.next, e: now.getTime() + TRANSACTION_MS }));
	const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
	return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

export function openTransaction(value: string | undefined | null, now: Date = new Date()): Transaction | null {
	if (!value || value.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
	const raw = Buffer.from(value, 'base64url');
	if (raw.length < IV_BYTES + TAG_BYTES + 2) return null;
	let parsed: unknown;
	try {
		const decipher = createDecipheriv('aes-256-gcm', KEY, raw.subarray(0, IV_BYTES));
		decipher.setAAD(AAD);
		decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
		const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
		parsed = JSON.parse(plain.toString('utf8'));
	} catch {
		return null;
	}
	if (typeof parsed !== 'object' || parsed === null) return null;
	const { v, s, n, x, e } = parsed as Record<string, unknown>;
	if (typeof v !== 'string' || typeof s !== 'string' || typeof n !== 'string' || typeof x !== 'string' || typeof e !== 'number') return null;
	if (e <= now.getTime()) return null;
	return { codeVerifier: v, state: s, nonce: n, next: x };
}
