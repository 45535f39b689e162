import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatExposition, wantsOpenMetrics } from '../../src/exposition/format';
import {
  bucketIndex,
  cumulative,
  emptyHistogram,
  LATENCY_BOUNDS_SECONDS,
  observe,
  quantile,
} from '../../src/spanmetrics/buckets';
import { CumulativeSeries } from '../../src/spanmetrics/cumulative';
import { parseDimensions, sanitizeLabelName, spanKindLabel, statusCodeLabel } from '../../src/spanmetrics/labels';
import { OVERFLOW_KEY, SeriesLimiter, seriesKey, tenantSeriesKey } from '../../src/spanmetrics/overflow';

const ms = (n: number) => n * 1_000_000;

describe('latency buckets', () => {
  test("Tempo's defaults: 0.002 s doubling to 16.384 s", () => {
    assert.equal(LATENCY_BOUNDS_SECONDS.length, 14);
    assert.equal(LATENCY_BOUNDS_SECONDS[0], 0.002);
    assert.equal(LATENCY_BOUNDS_SECONDS.at(-1), 16.384);
  });

  test('1, 5 and 20 ms give the exact cumulative bucket counts, count and sum', () => {
    const h = emptyHistogram();
    for (const d of [1, 5, 20]) observe(h, ms(d));
    const c = cumulative(h.buckets);
    const at = (le: number) => c[LATENCY_BOUNDS_SECONDS.indexOf(le)];
    assert.deepEqual([at(0.002), at(0.004), at(0.008), at(0.016), at(0.032)], [1, 1, 2, 2, 3]);
    assert.equal(c.at(-1), 3);
    assert.equal(h.count, 3);
    assert.ok(Math.abs(h.sum - 0.026) < 1e-12);
  });

  test('bounds are inclusive: exactly 4 ms is in le=0.004, one ns more is not', () => {
    assert.equal(LATENCY_BOUNDS_SECONDS[bucketIndex(ms(4))], 0.004);
    assert.equal(LATENCY_BOUNDS_SECONDS[bucketIndex(ms(4) + 1)], 0.008);
    assert.equal(bucketIndex(16_384_000_001), 14, 'past the last bound is +Inf');
  });

  test('a clock-skewed span (end before start) records 0 s and still counts', () => {
    const h = emptyHistogram();
    observe(h, -5_000_000);
    assert.equal(h.buckets[0], 1);
    assert.equal(h.count, 1);
    assert.equal(h.sum, 0);
  });

  test('quantile interpolates inside the bucket like histogram_quantile', () => {
    const h = emptyHistogram();
    for (let i = 0; i < 100; i++) observe(h, ms(3));
    // All in (0.002, 0.004]: the median is half way.
    assert.ok(Math.abs(quantile(0.5, h.buckets)! - 0.003) < 1e-12);
    assert.equal(quantile(0.5, emptyHistogram().buckets), null);
    const inf = emptyHistogram();
    observe(inf, 60e9);
    assert.equal(quantile(0.99, inf.buckets), 16.384);
  });
});

describe('labels', () => {
  test('span kind and status code use Tempo values', () => {
    assert.equal(spanKindLabel('Server'), 'SPAN_KIND_SERVER');
    assert.equal(spanKindLabel('Consumer'), 'SPAN_KIND_CONSUMER');
    assert.equal(statusCodeLabel('Error'), 'STATUS_CODE_ERROR');
    assert.equal(statusCodeLabel('Unset'), 'STATUS_CODE_UNSET');
  });

  test('attribute names are sanitised; intrinsic collisions get a __ prefix', () => {
    assert.equal(sanitizeLabelName('http.method'), 'http_method');
    assert.equal(sanitizeLabelName('status_code'), '__status_code');
    assert.equal(sanitizeLabelName('service'), '__service');
    assert.equal(sanitizeLabelName('1st-try'), '_1st_try');
    assert.deepEqual(parseDimensions(' http.method, deployment.environment ,'), [
      { attribute: 'http.method', label: 'http_method' },
      { attribute: 'deployment.environment', label: 'deployment_environment' },
    ]);
    assert.throws(() => parseDimensions('http.method,http_method'), /duplicates/);
  });
});

