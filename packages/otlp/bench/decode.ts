// Decode throughput on a realistic request: 500 spans, 10 attributes each (semantic-convention
// names, strings and ints mostly), a resource of 8 attributes, one event on every tenth span.
//   node --import tsx packages/otlp/bench/decode.ts [--seconds 3]
// Prints one line per format:
//   bench decode format=protobuf spans_per_s=... requests_per_s=... mb_per_s=... bytes_per_request=...
import { parseArgs } from 'node:util';
import {
  decodeTraces,
  encodeTracesData,
  type SpanKindName,
  type SpanRecord,
  spansToTracesData,
  type WireFormat,
} from '../src/index';

const SPANS_PER_REQUEST = 500;

function realisticSpans(): SpanRecord[] {
  const resource = {
    'service.name': 'checkout',
    'service.version': '1.4.2',
    'service.instance.id': '627cc493-f310-47de-96bd-71410b7dec09',
    'deployment.environment.name': 'production',
    'host.name': 'ip-10-0-12-34.eu-west-1.compute.internal',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': '2.12.0',
  };
  const kinds: SpanKindName[] = ['Server', 'Client', 'Internal'];
  const spans: SpanRecord[] = [];
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const hex = (n: number, len: number) => (n + 1).toString(16).padStart(len, '0');
    const withEvent = i % 10 === 0;
    spans.push({
      ServiceName: 'checkout',
      ResourceAttributes: resource,
      ResourceAttributeTypes: {},
      ResourceDroppedAttributesCount: 0,
      ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      ScopeName: '@opentelemetry/instrumentation-http',
      ScopeVersion: '0.223.0',
      ScopeAttributes: {},
      ScopeAttributeTypes: {},
      ScopeDroppedAttributesCount: 0,
      ScopeSchemaUrl: '',
      Timestamp: String(1_732_000_000_000_000_000n + BigInt(i) * 1_000_000n),
      Duration: String(250_000 + i * 1_337),
      TraceId: `4bf92f3577b34da6a3ce929d${hex(i >> 4, 8)}`,
      SpanId: `00f067aa${hex(i, 8)}`,
      ParentSpanId: i % 16 === 0 ? '' : `00f067aa${hex(i - 1, 8)}`,
      TraceState: '',
      Flags: 0x101,
      SpanName: `GET /api/v1/orders/{id}`,
      SpanKind: kinds[i % 3],
      SpanAttributes: {
        'http.request.method': 'GET',
        'url.path': `/api/v1/orders/${100000 + i}`,
        'url.scheme': 'https',
        'server.address': 'checkout.internal',
        'server.port': '8080',
        'http.route': '/api/v1/orders/{id}',
        'http.response.status_code': i % 50 === 0 ? '500' : '200',
        'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)',
        'client.address': `10.0.${i % 256}.${(i * 7) % 256}`,
      },
      SpanAttributeTypes: { 'server.port': 'int', 'http.response.status_code': 'int' },
      DroppedAttributesCount: 0,
      StatusCode: i % 50 === 0 ? 'Error' : 'Unset',
      StatusMessage: '',
      'Events.Timestamp': withEvent ? [String(1_732_000_000_000_100_000n + BigInt(i))] : [],
      'Events.Name': withEvent ? ['exception'] : [],
      'Events.Attributes': withEvent
        ? [{ 'exception.type': 'TimeoutError', 'exception.message': 'upstream timed out' }]
        : [],
      'Events.AttributeTypes': withEvent ? [{}] : [],
      'Events.DroppedAttributesCount': withEvent ? [0] : [],
      DroppedEventsCount: 0,
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Flags': [],
      'Links.Attributes': [],
      'Links.AttributeTypes': [],
      'Links.DroppedAttributesCount': [],
      DroppedLinksCount: 0,
    });
  }
  return spans;
}

function measure(format: WireFormat, body: Uint8Array, seconds: number): void {
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) decodeTraces(body, format);
  let requests = 0;
  const start = performance.now();
  const stop = start + seconds * 1000;
  while (performance.now() < stop) {
    for (let i = 0; i < 10; i++) {
      if (decodeTraces(body, format).records.length !== SPANS_PER_REQUEST) throw new Error('decode lost spans');
    }
    requests += 10;
  }
  const elapsedS = (performance.now() - start) / 1000;
  const spansPerS = Math.round((requests * SPANS_PER_REQUEST) / elapsedS);
  const mbPerS = ((requests * body.length) / elapsedS / 1e6).toFixed(1);
  console.log(
    `bench decode format=${format} spans_per_s=${spansPerS} requests_per_s=${Math.round(requests / elapsedS)} mb_per_s=${mbPerS} bytes_per_request=${body.length}`,
  );
}

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const spans = realisticSpans();
measure('protobuf', encodeTracesData(spans), Number(values.seconds));
measure('json', Buffer.from(JSON.stringify(spansToTracesData(spans))), Number(values.seconds));
