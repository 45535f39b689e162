import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadRules } from '../../src/alerting/load';
import { notifyTargets } from '../../src/alerting/notifier';
import { loadConfig } from '../../src/config/load';

describe('alerting configuration', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-rules-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const load = (...sets: string[]) => loadRules(loadConfig({ sets }));

  test('rule files by path and glob, with the configured default interval, and the SLO groups after them', () => {
    file(
      'a.rules.yml',
      'groups:\n  - name: a\n    rules:\n      - record: x:y\n        expr: sum(rate(traces_spanmetrics_calls_total[5m]))\n',
    );
    file(
      'b.rules.yml',
      'groups:\n  - name: b\n    interval: 1m\n    rules:\n      - alert: B\n        expr: up == 0\n',
    );
    const loaded = load(
      `alerting.ruleFiles=${join(dir, '*.rules.yml')}`,
      'alerting.evaluationInterval=30s',
      'slos=[{"name":"s","service":"checkout","objective":99.9}]',
    );
    assert.deepEqual(
      loaded.groups.map((g) => [g.name, g.intervalMs]),
      [
        ['a', 30_000],
        ['b', 60_000],
        ['slo:s', 30_000],
      ],
    );
    assert.equal(loaded.slos[0]!.name, 's');
  });

  test('a bad expression stops the start naming the file, the line and the PromQL parser message', () => {
    const p = file('bad.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m])\n');
    assert.throws(
      () => load(`alerting.ruleFiles=${p}`),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: group "g", rule 1: expr: .*parse error`),
        );
        return true;
      },
    );
    const q = file('bad2.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(up)\n');
    assert.throws(() => load(`alerting.ruleFiles=${q}`), /bad2.yml:5: .*expr: .*range vector/);
  });

  test('missing files, globs that match nothing, duplicate groups and bad SLOs are refused', () => {
    assert.throws(() => load(`alerting.ruleFiles=${join(dir, 'nope.yml')}`), /cannot read .*nope.yml: ENOENT/);
    assert.throws(() => load(`alerting.ruleFiles=${join(dir, 'none-*.yml')}`), /matches no file/);
    const a = file('dup1.yml', 'groups:\n  - name: same\n    rules: []\n');
    const b = file('dup2.yml', 'groups:\n  - name: same\n    rules: []\n');
    assert.throws(() => load(`alerting.ruleFiles=${a},${b}`), /rule group "same" is defined more than once/);
    assert.throws(
      () => load('slos=[{"name":"s","service":"x","objective":99,"latencyThreshold":"300ms"}]'),
      /slos\[0\] \(s\): latencyThreshold 300ms is not a latency bucket bound/,
    );
    assert.throws(() => loadConfig({ sets: ['slos={"name":"s"}'] }), /config slos: expected a list of SLOs/);
  });

  test('a bad SLO or value in the config file stops the start naming the file and line', () => {
    const config = file(
      'tracehouse.yaml',
      [
        'derived:',
        '  interval: 15s',
        'slos:',
        '  - name: checkout-availability',
        '    service: checkout',
        '    objective: 99.9',
        '  - name: checkout-latency',
        '    service: checkout',
        '    objective: 140',
        '',
      ].join('\n'),
    );
    assert.throws(
      () => loadRules(loadConfig({ file: config })),
      (err: Error) =>
        err.message.startsWith(`config file ${config}, line 7: slos[1] (checkout-latency): objective must be`),
    );
    // The same SLOs from --set override the file: no file line is claimed for them.
    assert.throws(
      () => loadRules(loadConfig({ file: config, sets: ['slos=[{"name":"s","service":"x","objective":140}]'] })),
      (err: Error) => err.message.startsWith('slos[0] (s): objective must be'),
    );
    const badValue = file('bad-value.yaml', 'server:\n  port: 3200\nalerting:\n  evaluationInterval: soon\n');
    assert.throws(
      () => loadConfig({ file: badValue }),
      (err: Error) =>
        err.message.startsWith(`config file ${badValue}, line 4: `) && /evaluationInterval/.test(err.message),
    );
  });

  test('delivery targets are http(s) URLs; credentials never appear in the message', () => {
    assert.deepEqual(notifyTargets('http://am-1:9093, http://am-2:9093', 'https://hooks.example.com/x'), [
      { kind: 'alertmanager', url: 'http://am-1:9093' },
      { kind: 'alertmanager', url: 'http://am-2:9093' },
      { kind: 'webhook', url: 'https://hooks.example.com/x' },
    ]);
    assert.throws(() => notifyTargets('ftp://am:21', ''), /alerting.alertmanagerUrl: expected an http\(s\) URL/);
    assert.throws(() => loadConfig({ sets: ['alerting.evaluationInterval=soon'] }), /alerting.evaluationInterval/);
  });
});
