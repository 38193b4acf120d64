/**
 * The one registry of metrics (metrics.md, version 2): every key of ./keys.ts, each with
 * its title, plain-English definition, numerator and denominator, unit, direction, source
 * tables, whether it applies under an agency or sector filter, and its SQL. The
 * definitions live beside their SQL in ./definitions/, one file per family.
 */
import type { MetricDefinition } from './definition.ts';
import { auditActionsOnTimePct, auditActionsOverdueAtEnd, auditsGoodOrBetterPct } from './definitions/audits.ts';
import {
	childrenKnown3plusAgencies,
	contactConversionPct,
	contactsPer10k,
	multiAgencyChildrenPct,
	referralDecision1wdPct,
	referralsPer10k,
	reReferrals12mPct
} from './definitions/front-door.ts';
import {
	conferenceReportsPct,
	cpMeetingPartnerAttendancePct,
	escalationResolutionMedianDays,
	escalationsAgreedPct,
	escalationsOpenAtEnd,
	escalationsPer100Referrals,
	escalationsStage3Pct,
	icpcPartnerAttendancePct,
	infoRequestAck1wdPct,
	infoRequestMedianHours,
	infoRequestOnTimePct,
	infoRequestsOverdueAtEnd
} from './definitions/partnership.ts';
import {
	assessment45wdPct,
	assessmentMedianWd,
	assessmentsOpenOver45wdAtEnd,
	cpEnded2yPlusPct,
	cpSecondSubsequentPct,
	icpc15wdPct
} from './definitions/social-care.ts';
import { METRIC_KEYS, type MetricKey } from './keys.ts';

export type { MetricDefinition, MetricKind, Unit } from './definition.ts';

const DEFINITIONS = [
	contactsPer10k,
	referralsPer10k,
	reReferrals12mPct,
	multiAgencyChildrenPct,
	referralDecision1wdPct,
	assessment45wdPct,
	assessmentMedianWd,
	icpc15wdPct,
	infoRequestOnTimePct,
	infoRequestMedianHours,
	escalationsPer100Referrals,
	escalationsStage3Pct,
	escalationResolutionMedianDays,
	escalationsOpenAtEnd,
	icpcPartnerAttendancePct,
	cpSecondSubsequentPct,
	cpEnded2yPlusPct,
	auditsGoodOrBetterPct,
	auditActionsOnTimePct,
	contactConversionPct,
	infoRequestAck1wdPct,
	infoRequestsOverdueAtEnd,
	assessmentsOpenOver45wdAtEnd,
	escalationsAgreedPct,
	cpMeetingPartnerAttendancePct,
	conferenceReportsPct,
	auditActionsOverdueAtEnd,
	childrenKnown3plusAgencies
];

/** Every metric by key. */
export const REGISTRY: Readonly<Record<MetricKey, MetricDefinition>> = (() => {
	const byKey = new Map(DEFINITIONS.map((d) => [d.key, d]));
	if (byKey.size !== DEFINITIONS.length) throw new Error('a metric key is defined twice');
	const out = {} as Record<MetricKey, MetricDefinition>;
	for (const key of METRIC_KEYS) {
		const definition = byKey.get(key);
		if (!definition) throw new Error(`metric ${key} has no definition`);
		out[key] = definition;
	}
	if (byKey.size !== METRIC_KEYS.length) throw new Error('a metric is defined that keys.ts does not list');
	return out;
})();

/** Every metric, in the order of metrics.md (and of ./keys.ts). */
export const METRICS: readonly MetricDefinition[] = METRIC_KEYS.map((key) => REGISTRY[key]);

export function getMetric(key: MetricKey): MetricDefinition {
	return REGISTRY[key];
}

export function isMetricKey(value: string): value is MetricKey {
	return (METRIC_KEYS as readonly string[]).includes(value);
}
