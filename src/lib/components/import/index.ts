/**
 * The import pages' components (/data/import, /data/quarantine), fed plain JSON (types.ts):
 *
 *   <UploadForm limitBytes limitText onreport />   the upload form: a plain multipart form action
 *                                                  without JavaScript; with it, XHR with progress,
 *                                                  then the import's stages until the report
 *   <ImportReport report verdict focus? />         the report as a table, errors with file and line
 *   <BatchList batches caption mayUndo />          batches, newest first, with Undo buttons
 */
export { default as UploadForm } from './UploadForm.svelte';
export { default as ImportReport } from './ImportReport.svelte';
export { default as BatchList } from './BatchList.svelte';
export * from './types.ts';
