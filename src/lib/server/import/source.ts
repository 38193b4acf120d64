/**
 * Opening an extract: a folder, or a `.zip` of one, holding `manifest.json` and one file per
 * table (`<table>.csv` or `<table>.parquet`). A zip is unpacked into the import's work folder
 * (inside the warehouse's staging directory) first, refusing unsafe entries (absolute paths,
 * `..`, links, encrypted entries), more entries than an extract can hold, and more bytes than
 * the unzip limit, before a byte is written. Errors name files as ./names.ts allows: never a
 * name that could be data.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { z } from 'zod';
import { findTable } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { bytesWords, countWords, DEFAULT_LIMITS, type ImportLimits } from './limits.ts';
import { isExtractFileName, MANIFEST_FILE, shownFile, shownSource } from './names.ts';

export { MANIFEST_FILE };

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

/** A file-system error in words, without its path: "the disk is full" rather than ENOSPC and a staging path. */
export function ioWords(e: unknown): string {
	const code = (e as NodeJS.ErrnoException | null)?.code;
	if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk holding the warehouse\'s staging directory is full: free some space and try again';
	if (code === 'EACCES' || code === 'EPERM') return 'a file could not be read or written (permission denied)';
	if (code === 'ENOENT') return 'a file disappeared while it was being read';
	if (code === 'EMFILE' || code === 'ENFILE') return 'too many files are open on the server: try again shortly';
	return code ? `a read or write error (${code})` : 'a read or write error';
}

/** The largest manifest read: it is a few lines of JSON. */
const MANIFEST_MAX_BYTES = 64 * 1024;

const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

export const manifestSchema = z
	.object({
		format: z.literal('multi-agency-extract', { error: 'must be "multi-agency-extract"' }),
		version: z.literal(1, { error: 'must be 1 (the only version this Full Picture reads)' }),
		supplied_by: z.string({ error: 'must be text' }).trim().min(1, 'must name the agency that sent it, or "partnership"'),
		extracted_on: isoDate,
		period_start: isoDate.optional(),
		period_end: isoDate.optional()
	})
	.strict()
	.refine((m) => !m.period_start || !m.period_end || m.period_start <= m.period_end, {
		message: 'period_end is before period_start',
		path: ['period_end']
	});
export type Manifest = z.infer<typeof manifestSchema>;
const MANIFEST_KEYS = ['format', 'version', 'supplied_by', 'extracted_on', 'period_start', 'period_end'];

export interface ExtractFile {
	/** The name as given, e.g. `contacts.csv` (always an extract file's name: see names.ts). */
	name: string;
	path: string;
	table: Table;
	format: 'csv' | 'parquet';
}

export interface OpenedExtract {
	manifest: Manifest;
	manifestSha256: string;
	files: ExtractFile[];
}

/** Operating-system litter that zip tools add; skipped in zips, never in folders. */
const ZIP_LITTER = /(^|\/)(__MACOSX\/|\.DS_Store$)/;

/**
 * Opens the folder or zip `source`. A zip is unpacked, and a folder's Parquet files are copied,
 * into `workDir` (DuckDB reads files only from the staging directory); the caller removes it.
 */
export async function openExtract(source: string, workDir: string, limits: ImportLimits = DEFAULT_LIMITS): Promise<OpenedExtract> {
	let stat;
	try {
		stat = await fs.stat(source);
	} catch {
		throw new ExtractError(null, `${shownSource(path.basename(source))}: no such folder or file`);
	}
	let dir = source;
	if (stat.isFile()) {
		if (!source.toLowerCase().endsWith('.zip')) {
			throw new ExtractError(shownSource(path.basename(source)), 'an extract is a folder or a .zip of one');
		}
		dir = await unzip(source, path.join(workDir, 'unzipped'), limits);
	} else if (!stat.isDirectory()) {
		throw new ExtractError(null, `${shownSource(path.basename(source))}: not a folder or a .zip file`);
	}
	const folder = await readFolder(dir);
	if (dir === source) {
		// DuckDB reads files only from the staging directory (warehouse.ts): a folder's Parquet
		// files are copied there (CSV files are read by JavaScript, which writes a numbered copy there).
		const parquet = folder.files.filter((f) => f.format === 'parquet');
		if (parquet.length) {
			const copies = path.join(workDir, 'parquet');
			await fs.mkdir(copies, { recursive: true });
			for (const f of parquet) {
				const copy = path.join(copies, f.name);
				try {
					await fs.copyFile(f.path, copy);
				} catch (e) {
					throw new ExtractError(f.name, `cannot be copied for reading: ${ioWords(e)}`);
				}
				f.path = copy;
			}
		}
	}
	return folder;
}

