// What the series index (prometheus/seriesIndex.ts) keeps, and for how long: per tenant and
// metric, the series reads found; bounded in series over everything, and against churn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Component } from '../../src/prometheus/components';
import { type LabelPairs, SeriesIndex } from '../../src/prometheus/seriesIndex';

const component = (name: string) =>
  ({ name, table: 'metrics_sum', where: [], params: { metricName: name }, labels: 'L' }) as unknown as Component;
const requests = component('requests_total');
/** `n` series of one label each, ids from `from`. */
const series = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ lbl: [['pod', `p${from + i}`]] as LabelPairs, rsids: [String(from + i)] }));
const ids = (index: SeriesIndex, tenant = 'default', c = requests) =>
  index
    .known(tenant, c, [])
    ?.selected.flatMap((s) => s.rsids)
    .sort((a, b) => Number(a) - Number(b));

test('series are known per tenant and metric; a miss sends the next 8 reads to the store', () => {
  const index = new SeriesIndex();
  assert.equal(index.known('default', requests, []), undefined);
  index.learn('default', requests, series(3));
  assert.deepEqual(ids(index), ['0', '1', '2']);
  assert.equal(index.known('acme', requests, []), undefined);
  assert.equal(index.known('default', component('errors_total'), []), undefined);
  index.missed('default', requests);
  for (let i = 0; i < 8; i++) assert.equal(index.known('default', requests, []), undefined);
  assert.deepEqual(ids(index), ['0', '1', '2']);
});

test('a read of a narrower range adds to what a wider one found; churn is forgotten past twice what a read finds', () => {
  const index = new SeriesIndex();
  index.learn('default', requests, series(10));
  // The last hour's 6 series (4 ended): the 10 are kept, a 24 h read still finds every one.
  index.learn('default', requests, series(6, 4));
  assert.equal(ids(index)?.length, 10);
  // Pods replaced: 5 new ones found, 15 known would be more than twice 5: only the 5 are kept.
  index.learn('default', requests, series(5, 100));
  assert.deepEqual(ids(index), ['100', '101', '102', '103', '104']);
  assert.equal(index.series, 5);
});

test('the least recently read metric goes first when the series known are too many', () => {
  const index = new SeriesIndex(10);
  const errors = component('errors_total');
  index.learn('default', requests, series(6));
  index.learn('default', errors, series(4));
  ids(index); // requests read last
  index.learn('acme', requests, series(3));
  assert.equal(index.known('default', errors, []), undefined);
  assert.equal(ids(index)?.length, 6);
  assert.equal(ids(index, 'acme')?.length, 3);
  assert.equal(index.series, 9);
});

test('matchers JS reads as RE2 does are applied; others make the index decline', () => {
  const index = new SeriesIndex();
  index.learn('default', requests, series(12));
  const known = index.known('default', requests, [{ name: 'pod', type: '=~', value: 'p1.*|p2' }]);
  assert.deepEqual(
    known?.selected.flatMap((s) => s.rsids),
    ['1', '2', '10', '11'],
  );
  assert.equal(known?.dropped.length, 8);
  assert.equal(index.known('default', requests, [{ name: 'pod', type: '=~', value: 'p[0-9]' }]), undefined);
  assert.equal(index.known('default', requests, [{ name: 'pod', type: '!~', value: '(?i)P1' }]), undefined);
  assert.equal(index.known('default', requests, [{ name: 'missing', type: '=', value: '' }])?.selected.length, 12);
});
