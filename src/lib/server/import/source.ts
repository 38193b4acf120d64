/**
 * Opening an extract: a folder, or a `.zip` of one, holding `manifest.json` and one file per
 * table (`<table>.csv` or `<table>.parquet`). A zip is unpacked into the warehouse's staging
 * directory first, refusing unsafe entries (absolute paths, `..`, links, encrypted entries).
 */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { z } from 'zod';
import { findTable } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';

/** A failure of the extract as a whole, naming the file and the reason. */
export class ExtractError extends Error {
	readonly file: string | null;
	readonly line: number | undefined;
	constructor(file: string | null, message: string, line?: number) {
		super(file ? `${file}: ${message}` : message);
		this.name = 'ExtractError';
		this.file = file;
		this.line = line;
	}
}

export const MANIFEST_FILE = 'manifest.json';

const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

export const manifestSchema = z
	.strictObject({
		format: z.literal('multi-agency-extract', { error: 'must be "multi-agency-extract"' }),
		version: z.literal(1, { error: 'must be 1 (the only version this Full Picture reads)' }),
		supplied_by: z.string().trim().min(1, 'must name the agency that sent it, or "partnership"'),
		extracted_on: isoDate,
		period_start: isoDate.optional(),
		period_end: isoDate.optional()
	})
	.refine((m) => !m.period_start || !m.period_end || m.period_start <= m.period_end, {
		message: 'period_end is before period_start',
		path: ['period_end']
	});
export type Manifest = z.infer<typeof manifestSchema>;

export interface ExtractFile {
	/** The name as given, e.g. `contacts.csv`. */
	name: string;
	path: string;
	table: Table;
	format: 'csv' | 'parquet';
}

export interface OpenedExtract {
	manifest: Manifest;
	manifestSha256: string;
	files: ExtractFile[];
	/** Removes what opening unpacked. */
	cleanup: () => Promise<void>;
}

/** Operating-system litter that zip tools add; skipped in zips, never in folders. */
const ZIP_LITTER = /(^|\/)(__MACOSX\/|\.DS_Store$)/;

export async function openExtract(source: string, stagingDir: string): Promise<OpenedExtract> {
	let stat;
	try {
		stat = await fs.stat(source);
	} catch {
		throw new ExtractError(null, `${source}: no such folder or file`);
	}
	let dir = source;
	let cleanup = async () => {};
	if (stat.isFile()) {
		if (!source.toLowerCase().endsWith('.zip')) {
			throw new ExtractError(path.basename(source), 'an extract is a folder or a .zip of one');
		}
		await fs.mkdir(stagingDir, { recursive: true });
		const unpacked = await fs.mkdtemp(path.join(stagingDir, 'zip-'));
		cleanup = () => fs.rm(unpacked, { recursive: true, force: true });
		try {
			dir = await unzip(source, unpacked);
		} catch (e) {
			await cleanup();
			throw e;
		}
	} else if (!stat.isDirectory()) {
		throw new ExtractError(null, `${source}: not a folder or a .zip file`);
	}
	try {
		const folder = await readFolder(dir);
		if (dir === source) {
			// DuckDB reads files only from the staging directory (warehouse.ts): a folder's Parquet
			// files are copied there (CSV files are read by JavaScript, which writes a numbered copy there).
			const parquet = folder.files.filter((f) => f.format === 'parquet');
			if (parquet.length) {
				await fs.mkdir(stagingDir, { recursive: true });
				const copies = await fs.mkdtemp(path.join(stagingDir, 'parquet-'));
				cleanup = () => fs.rm(copies, { recursive: true, force: true });
				for (const f of parquet) {
					const copy = path.join(copies, f.name);
					await fs.copyFile(f.path, copy);
					f.path = copy;
				}
			}
		}
		return { ...folder, cleanup };
	} catch (e) {
		await cleanup();
		throw e;
	}
}

async function readFolder(dir: string): Promise<Omit<OpenedExtract, 'cleanup'>> {
	const entries = await fs.readdir(dir, { withFileTypes: true });
	const files: ExtractFile[] = [];
	let manifestPath: string | null = null;
	const seen = new Map<string, string>();
	for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
		if (!entry.isFile()) {
			throw new ExtractError(entry.name, 'not a file: an extract holds only manifest.json and one file per table');
		}
		if (entry.name === MANIFEST_FILE) {
			manifestPath = path.join(dir, entry.name);
			continue;
		}
		const match = /^([a-z0-9_]+)\.(csv|parquet)$/.exec(entry.name);
		const table = match ? findTable(match[1]) : undefined;
		if (!match || !table || table.kind !== 'extract') {
			throw new ExtractError(
				entry.name,
				'unknown file: an extract holds manifest.json and <table>.csv or <table>.parquet for the tables of extract-format.md'
			);
		}
		const other = seen.get(table.name);
		if (other) throw new ExtractError(entry.name, `a second file for table ${table.name} (with ${other})`);
		seen.set(table.name, entry.name);
		files.push({ name: entry.name, path: path.join(dir, entry.name), table, format: match[2] as 'csv' | 'parquet' });
	}
	if (!manifestPath) throw new ExtractError(MANIFEST_FILE, 'missing: every extract needs its manifest');
	const { manifest, sha256 } = await readManifest(manifestPath);
	return { manifest, manifestSha256: sha256, files };
}

