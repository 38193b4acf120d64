/**
 * Saving an uploaded extract into the warehouse's staging directory (the only place DuckDB may
 * read from), streamed to disk part by part.
 *
 * An upload is either one `.zip` (the extract zipped, as the command line takes it) or the
 * extract's own files: `manifest.json` and `<table>.csv|parquet` for the tables of
 * extract-format.md. Any other name, a name with a path, a file given twice, or a zip with other
 * files is refused (400) before anything is imported. The upload's size is limited (413): by
 * Content-Length before reading when it is given, and by counting the bytes as they arrive.
 *
 * Files go to `<staging>/upload-<id>/browser-upload/`; the caller removes `upload-<id>` after the
 * import (removeUpload). A server that stops mid-upload leaves it: the next one to open the
 * warehouse empties the staging directory (warehouse.ts, removeStagingLeftovers).
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isPlainName, MANIFEST_FILE } from '../import/names.ts';
import { findTable } from '../schema/tables.ts';
import { boundaryOf, MultipartError, readMultipart, type PartSink } from './multipart.ts';

/** The form field holding the files (the page's file input and the API's multipart body). */
export const UPLOAD_FIELD = 'files';

/** A refused upload: the HTTP status and a message for the person who sent it. */
export class UploadError extends Error {
	readonly status: 400 | 413 | 415 | 507;
	constructor(status: 400 | 413 | 415 | 507, message: string) {
		super(message);
		this.name = 'UploadError';
		this.status = status;
	}
}

export interface UploadLimits {
	/** The upload limit in bytes (FP_UPLOAD_LIMIT_MB). */
	bytes: number;
	/** adapter-node's BODY_SIZE_LIMIT as given (default 512K), named when it is the one that refuses. */
	bodySizeLimit?: string;
}

export interface SavedFile {
	name: string;
	bytes: number;
}

export interface SavedUpload {
	/** The upload's own folder: remove it when the import is over. */
	root: string;
	/** What to give importExtract: the zip, or the folder of files. */
	source: string;
	kind: 'zip' | 'files';
	files: SavedFile[];
	/** Bytes of the request body read. */
	bytes: number;
}

const MB = 1024 * 1024;

/** FP_UPLOAD_LIMIT_MB (default 200) in bytes; anything but a positive number is an error naming it. */
export function uploadLimitBytes(value: string | undefined): number {
	if (value === undefined || value.trim() === '') return 200 * MB;
	const mb = Number(value);
	if (!Number.isFinite(mb) || mb <= 0) throw new Error(`FP_UPLOAD_LIMIT_MB="${value}" is not a positive number of megabytes`);
	return Math.floor(mb * MB);
}

/** Bytes in words: "200 MB", "1.5 MB", "512 KB". */
export function sizeWords(bytes: number): string {
	if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
	if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
	return `${bytes} bytes`;
}

/** adapter-node's reading of BODY_SIZE_LIMIT (K, M, G suffixes; Infinity), in bytes. */
export function bodySizeLimitBytes(value: string | undefined): number {
	const text = (value ?? '512K').trim();
	const multiplier = { K: 1024, M: MB, G: 1024 * MB }[text.slice(-1).toUpperCase()] ?? 1;
	return Number(multiplier === 1 ? text : text.slice(0, -1)) * multiplier;
}

/** The upload-id folder name's pattern (ids are made by the server: 32 hex). */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;


export type NameVerdict = { kind: 'zip'; storeAs: string } | { kind: 'extract' } | { kind: 'refused'; reason: string };

/**
 * Which names an upload may hold: `manifest.json`, `<table>.csv|parquet` for an extract table
 * (exactly, as the import reads them), or one `.zip`. Never a path.
 */
export function judgeName(name: string): NameVerdict {
	if (name.includes('/') || name.includes('\\') || name.includes('\0') || name === '.' || name === '..') {
		return { kind: 'refused', reason: 'a file name must not hold a path' };
	}
	if (name === MANIFEST_FILE) return { kind: 'extract' };
	const table = /^([a-z0-9_]+)\.(csv|parquet)$/.exec(name);
	if (table && findTable(table[1])?.kind === 'extract') return { kind: 'extract' };
	// A zip keeps its own name only if it is a plain one that cannot hold an identifier (import/names.ts).
	if (name.toLowerCase().endsWith('.zip')) return { kind: 'zip', storeAs: isPlainName(name) && !name.includes('..') ? name : 'extract.zip' };
	return {
		kind: 'refused',
		reason: 'not a file of an extract: upload one .zip, or manifest.json and <table>.csv or <table>.parquet for the tables of the extract format (names exactly so, in lower case)'
	};
}

/**
 * The request body's chunks, counted against the limit. After a refusal, `drain` reads and
 * discards the rest (up to the limit) so that the answer reaches the client: cancelling the
 * stream would make adapter-node destroy the connection before the answer is sent.
 */
