// The trace analyses behind the span table, statistics, compare and zoom.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterHref } from '../../src/logs/filters';
import { compareTraces } from '../../src/trace/compare';
import { buildTrace, type OtlpSpan } from '../../src/trace/model';
import { operationStats, selfTimes, serviceStats } from '../../src/trace/stats';
import { barGeometry, clampWindow, pan, parseZoom, ticks, zoomBy, zoomParam } from '../../src/trace/zoom';

const T0 = 1_700_000_000_000_000_000n;
function trace(spans: [id: string, parent: string, name: string, service: string, startMs: number, endMs: number][]) {
  const bySvc = new Map<string, OtlpSpan[]>();
  for (const [id, parent, name, service, s, e] of spans) {
    const list = bySvc.get(service) ?? [];
    list.push({
      traceId: 'ab'.repeat(16),
      spanId: id.padStart(16, '0'),
      parentSpanId: parent ? parent.padStart(16, '0') : '',
      name,
      startTimeUnixNano: String(T0 + BigInt(s) * 1_000_000n),
      endTimeUnixNano: String(T0 + BigInt(e) * 1_000_000n),
    });
    bySvc.set(service, list);
  }
  return buildTrace({
    resourceSpans: [...bySvc].map(([svc, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
      scopeSpans: [{ spans: list }],
    })),
  });
}

const MS = 1_000_000;

test('self time: children overlapping each other count once, beyond the parent not at all', () => {
  const t = trace([
    ['1', '', 'GET /', 'web', 0, 100],
    ['2', '1', 'db', 'api', 10, 40],
    ['3', '1', 'db', 'api', 30, 50], // overlaps 2: 10..50 covered
    ['4', '1', 'async', 'api', 90, 200], // outlives the parent: 90..100 covered
  ]);
  const self = selfTimes(t);
  const by = (id: string) => self[t.byId.get(id.padStart(16, '0'))!];
  assert.equal(by('1'), 50 * MS);
  assert.equal(by('2'), 30 * MS);
  assert.equal(by('4'), 110 * MS);
  const ops = operationStats(t, self);
  const db = ops.find((o) => o.name === 'db')!;
  assert.deepEqual([db.count, db.total, db.self, db.min, db.max], [2, 50 * MS, 50 * MS, 20 * MS, 30 * MS]);
  assert.deepEqual(
    serviceStats(ops).map((s) => [s.service, s.count, s.self]),
    [
      ['api', 3, 160 * MS],
      ['web', 1, 50 * MS],
    ],
  );
});

test('compare: call paths matched by service and name, in tree order, with counts from each side', () => {
  const a = trace([
    ['1', '', 'GET /', 'web', 0, 100],
    ['2', '1', 'db', 'api', 10, 40],
    ['3', '1', 'db', 'api', 50, 60],
    ['4', '1', 'cache', 'api', 60, 70],
  ]);
  const b = trace([
    ['1', '', 'GET /', 'web', 0, 300],
    ['2', '1', 'auth', 'api', 5, 10],
    ['3', '1', 'db', 'api', 10, 200],
  ]);
  assert.deepEqual(
    compareTraces(a, b).map((r) => [r.path.at(-1), r.depth, r.countA, r.countB, r.durA / MS, r.durB / MS]),
    [
      ['web: GET /', 0, 1, 1, 100, 300],
      ['api: db', 1, 2, 1, 40, 190],
      ['api: cache', 1, 1, 0, 10, 0],
      ['api: auth', 1, 0, 1, 0, 5],
    ],
  );
});

test('zoom: windows stay inside the trace, round-trip through the URL, bars are clipped', () => {
  const d = 1_000_000;
  assert.deepEqual(parseZoom(null, d), { from: 0, to: d });
  assert.deepEqual(parseZoom('100_200000', d), { from: 100, to: 200000 });
  assert.deepEqual(parseZoom('junk', d), { from: 0, to: d });
  assert.equal(zoomParam({ from: 0, to: d }, d), undefined);
  assert.equal(zoomParam({ from: 10, to: 20_000 }, d), '10_20000');
  assert.deepEqual(clampWindow({ from: -50, to: 100 }, d), { from: 0, to: 1000 }, 'at least 1 µs, inside');
  assert.deepEqual(zoomBy({ from: 0, to: d }, 0.5, d), { from: 250_000, to: 750_000 });
  assert.deepEqual(zoomBy({ from: 250_000, to: 750_000 }, 4, d), { from: 0, to: d });
  assert.deepEqual(pan({ from: 0, to: 500_000 }, 2, d), { from: 500_000, to: d });
  assert.deepEqual(ticks({ from: 0, to: 1000 }, 5), [0, 200, 400, 600, 800, 1000]);
  assert.equal(barGeometry(0, 10, { from: 100, to: 200 }), null);
  assert.deepEqual(barGeometry(150, 100, { from: 100, to: 200 }), { left: 50, width: 50 });
});

test('log filters: filter for sets or adds a condition, filter out adds key!=value', () => {
  const p = new URLSearchParams('since=6h&attr=a%3D1');
  const q = (h: string | null) => new URLSearchParams(h!.slice('/logs?'.length));
  assert.deepEqual(q(filterHref(p, { kind: 'attribute', key: 'http.route' }, '/x', true)).getAll('attr'), [
    'a=1',
    'http.route!=/x',
  ]);
  assert.equal(q(filterHref(p, { kind: 'resource', key: 'service.name' }, 'web', false)).get('service'), 'web');
  assert.deepEqual(q(filterHref(p, { kind: 'resource', key: 'host.name' }, 'h1', true)).getAll('attr'), [
    'a=1',
    'resource.host.name!=h1',
  ]);
  assert.equal(filterHref(p, { kind: 'service' }, 'web', true), null, 'the API cannot exclude a service');
  assert.equal(q(filterHref(p, { kind: 'traceId' }, 'ab', false)).get('since'), '6h', 'other filters stay');
});
