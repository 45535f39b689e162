import type { AttributeTypes, AttributeValues, LogRecord } from '@tracehouse/otlp';
import type { Random } from './random';
import type { SpanNode } from './span-node';

const SEVERITY = {
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
} as const;
type SeverityText = keyof typeof SEVERITY;

interface Line {
  severity: SeverityText;
  text: string;
  /** Fields of a structured body (a kvlist), for the one line in ten a JSON logger emits. */
  fields: Record<string, string | number>;
  attributes: AttributeValues;
  attributeTypes: AttributeTypes;
}

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

/** What a service would log inside this span. */
function line(node: SpanNode, rng: Random): Line {
  const a = node.attributes;
  const took = ms(node.end - node.start);
  const severity: SeverityText = rng.chance(0.15) ? 'DEBUG' : rng.chance(0.05) ? 'WARN' : 'INFO';
  switch (node.role) {
    case 'server':
      return {
        severity,
        text: `${a['http.request.method']} ${a['url.path']} ${a['http.response.status_code']} ${took}ms`,
        fields: {
          msg: 'request completed',
          method: a['http.request.method'],
          path: a['url.path'],
          status: Number(a['http.response.status_code']),
          duration_ms: took,
        },
        attributes: { 'http.route': a['http.route'] },
        attributeTypes: {},
      };
    case 'db':
      return {
        severity: rng.chance(0.6) ? 'DEBUG' : severity,
        text: `query ${a['db.operation.name']} on ${a['db.collection.name'] ?? a['db.namespace']} took ${took}ms`,
        fields: { msg: 'query executed', operation: a['db.operation.name'], duration_ms: took },
        attributes: { 'db.system.name': a['db.system.name'] },
        attributeTypes: {},
      };
    case 'producer':
      return {
        severity,
        text: `published message ${a['messaging.message.id']} to ${a['messaging.destination.name']}`,
        fields: { msg: 'message published', topic: a['messaging.destination.name'] },
        attributes: { 'messaging.message.id': a['messaging.message.id'] },
        attributeTypes: {},
      };
    case 'consumer':
      return {
        severity,
        text: `processing message ${a['messaging.message.id']} from ${a['messaging.destination.name']}`,
        fields: {
          msg: 'message received',
          topic: a['messaging.destination.name'],
          offset: Number(a['messaging.kafka.offset']),
        },
        attributes: { 'messaging.message.id': a['messaging.message.id'] },
        attributeTypes: {},
      };
    case 'client':
    case 'external':
      return {
        severity: rng.chance(0.5) ? 'DEBUG' : severity,
        text: `${a['http.request.method']} ${a['url.full']} -> ${a['http.response.status_code']}`,
        fields: { msg: 'outgoing request', url: a['url.full'], status: Number(a['http.response.status_code']) },
        attributes: {},
        attributeTypes: {},
      };
    default:
      return {
        severity,
        text: `${node.name} finished in ${took}ms`,
        fields: { msg: `${node.name} finished`, duration_ms: took },
        attributes: {},
        attributeTypes: {},
      };
  }
}

/** A kvlist body in the form the record model stores it: the OTLP/JSON of its values. */
function kvlistBody(fields: Record<string, string | number>): string {
  const values = Object.entries(fields).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string' ? { stringValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));
  return JSON.stringify(values);
}

function record(
  node: SpanNode,
  traceId: string,
  traceStart: bigint,
  at: number,
  rng: Random,
  l: Line,
  structured: boolean,
): LogRecord {
  const c = node.instance.columns.logs;
  return {
    ServiceName: c.ServiceName,
    ResourceAttributes: c.ResourceAttributes,
    ResourceAttributeTypes: c.ResourceAttributeTypes,
    ResourceDroppedAttributesCount: c.ResourceDroppedAttributesCount,
    ResourceSchemaUrl: c.ResourceSchemaUrl,
    ScopeName: c.ScopeName,
    ScopeVersion: c.ScopeVersion,
    ScopeAttributes: c.ScopeAttributes,
    ScopeAttributeTypes: c.ScopeAttributeTypes,
    ScopeDroppedAttributesCount: c.ScopeDroppedAttributesCount,
    ScopeSchemaUrl: c.ScopeSchemaUrl,
    Timestamp: String(traceStart + BigInt(at)),
    // The collector or SDK sees the record a little after it was written.
    ObservedTimestamp: String(traceStart + BigInt(at + Math.round(rng.uniform(0.05, 2) * 1e6))),
    TraceId: traceId,
    SpanId: node.spanId,
    TraceFlags: 1,
    SeverityText: l.severity,
    SeverityNumber: SEVERITY[l.severity],
    Body: structured ? kvlistBody(l.fields) : l.text,
    BodyType: structured ? 'kvlist' : '',
    EventName: '',
    LogAttributes: l.attributes,
    LogAttributeTypes: l.attributeTypes,
    DroppedAttributesCount: 0,
  };
}

/**
 * Log records written inside a span: Poisson(`perSpan`) ordinary lines, plus an ERROR
 * line with the exception where the span failed and a WARN line on the slow span.
 */
export function logsForSpan(
  node: SpanNode,
  traceId: string,
  traceStart: bigint,
  perSpan: number,
  rng: Random,
  out: LogRecord[],
): void {
  const count = rng.poisson(perSpan);
  const duration = node.end - node.start;
  for (let i = 0; i < count; i++) {
    const at = node.start + Math.round(rng.float() * duration);
    out.push(record(node, traceId, traceStart, at, rng, line(node, rng), rng.chance(0.1)));
  }
  if (node.slowExtra > 0 && perSpan > 0) {
    const l: Line = {
      severity: 'WARN',
      text: `${node.name} is slow: ${ms(duration)}ms`,
      fields: { msg: 'slow operation', duration_ms: ms(duration) },
      attributes: {},
      attributeTypes: {},
    };
    out.push(record(node, traceId, traceStart, node.end, rng, l, false));
  }
  if (node.exception && perSpan > 0) {
    const e = node.exception;
    const l: Line = {
      severity: 'ERROR',
      text: `${e.type}: ${e.message}`,
      fields: { msg: e.message },
      attributes: { 'exception.type': e.type, 'exception.message': e.message, 'exception.stacktrace': e.stacktrace },
      attributeTypes: {},
    };
    out.push(record(node, traceId, traceStart, e.at, rng, l, false));
  }
}