function countedBody(body: ReadableStream<Uint8Array>, limits: UploadLimits) {
	const reader = body.getReader();
	const total = { bytes: 0 };
	let finished = false;
	const next = async (): Promise<Uint8Array | null> => {
		let result: ReadableStreamReadResult<Uint8Array>;
		try {
			result = await reader.read();
		} catch (e) {
			finished = true;
			// adapter-node refuses a body over BODY_SIZE_LIMIT by failing the stream with a 413.
			if ((e as { status?: number }).status === 413) throw tooLarge(limits, null, true);
			throw new UploadError(400, `the upload could not be read (${(e as Error).message})`);
		}
		if (result.done) {
			finished = true;
			return null;
		}
		total.bytes += result.value.byteLength;
		if (total.bytes > limits.bytes) throw tooLarge(limits, null, false);
		return result.value;
	};
	return {
		total,
		async *chunks(): AsyncGenerator<Uint8Array> {
			for (let chunk = await next(); chunk; chunk = await next()) yield chunk;
		},
		async drain(): Promise<void> {
			try {
				while (!finished && (await next()));
			} catch {
				// Over the limit (or broken): give up on the rest; the connection goes.
				await reader.cancel().catch(() => {});
			}
		}
	};
}

function tooLarge(limits: UploadLimits, size: number | null, byServer: boolean): UploadError {
	const limit = sizeWords(limits.bytes);
	if (byServer) {
		return new UploadError(
			413,
			`The upload is larger than the server accepts: its request body limit (BODY_SIZE_LIMIT) is ${limits.bodySizeLimit ?? '512K'}, below the upload limit of ${limit} (FP_UPLOAD_LIMIT_MB). Ask the server's administrator to raise BODY_SIZE_LIMIT.`
		);
	}
	return new UploadError(413, `The upload${size === null ? '' : ` (${sizeWords(size)})`} is larger than the limit of ${limit} (FP_UPLOAD_LIMIT_MB).`);
}

/**
 * Streams the request's multipart body into `<stagingDir>/upload-<id>/`. Refusals are
 * UploadErrors; whatever was written is removed before one is thrown.
 */
export async function saveUpload(request: Request, options: { stagingDir: string; id: string; limits: UploadLimits }): Promise<SavedUpload> {
	const { stagingDir, id, limits } = options;
	if (!UPLOAD_ID.test(id)) throw new Error('an upload id is 32 hex digits');
	let boundary: string;
	try {
		boundary = boundaryOf(request.headers.get('content-type'));
	} catch (e) {
		throw new UploadError(415, `Send the files as multipart/form-data (${(e as Error).message}).`);
	}
	const length = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(length) && length > limits.bytes) throw tooLarge(limits, length, false);
	if (!request.body) throw new UploadError(400, 'The upload is empty: choose a .zip, or manifest.json and the table files.');

	const root = path.join(stagingDir, `upload-${id}`);
	const folder = path.join(root, 'browser-upload');
	await fs.mkdir(folder, { recursive: true });
	const files: SavedFile[] = [];
	let zip: string | null = null;
	let open: FileHandle | null = null;
	const body = countedBody(request.body, limits);
	const total = body.total;
	try {
		await readMultipart(body.chunks(), boundary, async (info): Promise<PartSink | null> => {
			if (info.filename === null || info.name !== UPLOAD_FIELD) return null; // other fields are not read
			if (info.filename === '') return null; // an empty file input
			const verdict = judgeName(info.filename);
			if (verdict.kind === 'refused') throw new UploadError(400, `${JSON.stringify(info.filename)}: ${verdict.reason}.`);
			const storeAs = verdict.kind === 'zip' ? verdict.storeAs : info.filename;
			if (verdict.kind === 'zip' ? files.length > 0 : zip !== null) {
				throw new UploadError(400, 'Upload either one .zip or the extract\'s files (manifest.json and the tables), not both.');
			}
			if (files.some((f) => f.name === storeAs)) throw new UploadError(400, `${JSON.stringify(info.filename)} was given twice.`);
			if (verdict.kind === 'zip') zip = storeAs;
			const file: SavedFile = { name: storeAs, bytes: 0 };
			files.push(file);
			const handle = await fs.open(path.join(folder, storeAs), 'wx');
			open = handle;
			return {
				async write(chunk) {
					file.bytes += chunk.byteLength;
					await handle.write(chunk);
				},
				async end() {
					open = null;
					await handle.close();
				}
			};
		});
		if (files.length === 0) throw new UploadError(400, 'No file was uploaded: choose a .zip, or manifest.json and the table files.');
		return {
			root,
			source: zip ? path.join(folder, zip) : folder,
			kind: zip ? 'zip' : 'files',
			files,
			bytes: total.bytes
		};
	} catch (e) {
		await (open as FileHandle | null)?.close().catch(() => {});
		await body.drain();
		await removeUpload(root);
		if (e instanceof MultipartError) throw new UploadError(400, `The upload could not be read: ${e.message}.`);
		const code = (e as NodeJS.ErrnoException | null)?.code;
		if (code === 'ENOSPC' || code === 'EDQUOT') {
			throw new UploadError(507, "The server's disk is full (the warehouse's staging directory): nothing was imported. Ask the server's administrator to free some space, then upload again.");
		}
		throw e;
	}
}

/** Removes an upload's folder (after its import, or when it was refused). */
export async function removeUpload(root: string): Promise<void> {
	await fs.rm(root, { recursive: true, force: true });
}
