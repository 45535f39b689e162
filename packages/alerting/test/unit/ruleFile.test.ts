import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRuleFile } from '../../src/index';

// The server passes the PromQL parser; here a checker that refuses one marker shows its message reaches the user.
const opts = {
  defaultIntervalMs: 15_000,
  checkExpr: (e: string) => (e.includes('BAD(') ? 'parse error: unexpected "BAD("' : null),
};

const GOOD = `groups:
  - name: red
    interval: 30s
    rules:
      - record: service:calls:rate5m
        expr: sum by (service) (rate(traces_spanmetrics_calls_total[5m]))
      - alert: HighErrorRate
        expr: |
          sum by (service) (rate(traces_spanmetrics_calls_total{status_code="STATUS_CODE_ERROR"}[5m]))
            / sum by (service) (rate(traces_spanmetrics_calls_total[5m])) > 0.01
        for: 5m
        keep_firing_for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.service }}: {{ $value | humanizePercentage }} errors"
  - name: other
    rules: []
`;

describe('rule files', () => {
  test('parses groups, intervals, recording and alerting rules with their lines', () => {
    const groups = parseRuleFile('rules.yml', GOOD, opts);
    assert.equal(groups.length, 2);
    assert.equal(groups[0]!.intervalMs, 30_000);
    assert.equal(groups[1]!.intervalMs, 15_000, 'the default interval');
    const [rec, alert] = groups[0]!.rules;
    assert.equal(rec!.kind === 'recording' && rec!.record, 'service:calls:rate5m');
    assert.equal(alert!.kind, 'alerting');
    if (alert!.kind !== 'alerting') return;
    assert.equal(alert.forMs, 300_000);
    assert.equal(alert.keepFiringForMs, 60_000);
    assert.deepEqual(alert.labels, { severity: 'page' });
    assert.equal(alert.origin.line, 7);
    assert.match(alert.expr, /> 0\.01$/);
  });

  test('bad files name the file, the line and the problem', () => {
    const bad = (text: string, re: RegExp) => assert.throws(() => parseRuleFile('r.yml', text, opts), re);
    bad(
      'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: BAD(up)\n',
      /^RuleFileError: r.yml:5: group "a", rule 1: expr: parse error/,
    );
    bad(
      'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        for: 5 minutes\n',
      /r.yml:6: "for": invalid duration/,
    );
    bad(
      'groups:\n  - name: a\n    rules:\n      - alert: X\n        record: y\n        expr: up\n',
      /r.yml:4: group "a", rule 1: a rule needs exactly one of "alert" and "record"/,
    );
    bad(
      'groups:\n  - name: a\n    rules:\n      - record: y\n        expr: up\n        for: 1m\n',
      /r.yml:6: .*unknown key "for"/,
    );
    bad(
      'groups:\n  - name: a\n    rules:\n      - record: "bad name"\n        expr: up\n',
      /r.yml:4: .*not a valid metric name/,
    );
    bad(
      'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        annotations:\n          s: "{{ $value "\n',
      /r.yml:7: .*annotations.s: template: unclosed action/,
    );
    bad(
      'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        labels:\n          "bad-name": x\n',
      /r.yml:7: .*"bad-name" is not a valid label name/,
    );
    bad('groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n', /r.yml:4: group "a" is defined twice/);
    bad(
      'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: ""\n',
      /r.yml:5: .*"expr" must not be empty/,
    );
    bad('groups:\n  - name: a\n  bad indent: [\n', /^RuleFileError: r.yml:\d+: /);
    bad('rules: []\n', /r.yml:1: unknown key "rules"/);
  });

  test('an empty file has no groups', () => {
    assert.deepEqual(parseRuleFile('e.yml', '', opts), []);
    assert.deepEqual(parseRuleFile('e.yml', 'groups:\n', opts), []);
  });
});