async function readManifest(file: string): Promise<{ manifest: Manifest; sha256: string }> {
	const bytes = await fs.readFile(file);
	const { createHash } = await import('node:crypto');
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	let json: unknown;
	try {
		json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''));
	} catch (e) {
		throw new ExtractError(MANIFEST_FILE, `not valid UTF-8 JSON (${(e as Error).message})`);
	}
	const parsed = manifestSchema.safeParse(json);
	if (!parsed.success) {
		const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ');
		throw new ExtractError(MANIFEST_FILE, issues);
	}
	return { manifest: parsed.data, sha256 };
}

function openZip(file: string): Promise<yauzl.ZipFile> {
	return new Promise((resolve, reject) =>
		yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) =>
			err ? reject(err) : resolve(zip)
		)
	);
}

/**
 * Unpacks `file` into `into` and returns the folder holding the extract: the zip's root, or
 * its one top-level folder when every entry sits in it.
 */
/** How much a zipped extract may unpack to: FP_UNZIP_LIMIT_MB, default 8192 (8 GiB). */
export function unzipLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
	const text = env.FP_UNZIP_LIMIT_MB?.trim();
	if (!text) return 8192 * 2 ** 20;
	const mb = Number(text);
	if (!Number.isInteger(mb) || mb < 1) throw new Error(`FP_UNZIP_LIMIT_MB must be a whole number of MiB (got "${text}")`);
	return mb * 2 ** 20;
}

async function unzip(file: string, into: string): Promise<string> {
	const name = path.basename(file);
	let zip: yauzl.ZipFile;
	try {
		zip = await openZip(file);
	} catch (e) {
		throw new ExtractError(name, `cannot be read as a zip file (${(e as Error).message})`);
	}
	const entries: yauzl.Entry[] = [];
	await new Promise<void>((resolve, reject) => {
		zip.on('entry', (entry: yauzl.Entry) => {
			entries.push(entry);
			zip.readEntry();
		});
		zip.on('end', resolve);
		zip.on('error', (e: Error) => reject(new ExtractError(name, `cannot be read as a zip file (${e.message})`)));
		zip.readEntry();
	});
	const files = entries.filter((e) => !e.fileName.endsWith('/') && !ZIP_LITTER.test(e.fileName));
	for (const entry of files) {
		const entryName = entry.fileName;
		const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
		if (entry.isEncrypted()) throw new ExtractError(`${name}: ${entryName}`, 'unsafe zip entry: encrypted');
		if (mode === 0o120000) throw new ExtractError(`${name}: ${entryName}`, 'unsafe zip entry: a symbolic link');
		const parts = entryName.split('/');
		if (path.isAbsolute(entryName) || parts.includes('..') || entryName.includes('\\') || parts.length > 2) {
			throw new ExtractError(`${name}: ${entryName}`, 'unsafe zip entry: its path leaves the extract folder or nests folders');
		}
	}
	// A small zip may unpack to a huge one: refuse it before writing a byte (yauzl checks each
	// entry's real size against the size it declares).
	const unpacked = files.reduce((n, e) => n + e.uncompressedSize, 0);
	const limit = unzipLimitBytes();
	if (unpacked > limit) {
		throw new ExtractError(
			name,
			`unpacks to ${Math.ceil(unpacked / 2 ** 20)} MiB, more than the limit of ${Math.floor(limit / 2 ** 20)} MiB (FP_UNZIP_LIMIT_MB): send the folder instead, or raise the limit`
		);
	}
	const tops = new Set(files.map((e) => (e.fileName.includes('/') ? e.fileName.split('/')[0] : '')));
	if (tops.size > 1) throw new ExtractError(name, 'the zip must hold one extract: its files at the root or in one folder');
	const root = [...tops][0] ?? '';
	if (root === '' && files.some((e) => e.fileName.includes('/'))) {
		throw new ExtractError(name, 'the zip must hold one extract: its files at the root or in one folder');
	}
	const target = root ? path.join(into, path.basename(root)) : into;
	await fs.mkdir(target, { recursive: true });
	const reopened = await openZip(file);
	const wanted = new Set(files.map((e) => e.fileName));
	await new Promise<void>((resolve, reject) => {
		reopened.on('entry', (entry: yauzl.Entry) => {
			if (!wanted.has(entry.fileName)) return reopened.readEntry();
			reopened.openReadStream(entry, (err, stream) => {
				if (err) return reject(new ExtractError(`${name}: ${entry.fileName}`, `cannot be unpacked (${err.message})`));
				const out = path.join(target, path.basename(entry.fileName));
				pipeline(stream, createWriteStream(out, { flags: 'wx' })).then(
					() => reopened.readEntry(),
					(e: Error) => reject(new ExtractError(`${name}: ${entry.fileName}`, `cannot be unpacked (${e.message})`))
				);
			});
		});
		reopened.on('end', resolve);
		reopened.on('error', (e: Error) => reject(new ExtractError(name, `cannot be read as a zip file (${e.message})`)));
		reopened.readEntry();
	});
	return target;
}
