/**
 * How pseudonyms are made (extract-format.md): properties of child pseudonyms and record ids
 * under a key, the EventIds rule for records without an id, and new key files (keygen).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keygenCommand } from '../../../cli/keygen-command.ts';
import { offlineContext } from '../../../cli/test-context.ts';
import { tempDir } from '../testing/extract.ts';
import {
	childPseudonym,
	EventIds,
	isValidNhsNumber,
	linkageIdentifier,
	parseKey,
	readKeyFile,
	recordId,
	writeNewKeyFile,
	type PartnershipKey
} from './pseudonym.ts';

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 64 }).map((a): PartnershipKey => ({ bytes: Buffer.from(a) }));
const nhsArb = fc.stringMatching(/^\d{10}$/);
const laIdArb = fc.stringMatching(/^[A-Za-z0-9]{1,20}$/);
const linkageArb = fc.oneof(
	nhsArb.map((n) => linkageIdentifier({ nhsNumber: n })),
	laIdArb.map((id) => linkageIdentifier({ laCode: '975', laChildId: id }))
);
const dateArb = fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** A valid NHS number (modulus 11) from nine digits, or null when the check digit would be 10. */
function withCheckDigit(nine: string): string | null {
	let sum = 0;
	for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
	const check = 11 - (sum % 11);
	if (check === 10) return null;
	return `${nine}${check === 11 ? 0 : check}`;
}

describe('child pseudonyms', () => {
	it('are 64 lowercase hex and the same every time for a key', () => {
		fc.assert(
			fc.property(keyArb, linkageArb, (key, id) => {
				const p = childPseudonym(key, id);
				expect(p).toMatch(/^[0-9a-f]{64}$/);
				expect(childPseudonym({ bytes: Buffer.from(key.bytes) }, id)).toBe(p);
			})
		);
	});

	it('differ between keys', () => {
		fc.assert(
			fc.property(keyArb, keyArb, linkageArb, (a, b, id) => {
				fc.pre(!a.bytes.equals(b.bytes));
				expect(childPseudonym(a, id)).not.toBe(childPseudonym(b, id));
			})
		);
	});

	it('differ between children', () => {
		fc.assert(
			fc.property(keyArb, linkageArb, linkageArb, (key, a, b) => {
				fc.pre(a !== b);
				expect(childPseudonym(key, a)).not.toBe(childPseudonym(key, b));
			})
		);
	});

	it('are the same for an NHS number written with spaces, and an LA child ID in any case or padding', () => {
		fc.assert(
			fc.property(keyArb, nhsArb, laIdArb, (key, nhs, la) => {
				const spaced = `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`;
				expect(childPseudonym(key, linkageIdentifier({ nhsNumber: spaced }))).toBe(childPseudonym(key, linkageIdentifier({ nhsNumber: nhs })));
				expect(childPseudonym(key, linkageIdentifier({ laCode: '975', laChildId: ` ${la.toLowerCase()} ` }))).toBe(
					childPseudonym(key, linkageIdentifier({ laCode: '975', laChildId: la.toUpperCase() }))
				);
			})
		);
	});

	it('follow the spec\'s construction: HMAC-SHA256 of "NHS:<number>" (a fixed vector)', () => {
		const key = parseKey('00'.repeat(32));
		// HMAC-SHA256 with a 32-byte zero key of "NHS:9434765919", computed independently with openssl.
		expect(childPseudonym(key, 'NHS:9434765919')).toBe('1cf396f20b76d4d5b55a47662b2d2cff6261b511ebb77d4a43d815186d7a0eca');
		expect(linkageIdentifier({ laCode: '975', laChildId: ' rnd000215205141 ' })).toBe('LA:975:RND000215205141');
	});
});

