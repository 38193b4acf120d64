/**
 * The second factor: time-based one-time passwords (RFC 6238; HMAC-SHA-1, 30-second steps,
 * 6 digits) via @oslojs/otp, accepting the step before and after the current one for clock
 * drift. A code is accepted at most once per user: the step of the last accepted code is stored
 * (users.totp_last_step) and only a later step is accepted after it. Attempts are throttled per
 * account and address like passwords (5 failures in 15 minutes lock for 15 minutes).
 *
 * The secret (20 random bytes) is kept as base32 text in users.totp_secret: an authenticator app
 * needs it back, so it cannot be hashed; the warehouse file must be protected accordingly.
 *
 *   generateTotpSecret(): string                          base32, for an enrolment in progress
 *   totpUri(secret, email, issuer?): string               otpauth://totp/… for a QR code
 *   totpCode(secret, at: Date): string                    the code at a time (tests, tools)
 *   matchTotpStep(secret, code, at: Date): number | null  the matching step within ±1, or null
 *   enrolSecondFactor(warehouse, userId, secret, code, address, options?): Promise<SecondFactorResult>
 *       stores the secret once the person shows a code from it; throws if already enrolled
 *   verifySecondFactor(warehouse, userId, code, address, options?): Promise<SecondFactorResult>
 *       options: { now?: Clock; throttle?: Throttle } (defaults: the system clock, secondFactorThrottle)
 *   removeSecondFactor(warehouse, userId): Promise<void>  an admin's reset: enrol again at next sign-in
 *
 *   SecondFactorResult = { outcome: 'ok' } | { outcome: 'invalid' } | { outcome: 'throttled'; retryAfterSeconds }
 */
import { randomBytes } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';
import { query, type Warehouse } from '../warehouse/warehouse.ts';
import type { ClockOption } from './accounts.ts';
import { Throttle } from './throttle.ts';
import { systemClock } from './tokens.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
export const TOTP_DRIFT_STEPS = 1;
export const TOTP_ISSUER = 'Full Picture';
const SECRET_BYTES = 20;

export type SecondFactorResult = { outcome: 'ok' } | { outcome: 'invalid' } | { outcome: 'throttled'; retryAfterSeconds: number };

