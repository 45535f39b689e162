import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BaggageLogRecordProcessor } from '../../src/baggage-log-processor.js';
import { DEFAULT_BAGGAGE_KEYS } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { PinoOtelDestination } from '../../src/pino-otel-destination.js';
import { REDACTED } from '../../src/redaction.js';
import { withSpan } from '../../src/with-span.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk({ logRecordProcessors: [new BaggageLogRecordProcessor(DEFAULT_BAGGAGE_KEYS)] });

function captured() {
  const lines: string[] = [];
  return {
    lines,
    destination: { write: (line: string) => void lines.push(line) },
    parsed: () => lines.map((line) => JSON.parse(line)),
  };
}

const inCorrelation = <T>(fn: () => T) =>
  context.with(
    propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ correlation_id: { value: 'c-1' }, 'enduser.id': { value: 'u-42' } }),
    ),
    fn,
  );

test('JSON lines carry service, level as a name, and trace/span/correlation ids inside a span', () => {
  const out = captured();
  const logger = createLogger({ service: 'orders', destination: out.destination, exportLogs: false });
  logger.info('outside');
  let ids: { traceId: string; spanId: string } | undefined;
  inCorrelation(() =>
    withSpan('work', (span) => {
      ids = span.spanContext();
      logger.warn({ orderId: 7 }, 'inside %s', 'span');
    }),
  );
  const [outside, inside] = out.parsed();
  assert.equal(outside.service, 'orders');
  assert.equal(outside.level, 'info');
  assert.equal(outside.trace_id, undefined);
  assert.equal(inside.level, 'warn');
  assert.equal(inside.msg, 'inside span');
  assert.equal(inside.orderId, 7);
  assert.equal(inside.trace_id, ids?.traceId);
  assert.equal(inside.span_id, ids?.spanId);
  assert.equal(inside.trace_flags, '01');
  assert.equal(inside.correlation_id, 'c-1');
  assert.equal(typeof inside.time, 'number');
});

test('secrets in messages, interpolation values and objects are redacted before printing', () => {
  const out = captured();
  const logger = createLogger({ service: 's', destination: out.destination, exportLogs: false });
  logger.info({ password: 'hunter2', user: { apiKey: 'k' } }, 'login with token=%s', 'abc123');
  logger.error(new Error('boom'), 'failed with Bearer xyz987654');
  const [first, second] = out.parsed();
  assert.equal(first.password, REDACTED);
  assert.deepEqual(first.user, { apiKey: REDACTED });
  assert.equal(first.msg, `login with token=${REDACTED}`);
  assert.equal(second.msg, `failed with Bearer ${REDACTED}`);
  assert.equal(second.err.message, 'boom', 'errors keep their serialisation');
  assert.doesNotMatch(out.lines.join(), /hunter2|abc123|xyz987654/);
});

test('the OTel destination emits the printed record: body, severity, time, attributes, exception, context', () => {
  sdk.logs.reset();
  const out = captured();
  const destination = new PinoOtelDestination(out.destination, () => true);
  const logger = createLogger({ service: 'orders', destination, exportLogs: false });
  let spanId = '';
  inCorrelation(() =>
    withSpan('work', (span) => {
      spanId = span.spanContext().spanId;
      logger.error({ err: new TypeError('no stock'), sku: 'b-1' }, 'reservation failed');
    }),
  );
  assert.equal(out.lines.length, 1, 'the line is still printed');
  const [record] = sdk.logs.getFinishedLogRecords();
  const printed = JSON.parse(out.lines[0]);
  assert.equal(record.body, 'reservation failed');
  assert.equal(record.severityNumber, SeverityNumber.ERROR);
  assert.equal(record.severityText, 'error');
  assert.equal(record.spanContext?.spanId, spanId);
  assert.equal(record.hrTime[0], Math.floor(printed.time / 1000));
  assert.equal(record.attributes.sku, 'b-1');
  assert.equal(record.attributes.correlation_id, 'c-1');
  assert.equal(record.attributes['enduser.id'], 'u-42', 'baggage processor saw the caller context');
  assert.equal(record.attributes['exception.type'], 'TypeError');
  assert.equal(record.attributes['exception.message'], 'no stock');
  for (const field of ['level', 'time', 'msg', 'trace_id', 'span_id', 'service', 'err']) {
    assert.ok(!(field in record.attributes), `${field} is not duplicated as an attribute`);
  }
});

test('nothing is emitted while export is off (no endpoint), and the line is still printed', () => {
  sdk.logs.reset();
  const out = captured();
  const logger = createLogger({
    destination: new PinoOtelDestination(out.destination, () => false),
    exportLogs: false,
  });
  logger.info('quiet');
  assert.equal(out.lines.length, 1);
  assert.equal(sdk.logs.getFinishedLogRecords().length, 0);
});

test('createLogger exports only once init() enabled logs', () => {
  sdk.logs.reset();
  const out = captured();
  createLogger({ destination: out.destination }).info('before init');
  assert.equal(out.lines.length, 1);
  assert.equal(sdk.logs.getFinishedLogRecords().length, 0);
});
