/**
 * The demo partnership's settings: its priorities (one of which starts partway through the
 * period, when assessment timeliness begins to improve) and published-style benchmarks
 * for whole financial years. Values are illustrative, near England's published figures.
 */
import type { MetricKey } from '../metrics/keys.ts';
import type { DIRECTIONS } from '../schema/codes.ts';
import { addDays, addMonths } from './days.ts';
import { AGENCY, type AgencyCode } from './world.ts';

export interface SettingsPlan {
	start: string;
	end: string;
	/** When the assessment priority starts. */
	improvementFrom: string;
}

export type SettingsRow = Record<string, string | number | null>;

interface PriorityDef {
	id: string;
	title: string;
	metric: MetricKey;
	target: number;
	direction: (typeof DIRECTIONS)[number];
	owner: AgencyCode | null;
	/** From the improvement date rather than the period's start. */
	startsWithImprovement?: boolean;
	/** Retired after its first year. */
	retired?: boolean;
}

const PRIORITIES: readonly PriorityDef[] = [
	{ id: 'P01', title: 'Assessments completed within 45 working days', metric: 'assessment_45wd_pct', target: 90, direction: 'higher_is_better', owner: AGENCY.csc, startsWithImprovement: true },
	{ id: 'P02', title: 'Fewer children referred again within 12 months', metric: 're_referrals_12m_pct', target: 20, direction: 'lower_is_better', owner: AGENCY.csc },
	{ id: 'P03', title: 'Information shared between agencies on time', metric: 'info_request_on_time_pct', target: 85, direction: 'higher_is_better', owner: AGENCY.icb },
	{ id: 'P04', title: 'Initial child protection conferences within 15 working days', metric: 'icpc_15wd_pct', target: 80, direction: 'higher_is_better', owner: AGENCY.csc },
	{ id: 'P05', title: 'Partners at initial child protection conferences', metric: 'icpc_partner_attendance_pct', target: 85, direction: 'higher_is_better', owner: AGENCY.icb },
	{ id: 'P06', title: 'Professional disagreements resolved, median days', metric: 'escalation_resolution_median_days', target: 21, direction: 'lower_is_better', owner: AGENCY.police },
	{ id: 'P07', title: 'Audit actions completed on time', metric: 'audit_actions_on_time_pct', target: 80, direction: 'higher_is_better', owner: null },
	{ id: 'P08', title: 'Front door decisions within one working day', metric: 'referral_decision_1wd_pct', target: 95, direction: 'higher_is_better', owner: AGENCY.csc, retired: true },
	{ id: 'P09', title: 'Requests for information acknowledged within one working day', metric: 'info_request_ack_1wd_pct', target: 75, direction: 'higher_is_better', owner: AGENCY.police }
];

export function priorityRows(plan: SettingsPlan): SettingsRow[] {
	return PRIORITIES.map((p) => {
		const startsOn = p.startsWithImprovement ? plan.improvementFrom : plan.start;
		// Planned for three years; a retired one gave way after its first.
		const endsOn = addDays(addMonths(startsOn, p.retired ? 12 : 36), -1);
		return {
			priority_id: p.id,
			title: p.title,
			metric: p.metric,
			target: p.target,
			direction: p.direction,
			starts_on: startsOn,
			ends_on: endsOn,
			owner_agency_code: p.owner,
			retired_on: p.retired ? addDays(endsOn, 1) : null
		};
	});
}

interface BenchmarkDef {
	metric: MetricKey;
	/** England's value in 2024-25, and its change a year. */
	england: number;
	neighbours: number;
	perYear: number;
}

const BENCHMARKS: readonly BenchmarkDef[] = [
	{ metric: 'referrals_per_10k', england: 521.2, neighbours: 566.4, perYear: -6 },
	{ metric: 're_referrals_12m_pct', england: 22.1, neighbours: 21.3, perYear: -0.2 },
	{ metric: 'assessment_45wd_pct', england: 85.1, neighbours: 86.4, perYear: 0.6 },
	{ metric: 'icpc_15wd_pct', england: 78.4, neighbours: 80.2, perYear: 0.5 },
	{ metric: 'cp_second_subsequent_pct', england: 23.4, neighbours: 22.6, perYear: 0.2 },
	{ metric: 'cp_ended_2y_plus_pct', england: 3.9, neighbours: 3.5, perYear: -0.1 }
];
/** Year-to-year wobble, so that the series do not look ruled (fraction of `perYear`, by year mod 5). */
const WOBBLE = [0, 0.9, -0.7, 0.5, -0.4];
const SOURCE = 'DfE Characteristics of children in need (illustrative demo value)';

/** Financial years (April to March) that overlap the period and ended by its end; at least the last complete one. */
function financialYears(plan: SettingsPlan): number[] {
	const fyStartYear = (day: string) => Number(day.slice(0, 4)) - (day.slice(5) < '04-01' ? 1 : 0);
	const lastComplete = fyStartYear(addDays(plan.end, 1)) - 1;
	const first = Math.min(fyStartYear(plan.start), lastComplete);
	return Array.from({ length: lastComplete - first + 1 }, (_, i) => first + i);
}

export function benchmarkRows(plan: SettingsPlan): SettingsRow[] {
	const rows: SettingsRow[] = [];
	for (const year of financialYears(plan)) {
		const label = `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
		for (const b of BENCHMARKS) {
			const drift = b.perYear * (year - 2024 + WOBBLE[((year % 5) + 5) % 5]);
			for (const [who, prefix, base] of [
				['England', 'eng', b.england],
				['Statistical neighbours', 'sn', b.neighbours]
			] as const) {
				rows.push({
					benchmark_id: `${prefix}_${label.replace('-', '_')}_${b.metric}`,
					metric: b.metric,
					label: `${who} ${label}`,
					period_start: `${year}-04-01`,
					period_end: `${year + 1}-03-31`,
					value: Math.round((base + drift) * 10) / 10,
					source: SOURCE
				});
			}
		}
	}
	return rows;
}
