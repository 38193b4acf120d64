/**
 * Running the import of a saved upload as a background job: importExtract on the upload's zip
 * or folder (in the warehouse's staging directory), with its audit entry (written in the
 * import's own transaction when it commits, after it otherwise), then the upload's folder
 * removed, whatever the outcome.
 */
import { warmInBackground } from '../dashboard/warm.ts';
import { importExtract } from '../import/import.ts';
import type { AuditEntry } from '../warehouse/audit.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { ImportJob, ImportJobs, JobOwner } from './jobs.ts';
import { importAuditDetails } from './report.ts';
import { removeUpload, type SavedUpload } from './save.ts';

export interface StartOptions {
	jobs: ImportJobs;
	/** The job's id: the upload's (its folder is `upload-<id>`). */
	id: string;
	owner: JobOwner;
	/** The audit entry `import` with these details (the actor and the client's address added). */
	audit: (details: Record<string, unknown>) => AuditEntry;
	/** importExtract (tests may watch it). */
	importer?: typeof importExtract;
}

export function startUploadImport(warehouse: Warehouse, saved: SavedUpload, options: StartOptions): ImportJob {
	const importer = options.importer ?? importExtract;
	try {
		return options.jobs.start(
			options.id,
			options.owner,
			async (onProgress) => {
				const report = await importer(warehouse, saved.source, {
					actor: `user:${options.owner.email}`,
					onProgress,
					audit: (report) => options.audit(importAuditDetails(options.id, saved, report))
				});
				// A new data version: its first pages' figures computed ahead (dashboard/warm.ts).
				if (report.status === 'committed') warmInBackground(warehouse);
				return report;
			},
			() => removeUpload(saved.root)
		);
	} catch (e) {
		// Not started (too many running): the upload goes.
		void removeUpload(saved.root);
		throw e;
	}
}