describe('record ids', () => {
	it('are 32 lowercase hex, stable for a key, and differ between suppliers, tables and keys', () => {
		fc.assert(
			fc.property(keyArb, keyArb, fc.string({ minLength: 1, maxLength: 30 }), (k1, k2, source) => {
				const id = recordId(k1, 'CSC01', 'referrals', source);
				expect(id).toMatch(/^[0-9a-f]{32}$/);
				expect(recordId(k1, 'CSC01', 'referrals', source)).toBe(id);
				expect(recordId(k1, 'POL01', 'referrals', source)).not.toBe(id);
				expect(recordId(k1, 'CSC01', 'contacts', source)).not.toBe(id);
				if (!k1.bytes.equals(k2.bytes)) expect(recordId(k2, 'CSC01', 'referrals', source)).not.toBe(id);
			})
		);
	});

	it('are the same when the same events come again in next year\'s file (EventIds: linkage id, date and order)', () => {
		const eventArb = fc.record({ child: fc.integer({ min: 0, max: 4 }), date: fc.constantFrom('2024-04-01', '2024-04-02', '2024-05-10') });
		fc.assert(
			fc.property(keyArb, fc.array(eventArb, { maxLength: 20 }), fc.array(eventArb, { maxLength: 10 }), (key, thisYear, later) => {
				const ids = (events: { child: number; date: string }[]) => {
					const gen = new EventIds();
					return events.map((e) => recordId(key, 'CSC01', 'referrals', gen.next(`LA:975:C${e.child}`, e.date)));
				};
				const first = ids(thisYear);
				// Next year's return repeats this year's events in the same order, then adds later ones.
				const second = ids([...thisYear, ...later]);
				expect(second.slice(0, first.length)).toEqual(first);
				// Every event of a file has its own id.
				expect(new Set(second).size).toBe(second.length);
			})
		);
	});

	it('number further events of a child and date :2, :3 in source order', () => {
		const gen = new EventIds();
		expect([gen.next('NHS:1', '2024-04-01'), gen.next('NHS:1', '2024-04-01'), gen.next('NHS:2', '2024-04-01'), gen.next('NHS:1', '2024-04-01')]).toEqual([
			'NHS:1:2024-04-01',
			'NHS:1:2024-04-01:2',
			'NHS:2:2024-04-01',
			'NHS:1:2024-04-01:3'
		]);
	});
});

describe('NHS number check digit', () => {
	it('accepts numbers whose check digit passes modulus 11 and refuses a changed last digit', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^\d{9}$/), (nine) => {
				const nhs = withCheckDigit(nine);
				fc.pre(nhs !== null);
				expect(isValidNhsNumber(nhs!)).toBe(true);
				expect(isValidNhsNumber(`${nhs!.slice(0, 3)} ${nhs!.slice(3, 6)} ${nhs!.slice(6)}`)).toBe(true);
				expect(isValidNhsNumber(`${nine}${(Number(nhs![9]) + 1) % 10}`)).toBe(false);
			})
		);
		expect(isValidNhsNumber('9434765919')).toBe(true);
		expect(isValidNhsNumber('943476591')).toBe(false);
	});
});

const fakeContext = () => offlineContext('keygen');

describe('keygen', () => {
	it('writes 64 lowercase hex from a random source, mode 0600, that reads back as a key', async () => {
		const dir = tempDir('keys');
		const a = path.join(dir, 'a.key');
		const b = path.join(dir, 'b.key');
		const { ctx, out, err } = fakeContext();
		expect(await keygenCommand.run(['--out', a], ctx)).toBe(0);
		await writeNewKeyFile(b);
		const textA = readFileSync(a, 'utf8');
		const textB = readFileSync(b, 'utf8');
		expect(textA).toMatch(/^[0-9a-f]{64}\n$/);
		expect(textB).toMatch(/^[0-9a-f]{64}\n$/);
		expect(textA).not.toBe(textB);
		expect(statSync(a).mode & 0o777).toBe(0o600);
		expect(statSync(b).mode & 0o777).toBe(0o600);
		expect((await readKeyFile(a)).bytes.length).toBe(32);
		// The key is never printed.
		expect(out.join('')).toBe('');
		expect(err.join('')).not.toContain(textA.trim());
	});

	it('refuses to overwrite an existing file, leaving it as it was', async () => {
		const file = path.join(tempDir('keys'), 'existing.key');
		writeFileSync(file, 'the old key\n');
		const { ctx } = fakeContext();
		await expect(keygenCommand.run(['--out', file], ctx)).rejects.toThrow(/exists already/);
		await expect(writeNewKeyFile(file)).rejects.toThrow();
		expect(readFileSync(file, 'utf8')).toBe('the old key\n');
	});

	it('needs --out', async () => {
		const { ctx } = fakeContext();
		await expect(keygenCommand.run([], ctx)).rejects.toThrow(/--out is required/);
	});
});
