import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempRoot, tempDir } from '../testing/extract.ts';
import { bodySizeLimitBytes, judgeName, saveUpload, sizeWords, uploadLimitBytes, UploadError } from './save.ts';

afterAll(() => removeTempRoot());

const ID = 'a'.repeat(32);
const MB = 1024 * 1024;
const LIMITS = { bytes: 10 * MB };

function formRequest(files: [string, string | Uint8Array][], extra: Record<string, string> = {}): Request {
	const form = new FormData();
	for (const [k, v] of Object.entries(extra)) form.append(k, v);
	for (const [name, content] of files) form.append('files', new File([typeof content === 'string' ? content : new Uint8Array(content)], name));
	return new Request('http://localhost/api/imports', { method: 'POST', body: form });
}

/** A request whose body is a stream without Content-Length (as a chunked upload). */
async function streamedRequest(request: Request, error?: unknown): Promise<Request> {
	const bytes = new Uint8Array(await request.arrayBuffer());
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
			if (error) controller.error(error);
			else controller.close();
		}
	});
	return new Request('http://localhost/api/imports', {
		method: 'POST',
		body,
		headers: { 'content-type': request.headers.get('content-type')! },
		duplex: 'half'
	} as RequestInit);
}

async function refusal(promise: Promise<unknown>): Promise<UploadError> {
	try {
		await promise;
	} catch (e) {
		if (e instanceof UploadError) return e;
		throw e;
	}
	throw new Error('expected an UploadError');
}

describe('judgeName: only the extract\'s own names, never a path', () => {
	it.each([
		['manifest.json', 'extract'],
		['contacts.csv', 'extract'],
		['meeting_attendance.parquet', 'extract'],
		['agencies.csv', 'extract'],
		['April extract.zip', 'zip'],
		['EXTRACT.ZIP', 'zip']
	])('%s is allowed (%s)', (name, kind) => {
		expect(judgeName(name).kind).toBe(kind);
	});

	it.each(['Contacts.csv', 'contacts.CSV', 'contacts.txt', 'priorities.csv', 'benchmarks.csv', 'notes.csv', '.env', 'manifest.JSON', 'contacts.csv.exe'])(
		'%s is refused as not a file of an extract',
		(name) => {
			const v = judgeName(name);
			expect(v.kind).toBe('refused');
			if (v.kind === 'refused') expect(v.reason).toMatch(/not a file of an extract/);
		}
	);

	it.each(['../contacts.csv', 'x/contacts.csv', 'C:\\fakepath\\contacts.csv', '/etc/passwd', '..', 'a\0.csv', '../x.zip'])('%s is refused for its path', (name) => {
		const v = judgeName(name);
		expect(v).toEqual({ kind: 'refused', reason: 'a file name must not hold a path' });
	});

	it('keeps a plain zip name and stores any other as extract.zip', () => {
		expect(judgeName('April extract (v2).zip')).toEqual({ kind: 'zip', storeAs: 'April extract (v2).zip' });
		expect(judgeName('Extract – April.zip')).toEqual({ kind: 'zip', storeAs: 'extract.zip' });
		expect(judgeName('.hidden.zip')).toEqual({ kind: 'zip', storeAs: 'extract.zip' });
		expect(judgeName('a..b.zip')).toEqual({ kind: 'zip', storeAs: 'extract.zip' });
		// A name that could hold an identifier (an NHS number, a postcode) is never kept.
		expect(judgeName('9434765919.zip')).toEqual({ kind: 'zip', storeAs: 'extract.zip' });
		expect(judgeName('child SW1A 1AA.zip')).toEqual({ kind: 'zip', storeAs: 'extract.zip' });
		expect(judgeName('extract 2025-04-01.zip')).toEqual({ kind: 'zip', storeAs: 'extract 2025-04-01.zip' });
	});
});

