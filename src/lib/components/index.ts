/**
 * The dashboard's chart components, fed plain data (no fetching, no SQL; nothing from
 * `$lib/server`). A page puts each chart in a `Figure` with its table and note:
 *
 *   <Figure title="…" definition="…" table={trendTable(data)} note={trendNote(data)}>
 *     <TrendChart {data} />
 *   </Figure>
 *
 * Server code that only needs the SVG (reports, exports) imports `./charts/index.ts`, which
 * has no Svelte in it.
 */
export { default as Figure } from './Figure.svelte';
export { default as DataTable } from './DataTable.svelte';
export { default as ShownFigure } from './ShownFigure.svelte';
export { default as MetricDefinition } from './MetricDefinition.svelte';
export { default as BenchmarkList } from './BenchmarkList.svelte';
export { default as TrendChart } from './charts/TrendChart.svelte';
export { default as XmrChart } from './charts/XmrChart.svelte';
export { default as BarChart } from './charts/BarChart.svelte';
export { default as Heatmap } from './charts/Heatmap.svelte';
export { default as Histogram } from './charts/Histogram.svelte';
export { default as Matrix } from './charts/Matrix.svelte';
export * from './charts/index.ts';
