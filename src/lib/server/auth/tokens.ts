/**
 * Secrets handed to a browser or a person once (session tokens, password-reset tokens) and the
 * clock every auth module takes, so that tests can move time.
 *
 * A token is 32 random bytes (256 bits) from node:crypto, as base64url text (43 characters).
 * Only `hashToken(token)` (SHA-256, hex) is stored; the token itself is never written anywhere.
 *
 *   newToken(): string
 *   hashToken(token: string): string
 *   looksLikeToken(text: string): boolean      a cheap check before any query
 *   type Clock = () => Date                     defaults to `systemClock`
 */
import { createHash, randomBytes } from 'node:crypto';

/** The time now; injectable for tests. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
	return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeToken(text: unknown): text is string {
	return typeof text === 'string' && TOKEN_PATTERN.test(text);
}
