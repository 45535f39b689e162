import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load';
import { samplerOptions } from '../../src/processor/sampling';

test('sampling rules come from a YAML list or --set JSON and end with the defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracehouse-cfg-'));
  try {
    const file = join(dir, 'tracehouse.yaml');
    writeFileSync(
      file,
      `sampling:
  baselinePercent: 2.5
  latencyThreshold: 500ms
  rules:
    - name: drop-health
      when: { attribute: span.http.route, equals: /health }
      action: drop
    - name: org-x
      when: [{ attribute: resource.org.id, equals: x }]
      action: keep
`,
    );
    const config = loadConfig({ file });
    const opts = samplerOptions(config);
    assert.deepEqual(
      opts.rules.map((r) => r.name),
      ['drop-health', 'org-x', 'errors', 'latency', 'baseline'],
    );
    assert.deepEqual(opts.rules.at(-1)!.action, { kind: 'sample', percent: 2.5 });
    assert.equal(opts.rules[3]!.when[0]!.kind === 'latency' && opts.rules[3]!.when[0]!.thresholdMs, 500);

    const set = loadConfig({ file, sets: ['sampling.rules=[{"name":"all","action":"keep"}]'] });
    assert.deepEqual(
      samplerOptions(set).rules.map((r) => r.name),
      ['all', 'errors', 'latency', 'baseline'],
    );
    assert.deepEqual(samplerOptions(loadConfig()).rules.length, 3);
    assert.equal(loadConfig()['sampling.decisionWait'], 30_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad sampling settings are refused with the key and the field', () => {
  assert.throws(
    () => loadConfig({ sets: ['sampling.rules=[{"action":"sometimes"}]'] }),
    /config sampling.rules: sampling.rules\[0\].action: expected "keep", "drop" or "sample <percent>"/,
  );
  assert.throws(() => loadConfig({ sets: ['sampling.rules=[{'] }), /sampling.rules: not valid JSON/);
  assert.throws(() => loadConfig({ sets: ['sampling.baselinePercent=101'] }), /expected a number 0..100/);
  assert.throws(
    () => loadConfig({ env: { TRACEHOUSE_SAMPLING_RULES: '[{"action":"keep","when":{"attribute":"x","equals":1}}]' } }),
    /must be span.<key>, resource.<key>, name or service/,
  );
});
