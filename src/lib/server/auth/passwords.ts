/**
 * Passwords: the policy a new password must meet, and argon2id hashing.
 *
 * Policy (NIST SP 800-63B, OWASP ASVS): at least 12 characters and at most 128 (counted as
 * Unicode code points, after NFC normalisation); not in the list of common passwords shipped by
 * @zxcvbn-ts/language-common (about 49,000, compared case-insensitively); not containing the
 * local part of the account's email (when it has at least 3 characters). No composition rules
 * and no expiry. Each refusal names its rule.
 *
 * Hashing: argon2id via @node-rs/argon2 with OWASP's parameters (m = 19456 KiB, t = 2, p = 1),
 * giving a PHC string ("$argon2id$v=19$m=19456,t=2,p=1$…") that carries its own salt.
 *
 *   checkPasswordPolicy(password: string, email?: string): PolicyResult
 *   assertPasswordPolicy(password, email?): void          throws PasswordPolicyError
 *   hashPassword(password: string): Promise<string>
 *   verifyPassword(hash: string, password: string): Promise<boolean>   false for a malformed hash
 *   generatePassword(email?: string): string              random, 24 characters, meets the policy
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** The email's local part is looked for in the password only when it is at least this long. */
export const EMAIL_PART_MIN_LENGTH = 3;

/** OWASP Password Storage Cheat Sheet, argon2id: 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS: Options = {
	// Algorithm.Argon2id; a const enum, which isolated modules cannot read from the package's types.
	algorithm: 2 as Algorithm,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
	outputLen: 32
};

export type PasswordRule = 'too_short' | 'too_long' | 'common' | 'contains_email';
export type PolicyResult = { ok: true } | { ok: false; rule: PasswordRule; message: string };

export class PasswordPolicyError extends Error {
	readonly rule: PasswordRule;
	constructor(rule: PasswordRule, message: string) {
		super(message);
		this.name = 'PasswordPolicyError';
		this.rule = rule;
	}
}

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
	common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
	return common;
}

function normalise(password: string): string {
	return password.normalize('NFC');
}

/** Whether `password` may be set for the account with `email`; when not, which rule it breaks. */
export function checkPasswordPolicy(password: string, email?: string): PolicyResult {
	const text = normalise(password);
	const length = [...text].length;
	if (length < PASSWORD_MIN_LENGTH) {
		return { ok: false, rule: 'too_short', message: `The password must have at least ${PASSWORD_MIN_LENGTH} characters (it has ${length}).` };
	}
	if (length > PASSWORD_MAX_LENGTH) {
		return { ok: false, rule: 'too_long', message: `The password must have at most ${PASSWORD_MAX_LENGTH} characters (it has ${length}).` };
	}
	const lower = text.toLowerCase();
	if (commonPasswords().has(lower)) {
		return { ok: false, rule: 'common', message: 'The password is in a list of commonly used passwords: choose another.' };
	}
	const local = email?.trim().toLowerCase().split('@')[0] ?? '';
	if (local.length >= EMAIL_PART_MIN_LENGTH && lower.includes(local)) {
		return { ok: false, rule: 'contains_email', message: 'The password must not contain your email address or its first part (before the @).' };
	}
	return { ok: true };
}

export function assertPasswordPolicy(password: string, email?: string): void {
	const result = checkPasswordPolicy(password, email);
	if (!result.ok) throw new PasswordPolicyError(result.rule, result.message);
}

export function hashPassword(password: string): Promise<string> {
	return hash(normalise(password), ARGON2_OPTIONS);
}

/** Whether `password` matches the stored `hash`; false (never an exception) for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, normalise(password));
	} catch {
		return false;
	}
}

/** A random password (144 bits, 24 base64url characters) that meets the policy. */
export function generatePassword(email?: string): string {
	for (;;) {
		const candidate = randomBytes(18).toString('base64url');
		if (checkPasswordPolicy(candidate, email).ok) return candidate;
	}
}
