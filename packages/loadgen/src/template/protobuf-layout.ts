import { fields, WIRE_FIXED64, WIRE_LEN } from '../wire/protobuf';
import { LayoutBuilder, LayoutError, type PayloadLayout } from './layout';

/*
 * Field numbers from opentelemetry-proto (trace/v1/trace.proto, logs/v1/logs.proto).
 * TracesData.resource_spans = 1 > ResourceSpans.scope_spans = 2 > ScopeSpans.spans = 2;
 * LogsData.resource_logs = 1 > ResourceLogs.scope_logs = 2 > ScopeLogs.log_records = 2.
 */
const SPAN = { traceId: 1, spanId: 2, parentSpanId: 4, start: 7, end: 8, events: 11, links: 13 } as const;
const EVENT_TIME = 1;
const LINK = { traceId: 1, spanId: 2 } as const;
const LOG = { time: 1, observedTime: 11, traceId: 9, spanId: 10 } as const;

function hex(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('hex');
}

function isZero(buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 8; i++) if (buf[at + i] !== 0) return false;
  return true;
}

/** The records (spans or log records) inside a TracesData / LogsData payload. */
function* records(buf: Uint8Array): Generator<[number, number]> {
  for (const resource of fields(buf)) {
    if (resource.number !== 1 || resource.wireType !== WIRE_LEN) continue;
    for (const scope of fields(buf, resource.start, resource.end)) {
      if (scope.number !== 2 || scope.wireType !== WIRE_LEN) continue;
      for (const record of fields(buf, scope.start, scope.end)) {
        if (record.number === 2 && record.wireType === WIRE_LEN) yield [record.start, record.end];
      }
    }
  }
}

function id(layout: LayoutBuilder, buf: Uint8Array, start: number, end: number, kind: 'trace' | 'span'): void {
  const length = end - start;
  if (length === 0) return;
  if (kind === 'trace') {
    if (length !== 16) throw new LayoutError(`trace id of ${length} bytes at ${start}`);
    layout.traceId(start, hex(buf, start, end));
  } else {
    if (length !== 8) throw new LayoutError(`span id of ${length} bytes at ${start}`);
    layout.spanId(start);
  }
}

function time(layout: LayoutBuilder, buf: Uint8Array, wireType: number, at: number): void {
  if (wireType !== WIRE_FIXED64) throw new LayoutError(`timestamp with wire type ${wireType} at ${at}`);
  // A zero time means "not set" in OTLP and must stay zero.
  if (!isZero(buf, at)) layout.time(at);
}

export function protobufLayout(
  buf: Uint8Array,
  signal: 'traces' | 'logs',
  traceIndex: ReadonlyMap<string, number>,
): PayloadLayout {
  const layout = new LayoutBuilder(traceIndex);
  for (const [start, end] of records(buf)) {
    for (const f of fields(buf, start, end)) {
      if (signal === 'logs') {
        if (f.number === LOG.traceId) id(layout, buf, f.start, f.end, 'trace');
        else if (f.number === LOG.spanId) id(layout, buf, f.start, f.end, 'span');
        else if (f.number === LOG.time || f.number === LOG.observedTime) time(layout, buf, f.wireType, f.start);
        continue;
      }
      switch (f.number) {
        case SPAN.traceId:
          id(layout, buf, f.start, f.end, 'trace');
          break;
        case SPAN.spanId:
        case SPAN.parentSpanId:
          id(layout, buf, f.start, f.end, 'span');
          break;
        case SPAN.start:
        case SPAN.end:
          time(layout, buf, f.wireType, f.start);
          break;
        case SPAN.events:
          for (const e of fields(buf, f.start, f.end))
            if (e.number === EVENT_TIME) time(layout, buf, e.wireType, e.start);
          break;
        case SPAN.links:
          for (const l of fields(buf, f.start, f.end)) {
            if (l.number === LINK.traceId) id(layout, buf, l.start, l.end, 'trace');
            else if (l.number === LINK.spanId) id(layout, buf, l.start, l.end, 'span');
          }
          break;
      }
    }
  }
  return layout.build();
}
