/** The password policy and argon2id hashing. */
import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, generatePassword, hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.ts';

describe('password policy', () => {
	it('refuses fewer than 12 characters, saying so', () => {
		expect(checkPasswordPolicy('short pass1')).toEqual({ ok: false, rule: 'too_short', message: expect.stringMatching(/at least 12 characters \(it has 11\)/) });
		// Characters, not bytes or UTF-16 units: 11 emoji are 22 code units but 11 characters.
		expect(checkPasswordPolicy('🐢'.repeat(11))).toMatchObject({ ok: false, rule: 'too_short' });
		expect(checkPasswordPolicy('🐢'.repeat(12))).toEqual({ ok: true });
	});

	it('allows up to 128 characters and refuses more', () => {
		expect(PASSWORD_MAX_LENGTH).toBeGreaterThanOrEqual(64);
		expect(checkPasswordPolicy('x7'.repeat(64))).toEqual({ ok: true });
		expect(checkPasswordPolicy(`${'x7'.repeat(64)}z`)).toMatchObject({ ok: false, rule: 'too_long', message: expect.stringMatching(/at most 128/) });
	});

	it('refuses a common password, whatever its case', () => {
		for (const p of ['qwerty123456', 'LeaveMeAlone', '1QAZ2WSX3EDC']) {
			expect(checkPasswordPolicy(p), p).toMatchObject({ ok: false, rule: 'common', message: expect.stringMatching(/commonly used/) });
		}
	});

	it("refuses a password containing the email's local part", () => {
		expect(checkPasswordPolicy('my-Jane.Smith-password', 'jane.smith@example.org')).toMatchObject({
			ok: false,
			rule: 'contains_email',
			message: expect.stringMatching(/email/)
		});
		expect(checkPasswordPolicy('my-jane.smith-password')).toEqual({ ok: true });
		// A local part shorter than 3 characters is not looked for.
		expect(checkPasswordPolicy('a long passphrase', 'al@example.org')).toEqual({ ok: true });
	});

	it('accepts a long passphrase', () => {
		expect(checkPasswordPolicy('correct horse battery staple', 'jane.smith@example.org')).toEqual({ ok: true });
	});

	it('generates random passwords that meet it', () => {
		const a = generatePassword('someone@example.org');
		expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
		expect(checkPasswordPolicy(a)).toEqual({ ok: true });
		expect(generatePassword()).not.toBe(a);
	});
});

describe('password hashing', () => {
	it('is argon2id with the OWASP parameters, salted, and verifies only the right password', async () => {
		const h = await hashPassword('correct horse battery staple');
		expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(h).not.toContain('correct horse');
		expect(await hashPassword('correct horse battery staple')).not.toBe(h);
		expect(await verifyPassword(h, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(h, 'correct horse battery stapler')).toBe(false);
		expect(await verifyPassword('not a hash', 'correct horse battery staple')).toBe(false);
	});

	it('treats the composed and decomposed forms of an accented password alike (NFC)', async () => {
		const h = await hashPassword('caf\u00e9 au lait, s’il vous plaît');
		expect(await verifyPassword(h, 'cafe\u0301 au lait, s’il vous plaît')).toBe(true);
	});
});
