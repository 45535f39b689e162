import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseSlos, ruleFileYaml, sloRuleGroup, sloStatus } from '../../src/index';

const bounds = Array.from({ length: 14 }, (_, i) => 0.002 * 2 ** i);
const opts = { dimensions: [{ attribute: 'http.route', label: 'http_route' }], latencyBoundsSeconds: bounds };
const ruleOpts = { dimensions: opts.dimensions, intervalMs: 30_000, file: '(slos)' };

describe('SLO config', () => {
  test('valid SLOs: availability and latency, defaults', () => {
    const slos = parseSlos(
      [
        { name: 'checkout-availability', service: 'checkout', objective: 99.9, window: '30d' },
        {
          name: 'checkout-latency',
          service: 'checkout',
          spanName: 'POST /pay',
          objective: 99,
          latencyThreshold: '512ms',
        },
      ],
      opts,
    );
    assert.equal(slos[0]!.windowMs, 30 * 86_400_000);
    assert.equal(slos[1]!.latencyThresholdMs, 512);
    assert.equal(slos[1]!.windowMs, 30 * 86_400_000, 'window defaults to 30d');
  });

  test('bad SLOs are refused with the SLO and the problem', () => {
    const bad = (slo: object, re: RegExp) => assert.throws(() => parseSlos([slo], opts), re);
    bad({ service: 'x', objective: 99 }, /slos\[0\]: name is required/);
    bad({ name: 'a', service: 'x', objective: 100 }, /slos\[0\] \(a\): objective must be a percentage/);
    bad({ name: 'a', service: 'x', objective: 99, window: '1h' }, /window must be at least 3d/);
    bad({ name: 'a', service: 'x', objective: 99, window: '5x' }, /invalid duration "5x"/);
    bad({ name: 'a', service: 'x', objective: 99, latencyThreshold: '500ms' }, /not a latency bucket bound.*512ms/);
    bad({ name: 'a', service: 'x', objective: 99, spanName: 'a', filter: '{}' }, /spanName or filter, not both/);
    bad(
      { name: 'a', service: 'x', objective: 99, filter: '{ span.user.id = "1" }' },
      /span.user.id is not a span-metrics label; allowed: name, kind, resource.service.name, http.route/,
    );
    bad({ name: 'a', service: 'x', objective: 99, filter: '{ name = "a" || name = "b" }' }, /\|\| cannot be expressed/);
    bad({ name: 'a', service: 'x', objective: 99, filter: '{ name = ' }, /filter: /);
    bad({ name: 'a', service: 'x', objective: 99, owner: 'me' }, /unknown key "owner"/);
    assert.throws(
      () =>
        parseSlos(
          [
            { name: 'a', service: 'x', objective: 99 },
            { name: 'a', service: 'y', objective: 99 },
          ],
          opts,
        ),
      /slos\[1\] \(a\): name "a" is used twice/,
    );
  });
});

