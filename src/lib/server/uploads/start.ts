/**
 * Running the import of a saved upload as a background job: importExtract on the upload's zip
 * or folder (in the warehouse's staging directory), then the upload's folder removed and the
 * audit entry written, whatever the outcome.
 */
import { importExtract } from '../import/import.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { ImportJob, ImportJobs, JobOwner } from './jobs.ts';
import { importAuditDetails } from './report.ts';
import { removeUpload, type SavedUpload } from './save.ts';

export interface StartOptions {
	jobs: ImportJobs;
	/** The job's id: the upload's (its folder is `upload-<id>`). */
	id: string;
	owner: JobOwner;
	/** Writes the audit entry `import` with these details. */
	audit: (details: Record<string, unknown>) => Promise<void>;
	/** importExtract (tests may watch it). */
	importer?: typeof importExtract;
}

export function startUploadImport(warehouse: Warehouse, saved: SavedUpload, options: StartOptions): ImportJob {
	const importer = options.importer ?? importExtract;
	try {
		return options.jobs.start(
			options.id,
			options.owner,
			(onProgress) => importer(warehouse, saved.source, { actor: `user:${options.owner.email}`, onProgress }),
			async (report) => {
				try {
					await removeUpload(saved.root);
				} finally {
					await options.audit(importAuditDetails(options.id, saved, report));
				}
			}
		);
	} catch (e) {
		// Not started (too many running): the upload goes.
		void removeUpload(saved.root);
		throw e;
	}
}