describe('limits', () => {
	it('FP_UPLOAD_LIMIT_MB defaults to 200 MB and must be a positive number', () => {
		expect(uploadLimitBytes(undefined)).toBe(200 * MB);
		expect(uploadLimitBytes('')).toBe(200 * MB);
		expect(uploadLimitBytes('50')).toBe(50 * MB);
		expect(uploadLimitBytes('0.5')).toBe(MB / 2);
		expect(() => uploadLimitBytes('lots')).toThrow(/FP_UPLOAD_LIMIT_MB="lots"/);
		expect(() => uploadLimitBytes('0')).toThrow(/positive/);
	});

	it('reads BODY_SIZE_LIMIT as adapter-node does', () => {
		expect(bodySizeLimitBytes(undefined)).toBe(512 * 1024);
		expect(bodySizeLimitBytes('250M')).toBe(250 * MB);
		expect(bodySizeLimitBytes('1G')).toBe(1024 * MB);
		expect(bodySizeLimitBytes('1000')).toBe(1000);
		expect(bodySizeLimitBytes('Infinity')).toBe(Infinity);
	});

	it('writes sizes in words', () => {
		expect(sizeWords(200 * MB)).toBe('200 MB');
		expect(sizeWords(1.25 * MB)).toBe('1.3 MB');
		expect(sizeWords(512 * 1024)).toBe('512 KB');
		expect(sizeWords(12)).toBe('12 bytes');
	});
});