/** The process's throttle for second-factor codes (keyed by user id and address). */
export const secondFactorThrottle = new Throttle();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string {
	let out = '';
	let bits = 0;
	let value = 0;
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += ALPHABET[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
	return out;
}

/** RFC 4648 base32, case-insensitive, spaces and padding ignored; throws on any other character. */
export function base32Decode(text: string): Uint8Array {
	const clean = text.replace(/[\s=]/g, '').toUpperCase();
	const out: number[] = [];
	let bits = 0;
	let value = 0;
	for (const ch of clean) {
		const v = ALPHABET.indexOf(ch);
		if (v < 0) throw new Error('not base32 text');
		value = ((value << 5) | v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Uint8Array.from(out);
}

export function generateTotpSecret(): string {
	return base32Encode(randomBytes(SECRET_BYTES));
}

export function totpUri(secret: string, email: string, issuer = TOTP_ISSUER): string {
	return createTOTPKeyURI(issuer, email, base32Decode(secret), TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

function stepAt(at: Date): number {
	return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCode(secret: string, at: Date): string {
	return generateHOTP(base32Decode(secret), BigInt(stepAt(at)), TOTP_DIGITS);
}

/** The step (30-second interval since the epoch) within ±1 of `at` whose code is `code`, or null. */
export function matchTotpStep(secret: string, code: string, at: Date): number | null {
	const digits = code.replace(/\s/g, '');
	if (!/^\d+$/.test(digits) || digits.length !== TOTP_DIGITS) return null;
	let key: Uint8Array;
	try {
		key = base32Decode(secret);
	} catch {
		return null;
	}
	const now = stepAt(at);
	let found: number | null = null;
	// Every candidate is checked (no early exit), so the time taken does not tell which matched.
	for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
		if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, digits) && found === null) found = step;
	}
	return found;
}

interface FactorRow {
	totp_secret: string | null;
	totp_last_step: number | null;
	disabled_at: Date | null;
}

async function factorRow(warehouse: Warehouse, userId: string): Promise<FactorRow | undefined> {
	const [row] = await warehouse.read((conn) =>
		query<FactorRow>(conn, `SELECT totp_secret, totp_last_step, disabled_at FROM users WHERE user_id = $1`, [userId])
	);
	return row;
}

type FactorOptions = ClockOption & { throttle?: Throttle };

function throttled(throttle: Throttle, userId: string, address: string): SecondFactorResult | null {
	const check = throttle.check(`user:${userId}`, address);
	return check.allowed ? null : { outcome: 'throttled', retryAfterSeconds: check.retryAfterSeconds };
}

function failed(throttle: Throttle, userId: string, address: string): SecondFactorResult {
	throttle.fail(`user:${userId}`, address);
	return { outcome: 'invalid' };
}

/**
 * Sets up the second factor: `secret` is the one shown to the person (generateTotpSecret,
 * totpUri), `code` the one their app shows now. Stored only when the code matches.
 */
export async function enrolSecondFactor(
	warehouse: Warehouse,
	userId: string,
	secret: string,
	code: string,
	address: string,
	options: FactorOptions = {}
): Promise<SecondFactorResult> {
	const throttle = options.throttle ?? secondFactorThrottle;
	const refused = throttled(throttle, userId, address);
	if (refused) return refused;
	const row = await factorRow(warehouse, userId);
	if (!row || row.disabled_at !== null) return failed(throttle, userId, address);
	if (row.totp_secret !== null) throw new Error('a second factor is set up already: remove it first');
	const step = matchTotpStep(secret, code, (options.now ?? systemClock)());
	if (step === null) return failed(throttle, userId, address);
	const stored = await warehouse.write((conn) =>
		query(
			conn,
			`UPDATE users SET totp_secret = $1, totp_last_step = $2
			 WHERE user_id = $3 AND totp_secret IS NULL AND disabled_at IS NULL RETURNING user_id`,
			[base32Encode(base32Decode(secret)), step, userId]
		)
	);
	if (stored.length === 0) return failed(throttle, userId, address);
	throttle.succeed(`user:${userId}`);
	return { outcome: 'ok' };
}

/** Checks a code from the person's app; a code (step) accepted once is refused after. */
export async function verifySecondFactor(
	warehouse: Warehouse,
	userId: string,
	code: string,
	address: string,
	options: FactorOptions = {}
): Promise<SecondFactorResult> {
	const throttle = options.throttle ?? secondFactorThrottle;
	const refused = throttled(throttle, userId, address);
	if (refused) return refused;
	const row = await factorRow(warehouse, userId);
	if (!row || row.disabled_at !== null || row.totp_secret === null) return failed(throttle, userId, address);
	const step = matchTotpStep(row.totp_secret, code, (options.now ?? systemClock)());
	if (step === null || (row.totp_last_step !== null && step <= row.totp_last_step)) return failed(throttle, userId, address);
	// Compare-and-set on the writer: of two requests with the same code, one wins.
	const accepted = await warehouse.write((conn) =>
		query(
			conn,
			`UPDATE users SET totp_last_step = $1
			 WHERE user_id = $2 AND totp_secret = $3 AND disabled_at IS NULL AND (totp_last_step IS NULL OR totp_last_step < $1)
			 RETURNING user_id`,
			[step, userId, row.totp_secret]
		)
	);
	if (accepted.length === 0) return failed(throttle, userId, address);
	throttle.succeed(`user:${userId}`);
	return { outcome: 'ok' };
}

export async function removeSecondFactor(warehouse: Warehouse, userId: string): Promise<void> {
	await warehouse.write((conn) => query(conn, `UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE user_id = $1 RETURNING user_id`, [userId]));
}
