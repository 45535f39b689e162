// The signal set every interop client (Go, Python, OpenTelemetry JS 3.x) sends, and the check
// that tracehouse's API gives back exactly that: ids, names, kinds, attributes of every type,
// events, links, status, log body/severity/trace context, and metric points.
import assert from 'node:assert/strict';
import { eventually } from './run';

/** What a client prints after exporting: the ids its SDK generated. */
export interface EmittedIds {
  traceId: string;
  rootSpanId: string;
  childSpanId: string;
  linkedTraceId: string;
  linkedSpanId: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON documents are read field by field
export type Get = (path: string) => Promise<{ status: number; body: any }>;

interface KeyValue {
  key: string;
  value: unknown;
}

const sorted = (list: KeyValue[] | undefined) => [...(list ?? [])].sort((a, b) => a.key.localeCompare(b.key));

/** The root span's attributes as OTLP/JSON; `big` (an int64 past 2^53) where the language has int64. */
function rootAttributes(withInt64: boolean): KeyValue[] {
  const list: KeyValue[] = [
    { key: 'str', value: { stringValue: 'text' } },
    { key: 'int', value: { intValue: '42' } },
    { key: 'double', value: { doubleValue: 3.5 } },
    { key: 'bool', value: { boolValue: true } },
    { key: 'strs', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
    { key: 'ints', value: { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }] } } },
    { key: 'doubles', value: { arrayValue: { values: [{ doubleValue: 1.5 }, { doubleValue: 2.5 }] } } },
    { key: 'bools', value: { arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } } },
  ];
  if (withInt64) list.push({ key: 'big', value: { intValue: '9007199254740993' } });
  return sorted(list);
}

export async function assertSignalSet(
  get: Get,
  service: string,
  ids: EmittedIds,
  options: { int64: boolean },
): Promise<void> {
  const traceDoc = await eventually(async () => {
    const res = await get(`/api/v1/traces/${ids.traceId}`);
    const spans = res.body?.resourceSpans?.flatMap((rs: { scopeSpans: { spans: unknown[] }[] }) =>
      rs.scopeSpans.flatMap((ss) => ss.spans),
    );
    return spans?.length === 2 ? res.body : undefined;
  });
  assert.equal(traceDoc.resourceSpans.length, 1);
  const [resourceSpans] = traceDoc.resourceSpans;
  const resource = Object.fromEntries(
    resourceSpans.resource.attributes.map((kv: { key: string; value: { stringValue?: string } }) => [
      kv.key,
      kv.value.stringValue,
    ]),
  );
  assert.equal(resource['service.name'], service);
  assert.equal(resource['service.version'], '1.0.0');
  assert.equal(resource['deployment.environment.name'], 'interop');
  assert.equal(resourceSpans.scopeSpans.length, 1);
  assert.equal(resourceSpans.scopeSpans[0].scope.name, 'interop');
  const spans = Object.fromEntries(
    resourceSpans.scopeSpans[0].spans.map((span: { name: string }) => [span.name, span]),
  );

  const root = spans['interop.root'];
  assert.equal(root.traceId, ids.traceId);
  assert.equal(root.spanId, ids.rootSpanId);
  assert.equal(root.parentSpanId ?? '', '');
  assert.equal(root.kind, 2);
  assert.ok(BigInt(root.endTimeUnixNano) >= BigInt(root.startTimeUnixNano));
  assert.deepEqual(sorted(root.attributes), rootAttributes(options.int64));
  assert.equal(root.events.length, 1);
  assert.equal(root.events[0].name, 'interop.event');
  assert.deepEqual(root.events[0].attributes, [{ key: 'event.n', value: { intValue: '7' } }]);
  assert.deepEqual(root.status ?? {}, {});

  const child = spans['interop.child'];
  assert.equal(child.spanId, ids.childSpanId);
  assert.equal(child.parentSpanId, ids.rootSpanId);
  assert.equal(child.kind, 3);
  assert.equal(child.links.length, 1);
  assert.equal(child.links[0].traceId, ids.linkedTraceId);
  assert.equal(child.links[0].spanId, ids.linkedSpanId);
  assert.deepEqual(child.links[0].attributes, [{ key: 'link.kind', value: { stringValue: 'follows' } }]);
  assert.deepEqual(child.status, { code: 2, message: 'boom' });

  const linked = await eventually(async () => {
    const res = await get(`/api/v1/traces/${ids.linkedTraceId}`);
    return res.status === 200 ? res.body.resourceSpans[0].scopeSpans[0].spans : undefined;
  });
  assert.deepEqual(
    linked.map((span: { spanId: string; name: string; kind: number }) => [span.spanId, span.name, span.kind]),
    [[ids.linkedSpanId, 'interop.linked', 4]],
  );

  const logs = await eventually(async () => {
    const res = await get(`/api/v1/logs?service=${encodeURIComponent(service)}`);
    return res.body?.logs?.length ? res.body.logs : undefined;
  });
  assert.equal(logs.length, 1);
  const [log] = logs;
  assert.equal(log.body, 'hello interop');
  assert.equal(log.severityNumber, 13);
  assert.equal(log.severityText, 'WARN');
  assert.equal(log.traceId, ids.traceId);
  assert.equal(log.spanId, ids.rootSpanId);
  // Bytes come back base64 in the plain-JSON API (0x01 0x02 0xff).
  assert.deepEqual(log.attributes, { bytes: 'AQL/', int: 42, double: 3.5, bool: true, strs: ['a', 'b'] });

  const series = async (name: string) =>
    eventually(async () => {
      const res = await get(`/api/v1/metrics?service=${encodeURIComponent(service)}&name=${name}`);
      return res.body?.series?.length ? res.body.series : undefined;
    });
  const [requests] = await series('interop.requests');
  assert.equal(requests.type, 'sum');
  assert.deepEqual(requests.attributes, { route: '/a' });
  assert.equal(requests.points.at(-1).value, 3);
  assert.equal(requests.points.at(-1).isMonotonic, true);
  const [duration] = await series('interop.duration');
  assert.equal(duration.type, 'histogram');
  assert.equal(duration.unit, 's');
  const histogram = duration.points.at(-1);
  assert.equal(histogram.count, '3');
  assert.ok(Math.abs(histogram.sum - 0.7) < 1e-9, `sum ${histogram.sum}`);
  assert.equal(histogram.min, 0.1);
  assert.equal(histogram.max, 0.4);
  assert.equal(histogram.bucketCounts.length, histogram.explicitBounds.length + 1);
  assert.equal(
    histogram.bucketCounts.reduce((total: number, count: string) => total + Number(count), 0),
    3,
  );
  const [depth] = await series('interop.queue.depth');
  assert.equal(depth.type, 'gauge');
  assert.equal(depth.points.at(-1).value, 5);
}
