import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { importExtract } from '../import/import.ts';
import { listBatches, listQuarantine } from '../import/quarantine.ts';
import { readAuditLog } from '../warehouse/audit.ts';
import { freshWarehouse, MANIFEST, removeTempRoot, toCsv, type TableData } from '../testing/extract.ts';
import { ImportJobs } from './jobs.ts';
import { saveUpload } from './save.ts';
import { startUploadImport } from './start.ts';

afterAll(() => removeTempRoot());

const OWNER = { userId: 'u1', email: 'ann@example.org' };
const LIMITS = { bytes: 10 * 1024 * 1024 };
const AGENCIES: TableData = [
	{ agency_code: 'POL', agency_name: 'Police', sector: 'police' },
	{ agency_code: 'CSC', agency_name: 'Council', sector: 'children_social_care' },
	{ agency_code: 'BAD', agency_name: 'Nowhere', sector: 'astrology' }
];

const files = (tables: Record<string, TableData>): Record<string, string> => ({
	'manifest.json': JSON.stringify(MANIFEST),
	...Object.fromEntries(Object.entries(tables).map(([t, d]) => [`${t}.csv`, typeof d === 'string' ? d : toCsv(d)]))
});

async function zipOf(entries: Record<string, string>): Promise<Buffer> {
	const zip = new yazl.ZipFile();
	for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
	zip.end();
	const chunks: Buffer[] = [];
	for await (const c of zip.outputStream) chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}

function request(parts: Record<string, string | Buffer>): Request {
	const form = new FormData();
	for (const [name, content] of Object.entries(parts)) form.append('files', new File([typeof content === 'string' ? content : new Uint8Array(content)], name));
	return new Request('http://localhost/api/imports', { method: 'POST', body: form });
}

let ids = 0;
const nextId = () => (++ids).toString(16).padStart(32, '0');

describe('an uploaded extract goes through importExtract as a job', () => {
	it('passes a zip through to importExtract as it is, imports it, removes the upload and audits counts only, in the import\'s transaction', async () => {
		const w = await freshWarehouse();
		const id = nextId();
		const saved = await saveUpload(request({ 'April.zip': await zipOf(files({ agencies: AGENCIES })) }), { stagingDir: w.stagingDir, id, limits: LIMITS });
		const seen: { source: string; actor?: string; bytes: Buffer }[] = [];
		const audits: Record<string, unknown>[] = [];
		const jobs = new ImportJobs();
		const job = startUploadImport(w, saved, {
			jobs,
			id,
			owner: OWNER,
			audit: (d) => {
				audits.push(d);
				return { actor: 'user:ann@example.org', action: 'import', details: d };
			},
			importer: (warehouse, source, options) => {
				seen.push({ source, actor: options?.actor, bytes: readFileSync(source) });
				return importExtract(warehouse, source, options);
			}
		});
		const report = await job.finished;
		expect(seen).toHaveLength(1);
		expect(seen[0].source).toBe(path.join(w.stagingDir, `upload-${id}`, 'browser-upload', 'April.zip'));
		expect(seen[0].actor).toBe('user:ann@example.org');
		expect(seen[0].bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
		expect(report).toMatchObject({ batch_id: 1, status: 'committed' });
		expect(report.files).toEqual([{ file: 'agencies.csv', table: 'agencies', rows_read: 3, rows_loaded: 2, rows_replaced: 0, rows_quarantined: 1 }]);
		expect(job.stage).toBe('done');
		expect(job.total).toBeGreaterThan(0);
		expect(job.done).toBe(job.total);
		// The upload's folder is gone; nothing else of it stays in staging.
		expect(readdirSync(w.stagingDir).filter((n) => n.startsWith('upload-') || n.startsWith('zip-'))).toEqual([]);
		const [batch] = await listBatches(w);
		expect(batch).toMatchObject({ batch_id: 1, source: 'April.zip', imported_by: 'user:ann@example.org' });
		expect(audits).toEqual([
			{
				via: 'browser',
				job: id,
				upload: 'zip',
				uploaded_files: ['April.zip'],
				bytes: saved.bytes,
				batch_id: 1,
				status: 'committed',
				identifier_check: 'passed',
				files: [{ file: 'agencies.csv', table: 'agencies', rows_read: 3, rows_loaded: 2, rows_replaced: 0, rows_quarantined: 1 }],
				errors: 0,
				reasons: []
			}
		]);
		// The entry is in the log (written in the import's transaction, with the batch).
		const log = await readAuditLog(w);
		expect(log.filter((e) => e.action === 'import').map((e) => e.details)).toEqual(audits);
		// No row value reaches the audit entry.
		expect(JSON.stringify(audits)).not.toMatch(/Police|Nowhere|astrology/);
		expect((await listQuarantine(w, { batch: 1 })).map((q) => q.line)).toEqual([4]);
	});

	it('imports the extract\'s files as a folder, and reports a refusal by the identifier check', async () => {
		const w = await freshWarehouse();
		const id = nextId();
		const saved = await saveUpload(request(files({ agencies: AGENCIES })), { stagingDir: w.stagingDir, id, limits: LIMITS });
		const jobs = new ImportJobs();
		const entry = (details: Record<string, unknown>) => ({ actor: 'user:ann@example.org', action: 'import', details });
		const ok = await startUploadImport(w, saved, { jobs, id, owner: OWNER, audit: entry }).finished;
		expect(ok).toMatchObject({ status: 'committed', batch_id: 1 });
		expect((await listBatches(w))[0].source).toBe('browser-upload');

		const id2 = nextId();
		const withNhs = files({ agencies: 'agency_code,agency_name,sector,nhs_number\nHLT,Health,health,9434765919\n' });
		const saved2 = await saveUpload(request(withNhs), { stagingDir: w.stagingDir, id: id2, limits: LIMITS });
		const audits: Record<string, unknown>[] = [];
		const job = startUploadImport(w, saved2, { jobs, id: id2, owner: OWNER, audit: (d) => (audits.push(d), entry(d)) });
		const refused = await job.finished;
		expect(refused.status).toBe('failed');
		expect(refused.errors.map((e) => e.message).join('\n')).toMatch(/identifier column/);
		expect(audits[0]).toMatchObject({ status: 'failed', identifier_check: 'refused', batch_id: null, errors: refused.errors.length });
		expect(JSON.stringify(audits)).not.toContain('9434765919');
		// A failed import is logged too, with its reasons (in the import's words).
		const failedEntry = (await readAuditLog(w)).filter((e) => e.action === 'import').at(-1);
		expect(failedEntry?.details).toMatchObject({ status: 'failed', reasons: refused.errors.map((e) => e.message) });
		expect(readdirSync(w.stagingDir).filter((n) => n.startsWith('upload-'))).toEqual([]);
	});
});
