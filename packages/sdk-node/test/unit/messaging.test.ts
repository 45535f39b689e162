import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { BaggageSpanProcessor } from '../../src/baggage-span-processor.js';
import type { HeaderMap } from '../../src/carrier.js';
import { DEFAULT_BAGGAGE_KEYS } from '../../src/config.js';
import { consumerSpan, producerSpan } from '../../src/messaging.js';
import { extractContext, injectContext } from '../../src/propagation.js';
import { withSpan } from '../../src/with-span.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk({ spanProcessors: [new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS)] });
const destination = { system: 'nats', name: 'orders.created' };

const inUserContext = <T>(fn: () => T): T =>
  context.with(
    propagation.setBaggage(context.active(), propagation.createBaggage({ 'enduser.id': { value: 'u-42' } })),
    fn,
  );

test('producer and consumer spans: kinds, names, semconv attributes, parent and link, baggage', async () => {
  sdk.spans.reset();
  const headers: Record<string, string> = {};
  await inUserContext(() =>
    withSpan('handle request', () =>
      producerSpan({ ...destination, messageId: 'm-1' }, headers, async () => {
        assert.match(headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        assert.equal(headers.baggage, 'enduser.id=u-42');
      }),
    ),
  );
  // The consumer runs elsewhere, with nothing active but what the message carries.
  await context.with(context.active(), () =>
    consumerSpan({ ...destination, messageId: 'm-1' }, headers, async () => {
      assert.equal(propagation.getBaggage(context.active())?.getEntry('enduser.id')?.value, 'u-42');
      withSpan('charge card', () => undefined);
    }),
  );

  const spans = sdk.spans.getFinishedSpans();
  const producer = spans.find((span) => span.kind === SpanKind.PRODUCER);
  const consumer = spans.find((span) => span.kind === SpanKind.CONSUMER);
  const charge = spans.find((span) => span.name === 'charge card');
  assert.ok(producer && consumer && charge);
  assert.equal(producer.name, 'send orders.created');
  assert.equal(consumer.name, 'process orders.created');
  assert.deepEqual(producer.attributes, {
    'messaging.system': 'nats',
    'messaging.destination.name': 'orders.created',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.message.id': 'm-1',
    'enduser.id': 'u-42',
  });
  assert.equal(consumer.attributes['messaging.operation.type'], 'process');
  assert.equal(consumer.attributes['enduser.id'], 'u-42');
  assert.equal(charge.attributes['enduser.id'], 'u-42');
  assert.equal(consumer.spanContext().traceId, producer.spanContext().traceId);
  assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.equal(consumer.links.length, 1);
  assert.equal(consumer.links[0].context.spanId, producer.spanContext().spanId);
  assert.equal(charge.parentSpanContext?.spanId, consumer.spanContext().spanId);
});

test('a message without trace context gives a new root consumer span without links', () => {
  sdk.spans.reset();
  consumerSpan(destination, {}, () => undefined);
  const [span] = sdk.spans.getFinishedSpans();
  assert.equal(span.parentSpanContext, undefined);
  assert.deepEqual(span.links, []);
});

test('a failing producer callback marks the producer span as an error and rethrows', async () => {
  sdk.spans.reset();
  await assert.rejects(
    producerSpan(destination, {}, async () => {
      throw new Error('broker unavailable');
    }),
  );
  assert.equal(sdk.spans.getFinishedSpans()[0].status.code, 2);
});

test('injectContext/extractContext work with plain records, header maps and any header case', () => {
  const store = new Map<string, string>();
  const natsLike: HeaderMap = {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    keys: () => store.keys(),
  };
  withSpan('publish', (span) => {
    inUserContext(() => injectContext(natsLike));
    const extracted = extractContext(natsLike);
    assert.equal(trace.getSpanContext(extracted)?.spanId, span.spanContext().spanId);
    assert.equal(propagation.getBaggage(extracted)?.getEntry('enduser.id')?.value, 'u-42');

    const record = injectContext<Record<string, string>>({});
    const shouted = { TraceParent: record.traceparent };
    assert.equal(trace.getSpanContext(extractContext(shouted))?.spanId, span.spanContext().spanId);
  });
});
