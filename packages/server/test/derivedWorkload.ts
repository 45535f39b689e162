// Ground truth for the derived-metrics tests: a small shop sent with the official
// OpenTelemetry JS SDK (one provider per service), with exact span times so the expected
// latency buckets are known, and which traces the contract's sampling rules keep.
import {
  type Context,
  context,
  type HrTime,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bucketIndex, LATENCY_BUCKETS } from '@tracehouse/derived';
import { isKeptAt, thresholdFor } from '@tracehouse/sampling';
import type { TestServer } from './helpers';

/** Settings under which the sampler and the derived processors follow a test's traffic within seconds. */
export const QUICK_DERIVED_SETS = [
  'derived.interval=1s',
  'derived.lag=300ms',
  'processor.interval=200ms',
  'sampling.rootGrace=300ms',
  'sampling.decisionWait=2s',
];

/** Polls `probe` every 200 ms until it answers true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface SeriesTruth {
  calls: number;
  buckets: number[];
}

export interface Truth {
  /** Key: JSON [service, span_name, span_kind, status_code] with Tempo's label values. */
  series: Map<string, SeriesTruth>;
  spans: number;
  traces: Map<string, { kept: boolean; spans: number }>;
  /** Key: JSON [client, server, connection_type] -> requests, failed. */
  edges: Map<string, { requests: number; failed: number }>;
}

const KIND_LABEL: Record<number, string> = {
  [SpanKind.INTERNAL]: 'SPAN_KIND_INTERNAL',
  [SpanKind.SERVER]: 'SPAN_KIND_SERVER',
  [SpanKind.CLIENT]: 'SPAN_KIND_CLIENT',
  [SpanKind.PRODUCER]: 'SPAN_KIND_PRODUCER',
  [SpanKind.CONSUMER]: 'SPAN_KIND_CONSUMER',
};

const LATENCY_THRESHOLD_NS = 1_000_000_000;
const BASELINE = thresholdFor(5);

