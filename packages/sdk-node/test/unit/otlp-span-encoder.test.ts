import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeTraces } from '@tracehouse/otlp';
import { EncodedParts, SpanBatchBuilder } from '../../src/otlp-span-encoder.js';

function encode(spans: readonly ReadableSpan[], parts = new EncodedParts()): Uint8Array {
  const batch = new SpanBatchBuilder(parts);
  for (const span of spans) batch.add(span);
  return batch.finish();
}

/** Real SDK spans covering every field and value type the encoder writes, including length edge cases. */
async function recordSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders', 'service.version': '1.2.3', 'host.cpus': 2 }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('encoder-test', '0.1.0');
  const other = provider.getTracer('other-scope');
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=abc,th=8'),
  });
  const link: Link = {
    context: {
      traceId: 'ffffffffffffffffffffffffffffffff',
      spanId: '0000000000000001',
      traceFlags: 0,
      isRemote: false,
    },
    attributes: { 'link.kind': 'follows', 'link.n': -5 },
  };
  const server = tracer.startSpan(
    'GET /orders',
    {
      kind: SpanKind.SERVER,
      links: [link],
      attributes: {
        'http.request.method': 'GET',
        'server.port': 8080,
        'big.int': 2 ** 40,
        'negative.int': -123456789,
        'max.safe': Number.MAX_SAFE_INTEGER,
        'power.of.two': 2 ** 62,
        ratio: 0.25,
        'not.finite': Number.POSITIVE_INFINITY,
        ok: true,
        off: false,
        empty: '',
        'non.ascii': 'café ☕ 注文',
        'non.ascii.long': 'é'.repeat(100),
        'long.ascii': 'x'.repeat(200),
        'very.long': 'y'.repeat(20_000),
        'string.array': ['a', 'b', 'ü'],
        'number.array': [1, 2.5, -3],
        'bool.array': [true, false],
      },
    },
    remoteParent,
  );
  server.addEvent('cache miss', { key: 'c-1', tries: 3 });
  server.addEvent('no attributes');
  const inServer = trace.setSpan(remoteParent, server);
  const child = tracer.startSpan('price orders', {}, inServer);
  child.recordException(new Error('boom'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'price lookup failed: «timeout»' });
  child.end();
  other
    .startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, inServer)
    .end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
  tracer.startSpan('root internal', { kind: SpanKind.INTERNAL, startTime: [1_795_243_567, 999_999_999] }).end();
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

test('encodes exactly the bytes of the upstream OTLP/protobuf serializer', async () => {
  const spans = await recordSpans();
  const ours = Buffer.from(encode(spans));
  const upstream = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
  assert.equal(spans.length, 4);
  assert.equal(spans.filter((span) => span.parentSpanContext?.spanId).length, 3);
  assert.ok(ours.length > 20_000);
  assert.deepEqual(decodeTraces(ours, 'protobuf'), decodeTraces(upstream, 'protobuf'));
  assert.equal(ours.toString('hex'), upstream.toString('hex'));
});

test('batches sharing encoded resources and scopes give the same bytes batch after batch, big ones included', async () => {
  const spans = await recordSpans();
  const parts = new EncodedParts();
  const upstream = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array()).toString('hex');
  const first = Buffer.from(encode(spans, parts)).toString('hex');
  const many = Array.from({ length: 40 }, () => spans).flat();
  const big = Buffer.from(encode(many, parts));
  const second = Buffer.from(encode(spans, parts)).toString('hex');
  assert.equal(first, upstream);
  assert.equal(second, upstream);
  assert.equal(big.toString('hex'), Buffer.from(ProtobufTraceSerializer.serializeRequest(many) ?? []).toString('hex'));
  const decoded = decodeTraces(big, 'protobuf');
  assert.equal(JSON.stringify(decoded).includes('GET /orders'), true);
});

test('an empty batch is an empty request', () => {
  assert.equal(encode([]).length, 0);
});