describe('saveUpload', () => {
	it('saves the extract\'s files into staging/upload-<id>/browser-upload, byte for byte', async () => {
		const staging = tempDir('staging');
		const csv = 'agency_code,agency_name,sector\nPOL,Police,police\n';
		const saved = await saveUpload(formRequest([['manifest.json', '{}'], ['agencies.csv', csv]], { note: 'ignored' }), { stagingDir: staging, id: ID, limits: LIMITS });
		expect(saved.kind).toBe('files');
		expect(saved.root).toBe(path.join(staging, `upload-${ID}`));
		expect(saved.source).toBe(path.join(saved.root, 'browser-upload'));
		expect(saved.files).toEqual([
			{ name: 'manifest.json', bytes: 2 },
			{ name: 'agencies.csv', bytes: csv.length }
		]);
		expect(readdirSync(saved.source).sort()).toEqual(['agencies.csv', 'manifest.json']);
		expect(readFileSync(path.join(saved.source, 'agencies.csv'), 'utf8')).toBe(csv);
		expect(saved.bytes).toBeGreaterThan(csv.length);
	});

	it('saves one zip as the source, under its own plain name', async () => {
		const staging = tempDir('staging');
		const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
		const saved = await saveUpload(formRequest([['April.zip', zip]]), { stagingDir: staging, id: ID, limits: LIMITS });
		expect(saved.kind).toBe('zip');
		expect(saved.source).toBe(path.join(staging, `upload-${ID}`, 'browser-upload', 'April.zip'));
		expect(new Uint8Array(readFileSync(saved.source))).toEqual(zip);
	});

	it('skips an empty file input', async () => {
		const staging = tempDir('staging');
		const e = await refusal(saveUpload(formRequest([['', '']]), { stagingDir: staging, id: ID, limits: LIMITS }));
		expect(e.status).toBe(400);
		expect(e.message).toMatch(/No file was uploaded/);
	});

	const refusals: [string, [string, string][], RegExp][] = [
		['a name outside the extract', [['manifest.json', '{}'], ['passwords.txt', 'x']], /"passwords.txt": not a file of an extract/],
		['a path', [['../../agencies.csv', 'x']], /must not hold a path/],
		['a zip with other files', [['manifest.json', '{}'], ['x.zip', 'PK']], /either one \.zip or the extract's files/],
		['two zips', [['a.zip', 'PK'], ['b.zip', 'PK']], /either one \.zip/],
		['a file twice', [['agencies.csv', 'a'], ['agencies.csv', 'b']], /given twice/]
	];
	it.each(refusals)('refuses %s with 400, and leaves nothing behind', async (_, files, message) => {
		const staging = tempDir('staging');
		const e = await refusal(saveUpload(formRequest(files), { stagingDir: staging, id: ID, limits: LIMITS }));
		expect(e.status).toBe(400);
		expect(e.message).toMatch(message);
		expect(existsSync(path.join(staging, `upload-${ID}`))).toBe(false);
	});

	it('reads the rest of a refused body rather than cancelling it, so that the answer reaches the client', async () => {
		const whole = formRequest([['passwords.txt', 'x'.repeat(100_000)], ['agencies.csv', 'y'.repeat(100_000)]]);
		const bytes = new Uint8Array(await whole.arrayBuffer());
		let cancelled = false;
		let at = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (at >= bytes.length) return controller.close();
				controller.enqueue(bytes.subarray(at, at + 4096));
				at += 4096;
			},
			cancel() {
				cancelled = true;
			}
		});
		const request = new Request('http://localhost/', { method: 'POST', body, duplex: 'half', headers: { 'content-type': whole.headers.get('content-type')! } } as RequestInit);
		const e = await refusal(saveUpload(request, { stagingDir: tempDir('staging'), id: ID, limits: LIMITS }));
		expect(e.status).toBe(400);
		expect(cancelled).toBe(false);
		expect(at).toBeGreaterThanOrEqual(bytes.length);
	});

	it('refuses another content type with 415', async () => {
		const request = new Request('http://localhost/', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
		const e = await refusal(saveUpload(request, { stagingDir: tempDir('staging'), id: ID, limits: LIMITS }));
		expect(e.status).toBe(415);
	});

	it('refuses a Content-Length over the limit with 413 before reading a byte, naming the limit', async () => {
		const staging = tempDir('staging');
		let pulled = false;
		const body = new ReadableStream(
			{
				pull() {
					pulled = true;
				}
			},
			{ highWaterMark: 0 }
		);
		const request = new Request('http://localhost/', {
			method: 'POST',
			body,
			duplex: 'half',
			headers: { 'content-type': 'multipart/form-data; boundary=B', 'content-length': String(11 * MB) }
		} as RequestInit);
		const e = await refusal(saveUpload(request, { stagingDir: staging, id: ID, limits: LIMITS }));
		expect(e.status).toBe(413);
		expect(e.message).toBe('The upload (11 MB) is larger than the limit of 10 MB (FP_UPLOAD_LIMIT_MB).');
		expect(pulled).toBe(false);
		expect(existsSync(path.join(staging, `upload-${ID}`))).toBe(false);
	});

	it('counts the bytes of a body without Content-Length and stops at the limit with 413, removing what it wrote', async () => {
		const staging = tempDir('staging');
		const big = new Uint8Array(3 * MB).fill(65);
		const request = await streamedRequest(formRequest([['manifest.json', '{}'], ['contacts.csv', big]]));
		expect(request.headers.get('content-length')).toBeNull();
		const e = await refusal(saveUpload(request, { stagingDir: staging, id: ID, limits: { bytes: 2 * MB } }));
		expect(e.status).toBe(413);
		expect(e.message).toMatch(/limit of 2 MB \(FP_UPLOAD_LIMIT_MB\)/);
		expect(existsSync(path.join(staging, `upload-${ID}`))).toBe(false);
		// Under the limit, the same streamed body is saved.
		const ok = await saveUpload(await streamedRequest(formRequest([['manifest.json', '{}'], ['contacts.csv', big]])), {
			stagingDir: staging,
			id: ID,
			limits: { bytes: 4 * MB }
		});
		expect(ok.files[1]).toEqual({ name: 'contacts.csv', bytes: big.length });
	});

	it('answers 413 naming BODY_SIZE_LIMIT when the adapter refuses the body', async () => {
		const staging = tempDir('staging');
		const adapterError = Object.assign(new Error('request body size exceeded BODY_SIZE_LIMIT of 524288'), { status: 413 });
		const request = await streamedRequest(formRequest([['manifest.json', '{}']]), adapterError);
		const e = await refusal(saveUpload(request, { stagingDir: staging, id: ID, limits: { bytes: 200 * MB, bodySizeLimit: '512K' } }));
		expect(e.status).toBe(413);
		expect(e.message).toMatch(/BODY_SIZE_LIMIT\) is 512K, below the upload limit of 200 MB \(FP_UPLOAD_LIMIT_MB\)/);
		expect(existsSync(path.join(staging, `upload-${ID}`))).toBe(false);
	});

	it('refuses a body cut short with 400', async () => {
		const staging = tempDir('staging');
		const whole = formRequest([['agencies.csv', 'x'.repeat(1000)]]);
		const full = new Uint8Array(await whole.arrayBuffer());
		const request = new Request('http://localhost/', {
			method: 'POST',
			body: full.subarray(0, 500),
			headers: { 'content-type': whole.headers.get('content-type')! }
		});
		const e = await refusal(saveUpload(request, { stagingDir: staging, id: ID, limits: LIMITS }));
		expect(e.status).toBe(400);
		expect(e.message).toMatch(/could not be read: the upload ended before/);
		expect(existsSync(path.join(staging, `upload-${ID}`))).toBe(false);
	});
});
