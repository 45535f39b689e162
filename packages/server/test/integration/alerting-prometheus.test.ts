// The SLO rules tracehouse generates (`tracehouse slo rules`), loaded into a real Prometheus
// (Debian's) that scrapes tracehouse's /metrics, fire at the same time as tracehouse's own
// evaluation of the same rules, with the same labels.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ruleFileYaml } from '@tracehouse/alerting';
import { loadSlos, sloGroups } from '../../src/alerting/load';
import { loadConfig } from '../../src/config/load';
import { startTestServer } from '../helpers';
import { freePort, until } from '../support/alertmanager';
import { startTraffic } from '../support/traffic';

const SLO = 'slos=[{"name":"checkout-availability","service":"checkout","objective":99,"window":"30d"}]';
const PAGE = 'ALERTS{alertname="SLOErrorBudgetBurn",severity="page",alertstate="firing"}';
// Prometheus scrapes every 1 s and sees the derived metrics one interval (1 s) plus lag later.
const TOLERANCE_MS = 5000;

test('generated SLO rules fire in Prometheus and in tracehouse at the same time', async (t) => {
  const sets = ['alerting.evaluationInterval=1s', SLO];
  const dir = mkdtempSync(join(tmpdir(), 'tracehouse-slo-prom-'));
  writeFileSync(
    join(dir, 'slo.rules.yml'),
    ruleFileYaml(sloGroups(loadConfig({ sets }), loadSlos(loadConfig({ sets })))),
  );
  const server = await startTestServer({
    sets: [...sets, 'derived.interval=1s', 'derived.lag=300ms', 'processor.interval=200ms'],
  });
  const port = await freePort();
  const promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['${join(dir, 'slo.rules.yml')}']\nscrape_configs:\n  - job_name: tracehouse\n    static_configs:\n      - targets: ['${new URL(server.urls.api).host}']\n`,
  );
  const prometheus: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const traffic = startTraffic(server.urls.otlpHttp, 'checkout');
  try {
    // biome-ignore lint/suspicious/noExplicitAny: Prometheus API JSON
    const query = async (q: string): Promise<any[]> => {
      const body = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: unknown[] };
      };
      return body.data.result;
    };
    await until('Prometheus to scrape the span metrics', async () =>
      (await query('traces_spanmetrics_calls_total{service="checkout"}')).length > 0 ? true : undefined,
    );
    const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { rules: unknown[] }[] };
    };
    assert.equal(rules.data.groups[0]!.rules.length, 10, 'Prometheus loaded the 10 generated rules');
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await query(PAGE), [], 'healthy traffic pages nobody');

    // Half the requests fail: 50x the 1% budget, past 14.4x on both the 1h and 5m windows.
    traffic.errorRatio = 0.5;
    const firing = { prometheus: 0, tracehouse: 0 };
    const ours = () =>
      server.alerting!.manager.alerts().find((a) => a.alert.state === 'firing' && a.alert.labels.severity === 'page');
    await until(
      'both to page',
      async () => {
        if (!firing.prometheus && (await query(PAGE)).length > 0) firing.prometheus = Date.now();
        if (!firing.tracehouse && ours()) firing.tracehouse = Date.now();
        return firing.prometheus && firing.tracehouse ? true : undefined;
      },
      60_000,
      100,
    );
    const apart = Math.abs(firing.prometheus - firing.tracehouse);
    t.diagnostic(`paged ${apart} ms apart (tracehouse ${firing.tracehouse < firing.prometheus ? 'first' : 'second'})`);
    assert.ok(
      apart <= TOLERANCE_MS,
      `Prometheus and tracehouse paged ${apart} ms apart (tolerance ${TOLERANCE_MS} ms)`,
    );
    const [promAlert] = await query(PAGE);
    const { alertstate: _s, __name__: _n, ...promLabels } = promAlert.metric;
    assert.deepEqual(ours()!.alert.labels, promLabels, 'same labels');
    assert.deepEqual(ours()!.alert.labels, {
      alertname: 'SLOErrorBudgetBurn',
      service: 'checkout',
      severity: 'page',
      slo: 'checkout-availability',
    });
    // The SLO API agrees with Prometheus's recorded error ratio over 5 minutes.
    const slo = (await server.get('/api/v1/slos')).body.slos[0];
    const [ratio] = await query('slo:sli_error:ratio_rate5m{slo="checkout-availability"}');
    assert.ok(
      Math.abs(slo.burnRates['5m'] / 100 - Number(ratio.value[1])) < 0.15,
      `${slo.burnRates['5m']} vs ${ratio.value[1]}`,
    );
  } finally {
    await traffic.stop();
    prometheus.kill('SIGTERM');
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
