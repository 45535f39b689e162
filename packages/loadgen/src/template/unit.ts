import {
  encodeLogsData,
  encodeTracesData,
  type LogRecord,
  logsToLogsData,
  type SpanRecord,
  spansToTracesData,
} from '@tracehouse/otlp';
import type { GeneratedTrace } from '../workload/workload';
import { jsonLayout } from './json-layout';
import type { PayloadLayout } from './layout';
import { planLogBodies, planSpanBodies } from './plan';
import { protobufLayout } from './protobuf-layout';

export type PayloadFormat = 'protobuf' | 'json';

/** A server span's duration, for the request-duration histogram of the metrics signal. */
export interface ServerCall {
  service: string;
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/** One request body, encoded once and stamped for every send. */
export interface TemplateBody {
  signal: 'traces' | 'logs';
  bytes: Uint8Array;
  layout: PayloadLayout;
  /** Spans or log records in the body. */
  items: number;
  /** Index (in the unit) of each trace with records in this body. */
  traces: number[];
  /** Spans per service and span name: [service, span name, count]. */
  spanNames: [string, string, number][];
  serverCalls: ServerCall[];
}

/** What is known about each trace of a unit, whatever ids it gets when sent. */
export interface TraceShape {
  spanCount: number;
  logCount: number;
  hasError: boolean;
  isSlow: boolean;
  rootService: string;
  rootSpanName: string;
}

/** A group of whole traces and the request bodies that carry them: the unit of sending. */
export interface TemplateUnit {
  traces: TraceShape[];
  /** Trace bodies first (in the order an SDK would export them), then log bodies. */
  bodies: TemplateBody[];
  spans: number;
  logs: number;
  /** The latest timestamp in the unit; stamping moves it to the moment of sending. */
  latestNs: bigint;
}

function encode(signal: 'traces' | 'logs', records: SpanRecord[] | LogRecord[], format: PayloadFormat): Uint8Array {
  if (format === 'protobuf') {
    return signal === 'traces' ? encodeTracesData(records as SpanRecord[]) : encodeLogsData(records as LogRecord[]);
  }
  const doc = signal === 'traces' ? spansToTracesData(records as SpanRecord[]) : logsToLogsData(records as LogRecord[]);
  return Buffer.from(JSON.stringify(doc));
}

function spanNames(spans: readonly SpanRecord[]): [string, string, number][] {
  const counts = new Map<string, [string, string, number]>();
  for (const s of spans) {
    const key = `${s.ServiceName}\u0000${s.SpanName}`;
    const entry = counts.get(key);
    if (entry) entry[2]++;
    else counts.set(key, [s.ServiceName, s.SpanName, 1]);
  }
  return [...counts.values()];
}

function serverCalls(spans: readonly SpanRecord[]): ServerCall[] {
  return spans
    .filter((s) => s.SpanKind === 'Server')
    .map((s) => ({
      service: s.ServiceName,
      method: s.SpanAttributes['http.request.method'] ?? '',
      route: s.SpanAttributes['http.route'] ?? '',
      status: Number(s.SpanAttributes['http.response.status_code'] ?? 0),
      seconds: Number(s.Duration) / 1e9,
    }));
}

export interface UnitOptions {
  format: PayloadFormat;
  /** Spans (and log records) per request. */
  batch: number;
  splitTraces: number;
  logs: boolean;
}

export function buildUnit(traces: readonly GeneratedTrace[], o: UnitOptions): TemplateUnit {
  const traceIndex = new Map(traces.map((t, i) => [t.traceId, i]));
  const body = (signal: 'traces' | 'logs', records: SpanRecord[] | LogRecord[]): TemplateBody => {
    const bytes = encode(signal, records, o.format);
    const layout =
      o.format === 'protobuf'
        ? protobufLayout(bytes, signal, traceIndex)
        : jsonLayout(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), traceIndex);
    const present = new Set<number>();
    for (const r of records) present.add(traceIndex.get(r.TraceId) ?? -1);
    return {
      signal,
      bytes,
      layout,
      items: records.length,
      traces: [...present],
      spanNames: signal === 'traces' ? spanNames(records as SpanRecord[]) : [],
      serverCalls: signal === 'traces' ? serverCalls(records as SpanRecord[]) : [],
    };
  };
  const bodies: TemplateBody[] = [];
  for (const spans of planSpanBodies(
    traces.map((t) => t.spans),
    o.batch,
    o.splitTraces,
  ))
    bodies.push(body('traces', spans));
  if (o.logs)
    for (const logs of planLogBodies(
      traces.flatMap((t) => t.logs),
      o.batch,
    ))
      bodies.push(body('logs', logs));
  let latest = 0n;
  for (const t of traces) if (t.endTimeUnixNano > latest) latest = t.endTimeUnixNano;
  return {
    traces: traces.map((t) => ({
      spanCount: t.spans.length,
      logCount: o.logs ? t.logs.length : 0,
      hasError: t.hasError,
      isSlow: t.isSlow,
      rootService: t.rootService,
      rootSpanName: t.rootSpanName,
    })),
    bodies,
    spans: traces.reduce((n, t) => n + t.spans.length, 0),
    logs: o.logs ? traces.reduce((n, t) => n + t.logs.length, 0) : 0,
    latestNs: latest,
  };
}
