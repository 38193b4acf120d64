/**
 * docs/metric-definitions.md, generated from the registry (`npm run docs`): every metric's
 * definition, numerator, denominator, unit and where it applies. A test fails when the
 * committed file differs.
 */
import { METRICS_VERSION } from './keys.ts';
import { METRICS } from './registry.ts';

const DIRECTION = (h: boolean | null) => (h === null ? 'neither (a volume)' : h ? 'higher' : 'lower');

export function metricDefinitionsDoc(): string {
	const lines = [
		'# Metric definitions',
		'',
		'<!-- Generated from src/lib/server/metrics/definitions/ by `npm run docs`. Do not edit by hand. -->',
		'',
		`Version ${METRICS_VERSION} of the definitions (the contract: \`../shared/spec/metrics.md\`; the choices where it is silent: [metrics.md](metrics.md)).`,
		'Each metric\'s SQL sits beside its definition in `src/lib/server/metrics/definitions/`.',
		''
	];
	for (const m of METRICS) {
		lines.push(
			`## ${m.title} (\`${m.key}\`)`,
			'',
			m.definition,
			'',
			`- Numerator: ${m.numerator ?? '—'}`,
			`- Denominator: ${m.denominator ?? '—'}`,
			`- Unit: ${m.unit}; better: ${DIRECTION(m.higherIsBetter)}`,
			`- Reads: ${m.tables.map((t) => `\`${t}\``).join(', ')}`,
			`- Under an agency or sector filter: ${m.agencyFilterApplies ? 'applies' : '`z` (not applicable: no agency in its tables)'}`,
			`- Breakdowns: ${m.dimensions.join(', ')}`,
			''
		);
	}
	return lines.join('\n');
}