describe('SLO rule generation (SRE workbook multi-window, multi-burn-rate)', () => {
  test('availability SLO at 99.9%: recorded error ratios and the page/ticket alerts, worked by hand', () => {
    const [slo] = parseSlos(
      [{ name: 'checkout-availability', service: 'checkout', objective: 99.9, window: '30d' }],
      opts,
    );
    const g = sloRuleGroup(slo!, ruleOpts);
    assert.equal(g.name, 'slo:checkout-availability');
    const sel = 'service="checkout",span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"';
    const rec = g.rules.filter((r) => r.kind === 'recording');
    assert.deepEqual(
      rec.map((r) => (r.kind === 'recording' ? r.record : '')),
      ['30d', '3d', '1d', '6h', '2h', '1h', '30m', '5m'].map((w) => `slo:sli_error:ratio_rate${w}`),
    );
    assert.equal(
      rec[7]!.expr,
      `sum(rate(traces_spanmetrics_calls_total{${sel},status_code="STATUS_CODE_ERROR"}[5m])) / sum(rate(traces_spanmetrics_calls_total{${sel}}[5m]))`,
    );
    assert.deepEqual(rec[0]!.labels, { slo: 'checkout-availability', service: 'checkout' });
    const [page, ticket] = g.rules.filter((r) => r.kind === 'alerting');
    // Budget 0.1%: 14.4 x 0.001 = 0.0144, 6 x = 0.006, 3 x = 0.003, 1 x = 0.001.
    const r = (w: string) => `slo:sli_error:ratio_rate${w}{slo="checkout-availability"}`;
    assert.equal(
      page!.expr,
      `(${r('1h')} > 0.0144 and ${r('5m')} > 0.0144) or (${r('6h')} > 0.006 and ${r('30m')} > 0.006)`,
    );
    assert.equal(
      ticket!.expr,
      `(${r('1d')} > 0.003 and ${r('2h')} > 0.003) or (${r('3d')} > 0.001 and ${r('6h')} > 0.001)`,
    );
    assert.deepEqual(page!.labels, { slo: 'checkout-availability', service: 'checkout', severity: 'page' });
    assert.deepEqual(ticket!.labels, { slo: 'checkout-availability', service: 'checkout', severity: 'ticket' });
    assert.equal(page!.kind === 'alerting' && page!.alert, 'SLOErrorBudgetBurn');
  });

  test('latency SLO with a filter: good = spans in the le bucket of the threshold', () => {
    const [slo] = parseSlos(
      [
        {
          name: 'pay-latency',
          service: 'checkout',
          objective: 99,
          window: '28d',
          latencyThreshold: '1024ms',
          filter: '{ span.http.route = "/pay" && kind = server }',
        },
      ],
      opts,
    );
    const g = sloRuleGroup(slo!, ruleOpts);
    const sel = 'service="checkout",http_route="/pay",span_kind="SPAN_KIND_SERVER"';
    assert.equal(
      g.rules[5]!.expr,
      `1 - (sum(rate(traces_spanmetrics_latency_bucket{${sel},le="1.024"}[1h])) / sum(rate(traces_spanmetrics_latency_count{${sel}}[1h])))`,
    );
    assert.equal((g.rules[0] as { record: string }).record, 'slo:sli_error:ratio_rate28d');
    // Budget 1%: 14.4 x 0.01 = 0.144.
    assert.match(g.rules.find((r) => r.kind === 'alerting')!.expr, /> 0\.144 and/);
  });

  test('printed as a Prometheus rule file that reads back to the same rules', () => {
    const slos = parseSlos([{ name: 'a', service: 'svc', objective: 99.5 }], opts);
    const yaml = ruleFileYaml(slos.map((s) => sloRuleGroup(s, ruleOpts)));
    const doc = parseYaml(yaml) as { groups: { name: string; interval: string; rules: Record<string, unknown>[] }[] };
    assert.equal(doc.groups[0]!.interval, '30s');
    assert.equal(doc.groups[0]!.rules.length, 10);
    assert.equal(doc.groups[0]!.rules[8]!.alert, 'SLOErrorBudgetBurn');
    assert.match(String(doc.groups[0]!.rules[8]!.expr), /> 0\.072 and/);
  });

  test('status: SLI, budget remaining and burn rates from recorded error ratios', () => {
    const [slo] = parseSlos([{ name: 'a', service: 'svc', objective: 99 }], opts);
    const s = sloStatus(slo!, '30d', { '5m': 0.05, '1h': 0.02, '30d': 0.004, '6h': Number.NaN });
    assert.equal(s.sli, 0.996);
    assert.ok(Math.abs(s.errorBudgetRemaining! - 0.6) < 1e-9);
    assert.ok(Math.abs(s.burnRates['5m']! - 5) < 1e-9);
    assert.equal(s.burnRates['6h'], null, 'no traffic: no burn rate');
  });
});