describe('cardinality limit', () => {
  test('the 2001st label set folds into the overflow series and the total is unchanged', () => {
    const limiter = new SeriesLimiter(2000);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2500; i++) {
      const k = limiter.admit(seriesKey([['span_name', `GET /item/${i}`]]));
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.equal(counts.size, 2001);
    assert.equal(counts.get(OVERFLOW_KEY), 500);
    assert.equal(
      [...counts.values()].reduce((a, b) => a + b),
      2500,
    );
    // A known set keeps its own series after the limit is reached.
    assert.equal(limiter.admit(seriesKey([['span_name', 'GET /item/7']])), seriesKey([['span_name', 'GET /item/7']]));
  });

  test('restored from known keys, the same sets are admitted again', () => {
    const limiter = new SeriesLimiter(2, [
      { key: '{a="1"}', tenant: '' },
      { key: '{a="2"}', tenant: '' },
    ]);
    assert.equal(limiter.admit('{a="2"}'), '{a="2"}');
    assert.equal(limiter.admit('{a="3"}'), OVERFLOW_KEY);
  });

  test("each tenant has its own room: one tenant's new sets never fold another's", () => {
    const acmeOverflow = tenantSeriesKey('acme', OVERFLOW_KEY);
    const limiter = new SeriesLimiter(2, [{ key: acmeOverflow, tenant: 'acme' }]);
    for (const v of ['1', '2']) assert.equal(limiter.admit(`acme{a="${v}"}`, 'acme'), `acme{a="${v}"}`);
    assert.equal(limiter.admit('acme{a="3"}', 'acme'), acmeOverflow, "acme is full: acme's overflow");
    assert.equal(limiter.admit('{a="3"}'), '{a="3"}', 'the default tenant is not');
    assert.equal(limiter.admit('globex{a="3"}', 'globex'), 'globex{a="3"}');
    assert.equal(limiter.admit(acmeOverflow, 'acme'), acmeOverflow);
    // Keys that are not label sets (service-graph edges) are told apart by the tenant given, not parsed.
    assert.equal(limiter.admit('acme|api|db|database', 'acme'), acmeOverflow);
    assert.equal(limiter.admit('globex|api|db|database', 'globex'), 'globex|api|db|database');
    assert.equal(limiter.size, 5);
    limiter.forget('acme{a="1"}', 'acme');
    assert.equal(limiter.admit('acme{a="3"}', 'acme'), 'acme{a="3"}', 'a freed set makes room');
  });
});

describe('cumulative series for /metrics', () => {
  const delta = (calls: number, buckets: number[], exemplar = false) => ({
    counters: { calls },
    histograms: {
      latency: {
        buckets,
        sum: 0.001 * calls,
        exemplars: exemplar
          ? [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), value: 0.001, timeUnixNano: '1700000000123456789' }]
          : undefined,
      },
    },
  });

  test('a new series is scraped at 0 first, then counts; counters never decrease', () => {
    const c = new CumulativeSeries({ latency: 3 });
    c.add('k', [['service', 'api']], delta(2, [2, 0, 0]));
    const first = c.scrape(false);
    assert.equal(first[0]!.state.counters.calls ?? 0, 0);
    assert.deepEqual(first[0]!.state.histograms.latency!.buckets, [0, 0, 0]);
    c.add('k', [['service', 'api']], delta(1, [0, 1, 0]));
    const second = c.scrape(false);
    assert.equal(second[0]!.state.counters.calls, 3);
    assert.deepEqual(second[0]!.state.histograms.latency!.buckets, [2, 1, 0]);
  });

  test('a series idle for the stale duration leaves, and its label set is freed', () => {
    const c = new CumulativeSeries({ latency: 3 });
    const limiter = new SeriesLimiter(1);
    c.add(limiter.admit('old'), [['service', 'old']], delta(1, [1, 0, 0]), 1_000);
    assert.equal(limiter.admit('new'), OVERFLOW_KEY, 'limit reached');
    assert.deepEqual(c.expire(1_000 + 15 * 60_000, 15 * 60_000), [], 'not yet');
    c.add('old', [['service', 'old']], delta(1, [1, 0, 0]), 2_000);
    const dropped = c.expire(2_001 + 15 * 60_000, 15 * 60_000);
    assert.deepEqual(dropped, [{ key: 'old', tenant: '' }]);
    for (const k of dropped) limiter.forget(k.key, k.tenant);
    assert.equal(c.size, 0);
    assert.equal(limiter.admit('new'), 'new');
    // Back later: it continues from its totals, with no drop to 0 in between.
    c.add('old', [['service', 'old']], delta(1, [1, 0, 0]), 3_000_000);
    assert.equal(c.scrape(false)[0]!.state.counters.calls, 3);
  });

  test('restored totals are exposed at once; exemplars are handed out once', () => {
    const c = new CumulativeSeries({ latency: 3 });
    c.restore('k', [['service', 'api']], delta(5, [5, 0, 0]));
    c.add('k', [['service', 'api']], delta(1, [1, 0, 0], true));
    const s = c.scrape(true);
    assert.equal(s[0]!.state.counters.calls, 6);
    assert.equal(s[0]!.state.histograms.latency!.exemplars[0]?.traceId, 'a'.repeat(32));
    assert.equal(c.scrape(true)[0]!.state.histograms.latency!.exemplars[0], undefined);
  });
});