function hr(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** Sends `traces` shop traces; returns what tracehouse must derive from them. */
export async function sendShop(server: TestServer, traces: number): Promise<Truth> {
  const services = ['web', 'api', 'worker', 'mailer'] as const;
  const providers = Object.fromEntries(
    services.map((s) => [
      s,
      new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': s }),
        spanProcessors: [
          new BatchSpanProcessor(new OTLPTraceExporter({ url: `${server.urls.otlpHttp}/v1/traces` }), {
            maxExportBatchSize: 256,
            maxQueueSize: 100_000,
          }),
        ],
      }),
    ]),
  ) as Record<(typeof services)[number], BasicTracerProvider>;
  const truth: Truth = { series: new Map(), spans: 0, traces: new Map(), edges: new Map() };
  const traceSpans = new Map<string, { error: boolean; slow: boolean; spans: number }>();
  const edge = (client: string, server: string, type: string, failed: boolean) => {
    const k = JSON.stringify([client, server, type]);
    const e = truth.edges.get(k) ?? { requests: 0, failed: 0 };
    e.requests++;
    if (failed) e.failed++;
    truth.edges.set(k, e);
  };

  let now = BigInt(Date.now()) * 1_000_000n;
  const durations = [1_000_000, 5_000_000, 20_000_000, 4_000_000, 150_000_000, 2_000_000, 7_000_000];
  let d = 0;
  function record(
    service: (typeof services)[number],
    name: string,
    kind: SpanKind,
    parent: Context,
    opts: { error?: boolean; attributes?: Record<string, string>; links?: Link[]; durationNs?: number } = {},
  ): Span {
    const durationNs = opts.durationNs ?? durations[d++ % durations.length]!;
    const start = now;
    now += 1_000n;
    const span = providers[service]
      .getTracer('derived-test')
      .startSpan(name, { kind, startTime: hr(start), attributes: opts.attributes, links: opts.links }, parent);
    if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    else span.setStatus({ code: SpanStatusCode.OK });
    span.end(hr(start + BigInt(durationNs)));
    const status = opts.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK';
    const key = JSON.stringify([service, name, KIND_LABEL[kind], status]);
    const s = truth.series.get(key) ?? { calls: 0, buckets: new Array<number>(LATENCY_BUCKETS).fill(0) };
    s.calls++;
    s.buckets[bucketIndex(durationNs)]!++;
    truth.series.set(key, s);
    truth.spans++;
    const traceId = span.spanContext().traceId;
    const t = traceSpans.get(traceId) ?? { error: false, slow: false, spans: 0 };
    t.spans++;
    t.error ||= !!opts.error;
    t.slow ||= durationNs >= LATENCY_THRESHOLD_NS;
    traceSpans.set(traceId, t);
    return span;
  }

  const root = context.active();
  for (let i = 0; i < traces; i++) {
    const apiError = i % 7 === 3;
    const webSpan = record('web', 'GET /checkout', SpanKind.SERVER, root);
    const webCtx = trace.setSpan(root, webSpan);
    const pay = record('web', 'POST /pay', SpanKind.CLIENT, webCtx);
    const apiSpan = record('api', 'POST /pay', SpanKind.SERVER, trace.setSpan(root, pay), { error: apiError });
    edge('user', 'web', 'virtual_node', false);
    edge('web', 'api', '', apiError);
    const apiCtx = trace.setSpan(root, apiSpan);
    record('api', 'SELECT orders', SpanKind.CLIENT, apiCtx, {
      attributes: { 'db.system': 'postgresql', 'server.address': 'pg-1' },
      // Now and then a slow query: kept by the latency rule.
      durationNs: i % 9 === 4 ? 3_000_000_000 : undefined,
    });
    edge('api', 'pg-1', 'database', false);
    record('api', 'charge', SpanKind.CLIENT, apiCtx, { attributes: { 'peer.service': 'stripe' } });
    edge('api', 'stripe', 'virtual_node', false);
    record('api', 'render', SpanKind.INTERNAL, apiCtx);
    if (i % 2 === 0) {
      const producer = record('api', 'orders publish', SpanKind.PRODUCER, apiCtx);
      record('worker', 'orders process', SpanKind.CONSUMER, trace.setSpan(root, producer));
      edge('api', 'worker', 'messaging_system', false);
      if (i % 4 === 0) {
        // A consumer in its own trace, tied to the producer only by a span link.
        record('mailer', 'orders mail', SpanKind.CONSUMER, root, { links: [{ context: producer.spanContext() }] });
        edge('api', 'mailer', 'messaging_system', false);
      }
    }
  }
  await Promise.all(Object.values(providers).map((p) => p.forceFlush()));
  await Promise.all(Object.values(providers).map((p) => p.shutdown()));

  for (const [traceId, t] of traceSpans)
    truth.traces.set(traceId, { kept: t.error || t.slow || isKeptAt(traceId, BASELINE), spans: t.spans });
  return truth;
}

/** Parses a Prometheus/OpenMetrics exposition into samples (and their exemplars). */
export function parseExposition(text: string) {
  const samples: {
    name: string;
    labels: Record<string, string>;
    value: number;
    exemplar?: { labels: Record<string, string>; value: number };
  }[] = [];
  const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  const labelsOf = (s: string | undefined) =>
    Object.fromEntries([...(s ?? '').matchAll(labelRe)].map((m) => [m[1]!, m[2]!]));
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})? (\S+)(?: \S+)?(?: # \{(.*?)\} (\S+)(?: \S+)?)?$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    samples.push({
      name: m[1]!,
      labels: labelsOf(m[2]),
      value: Number(m[3]),
      exemplar: m[4] !== undefined ? { labels: labelsOf(m[4]), value: Number(m[5]) } : undefined,
    });
  }
  return samples;
}