async function readFolder(dir: string): Promise<OpenedExtract> {
	const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
	const files: ExtractFile[] = [];
	let manifestPath: string | null = null;
	const seen = new Map<string, string>();
	for (const [i, entry] of entries.entries()) {
		if (!entry.isFile()) {
			const what = entry.isSymbolicLink() ? 'a symbolic link' : entry.isDirectory() ? 'a folder' : 'not a file';
			throw new ExtractError(shownFile(entry.name, i + 1), `${what}: an extract holds only manifest.json and one file per table`);
		}
		if (entry.name === MANIFEST_FILE) {
			manifestPath = path.join(dir, entry.name);
			continue;
		}
		const match = /^([a-z0-9_]+)\.(csv|parquet)$/.exec(entry.name);
		const table = match ? findTable(match[1]) : undefined;
		if (!match || !table || table.kind !== 'extract' || !isExtractFileName(entry.name)) {
			throw new ExtractError(
				shownFile(entry.name, i + 1),
				'unknown file: an extract holds manifest.json and <table>.csv or <table>.parquet for the tables of extract-format.md (names exactly so, in lower case)'
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

/** The manifest's problems in words: keys are named only when they are the manifest's own. */
function manifestIssues(error: z.ZodError): string {
	return error.issues
		.map((i) => {
			if (i.code === 'unrecognized_keys') {
				const n = i.keys.length;
				return `${n === 1 ? 'an unknown key' : `${n} unknown keys`} (a manifest has only ${MANIFEST_KEYS.join(', ')})`;
			}
			const key = i.path.length === 1 && MANIFEST_KEYS.includes(String(i.path[0])) ? String(i.path[0]) : 'manifest';
			return `${key}: ${i.message}`;
		})
		.join('; ');
}

async function readManifest(file: string): Promise<{ manifest: Manifest; sha256: string }> {
	const { size } = await fs.stat(file);
	if (size > MANIFEST_MAX_BYTES) throw new ExtractError(MANIFEST_FILE, `is larger than ${bytesWords(MANIFEST_MAX_BYTES)}: a manifest is a few lines of JSON`);
	const bytes = await fs.readFile(file);
	const { createHash } = await import('node:crypto');
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
	} catch {
		throw new ExtractError(MANIFEST_FILE, 'is not UTF-8');
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		// JSON.parse's message quotes the text: say where the extract's contract is instead.
		throw new ExtractError(MANIFEST_FILE, 'is not valid JSON (extract-format.md gives its form)');
	}
	const parsed = manifestSchema.safeParse(json);
	if (!parsed.success) throw new ExtractError(MANIFEST_FILE, manifestIssues(parsed.error));
	return { manifest: parsed.data, sha256 };
}

/** Closes a zip's file (it may be closed already): a failed unzip must not hold the file open in a reader that lives on. */
function closeZip(zip: yauzl.ZipFile): void {
	try {
		if (zip.isOpen) zip.close();
	} catch {
		// closed already
	}
}

function openZip(file: string): Promise<yauzl.ZipFile> {
	return new Promise((resolve, reject) =>
		yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) =>
			err ? reject(err) : resolve(zip)
		)
	);
}

/** yauzl's complaint in words that hold no entry name (its messages quote them). */
function zipWords(e: Error): string {
	const m = e.message;
	if (/invalid characters|absolute path|relative path|backslash/i.test(m)) return 'unsafe zip entry: its path leaves the extract folder';
	if (/too many bytes|too few bytes|size mismatch/i.test(m)) return 'an entry is not the size the zip says it is';
	if (/end of central directory|not a zip|invalid signature|signature/i.test(m)) return 'it is not a zip file, or it is damaged';
	if (/encrypt/i.test(m)) return 'an entry is encrypted';
	if (/compression method/i.test(m)) return 'an entry uses a compression method this reader does not know';
	return 'it is damaged or not a zip file';
}

/** An entry of the zip in errors: its name if it is an extract file's, else its place. */
const shownEntry = (entry: yauzl.Entry, index: number) => {
	const base = entry.fileName.split('/').pop() ?? '';
	return isExtractFileName(base) ? base : `entry ${index + 1} of the zip`;
};

/**
 * Unpacks `file` into `into` and returns the folder holding the extract: the zip's root, or
 * its one top-level folder when every entry sits in it.
 */
async function unzip(file: string, into: string, limits: ImportLimits): Promise<string> {
	const name = shownSource(path.basename(file));
	let zip: yauzl.ZipFile;
	try {
		zip = await openZip(file);
	} catch (e) {
		throw new ExtractError(name, `cannot be read as a zip file (${zipWords(e as Error)})`);
	}
	const entries: yauzl.Entry[] = [];
	await new Promise<void>((resolve, reject) => {
		zip.on('entry', (entry: yauzl.Entry) => {
			entries.push(entry);
			if (entries.length > limits.maxZipEntries) {
				closeZip(zip);
				reject(new ExtractError(name, `holds more than ${countWords(limits.maxZipEntries)} entries: an extract is a manifest and a file per table`));
				return;
			}
			zip.readEntry();
		});
		zip.on('end', resolve);
		zip.on('error', (e: Error) => {
			closeZip(zip);
			reject(new ExtractError(name, `cannot be read as a zip file (${zipWords(e)})`));
		});
		zip.readEntry();
	});
	const indexed = entries.map((entry, index) => ({ entry, index }));
	closeZip(zip);
	const files = indexed.filter(({ entry }) => !entry.fileName.endsWith('/') && !ZIP_LITTER.test(entry.fileName));
	for (const { entry, index } of files) {
		const entryName = entry.fileName;
		const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
		const shown = `${name}: ${shownEntry(entry, index)}`;
		if (entry.isEncrypted()) throw new ExtractError(shown, 'unsafe zip entry: encrypted');
		if (mode === 0o120000) throw new ExtractError(shown, 'unsafe zip entry: a symbolic link');
		if (mode !== 0 && mode !== 0o100000) throw new ExtractError(shown, 'unsafe zip entry: not a plain file');
		const parts = entryName.split('/');
		if (path.isAbsolute(entryName) || parts.includes('..') || parts.includes('.') || entryName.includes('\\') || parts.length > 2 || parts.includes('')) {
			throw new ExtractError(shown, 'unsafe zip entry: its path leaves the extract folder or nests folders');
		}
	}
	// A small zip may unpack to a huge one: refuse it before writing a byte (yauzl checks each
	// entry's real size against the size it declares).
	const unpacked = files.reduce((n, { entry }) => n + entry.uncompressedSize, 0);
	if (unpacked > limits.unzipBytes) {
		throw new ExtractError(
			name,
			`unpacks to ${Math.ceil(unpacked / 2 ** 20)} MiB, more than the limit of ${bytesWords(limits.unzipBytes)} (FP_UNZIP_LIMIT_MB): send the folder instead, or raise the limit`
		);
	}
	const tops = new Set(files.map(({ entry }) => (entry.fileName.includes('/') ? entry.fileName.split('/')[0] : '')));
	if (tops.size > 1 || ([...tops][0] === '' && files.some(({ entry }) => entry.fileName.includes('/')))) {
		throw new ExtractError(name, 'the zip must hold one extract: its files at the root or in one folder');
	}
	const names = new Set<string>();
	for (const { entry, index } of files) {
		const base = entry.fileName.split('/').pop()!;
		if (names.has(base)) throw new ExtractError(`${name}: ${shownEntry(entry, index)}`, 'a file given twice in the zip');
		names.add(base);
	}
	// The folder's own name is never used: entries are written flat into `into`.
	await fs.mkdir(into, { recursive: true });
	const reopened = await openZip(file).catch((e: Error) => {
		throw new ExtractError(name, `cannot be read as a zip file (${zipWords(e)})`);
	});
	const wanted = new Map(files.map(({ entry, index }) => [entry.fileName, index]));
	let written = 0;
	await new Promise<void>((resolve, reject) => {
		const fail = (e: unknown) => {
			closeZip(reopened);
			reject(e);
		};
		reopened.on('entry', (entry: yauzl.Entry) => {
			const index = wanted.get(entry.fileName);
			if (index === undefined) return reopened.readEntry();
			const shown = `${name}: ${shownEntry(entry, index)}`;
			reopened.openReadStream(entry, (err, stream) => {
				if (err) return fail(new ExtractError(shown, `cannot be unpacked (${zipWords(err)})`));
				stream.on('data', (chunk: Buffer) => {
					written += chunk.length;
					if (written > limits.unzipBytes) stream.destroy(new Error('too many bytes'));
				});
				const out = path.join(into, path.basename(entry.fileName));
				pipeline(stream, createWriteStream(out, { flags: 'wx' })).then(
					() => reopened.readEntry(),
					(e: NodeJS.ErrnoException) =>
						fail(new ExtractError(shown, `cannot be unpacked (${e.code ? ioWords(e) : zipWords(e)})`))
				);
			});
		});
		reopened.on('end', resolve);
		reopened.on('error', (e: Error) => fail(new ExtractError(name, `cannot be read as a zip file (${zipWords(e)})`)));
		reopened.readEntry();
	});
	return into;
}
