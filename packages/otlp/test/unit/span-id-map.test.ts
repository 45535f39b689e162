import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanIdMap } from '../../src/index';

interface Span {
  traceId: string;
  spanId: string;
  name: string;
}

test('spans are found by trace and span id, also when traces share a span id', () => {
  const map = new SpanIdMap<Span>((s) => s.traceId);
  const spans = ['a', 'b', 'c'].map((t) => ({ traceId: t.repeat(32), spanId: 'f'.repeat(16), name: t }));
  for (const s of spans) map.set(s.spanId, s);
  for (const s of spans) assert.equal(map.get(s.traceId, s.spanId), s);
  assert.equal(map.get('d'.repeat(32), 'f'.repeat(16)), undefined, 'another trace with that span id');
  assert.equal(map.get('a'.repeat(32), 'e'.repeat(16)), undefined, 'another span id of that trace');
});

test('a value set again for its trace and span id replaces the one held', () => {
  const map = new SpanIdMap<Span>((s) => s.traceId);
  const id = '1'.repeat(16);
  for (const [traceId, name] of [
    ['a', 'first'],
    ['b', 'other trace'],
    ['a', 'second'],
    ['b', 'other trace, again'],
  ] as const)
    map.set(id, { traceId: traceId.repeat(32), spanId: id, name });
  assert.equal(map.get('a'.repeat(32), id)?.name, 'second');
  assert.equal(map.get('b'.repeat(32), id)?.name, 'other trace, again');
});
