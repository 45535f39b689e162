// The trace model behind the waterfall: tree order, collapse, find, critical path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ancestors,
  buildTrace,
  criticalPath,
  findSpans,
  type OtlpSpan,
  type OtlpTracesData,
  visibleRows,
} from '../../src/trace/model';

const T0 = 1_700_000_000_000_000_000n;
const TRACE = 'ab'.repeat(16);

function span(id: string, parent: string, startMs: number, endMs: number, extra: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: id.padStart(16, '0'),
    parentSpanId: parent ? parent.padStart(16, '0') : '',
    name: `op-${id}`,
    kind: 2,
    startTimeUnixNano: String(T0 + BigInt(startMs) * 1_000_000n),
    endTimeUnixNano: String(T0 + BigInt(endMs) * 1_000_000n),
    ...extra,
  };
}

function data(spans: OtlpSpan[], service = 'svc'): OtlpTracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  };
}

// root 0-100: a 0-30, b 30-90 (b1 35-60, b2 60-88), c 10-20 (overlaps a, ends early)
const spans = [
  span('b2', 'b', 60, 88),
  span('r', '', 0, 100),
  span('a', 'r', 0, 30, { attributes: [{ key: 'db.system', value: { stringValue: 'postgresql' } }] }),
  span('b', 'r', 30, 90),
  span('b1', 'b', 35, 60, { status: { code: 2, message: 'boom' } }),
  span('c', 'r', 10, 20),
  span('orphan', 'missing', 5, 6),
];

test('spans are laid out in tree order by start time, orphans at the top level', () => {
  const t = buildTrace(data(spans));
  assert.deepEqual(
    t.spans.map((s) => `${s.name}@${s.depth}`),
    ['op-r@0', 'op-a@1', 'op-c@1', 'op-b@1', 'op-b1@2', 'op-b2@2', 'op-orphan@0'],
  );
  assert.equal(t.duration, 100_000_000);
  assert.equal(t.spans[4].error, true);
  assert.deepEqual(ancestors(t, 5), [3, 0]);
});

test('collapsing a span hides exactly its subtree', () => {
  const t = buildTrace(data(spans));
  assert.deepEqual([...visibleRows(t, new Set([3]))], [0, 1, 2, 3, 6]);
  assert.deepEqual([...visibleRows(t, new Set([0]))], [0, 6]);
  assert.equal(visibleRows(t, new Set()).length, 7);
});

test('find matches key=value, span ids, and text, ANDing words', () => {
  const t = buildTrace(data(spans));
  assert.deepEqual(findSpans(t, 'db.system=postgresql'), [1]);
  assert.deepEqual(findSpans(t, '00000000000000b1'), [4]);
  assert.deepEqual(findSpans(t, 'status=error'), [4]);
  assert.deepEqual(findSpans(t, 'op-b'), [3, 4, 5]);
  assert.deepEqual(findSpans(t, 'op-b 2'), [5]);
  assert.deepEqual(findSpans(t, ''), []);
});

test('the critical path follows what each parent waited on', () => {
  const t = buildTrace(data(spans));
  const cp = criticalPath(t);
  const names = [...cp].map((i) => t.spans[i].name).sort();
  // r waits on b (ends 90), then a (ends 30); c (10-20) is hidden behind a; in b, b2 then b1.
  assert.deepEqual(names, ['op-a', 'op-b', 'op-b1', 'op-b2', 'op-orphan', 'op-r']);
});

/** A trace of `n` spans under one root: 99 direct children, the rest spread below them. */
function wideTrace(n: number): OtlpSpan[] {
  const many: OtlpSpan[] = [span('1', '', 0, n)];
  for (let i = 2; i <= n; i++) {
    const parent = i <= 100 ? '1' : String(1 + (i % 99) + 1);
    many.push(span(i.toString(16), parent === '1' ? '1' : Number(parent).toString(16), i, i + 50));
  }
  return many;
}

// Wall-clock bounds fail on a busy machine, so the build time is compared with a 10x smaller trace
// built in the same run: linear work gives a ratio near 10, a quadratic step one near 100.
test('a 100,000-span trace builds in linear time', () => {
  const fastest = (spans: OtlpSpan[]) => {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      buildTrace(data(spans));
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const large = wideTrace(100_000);
  const small = wideTrace(10_000);
  fastest(small); // warm the JIT before either is timed
  const ratio = fastest(large) / fastest(small);
  const t = buildTrace(data(large));
  assert.equal(t.spans.length, 100_000);
  assert.equal(visibleRows(t, new Set()).length, 100_000);
  assert.ok(ratio < 40, `100k spans took ${ratio.toFixed(1)}x as long as 10k`);
});
