import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bareSpan } from '../../../store/test/fixtures';
import { Admission } from '../../src/ingest/admission';

// A clock whose nanoseconds (~1.7e18) are past 2^53, as real ones are: the window's bounds are
// then not doubles, and a time one nanosecond outside must still be refused.
const NOW_MS = 1_765_000_000_123;
const NOW = BigInt(NOW_MS) * 1_000_000n;
const DAY_MS = 86_400_000;
const admission = new Admission(
  { maxAgeMs: { traces: DAY_MS, logs: DAY_MS, metrics: DAY_MS }, maxClockSkewMs: 60_000 },
  () => NOW_MS,
);
const MIN = NOW - BigInt(DAY_MS) * 1_000_000n;
const MAX = NOW + 60_000n * 1_000_000n;

const at = (start: bigint, duration = 0n, spanId = '00000000000000a1', traceId = 'aa'.repeat(16)) =>
  bareSpan({ TraceId: traceId, SpanId: spanId, Timestamp: String(start), Duration: String(duration) });

test('a span is admitted exactly up to the nanosecond at both ends of the window', () => {
  const cases: [bigint, bigint, boolean][] = [
    [MIN, 0n, true],
    [MIN - 1n, 0n, false],
    [MAX, 0n, true],
    [MAX + 1n, 0n, false],
    [MAX - 10n, 10n, true],
    [MAX - 10n, 11n, false],
    [NOW, 5_000_000_000n, true],
    [NOW, -5_000_000_000n, true],
    [MIN - 1_000_000_000n, 0n, false],
    [MAX + 1_000_000_000n, 0n, false],
  ];
  for (const [start, duration, admitted] of cases) {
    const out = admission.spans([at(start, duration)]);
    assert.equal(out.records.length, admitted ? 1 : 0, `start ${start} duration ${duration}`);
  }
});

test('an event past 2262 refuses its span; one at the largest int64 nanosecond does not', () => {
  const late = at(NOW);
  late['Events.Timestamp'] = ['9223372036854775808'];
  const edge = at(NOW, 0n, '00000000000000a2');
  edge['Events.Timestamp'] = ['9223372036854775807', '5'];
  const out = admission.spans([late, edge]);
  assert.deepEqual(
    out.records.map((s) => s.SpanId),
    ['00000000000000a2'],
  );
  assert.match(out.message, /event time past 2262/);
});

test('a span id repeated within its trace is refused; the same id in other traces is not', () => {
  const t1 = 'a1'.repeat(16);
  const t2 = 'b2'.repeat(16);
  const t3 = 'c3'.repeat(16);
  const id = '00000000000000f1';
  const spans = [at(NOW, 0n, id, t1), at(NOW, 0n, id, t2), at(NOW, 0n, id, t3), at(NOW, 0n, id, t1)];
  spans.push(at(NOW, 0n, id, t2), at(NOW, 0n, '00000000000000f2', t1));
  const out = admission.spans(spans);
  assert.deepEqual(
    out.records.map((s) => `${s.TraceId.slice(0, 2)}/${s.SpanId.slice(-2)}`),
    ['a1/f1', 'b2/f1', 'c3/f1', 'a1/f2'],
  );
  assert.equal(out.rejected, 2);
});

test('a log record and a data point are admitted exactly at the window', () => {
  const log = (t: bigint) => ({ Timestamp: String(t), ObservedTimestamp: '0' }) as never;
  const logs = admission.logs([log(MIN), log(MIN - 1n), log(MAX), log(MAX + 1n)]);
  assert.deepEqual(
    logs.records.map((r) => (r as { Timestamp: string }).Timestamp),
    [String(MIN), String(MAX)],
  );
});
