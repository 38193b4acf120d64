/**
 * The charts without Svelte: for each chart, the pure builder (`build…`: data and a `document`
 * in, an accessible SVG out), its table (`…Table`, for `DataTable`), the note about values not
 * drawn (`…Note`) and the summary read out for it (`…Summary`). Usable on the server (reports,
 * exports; pass linkedom's `document`) as well as in the browser.
 */
export { buildTrendChart, trendEmpty, trendNote, trendSummary, trendTable } from './trend.ts';
export { buildXmrChart, signalWords, xmrNote, xmrSummary, xmrTable } from './xmr.ts';
export { buildBarChart, barNote, barSummary, barTable } from './bar.ts';
export { buildHeatmap, heatmapNote, heatmapSummary, heatmapTable } from './heatmap.ts';
export { binLabel, buildHistogram, histogramNote, histogramSummary, histogramTable } from './histogram.ts';
export { buildMatrix, matrixNote, matrixSummary, matrixTable } from './matrix.ts';
export { serializeSvg } from './plot-kit.ts';
export { LONG_LIST, SYMBOL_MEANING, symbolExplanation } from './format.ts';
export type { NoteSummary } from './format.ts';
export type * from './types.ts';
