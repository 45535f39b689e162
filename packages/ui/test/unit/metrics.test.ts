// The pure parts of charts, the explorer and dashboards: units and ranges, default queries by
// metric type, Grafana import, variables, and the matrix -> chart grid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawnUnit, fmtSeconds, formatter, yRange } from '../../src/charts/units';
import { applyVariables, slug } from '../../src/metrics/dashboard';
import { fromGrafana } from '../../src/metrics/grafana';
import { toGrid } from '../../src/metrics/prom';
import { defaultQueries } from '../../src/metrics/queries';

test('axis values read in their unit: no "0ns", no 25.54/s, error ratios in percent', () => {
  assert.equal(fmtSeconds(0), '0');
  assert.equal(fmtSeconds(0.00025), '250µs');
  assert.equal(fmtSeconds(1.5), '1.5s');
  assert.equal(formatter('perSecond')(25), '25/s');
  assert.equal(formatter('perSecond')(1500), '1.5k/s');
  assert.equal(formatter('ratio')(0.005), '0.5%');
  assert.equal(formatter('ratio')(0), '0%');
});

test('a series of zeros (a service without errors) is not drawn on a 0-100% scale', () => {
  assert.deepEqual(yRange('ratio', 0), [0, 0.01]);
  assert.deepEqual(yRange('ratio', null), [0, 0.01]);
  const [lo, hi] = yRange('ratio', 0.02);
  assert.equal(lo, 0);
  assert.ok(hi > 0.02 && hi < 0.03);
  assert.equal(yRange('ratio', 0.95)[1], 1);
});

test('a dimensionless metric (unit "1") above 1 is drawn as a plain number on a scale that holds it', () => {
  assert.equal(drawnUnit('ratio', 0.4), 'ratio');
  assert.equal(drawnUnit('ratio', 60), 'short');
  const [lo, hi] = yRange(drawnUnit('ratio', 60), 60);
  assert.equal(lo, 0);
  assert.ok(hi >= 60 && hi < 70, `${hi}`);
});

test('the default chart follows the metric type', () => {
  const sel = { metric: 'http_requests_total', filters: { job: 'api' }, groupBy: ['route'] };
  const meta = (type: string) => ({ type, help: '', unit: '' });
  assert.deepEqual(defaultQueries(sel, meta('counter'), '300s'), [
    { expr: 'sum by (route) (rate(http_requests_total{job="api"}[300s]))', legend: '{{route}}' },
  ]);
  const h = defaultQueries({ ...sel, metric: 'rpc_duration_seconds' }, meta('histogram'), '300s');
  assert.deepEqual(
    h.map((q) => q.expr),
    [0.5, 0.95, 0.99].map(
      (q) => `histogram_quantile(${q}, sum by (le, route) (rate(rpc_duration_seconds_bucket{job="api"}[300s])))`,
    ),
  );
  assert.deepEqual(defaultQueries({ metric: 'queue_depth', filters: {}, groupBy: [] }, meta('gauge'), '300s'), [
    { expr: 'queue_depth' },
  ]);
});

test('a Grafana dashboard imports its PromQL panels (rows flattened), variables and units; others are listed', () => {
  const { dashboard, skipped } = fromGrafana({
    title: 'API',
    templating: {
      list: [
        { name: 'service', type: 'query', query: 'label_values(http_requests_total, job)', current: { value: 'api' } },
        { name: 'ds', type: 'datasource' },
      ],
    },
    panels: [
      {
        type: 'timeseries',
        title: 'Requests',
        fieldConfig: { defaults: { unit: 'reqps' } },
        targets: [
          { expr: 'sum(rate(http_requests_total{job="$service"}[$__rate_interval]))', legendFormat: '{{job}}' },
        ],
      },
      {
        type: 'row',
        panels: [
          {
            type: 'timeseries',
            title: 'Latency',
            fieldConfig: { defaults: { unit: 's' } },
            targets: [{ expr: 'a' }, { expr: 'b' }],
          },
        ],
      },
      { type: 'text', title: 'Notes' },
      { type: 'timeseries', title: 'Loki', targets: [{ expr: '{app="x"}', datasource: { type: 'loki' } }] },
    ],
  });
  assert.equal(dashboard.title, 'API');
  assert.deepEqual(
    dashboard.panels.map((p) => [p.title, p.unit]),
    [
      ['Requests', 'perSecond'],
      ['Latency (1)', 'seconds'],
      ['Latency (2)', 'seconds'],
    ],
  );
  assert.equal(dashboard.panels[0].legend, '{{job}}');
  assert.deepEqual(dashboard.variables, [
    { name: 'service', label: 'job', metric: 'http_requests_total', default: 'api' },
  ]);
  assert.deepEqual(skipped, ['Notes', 'Loki']);
  assert.throws(() => fromGrafana(null), /not a Grafana dashboard/);
});

test('variables and Grafana interval macros are substituted', () => {
  assert.equal(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${name} syntax, literally
    applyVariables('rate(x{job="$service", a="${service}"}[$__rate_interval]) $unknown', { service: 'api' }, 30),
    'rate(x{job="api", a="api"}[300s]) $unknown',
  );
  assert.equal(slug('Checkout API!'), 'checkout-api');
});

test('a matrix lands on the step grid; missing samples are gaps, not zeros', () => {
  const g = toGrid(
    [
      {
        metric: { job: 'a' },
        values: [
          [120, '1'],
          [180, '3'],
        ],
      },
    ],
    100,
    200,
    20,
  );
  assert.deepEqual(g.times, [100, 120, 140, 160, 180, 200]);
  assert.deepEqual(g.series[0].values, [null, 1, null, null, 3, null]);
});
