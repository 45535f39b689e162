// Error traffic -> span metrics -> a rule evaluated by tracehouse on its PromQL engine -> a real
// Alertmanager (Debian's), with the expected labels and links that open a kept error trace;
// the alert resolves once the errors stop.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startTestServer } from '../helpers';
import { startAlertmanager, startReceiver, until } from '../support/alertmanager';
import { startTraffic } from '../support/traffic';

const EXPR =
  'sum by (service) (rate(traces_spanmetrics_calls_total{status_code="STATUS_CODE_ERROR"}[5s])) / sum by (service) (rate(traces_spanmetrics_calls_total[5s])) > 0.1';

const RULES = `groups:
  - name: red
    interval: 1s
    rules:
      - record: service:errors:rate5s
        expr: sum by (service) (rate(traces_spanmetrics_calls_total{status_code="STATUS_CODE_ERROR"}[5s]))
        labels:
          source: recorded
      - alert: HighErrorRate
        expr: ${EXPR}
        for: 2s
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.service }}: {{ $value | humanizePercentage }} of requests fail"
`;

describe('error traffic pages through Alertmanager', () => {
  test('fires within for + 2 intervals with labels and a link to a kept error trace; resolves when errors stop', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tracehouse-rules-'));
    const rulesFile = join(dir, 'red.rules.yml');
    writeFileSync(rulesFile, RULES);
    const receiver = await startReceiver();
    const am = await startAlertmanager(receiver.url);
    const server = await startTestServer({
      sets: [
        `alerting.ruleFiles=${rulesFile}`,
        'alerting.evaluationInterval=1s',
        `alerting.alertmanagerUrl=${am.url}`,
        'derived.interval=1s',
        'derived.lag=300ms',
        'processor.interval=200ms',
        'sampling.rootGrace=300ms',
        'sampling.decisionWait=2s',
      ],
    });
    const traffic = startTraffic(server.urls.otlpHttp, 'checkout');
    try {
      // Healthy traffic first: nothing fires.
      await until('span metrics for checkout', async () => {
        const r = await server.get(
          `/prometheus/api/v1/query?query=${encodeURIComponent('traces_spanmetrics_calls_total{service="checkout"}')}`,
        );
        return r.body.data?.result?.length > 0 ? true : undefined;
      });
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(await am.alerts(), []);

      traffic.errorRatio = 0.5;
      // When the rule's expression first holds (as the engine sees it), the clock starts.
      await until(
        'the expression to hold',
        async () => {
          const r = await server.get(`/prometheus/api/v1/query?query=${encodeURIComponent(EXPR)}`);
          return r.body.data?.result?.length > 0 ? true : undefined;
        },
        30_000,
        50,
      );
      const holds = Date.now();
      const [alert] = await until(
        'the alert in Alertmanager',
        async () => {
          const a = await am.alerts();
          return a.length > 0 ? a : undefined;
        },
        20_000,
        50,
      );
      const elapsed = Date.now() - holds;
      t.diagnostic(`in Alertmanager ${elapsed} ms after the expression held`);
      assert.ok(
        elapsed <= 2000 + 2 * 1000,
        `in Alertmanager ${elapsed} ms after the expression held (for 2 s + 2 x 1 s)`,
      );
      assert.deepEqual(alert!.labels, { alertname: 'HighErrorRate', service: 'checkout', severity: 'page' });
      assert.match(alert!.annotations.summary!, /^checkout: \d+(\.\d+)?% of requests fail$/);

      // The links open kept error traces of checkout.
      const traces = new URL(alert!.annotations.traces!);
      assert.equal(traces.origin, server.urls.api);
      assert.equal(traces.pathname, '/traces');
      assert.equal(traces.searchParams.get('q'), '{ resource.service.name = "checkout" && status = error }');
      const example = new URL(alert!.annotations.trace_example!);
      const traceId = /^\/trace\/([0-9a-f]{32})$/.exec(example.pathname)?.[1];
      assert.ok(traceId, example.pathname);
      const decision = await until('the example trace decided', async () => {
        const d = await server.get(`/api/v1/traces/${traceId}/decision`);
        return d.status === 200 && d.body.decision !== 'pending' ? d.body : undefined;
      });
      assert.equal(decision.decision, 'keep');
      const trace = await server.get(`/api/v1/traces/${traceId}`);
      const spans = trace.body.resourceSpans.flatMap((r: { scopeSpans: { spans: unknown[] }[] }) =>
        r.scopeSpans.flatMap((s) => s.spans),
      );
      assert.ok(
        spans.some((s: { status?: { code?: number } }) => s.status?.code === 2),
        'the example trace has an error span',
      );
      const start = Number(traces.searchParams.get('start'));
      const end = Number(traces.searchParams.get('end'));
      const search = await server.get(
        `/api/v1/search?q=${encodeURIComponent(traces.searchParams.get('q')!)}&start=${start}&end=${end}`,
      );
      assert.ok(search.body.traces.length > 0, 'the search link finds kept error traces');
      await until('a page', async () => (receiver.received.some((n) => n.status === 'firing') ? true : undefined));

      // Errors stop: the alert resolves in Alertmanager and a resolved notification goes out.
      traffic.errorRatio = 0;
      await until('the alert resolved', async () => ((await am.alerts()).length === 0 ? true : undefined), 30_000);
      await until('a resolved notification', async () =>
        receiver.received.some((n) => n.status === 'resolved' && n.alerts[0]?.labels.alertname === 'HighErrorRate')
          ? true
          : undefined,
      );
      const rules = await server.get('/prometheus/api/v1/rules');
      assert.deepEqual(
        rules.body.data.groups[0].rules.map((r: { type: string; health: string }) => [r.type, r.health]),
        [
          ['recording', 'ok'],
          ['alerting', 'ok'],
        ],
      );
      // The recording rule's series is stored and queryable like any metric, over time.
      const recorded = await server.get(
        `/prometheus/api/v1/query?query=${encodeURIComponent('max_over_time(service:errors:rate5s{service="checkout"}[1m])')}`,
      );
      const [series] = recorded.body.data.result;
      assert.deepEqual(series.metric, { service: 'checkout', source: 'recorded' });
      assert.ok(Number(series.value[1]) > 0, 'errors were recorded');
    } finally {
      await traffic.stop();
      await server.stop();
      await am.stop();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
