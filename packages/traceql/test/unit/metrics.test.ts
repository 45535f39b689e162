import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse, parseMetrics, TraceQLError } from '../../src/index';

function errorOf(f: () => unknown): TraceQLError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof TraceQLError, String(e));
    return e;
  }
  assert.fail('parsed');
}

describe('metrics queries', () => {
  test('rate() by service after a filter', () => {
    const q = parseMetrics('{ status = error } | rate() by (resource.service.name)');
    assert.equal(q.spanset.kind, 'filter');
    assert.deepEqual(q.stages, []);
    assert.deepEqual(q.metrics, {
      fn: 'rate',
      field: null,
      quantiles: [],
      by: [{ kind: 'attribute', scope: 'resource', key: 'service.name', pos: 32 }],
      pos: 21,
    });
  });

  test('count_over_time() without by, and by several fields', () => {
    assert.deepEqual(parseMetrics('{} | count_over_time()').metrics.by, []);
    const by = parseMetrics('{ } | count_over_time() by (name, span.http.route, .x, kind)').metrics.by;
    assert.deepEqual(
      by.map((f) => (f.kind === 'intrinsic' ? f.name : `${f.scope}:${f.key}`)),
      ['name', 'span:http.route', 'any:x', 'kind'],
    );
  });

  test('quantile_over_time keeps its quantiles in order', () => {
    const m = parseMetrics(
      '{ kind = server } | quantile_over_time(duration, 0.5, 0.95, 0.99) by (resource.service.name)',
    ).metrics;
    assert.equal(m.fn, 'quantile_over_time');
    assert.deepEqual(m.field, { kind: 'intrinsic', name: 'duration', pos: 39 });
    assert.deepEqual(m.quantiles, [0.5, 0.95, 0.99]);
    assert.equal(m.by.length, 1);
  });

  test('min/max/avg/sum/histogram over a duration or a numeric attribute', () => {
    for (const fn of ['min_over_time', 'max_over_time', 'avg_over_time', 'sum_over_time', 'histogram_over_time']) {
      const m = parseMetrics(`{} | ${fn}(span.http.response.body.size)`).metrics;
      assert.equal(m.fn, fn);
      assert.deepEqual(m.field, {
        kind: 'attribute',
        scope: 'span',
        key: 'http.response.body.size',
        pos: fn.length + 6,
      });
    }
  });

  test('spanset stages may come before the metrics function', () => {
    const q = parseMetrics('{ name = "a" } | select(span.x) | rate()');
    assert.equal(q.stages.length, 1);
    assert.equal(q.metrics.fn, 'rate');
  });

  test('errors carry the position and what was expected', () => {
    const cases: [string, number, RegExp][] = [
      ['{ }', 3, /a metrics query ends with a metrics function/],
      ['{ } | count() > 1', 17, /a metrics query ends with a metrics function/],
      ['{ } | rate() | count() > 1', 13, /a metrics function must be the last stage/],
      ['{ } | rate(duration)', 11, /expected \)/],
      ['{ } | quantile_over_time(duration)', 33, /expected , and a quantile/],
      ['{ } | quantile_over_time(duration, 1.5)', 35, /a quantile between 0 and 1/],
      ['{ } | quantile_over_time(duration, "x")', 35, /a quantile between 0 and 1/],
      ['{ } | avg_over_time(name)', 20, /avg_over_time\(\) needs a number, not name/],
      ['{ } | avg_over_time()', 20, /a numeric field/],
      ['{ } | rate() by resource.service.name', 16, /expected \(/],
      ['{ } | rate() by ()', 17, /an attribute such as resource.service.name/],
      ['{ } | rate() by (name', 21, /expected , or \)/],
      ['{ } | rate() foo', 13, /a metrics function must be the last stage/],
    ];
    for (const [q, pos, message] of cases) {
      const e = errorOf(() => parseMetrics(q));
      assert.equal(e.position, pos, `${q}: ${e.message}`);
      assert.match(e.message, message, q);
      assert.match(e.message, new RegExp(`at position ${pos}`));
    }
  });

  test('limits on quantiles and by fields', () => {
    const qs = Array.from({ length: 11 }, (_, i) => `0.${i}`).join(', ');
    assert.match(
      errorOf(() => parseMetrics(`{} | quantile_over_time(duration, ${qs})`)).message,
      /at most 10 quantiles/,
    );
    const by = Array.from({ length: 11 }, (_, i) => `.a${i}`).join(', ');
    assert.match(errorOf(() => parseMetrics(`{} | rate() by (${by})`)).message, /at most 10 fields/);
  });

  test('a search query refuses a metrics function, naming it', () => {
    const e = errorOf(() => parse('{ } | rate()'));
    assert.equal(e.position, 6);
    assert.match(e.message, /rate\(\) is a TraceQL metrics function/);
  });
});
