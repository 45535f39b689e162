import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  type GaugePoint,
  type HistogramPoint,
  type LogRecord,
  noExemplars,
  type ResourceScopeColumns,
  type SpanRecord,
} from '@tracehouse/otlp';
import { DEFAULT_TENANT, type PromSeries, Store, type StoreOptions } from '../src/index';
import { spanColumns } from '../src/schema/columns';

export const tempDir = (prefix = 'tracehouse-store-'): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * The store of a suite that reads PromQL series: opened in a temporary directory and loaded
 * before the suite's tests (and before the `before` hooks registered after this call), closed
 * and removed after them.
 */
export function loadedPromStore(load: (store: Store) => Promise<void>): {
  store: Store;
  prom: ReturnType<Store['prometheus']>;
} {
  const dir = tempDir();
  const loaded = {} as { store: Store; prom: ReturnType<Store['prometheus']> };
  before(async () => {
    loaded.store = await Store.open(storeOptions(dir));
    loaded.prom = loaded.store.prometheus({ derivedBoundsSeconds: [0.1, 1], derivedStaleMs: 10 * 60_000 });
    await load(loaded.store);
  });
  after(async () => {
    await loaded.store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return loaded;
}

export function storeOptions(dataDir: string, over: Partial<StoreOptions['writer']> = {}): StoreOptions {
  return {
    dataDir,
    retention: { spansRecent: 3600, spans: 14 * 86400, logs: 30 * 86400, metrics: 30 * 86400 },
    writer: { batchRows: 5000, flushIntervalMs: 20, maxQueuedBytes: 64 * 1024 * 1024, maxInsertRows: 50_000, ...over },
    // Every span feeds autocomplete, so small test data sets find their values.
    tagSampleRate: 1,
  };
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/**
 * A kept trace that has left the recent window, as the sampler and retention leave it: the spans
 * written under `staging` copied to `spans` under a new trace id, whose trace index row was
 * ingested 2 h ago (recent retention: 1 h). Returns the new trace id.
 */
export async function keptOutOfRecentWindow(store: Store, staging: string): Promise<string> {
  const traceId = hex(16);
  const cols = [...spanColumns.map((c) => `\`${c.name}\``), 'Tenant'];
  await store.sql.command(
    `INSERT INTO spans (${cols.join(', ')}) SELECT ${cols
      .map((c) => (c === '`TraceId`' ? '{traceId:String}' : c))
      .join(', ')} FROM spans_recent WHERE TraceId = {staging:String}`,
    { traceId, staging },
  );
  await store.sql.command(
    `INSERT INTO trace_index SELECT {traceId:String}, Start, End, IngestStart - toIntervalHour(2), IngestEnd - toIntervalHour(2), SpanCount
FROM trace_index WHERE TraceId = {staging:String}`,
    { traceId, staging },
  );
  return traceId;
}

const resourceScope = (service: string): ResourceScopeColumns => ({
  ServiceName: service,
  ResourceAttributes: { 'service.name': service, 'host.pid': '42' },
  ResourceAttributeTypes: { 'host.pid': 'int' },
  ResourceDroppedAttributesCount: 0,
  ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  ScopeName: 'test-scope',
  ScopeVersion: '1.0.0',
  ScopeAttributes: {},
  ScopeAttributeTypes: {},
  ScopeDroppedAttributesCount: 0,
  ScopeSchemaUrl: '',
});

/**
 * A minimal span record (resource `svc`, no events or links) for tests that set only the fields
 * they look at.
 */
export function bareSpan(over: Partial<SpanRecord> = {}): SpanRecord {
  return {
    ServiceName: 'svc',
    ResourceAttributes: { 'service.name': 'svc' },
    ResourceAttributeTypes: {},
    ResourceDroppedAttributesCount: 0,
    ResourceSchemaUrl: '',
    ScopeName: 's',
    ScopeVersion: '',
    ScopeAttributes: {},
    ScopeAttributeTypes: {},
    ScopeDroppedAttributesCount: 0,
    ScopeSchemaUrl: '',
    Timestamp: '1700000000000000000',
    Duration: '1000',
    TraceId: '0af7651916cd43dd8448eb211c80319c',
    SpanId: 'b7ad6b7169203331',
    ParentSpanId: '',
    TraceState: '',
    Flags: 1,
    SpanName: 'GET /x',
    SpanKind: 'Server',
    SpanAttributes: {},
    SpanAttributeTypes: {},
    DroppedAttributesCount: 0,
    StatusCode: 'Unset',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Events.AttributeTypes': [],
    'Events.DroppedAttributesCount': [],
    DroppedEventsCount: 0,
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Flags': [],
    'Links.Attributes': [],
    'Links.AttributeTypes': [],
    'Links.DroppedAttributesCount': [],
    DroppedLinksCount: 0,
    ...over,
  };
}

export function span(traceId: string, over: Partial<SpanRecord> = {}): SpanRecord {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    ...resourceScope('checkout'),
    Timestamp: String(now),
    Duration: '1500000',
    TraceId: traceId,
    SpanId: hex(8),
    ParentSpanId: '',
    TraceState: 'ot=th:0',
    Flags: 1,
    SpanName: 'GET /cart',
    SpanKind: 'Server',
    SpanAttributes: { 'http.response.status_code': '200', 'big.int': '9223372036854775807', ratio: '0.25', ok: 'true' },
    SpanAttributeTypes: { 'http.response.status_code': 'int', 'big.int': 'int', ratio: 'double', ok: 'bool' },
    DroppedAttributesCount: 1,
    StatusCode: 'Error',
    StatusMessage: 'boom "quoted"\nline',
    'Events.Timestamp': [String(now + 1000n)],
    'Events.Name': ['exception'],
    'Events.Attributes': [{ 'exception.message': 'bad' }],
    'Events.AttributeTypes': [{}],
    'Events.DroppedAttributesCount': [0],
    DroppedEventsCount: 0,
    'Links.TraceId': [hex(16)],
    'Links.SpanId': [hex(8)],
    'Links.TraceState': [''],
    'Links.Flags': [0],
    'Links.Attributes': [{ 'link.kind': 'follows' }],
    'Links.AttributeTypes': [{}],
    'Links.DroppedAttributesCount': [2],
    DroppedLinksCount: 0,
    ...over,
  };
}

export function logRecord(over: Partial<LogRecord> = {}): LogRecord {
  return {
    ...resourceScope('checkout'),
    Timestamp: String(BigInt(Date.now()) * 1_000_000n),
    ObservedTimestamp: String(BigInt(Date.now()) * 1_000_000n + 5n),
    TraceId: hex(16),
    SpanId: hex(8),
    TraceFlags: 1,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    Body: 'payment declined for order 42',
    BodyType: '',
    EventName: '',
    LogAttributes: { 'order.id': '42' },
    LogAttributeTypes: { 'order.id': 'int' },
    DroppedAttributesCount: 0,
    ...over,
  };
}

export function gaugePoint(over: Partial<GaugePoint> = {}): GaugePoint {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  return {
    ...resourceScope('checkout'),
    MetricName: 'queue.depth',
    MetricDescription: 'items waiting',
    MetricUnit: '{item}',
    MetricMetadata: {},
    MetricMetadataTypes: {},
    Attributes: { queue: 'orders' },
    AttributeTypes: {},
    StartTimeUnix: '0',
    TimeUnix: now,
    Flags: 0,
    ...noExemplars(),
    Value: 2 ** 63,
    IntValue: '9223372036854775807',
    ...over,
  };
}

export function histogramPoint(over: Partial<HistogramPoint> = {}): HistogramPoint {
  const {
    Value: _v,
    IntValue: _i,
    ...common
  } = gaugePoint({ MetricName: 'http.server.request.duration', MetricUnit: 's' });
  return {
    ...common,
    Count: '3',
    Sum: Number.NaN,
    BucketCounts: ['1', '2', '0'],
    ExplicitBounds: [0.005, 0.01],
    Min: null,
    Max: Number.POSITIVE_INFINITY,
    AggregationTemporality: 2,
    'Exemplars.FilteredAttributes': [{ 'http.route': '/x' }],
    'Exemplars.FilteredAttributeTypes': [{}],
    'Exemplars.TimeUnix': [common.TimeUnix],
    'Exemplars.Value': [0.007],
    'Exemplars.IntValue': [null],
    'Exemplars.SpanId': [hex(8)],
    'Exemplars.TraceId': [hex(16)],
    ...over,
  };
}

/** Every series of the names accepted over (start, end], by metric name and labels (a read of each name on its own). */
export async function readSeries(
  prom: ReturnType<Store['prometheus']>,
  range: { startMs: number; endMs: number; nowMs: number },
  names: readonly string[] | undefined,
): Promise<Map<string, PromSeries>> {
  const out = new Map<string, PromSeries>();
  for (const accept of names ? names.map((name) => (n: string) => n === name) : [() => true]) {
    const q = { tenant: DEFAULT_TENANT, matchers: [], maxSeries: 1_000, maxSamples: 10_000_000, timeoutMs: 30_000 };
    for (const s of await prom.select({ ...q, ...range }, accept))
      out.set(JSON.stringify(Object.entries(s.labels).sort()), s);
  }
  return out;
}

/** The same series with the same samples, to the last bit. */
export function assertSameSeries(a: Map<string, PromSeries>, b: Map<string, PromSeries>): void {
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [k, s] of a) {
    const o = b.get(k)!;
    assert.deepEqual(Array.from(o.t), Array.from(s.t), k);
    assert.deepEqual(Array.from(o.v), Array.from(s.v), k);
  }
}
