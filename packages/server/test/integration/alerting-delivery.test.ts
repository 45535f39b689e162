// Alert delivery with a real Alertmanager (Debian's prometheus-alertmanager): alerts reach it
// within `for` + 2 evaluation intervals with their labels, a restart of tracehouse neither loses
// nor re-pages a firing alert, an Alertmanager that is down gets the alert once it is up, and
// the generic webhook receives Alertmanager's webhook JSON.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { freePort, startAlertmanager, startReceiver, until } from '../support/alertmanager';

const RULES = `groups:
  - name: always
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1) > 0
        for: 2s
        labels:
          severity: ticket
          team: "{{ if gt $value 0.5 }}core{{ else }}other{{ end }}"
        annotations:
          summary: "value is {{ $value }}"
`;

describe('alerts reach a real Alertmanager', () => {
  let dir: string;
  let rulesFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-rules-'));
    rulesFile = join(dir, 'always.rules.yml');
    writeFileSync(rulesFile, RULES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sets = (amUrl: string) => [
    `alerting.ruleFiles=${rulesFile}`,
    'alerting.evaluationInterval=1s',
    `alerting.alertmanagerUrl=${amUrl}`,
    'alerting.externalUrl=https://tracehouse.example.com',
  ];

  test('firing within for + 2 intervals, with its labels; a restart neither loses nor re-pages it', async () => {
    const receiver = await startReceiver();
    const am = await startAlertmanager(receiver.url);
    let server: TestServer | undefined;
    try {
      server = await startTestServer({ sets: sets(am.url) });
      // The first evaluation runs as the server starts.
      const started = Date.now();
      const [alert] = await until('the alert in Alertmanager', async () => {
        const a = await am.alerts();
        return a.length > 0 ? a : undefined;
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed <= 2000 + 2 * 1000, `reached Alertmanager ${elapsed} ms after start (for 2 s + 2 x 1 s)`);
      assert.deepEqual(alert!.labels, { alertname: 'AlwaysFiring', severity: 'ticket', team: 'core' });
      assert.equal(alert!.annotations.summary, 'value is 1');
      assert.equal(alert!.status.state, 'active');
      assert.match(alert!.generatorURL, /^https:\/\/tracehouse\.example\.com\/alerts\?expr=vector/);
      // endsAt = send time + 4 x max(resend delay 1 m, interval 1 s).
      const endsIn = Date.parse(alert!.endsAt) - Date.now();
      assert.ok(endsIn > 200_000 && endsIn <= 240_000, `endsAt ${endsIn} ms ahead`);
      await until('one page', async () => (receiver.received.length >= 1 ? true : undefined));

      const rules = await server.get('/prometheus/api/v1/rules');
      const rule = rules.body.data.groups[0].rules[0];
      assert.equal(rule.state, 'firing');
      assert.equal(rule.health, 'ok');
      assert.equal(rule.alerts[0].value, '1e+00');
      const alerts = await server.get('/prometheus/api/v1/alerts');
      assert.equal(alerts.body.data.alerts[0].labels.alertname, 'AlwaysFiring');

      // Restart on the same data: the alert is restored as firing with the same startsAt.
      await server.stop({ keepData: true });
      const dataDir = server.dataDir;
      server = undefined;
      server = await startTestServer({ dataDir, sets: sets(am.url) });
      const restored = server.alerting!.manager.alerts();
      assert.equal(restored.length, 1);
      assert.equal(restored[0]!.alert.state, 'firing', 'firing again at once, not pending for another 2 s');
      assert.equal(new Date(restored[0]!.alert.firedAtMs).toISOString(), alert!.startsAt);
      // Give Alertmanager time to (wrongly) page again, then count.
      await until('the restarted server to send', async () =>
        server!.alerting!.notifier.pending() === 0 && restored[0]!.alert.lastSentAtMs > 0 ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 2500));
      const after = await am.alerts();
      assert.equal(after.length, 1, 'still one alert');
      assert.equal(after[0]!.startsAt, alert!.startsAt, 'same startsAt: the same alert');
      const pages = receiver.received.flatMap((n) => n.alerts.filter((a) => a.status === 'firing'));
      assert.equal(pages.length, 1, `one page, not ${pages.length}`);
    } finally {
      await server?.stop();
      await am.stop();
      await receiver.close();
    }
  });

  test('Alertmanager down, then up: the alert is delivered', async () => {
    const receiver = await startReceiver();
    const port = await freePort();
    const server = await startTestServer({ sets: sets(`http://127.0.0.1:${port}`) });
    let am: Awaited<ReturnType<typeof startAlertmanager>> | undefined;
    try {
      await until(
        'the alert firing and queued',
        async () => (server.alerting!.notifier.pending() > 0 ? true : undefined),
        15_000,
      );
      am = await startAlertmanager(receiver.url, port);
      const alerts = await until(
        'the alert delivered',
        async () => {
          const a = await am!.alerts();
          return a.length > 0 ? a : undefined;
        },
        40_000,
      );
      assert.equal(alerts[0]!.labels.alertname, 'AlwaysFiring');
      assert.equal(server.alerting!.notifier.pending(), 0);
    } finally {
      await server.stop();
      await am?.stop();
      await receiver.close();
    }
  });

  test('the generic webhook receives Alertmanager webhook JSON', async () => {
    const receiver = await startReceiver();
    const server = await startTestServer({
      sets: [
        `alerting.ruleFiles=${rulesFile}`,
        'alerting.evaluationInterval=1s',
        `alerting.webhookUrl=${receiver.url}`,
      ],
    });
    try {
      const n = await until('a webhook call', async () => receiver.received[0], 15_000);
      assert.equal(n.status, 'firing');
      assert.equal((n as unknown as { version: string }).version, '4');
      assert.equal(n.alerts[0]!.labels.alertname, 'AlwaysFiring');
      assert.equal(n.alerts[0]!.status, 'firing');
    } finally {
      await server.stop();
      await receiver.close();
    }
  });
});
