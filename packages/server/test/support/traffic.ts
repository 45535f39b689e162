// Request traffic for one service, sent with the official OpenTelemetry JS SDK: SERVER spans,
// some with error status, for alerting and SLO tests.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Traffic {
  /** Share of requests that fail from now on (0..1). */
  errorRatio: number;
  sent: { ok: number; errors: number };
  stop(): Promise<void>;
}

/** Sends `perTick` requests of `service` every `tickMs` until stopped. */
export function startTraffic(
  otlpHttpUrl: string,
  service: string,
  opts: { perTick?: number; tickMs?: number } = {},
): Traffic {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }), { scheduledDelayMillis: 100 }),
    ],
  });
  const tracer = provider.getTracer('alerting-test');
  const perTick = opts.perTick ?? 10;
  let errorDebt = 0;
  const traffic: Traffic = {
    errorRatio: 0,
    sent: { ok: 0, errors: 0 },
    async stop() {
      clearInterval(timer);
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      errorDebt += traffic.errorRatio;
      const fail = errorDebt >= 1;
      if (fail) errorDebt -= 1;
      const span = tracer.startSpan('POST /checkout', {
        kind: SpanKind.SERVER,
        attributes: { 'http.route': '/checkout' },
      });
      if (fail) span.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
      span.end();
      if (fail) traffic.sent.errors++;
      else traffic.sent.ok++;
    }
  }, opts.tickMs ?? 200);
  return traffic;
}
