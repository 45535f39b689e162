import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { getTraceContext } from '../../src/trace-context.js';
import { withSpan } from '../../src/with-span.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk();
const finished = () => sdk.spans.getFinishedSpans();

test('sync function: returns its value, span ended OK with the given attributes and active inside', () => {
  sdk.spans.reset();
  let inside: string | undefined;
  const value = withSpan(
    'compute',
    (span) => {
      inside = trace.getActiveSpan()?.spanContext().spanId;
      assert.equal(inside, span.spanContext().spanId);
      return 42;
    },
    { 'app.step': 'one' },
  );
  assert.equal(value, 42);
  assert.equal(finished().length, 1);
  assert.equal(finished()[0].spanContext().spanId, inside);
  assert.deepEqual(finished()[0].attributes, { 'app.step': 'one' });
  assert.equal(finished()[0].status.code, SpanStatusCode.UNSET);
});

test('sync throw: rethrown, span ended with ERROR status and the exception recorded', () => {
  sdk.spans.reset();
  assert.throws(
    () =>
      withSpan('fail', () => {
        throw new TypeError('bad input');
      }),
    /bad input/,
  );
  const [span] = finished();
  assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'bad input' });
  assert.equal(span.events[0].name, 'exception');
  assert.equal(span.events[0].attributes?.['exception.type'], 'TypeError');
});

test('async function: the span ends only when the promise settles, with nested spans as children', async () => {
  sdk.spans.reset();
  const value = await withSpan('outer', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    withSpan('inner', () => undefined);
    return 'done';
  });
  assert.equal(value, 'done');
  const outer = finished().find((span) => span.name === 'outer');
  const inner = finished().find((span) => span.name === 'inner');
  assert.equal(inner?.parentSpanContext?.spanId, outer?.spanContext().spanId);
  const durationMs = (outer?.duration[0] ?? 0) * 1e3 + (outer?.duration[1] ?? 0) / 1e6;
  assert.ok(durationMs >= 15, `outer lasted ${durationMs} ms`);
});

test('async rejection (also with a non-Error value): rejected, ERROR status, span ended', async () => {
  sdk.spans.reset();
  await assert.rejects(
    withSpan('reject', async () => {
      throw new Error('db timeout');
    }),
    /db timeout/,
  );
  await assert.rejects(withSpan('reject-string', () => Promise.reject('plain string')));
  const [first, second] = finished();
  assert.deepEqual(first.status, { code: SpanStatusCode.ERROR, message: 'db timeout' });
  assert.deepEqual(second.status, { code: SpanStatusCode.ERROR, message: 'plain string' });
  assert.equal(finished().length, 2);
});

test('getTraceContext returns the active span ids, and undefined outside spans', () => {
  assert.equal(getTraceContext(), undefined);
  withSpan('ids', (span) => {
    const ids = getTraceContext();
    assert.deepEqual(ids, {
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      traceFlags: 1,
    });
    assert.match(ids?.traceId ?? '', /^[0-9a-f]{32}$/);
  });
});
