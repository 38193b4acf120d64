/** The second factor: RFC 6238 codes, ±1 step, enrolment, and no code accepted twice. */
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { freshWarehouse, removeTempRoot } from '../testing/extract.ts';
import { createUser } from './accounts.ts';
import { testClock } from './testing.ts';
import { Throttle } from './throttle.ts';
import {
	base32Decode,
	base32Encode,
	enrolSecondFactor,
	generateTotpSecret,
	matchTotpStep,
	removeSecondFactor,
	totpCode,
	totpUri,
	verifySecondFactor
} from './totp.ts';

afterAll(() => removeTempRoot());

// RFC 6238 appendix B: SHA-1 key "12345678901234567890"; the 8-digit codes' last 6 digits.
const RFC_SECRET = base32Encode(new TextEncoder().encode('12345678901234567890'));
const RFC_VECTORS: [number, string][] = [
	[59, '287082'],
	[1111111109, '081804'],
	[1111111111, '050471'],
	[1234567890, '005924'],
	[2000000000, '279037']
];

/** RFC 4226's HOTP written out here, independently of the module. */
function hotp(key: Uint8Array, counter: number): string {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', key).update(msg).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('TOTP codes', () => {
	it('match the RFC 6238 test vectors', () => {
		expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
		for (const [seconds, code] of RFC_VECTORS) {
			expect(totpCode(RFC_SECRET, new Date(seconds * 1000)), String(seconds)).toBe(code);
			expect(hotp(base32Decode(RFC_SECRET), Math.floor(seconds / 30))).toBe(code);
		}
	});

	it('accept the step before and after, and no further', () => {
		const secret = generateTotpSecret();
		const key = base32Decode(secret);
		const at = new Date('2025-04-07T09:00:10Z');
		const step = Math.floor(at.getTime() / 30_000);
		expect(matchTotpStep(secret, hotp(key, step), at)).toBe(step);
		expect(matchTotpStep(secret, hotp(key, step - 1), at)).toBe(step - 1);
		expect(matchTotpStep(secret, hotp(key, step + 1), at)).toBe(step + 1);
		expect(matchTotpStep(secret, hotp(key, step - 2), at)).toBeNull();
		expect(matchTotpStep(secret, hotp(key, step + 2), at)).toBeNull();
		expect(matchTotpStep(secret, 'abcdef', at)).toBeNull();
		expect(matchTotpStep(secret, '12345', at)).toBeNull();
		expect(matchTotpStep(secret, `${hotp(key, step).slice(0, 3)} ${hotp(key, step).slice(3)}`, at)).toBe(step);
	});

	it('make an otpauth URI an authenticator app reads', () => {
		const secret = generateTotpSecret();
		expect(secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(base32Encode(base32Decode(secret))).toBe(secret);
		const uri = new URL(totpUri(secret, 'jane@example.org'));
		expect(uri.protocol).toBe('otpauth:');
		expect(uri.host).toBe('totp');
		expect(decodeURIComponent(uri.pathname)).toBe('/Full Picture:jane@example.org');
		expect(Object.fromEntries(uri.searchParams)).toEqual({ issuer: 'Full Picture', algorithm: 'SHA1', secret, period: '30', digits: '6' });
	});
});

describe('second factor of an account', () => {
	it('enrols with a code, then accepts each code once only', async () => {
		const w = await freshWarehouse();
		try {
			const clock = testClock();
			const opts = { now: clock.now, throttle: new Throttle({ now: clock.now }) };
			const user = await createUser(w, { email: 'ana@example.org', role: 'analyst', password: 'a good long passphrase' });
			expect(user.secondFactorEnrolled).toBe(false);
			const secret = generateTotpSecret();
			const key = base32Decode(secret);
			const step = () => Math.floor(clock.now().getTime() / 30_000);

			expect(await verifySecondFactor(w, user.userId, hotp(key, step()), 'a', opts)).toEqual({ outcome: 'invalid' });
			expect(await enrolSecondFactor(w, user.userId, secret, '000000' === hotp(key, step()) ? '111111' : '000000', 'a', opts)).toEqual({
				outcome: 'invalid'
			});
			const enrolCode = hotp(key, step());
			expect(await enrolSecondFactor(w, user.userId, secret, enrolCode, 'a', opts)).toEqual({ outcome: 'ok' });
			await expect(enrolSecondFactor(w, user.userId, secret, enrolCode, 'a', opts)).rejects.toThrow(/already/);
			// The enrolment's code is used up.
			expect(await verifySecondFactor(w, user.userId, enrolCode, 'a', opts)).toEqual({ outcome: 'invalid' });

			clock.advance(30_000);
			const code = hotp(key, step());
			expect(await verifySecondFactor(w, user.userId, code, 'a', opts)).toEqual({ outcome: 'ok' });
			expect(await verifySecondFactor(w, user.userId, code, 'a', opts)).toEqual({ outcome: 'invalid' });
			// An earlier step's code, still within the drift window, is refused after a later one.
			expect(await verifySecondFactor(w, user.userId, enrolCode, 'a', opts)).toEqual({ outcome: 'invalid' });
			// The next step's code (a fast phone) is accepted once.
			const ahead = hotp(key, step() + 1);
			expect(await verifySecondFactor(w, user.userId, ahead, 'a', opts)).toEqual({ outcome: 'ok' });
			expect(await verifySecondFactor(w, user.userId, ahead, 'a', opts)).toEqual({ outcome: 'invalid' });

			await removeSecondFactor(w, user.userId);
			clock.advance(60_000);
			expect(await verifySecondFactor(w, user.userId, hotp(key, step()), 'a', opts)).toEqual({ outcome: 'invalid' });
		} finally {
			await w.close();
		}
	});

	it('throttles guessing: after 5 wrong codes even the right one is refused for a while', async () => {
		const w = await freshWarehouse();
		try {
			const clock = testClock();
			const opts = { now: clock.now, throttle: new Throttle({ now: clock.now }) };
			const user = await createUser(w, { email: 'adm@example.org', role: 'admin', password: 'a good long passphrase' });
			const secret = generateTotpSecret();
			const key = base32Decode(secret);
			const step = () => Math.floor(clock.now().getTime() / 30_000);
			expect(await enrolSecondFactor(w, user.userId, secret, hotp(key, step()), 'a', opts)).toEqual({ outcome: 'ok' });
			clock.advance(30_000);
			const right = hotp(key, step());
			const wrong = right === '999999' ? '999998' : '999999';
			for (let i = 0; i < 5; i++) expect(await verifySecondFactor(w, user.userId, wrong, 'a', opts)).toEqual({ outcome: 'invalid' });
			expect(await verifySecondFactor(w, user.userId, right, 'a', opts)).toEqual({ outcome: 'throttled', retryAfterSeconds: 900 });
		} finally {
			await w.close();
		}
	});
});
