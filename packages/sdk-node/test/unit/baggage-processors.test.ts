import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { BaggageLogRecordProcessor } from '../../src/baggage-log-processor.js';
import { BaggageSpanProcessor } from '../../src/baggage-span-processor.js';
import { DEFAULT_BAGGAGE_KEYS } from '../../src/config.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk({
  spanProcessors: [new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS)],
  logRecordProcessors: [new BaggageLogRecordProcessor(DEFAULT_BAGGAGE_KEYS)],
});

const withBaggageEntries = (entries: Record<string, string>) =>
  propagation.setBaggage(
    context.active(),
    propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, { value }]))),
  );

test('allow-listed baggage entries become attributes of every span started in that context', () => {
  sdk.spans.reset();
  const ctx = withBaggageEntries({ 'enduser.id': 'u-42', org_id: 'o-1', 'session.secret': 's', tier: 'gold' });
  context.with(ctx, () => {
    const tracer = trace.getTracer('test');
    tracer.startActiveSpan('parent', (parent) => {
      tracer.startSpan('child').end();
      parent.end();
    });
  });
  const spans = sdk.spans.getFinishedSpans();
  assert.equal(spans.length, 2);
  for (const span of spans) {
    assert.deepEqual(span.attributes, { 'enduser.id': 'u-42', org_id: 'o-1' });
  }
});

test('spans outside any baggage get nothing', () => {
  sdk.spans.reset();
  trace.getTracer('test').startSpan('plain').end();
  assert.deepEqual(sdk.spans.getFinishedSpans()[0].attributes, {});
});

test('log records get the allow-listed baggage of the context they are emitted in', () => {
  sdk.logs.reset();
  const logger = logs.getLogger('test');
  context.with(withBaggageEntries({ correlation_id: 'c-9', password: 'nope' }), () => {
    logger.emit({ body: 'inside' });
  });
  logger.emit({ body: 'outside' });
  const [inside, outside] = sdk.logs.getFinishedLogRecords();
  assert.deepEqual(inside.attributes, { correlation_id: 'c-9' });
  assert.deepEqual(outside.attributes, {});
});

test('a custom allow-list replaces the default one', () => {
  const processor = new BaggageSpanProcessor(['tenant.id']);
  const attributes: Record<string, unknown> = {};
  const span = { setAttribute: (key: string, value: unknown) => (attributes[key] = value) };
  processor.onStart(
    span as unknown as Parameters<BaggageSpanProcessor['onStart']>[0],
    withBaggageEntries({ 'tenant.id': 't-1', 'enduser.id': 'u-1' }),
  );
  assert.deepEqual(attributes, { 'tenant.id': 't-1' });
});
