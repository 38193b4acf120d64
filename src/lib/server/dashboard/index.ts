/**
 * The dashboard's page data: one function per page, each returning plain, JSON-able,
 * UNSUPPRESSED figures and counts (`MetricValue`, series of `{month, value}`, `CountTable`)
 * for disclosure control to take before anything reaches a person. No SvelteKit here.
 */
export { auditsPage, type AuditsData } from './audits.ts';
export { dataPage, type DataPageData, type Freshness } from './data.ts';
export { escalationPage, type EscalationData } from './escalation.ts';
export { filterOptions, type FilterOptions, type NamedAgency, type NamedArea } from './filters.ts';
export { meetingsPage, sectorTable, type MeetingsData } from './meetings.ts';
export { metricPage, type Breakdown, type BreakdownGroup, type MetricPageData, type MetricPageOptions } from './metric.ts';
export { metricInfo, type MetricInfo, type MonthMetrics, type SeriesPoint } from './metrics.ts';
export { needPage, NEED_DIMENSIONS, type AreaRates, type NeedData, type NeedDimension } from './need.ts';
export { overviewPage, type OverviewData, type OverviewOptions, type ScorecardEntry } from './overview.ts';
export * from './period.ts';
export type { DashboardQuery, PageScope } from './query.ts';
export { responsePage, ASSESSMENT_BINS, type ResponseData } from './response.ts';
export type { PriorityFigure } from './scorecard.ts';
export { benchmarksFor, listPriorities, type Benchmark, type PriorityFilter, type PriorityRow } from './settings.ts';
