// Random records in the model's canonical form (what a decoder produces), built without the
// package's own helpers so that round-trip tests check the code against an independent idea
// of the stored format.

import { noExemplars } from '../../src/exemplars';
import type {
  AttributeTypes,
  AttributeValues,
  ExpHistogramPoint,
  GaugePoint,
  HistogramPoint,
  LogRecord,
  MetricBatch,
  MetricPointColumns,
  ResourceScopeColumns,
  SpanKindName,
  SpanRecord,
  StatusCodeName,
  SummaryPoint,
  ValueType,
} from '../../src/model';
import type { Random } from './random';

/** An AnyValue: its OTLP/JSON element, its stored string and its type ('' for string). */
interface Value {
  element: Record<string, unknown>;
  stored: string;
  type: ValueType | '';
}

function jsonDouble(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

export function randomValue(rnd: Random, depth = 0): Value {
  const kinds = depth < 3 ? 9 : 7;
  switch (rnd.int(kinds)) {
    case 0:
    case 1: {
      const s = rnd.string();
      return { element: { stringValue: s }, stored: s, type: '' };
    }
    case 2: {
      const b = rnd.chance(0.5);
      return { element: { boolValue: b }, stored: String(b), type: 'bool' };
    }
    case 3: {
      const d = rnd.int64();
      return { element: { intValue: d }, stored: d, type: 'int' };
    }
    case 4: {
      const n = rnd.double();
      return { element: { doubleValue: jsonDouble(n) }, stored: String(n), type: 'double' };
    }
    case 5: {
      const b64 = Buffer.from(rnd.bytes(rnd.int(6))).toString('base64');
      return { element: { bytesValue: b64 }, stored: b64, type: 'bytes' };
    }
    case 6:
      return { element: {}, stored: '', type: 'empty' };
    case 7: {
      const values = Array.from({ length: rnd.int(4) }, () => randomValue(rnd, depth + 1).element);
      return { element: { arrayValue: { values } }, stored: JSON.stringify(values), type: 'array' };
    }
    default: {
      const values = Array.from({ length: rnd.int(4) }, () => ({
        key: rnd.string(6),
        value: randomValue(rnd, depth + 1).element,
      }));
      return { element: { kvlistValue: { values } }, stored: JSON.stringify(values), type: 'kvlist' };
    }
  }
}

const SPECIAL_KEYS = ['__proto__', 'constructor', 'toString', '', '0', 'http.request.method'];

export function randomAttributes(rnd: Random, max = 4): { values: AttributeValues; types: AttributeTypes } {
  const values: AttributeValues = {};
  const types: AttributeTypes = {};
  const n = rnd.int(max + 1);
  for (let i = 0; i < n; i++) {
    const key = rnd.chance(0.1) ? rnd.pick(SPECIAL_KEYS) : rnd.string(10);
    const v = randomValue(rnd);
    Object.defineProperty(values, key, { value: v.stored, enumerable: true, writable: true, configurable: true });
    if (v.type !== '') {
      Object.defineProperty(types, key, { value: v.type, enumerable: true, writable: true, configurable: true });
    } else if (Object.hasOwn(types, key)) {
      delete types[key];
    }
  }
  return { values, types };
}

export function randomResourceScope(rnd: Random): ResourceScopeColumns {
  const resource = randomAttributes(rnd);
  let serviceName = 'unknown_service';
  if (rnd.chance(0.7)) {
    serviceName = rnd.pick(['checkout', 'payments', 'frontend', 'ünï']);
    resource.values['service.name'] = serviceName;
    delete resource.types['service.name'];
  }
  const scope = randomAttributes(rnd, 2);
  return {
    ServiceName: serviceName,
    ResourceAttributes: resource.values,
    ResourceAttributeTypes: resource.types,
    ResourceDroppedAttributesCount: rnd.chance(0.8) ? 0 : rnd.int(2 ** 32),
    ResourceSchemaUrl: rnd.chance(0.5) ? '' : 'https://opentelemetry.io/schemas/1.26.0',
    ScopeName: rnd.string(8),
    ScopeVersion: rnd.chance(0.5) ? '' : '1.2.3',
    ScopeAttributes: scope.values,
    ScopeAttributeTypes: scope.types,
    ScopeDroppedAttributesCount: rnd.chance(0.8) ? 0 : rnd.int(100),
    ScopeSchemaUrl: rnd.chance(0.5) ? '' : 'https://example.com/scope-schema',
  };
}

const KINDS: SpanKindName[] = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const CODES: StatusCodeName[] = ['Unset', 'Ok', 'Error'];

function count(rnd: Random): number {
  return rnd.chance(0.7) ? 0 : rnd.pick([1, 127, 128, 2 ** 31, 2 ** 32 - 1]);
}

export function randomSpan(rnd: Random, rs: ResourceScopeColumns): SpanRecord {
  const start = rnd.uint64();
  const end = rnd.chance(0.8) ? (BigInt(start) + BigInt(rnd.int(10 ** 9))).toString() : rnd.uint64();
  const clampedEnd = BigInt(end) > 18446744073709551615n ? '18446744073709551615' : end;
  const events = Array.from({ length: rnd.int(3) }, () => ({
    time: rnd.uint64(),
    name: rnd.string(),
    attributes: randomAttributes(rnd, 2),
    dropped: count(rnd),
  }));
  const links = Array.from({ length: rnd.int(3) }, () => ({
    traceId: rnd.chance(0.9) ? rnd.id(16) : '',
    spanId: rnd.chance(0.9) ? rnd.id(8) : '',
    traceState: rnd.chance(0.5) ? '' : 'vendor=value',
    flags: rnd.chance(0.5) ? 0 : rnd.int(2 ** 32),
    attributes: randomAttributes(rnd, 2),
    dropped: count(rnd),
  }));
  const span = randomAttributes(rnd, 8);
  return {
    ...rs,
    Timestamp: start,
    Duration: (BigInt(clampedEnd) - BigInt(start)).toString(),
    TraceId: rnd.id(16),
    SpanId: rnd.id(8),
    ParentSpanId: rnd.chance(0.3) ? '' : rnd.id(8),
    TraceState: rnd.chance(0.7) ? '' : 'congo=t61rcWkgMzE',
    Flags: rnd.chance(0.3) ? 0 : rnd.pick([1, 257, 2 ** 32 - 1]),
    SpanName: rnd.string(16),
    SpanKind: rnd.pick(KINDS),
    SpanAttributes: span.values,
    SpanAttributeTypes: span.types,
    DroppedAttributesCount: count(rnd),
    StatusCode: rnd.pick(CODES),
    StatusMessage: rnd.chance(0.7) ? '' : rnd.string(),
    'Events.Timestamp': events.map((e) => e.time),
    'Events.Name': events.map((e) => e.name),
    'Events.Attributes': events.map((e) => e.attributes.values),
    'Events.AttributeTypes': events.map((e) => e.attributes.types),
    'Events.DroppedAttributesCount': events.map((e) => e.dropped),
    DroppedEventsCount: count(rnd),
    'Links.TraceId': links.map((l) => l.traceId),
    'Links.SpanId': links.map((l) => l.spanId),
    'Links.TraceState': links.map((l) => l.traceState),
    'Links.Flags': links.map((l) => l.flags),
    'Links.Attributes': links.map((l) => l.attributes.values),
    'Links.AttributeTypes': links.map((l) => l.attributes.types),
    'Links.DroppedAttributesCount': links.map((l) => l.dropped),
    DroppedLinksCount: count(rnd),
  };
}

export function randomLog(rnd: Random, rs: ResourceScopeColumns): LogRecord {
  const body = rnd.chance(0.1) ? { stored: '', type: 'empty' as const } : randomValue(rnd);
  const attributes = randomAttributes(rnd, 6);
  const inTrace = rnd.chance(0.6);
  return {
    ...rs,
    Timestamp: rnd.uint64(),
    ObservedTimestamp: rnd.uint64(),
    TraceId: inTrace ? rnd.id(16) : '',
    SpanId: inTrace && rnd.chance(0.9) ? rnd.id(8) : '',
    TraceFlags: rnd.chance(0.5) ? 0 : rnd.pick([1, 255, 2 ** 32 - 1]),
    SeverityText: rnd.chance(0.5) ? '' : rnd.pick(['INFO', 'WARN', 'ERROR']),
    SeverityNumber: rnd.chance(0.9) ? rnd.int(25) : rnd.pick([-1, 100, 2 ** 31 - 1]),
    Body: body.stored,
    BodyType: body.type,
    EventName: rnd.chance(0.7) ? '' : rnd.string(),
    LogAttributes: attributes.values,
    LogAttributeTypes: attributes.types,
    DroppedAttributesCount: count(rnd),
  };
}

function exemplarColumns(rnd: Random) {
  const n = rnd.int(3);
  const c = {
    'Exemplars.FilteredAttributes': [] as AttributeValues[],
    'Exemplars.FilteredAttributeTypes': [] as AttributeTypes[],
    'Exemplars.TimeUnix': [] as string[],
    'Exemplars.Value': [] as number[],
    'Exemplars.IntValue': [] as (string | null)[],
    'Exemplars.SpanId': [] as string[],
    'Exemplars.TraceId': [] as string[],
  };
  for (let i = 0; i < n; i++) {
    const attributes = randomAttributes(rnd, 2);
    c['Exemplars.FilteredAttributes'].push(attributes.values);
    c['Exemplars.FilteredAttributeTypes'].push(attributes.types);
    c['Exemplars.TimeUnix'].push(rnd.uint64());
    const asInt = rnd.chance(0.5) ? rnd.int64() : null;
    c['Exemplars.IntValue'].push(asInt);
    c['Exemplars.Value'].push(asInt === null ? rnd.double() : Number(asInt));
    const sampled = rnd.chance(0.7);
    c['Exemplars.SpanId'].push(sampled ? rnd.id(8) : '');
    c['Exemplars.TraceId'].push(sampled ? rnd.id(16) : '');
  }
  return c;
}

function optionalDouble(rnd: Random): number | null {
  return rnd.chance(0.3) ? null : rnd.double();
}

/** A metric batch: a few resources/scopes, each with metrics of every type. */
export function randomMetricBatch(rnd: Random): MetricBatch {
  const batch: MetricBatch = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
  const groups = Array.from({ length: 1 + rnd.int(3) }, () => randomResourceScope(rnd));
  const metricCount = 1 + rnd.int(8);
  for (let m = 0; m < metricCount; m++) {
    const rs = rnd.pick(groups);
    const metadata = randomAttributes(rnd, 2);
    const metric = {
      ...rs,
      MetricName: `metric.${m}.${rnd.string(4)}`,
      MetricDescription: rnd.chance(0.5) ? '' : rnd.string(),
      MetricUnit: rnd.pick(['', 's', 'By', '{request}']),
      MetricMetadata: metadata.values,
      MetricMetadataTypes: metadata.types,
    };
    const temporality = rnd.pick([0, 1, 2]);
    const monotonic = rnd.chance(0.5);
    const kind = rnd.int(5);
    for (let p = 1 + rnd.int(3); p > 0; p--) {
      const attributes = randomAttributes(rnd, 3);
      const point: MetricPointColumns = {
        ...metric,
        Attributes: attributes.values,
        AttributeTypes: attributes.types,
        StartTimeUnix: rnd.uint64(),
        TimeUnix: rnd.uint64(),
        Flags: rnd.chance(0.7) ? 0 : rnd.pick([1, 2 ** 32 - 1]),
        ...exemplarColumns(rnd),
      };
      if (kind === 0 || kind === 1) {
        const asInt = rnd.chance(0.5) ? rnd.int64() : null;
        const gauge: GaugePoint = { ...point, Value: asInt === null ? rnd.double() : Number(asInt), IntValue: asInt };
        if (kind === 0) batch.gauge.push(gauge);
        else batch.sum.push({ ...gauge, AggregationTemporality: temporality, IsMonotonic: monotonic });
      } else if (kind === 2) {
        const bounds = Array.from({ length: rnd.int(4) }, () => rnd.double());
        const h: HistogramPoint = {
          ...point,
          Count: rnd.uint64(),
          Sum: optionalDouble(rnd),
          BucketCounts: Array.from({ length: bounds.length + (rnd.chance(0.8) ? 1 : 0) }, () => rnd.uint64()),
          ExplicitBounds: bounds,
          Min: optionalDouble(rnd),
          Max: optionalDouble(rnd),
          AggregationTemporality: temporality,
        };
        batch.histogram.push(h);
      } else if (kind === 3) {
        const e: ExpHistogramPoint = {
          ...point,
          Count: rnd.uint64(),
          Sum: optionalDouble(rnd),
          Scale: rnd.pick([0, -10, 3, 20, -(2 ** 31), 2 ** 31 - 1]),
          ZeroCount: rnd.uint64(),
          ZeroThreshold: rnd.chance(0.5) ? 0 : Math.abs(rnd.double()),
          PositiveOffset: rnd.pick([0, -5, 7, -(2 ** 31)]),
          PositiveBucketCounts: Array.from({ length: rnd.int(4) }, () => rnd.uint64()),
          NegativeOffset: rnd.pick([0, 1, -1]),
          NegativeBucketCounts: Array.from({ length: rnd.int(3) }, () => rnd.uint64()),
          Min: optionalDouble(rnd),
          Max: optionalDouble(rnd),
          AggregationTemporality: temporality,
        };
        batch.expHistogram.push(e);
      } else {
        const quantiles = Array.from({ length: rnd.int(4) }, () => rnd.double());
        const s: SummaryPoint = {
          ...point,
          ...noExemplars(),
          Count: rnd.uint64(),
          Sum: rnd.double(),
          'ValueAtQuantiles.Quantile': quantiles,
          'ValueAtQuantiles.Value': quantiles.map(() => rnd.double()),
        };
        batch.summary.push(s);
      }
    }
  }
  return batch;
}

/** Spans spread over a few resources and scopes, interleaved. */
export function randomSpans(rnd: Random, n: number): SpanRecord[] {
  const groups = Array.from({ length: 1 + rnd.int(3) }, () => randomResourceScope(rnd));
  return Array.from({ length: n }, () => randomSpan(rnd, rnd.pick(groups)));
}

export function randomLogs(rnd: Random, n: number): LogRecord[] {
  const groups = Array.from({ length: 1 + rnd.int(3) }, () => randomResourceScope(rnd));
  return Array.from({ length: n }, () => randomLog(rnd, rnd.pick(groups)));
}
