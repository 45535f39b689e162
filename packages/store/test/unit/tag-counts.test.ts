import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_VALUE_BYTES, spanSampled, type TagCount, TagCounts } from '../../src/search/tagCounts';
import { bareSpan } from '../fixtures';

const MINUTE = 1_765_000_020;

/** `scope key type value` -> count, sorted, for readable assertions. */
const byTag = (rows: TagCount[]) =>
  Object.fromEntries(
    rows
      .map((r) => [`${r.scope} ${r.key} ${r.type} ${r.value}`, r.count] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

const spanId = (i: number) => i.toString(16).padStart(16, '0');

test('every span attribute, resource attribute and the span name of a sampled span is counted', () => {
  const counts = new TagCounts(1, 1000);
  const spans = [
    bareSpan({ SpanName: 'GET /cart', SpanAttributes: { 'http.route': '/cart', 'http.status_code': '200' } }),
    bareSpan({
      SpanName: 'GET /cart',
      SpanAttributes: { 'http.route': '/cart', 'http.status_code': '500' },
      SpanAttributeTypes: { 'http.status_code': 'int' },
    }),
  ];
  counts.add(spans, '', MINUTE);
  const rows = counts.take();
  assert.deepEqual(byTag(rows), {
    'intrinsic name  GET /cart': 2,
    'resource service.name  svc': 2,
    'span http.route  /cart': 2,
    'span http.status_code  200': 1,
    'span http.status_code int 500': 1,
  });
  assert.ok(rows.every((r) => r.minute === MINUTE && r.tenant === ''));
  assert.equal(counts.size, 0, 'take starts the counts again');
  assert.deepEqual(counts.take(), []);
});

test('values nobody types into a query are left out: arrays, maps, bytes, longer than 128 bytes', () => {
  const counts = new TagCounts(1, 1000);
  const long = 'x'.repeat(MAX_VALUE_BYTES);
  // As ClickHouse's length() counts: 64 characters in 128 bytes are kept, 43 in 129 are not.
  const wide = 'é'.repeat(64);
  const tooWide = '€'.repeat(43);
  assert.deepEqual([Buffer.byteLength(wide), Buffer.byteLength(tooWide)], [128, 129]);
  counts.add(
    [
      bareSpan({
        SpanName: 'n'.repeat(MAX_VALUE_BYTES + 1),
        SpanAttributes: {
          list: '[{"stringValue":"a"}]',
          map: '[]',
          blob: 'AAE=',
          flag: 'true',
          nothing: '',
          long,
          longer: `${long}x`,
          wide,
          tooWide,
        },
        SpanAttributeTypes: { list: 'array', map: 'kvlist', blob: 'bytes', flag: 'bool', nothing: 'empty' },
      }),
    ],
    '',
    MINUTE,
  );
  assert.deepEqual(Object.keys(byTag(counts.take())), [
    'resource service.name  svc',
    'span flag bool true',
    `span long  ${long}`,
    'span nothing empty ',
    `span wide  ${wide}`,
  ]);
});

test('one span in sampleRate is counted, by span id, and counts are scaled back up', () => {
  const rate = 16;
  const spans = Array.from({ length: 16_000 }, (_, i) => bareSpan({ SpanId: spanId(i) }));
  const counts = new TagCounts(rate, 1000);
  counts.add(spans, '', MINUTE);
  const name = counts.take().find((r) => r.scope === 'intrinsic')!;
  const sampled = spans.filter((s) => spanSampled(s.SpanId, rate)).length;
  assert.equal(name.count, sampled * rate, 'each sampled span counts sampleRate');
  // Sequential ids (an SDK that counts) are sampled as evenly as random ones.
  assert.ok(sampled > 850 && sampled < 1150, `${sampled} of 16,000 sampled at 1 in 16`);
  // The same span is in or out of the sample on every write.
  for (const s of spans.slice(0, 100)) assert.equal(spanSampled(s.SpanId, rate), spanSampled(s.SpanId, rate));
  assert.ok(spans.every((s) => spanSampled(s.SpanId, 1)));
});

test('rows are told apart by tenant, minute, scope, type, key and value, however their text runs', () => {
  const counts = new TagCounts(1, 1000);
  const a = bareSpan({ ResourceAttributes: {}, SpanName: '', SpanAttributes: { ab: 'c' } });
  const b = bareSpan({ ResourceAttributes: {}, SpanName: '', SpanAttributes: { a: 'bc' } });
  counts.add([a, b], '', MINUTE);
  counts.add([a], 'acme', MINUTE);
  counts.add([a], '', MINUTE + 60);
  counts.add([bareSpan({ ResourceAttributes: { ab: 'c' }, SpanName: '' })], '', MINUTE);
  const rows = counts.take().filter((r) => r.scope !== 'intrinsic');
  const key = (r: TagCount) => `${r.tenant}/${r.minute}/${r.scope}/${r.key}=${r.value}:${r.count}`;
  assert.deepEqual(rows.map(key).sort(), [
    `/${MINUTE}/resource/ab=c:1`,
    `/${MINUTE}/span/a=bc:1`,
    `/${MINUTE}/span/ab=c:1`,
    `/${MINUTE + 60}/span/ab=c:1`,
    `acme/${MINUTE}/span/ab=c:1`,
  ]);
});

test('bounded: past maxEntries new rows are dropped and counted, the rows held keep counting', () => {
  const counts = new TagCounts(1, 3);
  const s = (v: string) => bareSpan({ ResourceAttributes: {}, SpanName: 'op', SpanAttributes: { k: v } });
  counts.add([s('a')], '', MINUTE);
  assert.equal(counts.full, false);
  counts.add([s('b'), s('c'), s('a')], '', MINUTE);
  assert.equal(counts.full, true);
  assert.equal(counts.size, 3);
  assert.equal(counts.dropped, 1, "'c' found no room");
  assert.deepEqual(byTag(counts.take()), { 'intrinsic name  op': 4, 'span k  a': 2, 'span k  b': 1 });
  assert.equal(counts.full, false);
  counts.add([s('c')], '', MINUTE);
  assert.deepEqual(byTag(counts.take()), { 'intrinsic name  op': 1, 'span k  c': 1 });
});

test('a malformed record costs its hints, never an exception', () => {
  const counts = new TagCounts(1, 1000);
  const bad = bareSpan({
    SpanAttributes: { n: 7 as unknown as string, ok: 'yes' },
    SpanAttributeTypes: null as unknown as Record<string, never>,
    ResourceAttributes: null as unknown as Record<string, string>,
    SpanName: undefined as unknown as string,
  });
  counts.add([bad], '', MINUTE);
  assert.deepEqual(byTag(counts.take()), { 'span ok  yes': 1 });
});
