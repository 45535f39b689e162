import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { RedactingLogRecordProcessor } from '../../src/redacting-log-processor.js';
import { RedactingSpanProcessor } from '../../src/redacting-span-processor.js';
import { REDACTED, Redactor } from '../../src/redaction.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const redactor = new Redactor({ keys: ['ssn'] });
const sdk = installInMemorySdk({ logRecordProcessors: [new RedactingLogRecordProcessor(redactor)] });

test('span attributes, event and link attributes, name and status message are redacted before export', () => {
  const exporter = new InMemorySpanExporter();
  // Registered after the exporting processor on purpose: onEnding runs for every processor before
  // any onEnd, so redaction must not depend on its position.
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter }), new RedactingSpanProcessor(redactor)],
  });
  const tracer = provider.getTracer('test');
  const linked = tracer.startSpan('linked');
  linked.end();
  const span = tracer.startSpan('GET /reset?token=abc123', {
    attributes: {
      'http.request.header.authorization': ['Bearer abc'],
      'customer.ssn': '078-05-1120',
      'http.route': '/reset',
    },
    links: [{ context: linked.spanContext(), attributes: { note: 'password=swordfish' } }],
  });
  span.setAttribute('db.query.text', "UPDATE users SET password = 'swordfish'");
  span.addEvent('retry', { 'aws.key': 'AKIAIOSFODNN7EXAMPLE', attempt: 2 });
  span.recordException(new Error('login failed for password=swordfish'));
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'rejected Bearer abc.def.ghi' });
  span.end();

  const exported = exporter.getFinishedSpans().find((candidate) => candidate.name !== 'linked');
  assert.ok(exported);
  assert.equal(exported.name, `GET /reset?token=${REDACTED}`);
  assert.deepEqual(exported.attributes, {
    'http.request.header.authorization': REDACTED,
    'customer.ssn': REDACTED,
    'http.route': '/reset',
    'db.query.text': `UPDATE users SET password = '${REDACTED}'`,
  });
  assert.deepEqual(exported.events[0].attributes, { 'aws.key': REDACTED, attempt: 2 });
  assert.equal(exported.events[1].attributes?.['exception.message'], `login failed for password=${REDACTED}`);
  assert.doesNotMatch(String(exported.events[1].attributes?.['exception.stacktrace']), /swordfish/);
  assert.deepEqual(exported.links[0].attributes, { note: `password=${REDACTED}` });
  assert.deepEqual(exported.status, { code: SpanStatusCode.ERROR, message: `rejected Bearer ${REDACTED}` });
});

test('a span with nothing secret is exported unchanged', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new RedactingSpanProcessor(redactor), new SimpleSpanProcessor({ exporter })],
  });
  provider
    .getTracer('test')
    .startSpan('GET /orders', { attributes: { 'http.route': '/orders', count: 3 } })
    .end();
  assert.deepEqual(exporter.getFinishedSpans()[0].attributes, { 'http.route': '/orders', count: 3 });
});

test('log bodies and attributes are redacted at emit time', () => {
  sdk.logs.reset();
  logs.getLogger('test').emit({
    body: 'user ann logged in with password=hunter2',
    attributes: { apiKey: 'k-1', request: { headers: { cookie: 'sid=1' }, path: '/login' }, 'customer.ssn': 'x' },
  });
  logs.getLogger('test').emit({ body: { message: 'structured', token: 't' } });
  const [first, second] = sdk.logs.getFinishedLogRecords();
  assert.equal(first.body, `user ann logged in with password=${REDACTED}`);
  assert.deepEqual(first.attributes, {
    apiKey: REDACTED,
    request: { headers: { cookie: REDACTED }, path: '/login' },
    'customer.ssn': REDACTED,
  });
  assert.deepEqual(second.body, { message: 'structured', token: REDACTED });
});
