// TraceQL metrics answers (Tempo's JSON) as the charts' matrix, and how their series are named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toGrid } from '../../src/metrics/prom';
import { toExemplars, toMatrix, traceqlSeriesName } from '../../src/metrics/traceql';

test("Tempo's series become a matrix on the chart's step grid", () => {
  const matrix = toMatrix([
    {
      labels: [
        { key: 'resource.service.name', value: { stringValue: 'checkout' } },
        { key: 'p', value: { doubleValue: 0.95 } },
        { key: 'span.http.response.status_code', value: { intValue: '500' } },
      ],
      samples: [
        { timestampMs: '1733440800000', value: 0.5 },
        { timestampMs: '1733440860000', value: 0 },
      ],
    },
  ]);
  assert.deepEqual(matrix, [
    {
      metric: { 'resource.service.name': 'checkout', p: '0.95', 'span.http.response.status_code': '500' },
      values: [
        [1733440800, '0.5'],
        [1733440860, '0'],
      ],
    },
  ]);
  const grid = toGrid(matrix, 1733440800, 1733440920, 60);
  assert.deepEqual(grid.times, [1733440800, 1733440860, 1733440920]);
  assert.deepEqual(grid.series[0]!.values, [0.5, 0, null]);
});

test('series are named as Grafana names TraceQL metrics: one label by its value, else all of them', () => {
  assert.equal(traceqlSeriesName({ 'resource.service.name': 'checkout' }), 'checkout');
  assert.equal(traceqlSeriesName({ __name__: 'rate' }), 'rate');
  assert.equal(
    traceqlSeriesName({ 'resource.service.name': 'checkout', p: '0.95' }),
    '{resource.service.name="checkout", p="0.95"}',
  );
});

test('exemplars keep their trace and span ids, start time in seconds and value; one without a trace id is left out', () => {
  const trace = (id: string) => ({ key: 'trace:id', value: { stringValue: id } });
  assert.deepEqual(
    toExemplars([
      {
        labels: [],
        samples: [],
        exemplars: [
          {
            labels: [trace('a'.repeat(32)), { key: 'span:id', value: { stringValue: 'b'.repeat(16) } }],
            value: 0.5,
            timestampMs: '1733440812345',
          },
          { labels: [], value: 1, timestampMs: '1733440812345' },
        ],
      },
      { labels: [], samples: [] },
    ]),
    [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), t: 1733440812.345, v: 0.5 }],
  );
});