describe('exposition', () => {
  const families = [
    {
      type: 'counter' as const,
      name: 'traces_spanmetrics_calls',
      help: 'Spans',
      samples: [{ labels: [['service', 'a"pi\n']] as [string, string][], value: 3 }],
    },
    {
      type: 'histogram' as const,
      name: 'traces_spanmetrics_latency',
      help: 'Latency',
      bounds: [0.002, 1, 2],
      samples: [
        {
          labels: [['service', 'api']] as [string, string][],
          buckets: [1, 1, 0, 1],
          sum: 3.5,
          exemplars: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              value: 0.001,
              timeUnixNano: '1520879607789000000',
            },
          ],
        },
      ],
    },
  ];

  test('Prometheus 0.0.4: _total on TYPE, cumulative buckets, +Inf == _count, no exemplars, no EOF', () => {
    const text = formatExposition(families, false);
    assert.match(text, /^# HELP traces_spanmetrics_calls_total Spans\n# TYPE traces_spanmetrics_calls_total counter\n/);
    assert.match(text, /traces_spanmetrics_calls_total\{service="a\\"pi\\n"\} 3\n/);
    assert.match(text, /traces_spanmetrics_latency_bucket\{service="api",le="1"\} 2\n/);
    assert.match(
      text,
      /le="\+Inf"\} 3\ntraces_spanmetrics_latency_sum\{service="api"\} 3.5\ntraces_spanmetrics_latency_count\{service="api"\} 3\n$/,
    );
    assert.doesNotMatch(text, /# EOF|trace_id/);
  });

  test('OpenMetrics 1.0: family names, canonical le, exemplars on buckets, # EOF at the end', () => {
    const text = formatExposition(families, true);
    assert.match(text, /^# TYPE traces_spanmetrics_calls counter\n# HELP traces_spanmetrics_calls Spans\n/);
    assert.match(text, /le="1.0"\} 2\n/);
    assert.match(
      text,
      /traces_spanmetrics_latency_bucket\{service="api",le="0.002"\} 1 # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"\} 0.001 1520879607.789000000\n/,
    );
    assert.equal((text.match(/ # \{/g) ?? []).length, 1);
    assert.ok(text.endsWith('# EOF\n'));
  });

  test('OpenMetrics is served only when the scraper asks for it', () => {
    assert.ok(
      wantsOpenMetrics(
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      ),
    );
    assert.ok(!wantsOpenMetrics('text/plain;version=0.0.4'));
    assert.ok(!wantsOpenMetrics('application/openmetrics-text;q=0'));
    assert.ok(!wantsOpenMetrics(undefined));
  });
});
