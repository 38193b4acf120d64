import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryOf, MultipartError, readMultipart, type PartInfo } from './multipart.ts';

/** A multipart body as the platform writes it (undici's FormData encoder). */
async function encode(form: FormData): Promise<{ bytes: Buffer; contentType: string }> {
	const request = new Request('http://localhost/', { method: 'POST', body: form });
	return { bytes: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
	let at = 0;
	let i = 0;
	while (at < bytes.length) {
		const n = Math.max(1, sizes.length ? sizes[i++ % sizes.length] : bytes.length);
		yield bytes.subarray(at, at + n);
		at += n;
	}
}

async function parse(bytes: Buffer, boundary: string, sizes: number[] = []): Promise<{ info: PartInfo; body: string }[]> {
	const parts: { info: PartInfo; body: Buffer[] }[] = [];
	await readMultipart(chunked(bytes, sizes), boundary, (info) => {
		const part = { info, body: [] as Buffer[] };
		parts.push(part);
		return {
			async write(chunk) {
				part.body.push(Buffer.from(chunk));
			},
			async end() {}
		};
	});
	return parts.map((p) => ({ info: p.info, body: Buffer.concat(p.body).toString('latin1') }));
}

describe('boundaryOf', () => {
	it('reads the boundary, quoted or not, and refuses other content types', () => {
		expect(boundaryOf('multipart/form-data; boundary=abc123')).toBe('abc123');
		expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
		expect(() => boundaryOf('application/json')).toThrow(MultipartError);
		expect(() => boundaryOf(null)).toThrow(MultipartError);
		expect(() => boundaryOf('multipart/form-data')).toThrow(/boundary/);
	});
});

describe('readMultipart', () => {
	it('gives each part its name, file name and exact bytes, however the body is cut into chunks', async () => {
		const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
		const form = new FormData();
		form.append('note', 'hello');
		form.append('files', new File(['a,b\r\n1,2\r\n--not a boundary\r\n'], 'contacts.csv', { type: 'text/csv' }));
		form.append('files', new File([binary], 'x.zip', { type: 'application/zip' }));
		form.append('files', new File([''], 'empty.csv'));
		const { bytes, contentType } = await encode(form);
		const boundary = boundaryOf(contentType);
		await fc.assert(
			fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 20 }), async (sizes) => {
				const parts = await parse(bytes, boundary, sizes);
				expect(parts.map((p) => [p.info.name, p.info.filename])).toEqual([
					['note', null],
					['files', 'contacts.csv'],
					['files', 'x.zip'],
					['files', 'empty.csv']
				]);
				expect(parts[0].body).toBe('hello');
				expect(parts[1].body).toBe('a,b\r\n1,2\r\n--not a boundary\r\n');
				expect(Buffer.from(parts[2].body, 'latin1').equals(binary)).toBe(true);
				expect(parts[3].body).toBe('');
				expect(parts[1].info.contentType).toBe('text/csv');
			}),
			{ numRuns: 150 }
		);
	});

	it('reads a hand-written body with a preamble, transport padding and an epilogue', async () => {
		const body = Buffer.from(
			'ignored preamble\r\n--XyZ  \r\nContent-Disposition: form-data; name="files"; filename="a \\"q\\".csv"\r\n\r\nbody\r\n--XyZ--\r\nepilogue'
		);
		const parts = await parse(body, 'XyZ', [3]);
		expect(parts).toEqual([{ info: { name: 'files', filename: 'a "q".csv', contentType: null }, body: 'body' }]);
	});

	it('refuses a body cut short, a part without Content-Disposition, too many parts and headers too long', async () => {
		const cut = Buffer.from('--B\r\nContent-Disposition: form-data; name="files"; filename="a.csv"\r\n\r\nhalf a fi');
		await expect(parse(cut, 'B')).rejects.toThrow(/ended before/);
		const noDisposition = Buffer.from('--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n');
		await expect(parse(noDisposition, 'B')).rejects.toThrow(/Content-Disposition/);
		const many = Buffer.from(`${'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n'.repeat(5)}--B--\r\n`);
		await expect(readMultipart(chunked(many, []), 'B', () => null, { maxParts: 4 })).rejects.toThrow(/more than 4 parts/);
		const long = Buffer.from(`--B\r\nContent-Disposition: form-data; name="a"\r\nX-Long: ${'y'.repeat(20_000)}\r\n\r\nx\r\n--B--\r\n`);
		await expect(parse(long, 'B', [100])).rejects.toThrow(/too long/);
		const empty = Buffer.from('');
		await expect(parse(empty, 'B')).rejects.toThrow(MultipartError);
	});

	it('discards the bytes of a part whose sink is null', async () => {
		const form = new FormData();
		form.append('other', new File(['secret'], 'other.csv'));
		form.append('files', new File(['kept'], 'kept.csv'));
		const { bytes, contentType } = await encode(form);
		const seen: string[] = [];
		await readMultipart(chunked(bytes, [5]), boundaryOf(contentType), (info) =>
			info.name === 'files'
				? {
						async write(c) {
							seen.push(Buffer.from(c).toString());
						},
						async end() {}
					}
				: null
		);
		expect(seen.join('')).toBe('kept');
	});
});
