import type { Alert, AlertingRule, AlertLinker, Labels, SloDef } from '@tracehouse/alerting';
import type { DerivedStore } from '@tracehouse/derived';

/** How far before the alert became active the trace links look. */
const LOOKBACK_MS = 15 * 60_000;
const EXEMPLAR_SCAN = 200;

/**
 * Annotations that open the traces behind an alert, always kept ones: `traces` is a TraceQL
 * search over kept traces for the alert's service (and span, and errors or slow spans when the
 * rule is about those) around the time it became active; `trace_example` opens one exemplar of
 * the offending series (exemplars only point at traces the sampler keeps).
 */
export class TraceLinker implements AlertLinker {
  constructor(
    private readonly externalUrl: string,
    private readonly derived: DerivedStore | undefined,
    private readonly slos: ReadonlyMap<string, SloDef>,
  ) {}

  async links(alert: Alert, rule: AlertingRule, tenant: string): Promise<Labels> {
    const l = alert.labels;
    const service = l.service ?? l.service_name ?? l.job;
    if (!service) return {};
    const slo = l.slo ? this.slos.get(l.slo) : undefined;
    const spanName = l.span_name ?? slo?.spanName;
    const latencyMs = slo?.latencyThresholdMs;
    const errors = slo
      ? latencyMs === undefined
      : l.status_code === 'STATUS_CODE_ERROR' || rule.def.expr.includes('STATUS_CODE_ERROR');
    const conditions = [`resource.service.name = ${JSON.stringify(service)}`];
    if (spanName) conditions.push(`name = ${JSON.stringify(spanName)}`);
    if (errors) conditions.push('status = error');
    if (latencyMs !== undefined) conditions.push(`duration > ${latencyMs}ms`);
    const startMs = alert.activeAtMs - LOOKBACK_MS;
    const endMs = Math.max(alert.firedAtMs, alert.activeAtMs) + 60_000;
    const base = this.externalUrl.replace(/\/$/, '');
    const q = `{ ${conditions.join(' && ')} }`;
    const out: Labels = {
      traces: `${base}/traces?q=${encodeURIComponent(q)}&start=${Math.floor(startMs / 1000)}&end=${Math.ceil(endMs / 1000)}`,
    };
    const example = await this.exemplar(tenant, service, spanName, errors, latencyMs, startMs, endMs);
    if (example) out.trace_example = `${base}/trace/${example}`;
    return out;
  }

  private async exemplar(
    tenant: string,
    service: string,
    spanName: string | undefined,
    errors: boolean,
    latencyMs: number | undefined,
    startMs: number,
    endMs: number,
  ): Promise<string | undefined> {
    if (!this.derived) return undefined;
    const exemplars = await this.derived.queryRedExemplars({
      tenant,
      startMs,
      endMs,
      service,
      spanName,
      limit: EXEMPLAR_SCAN,
    });
    const match = exemplars.find(
      (e) => (!errors || e.statusCode === 'Error') && (latencyMs === undefined || e.value * 1000 > latencyMs),
    );
    return match?.traceId;
  }
}
