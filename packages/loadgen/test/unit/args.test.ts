import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadgenOptionsError, loadgenUsage, parseDurationMs, parseLoadgenArgs } from '../../src/index';

describe('parseLoadgenArgs', () => {
  it('reads every flag, in both spellings', () => {
    const o = parseLoadgenArgs([
      '--endpoint',
      'http://10.0.0.1:4318',
      '--protocol=http/json',
      '--rate',
      '0',
      '--duration',
      '90s',
      '--concurrency=8',
      '--batch',
      '250',
      '--split-traces',
      '3',
      '--error-fraction',
      '0.05',
      '--slow-fraction=0.02',
      '--users',
      '50',
      '--logs-per-span',
      '1.5',
      '--seed',
      '1234',
      '--header',
      'Authorization=Bearer abc=def',
      '--header',
      'X-Tenant: acme',
      '--gzip',
      '--json',
      '--signals',
      'traces,metrics',
      '--timeout',
      '2s',
      '--max-retries',
      '0',
    ]);
    assert.deepEqual(o, {
      endpoint: 'http://10.0.0.1:4318',
      protocol: 'http/json',
      rate: 0,
      durationMs: 90_000,
      concurrency: 8,
      batch: 250,
      splitTraces: 3,
      errorFraction: 0.05,
      slowFraction: 0.02,
      users: 50,
      logsPerSpan: 1.5,
      seed: 1234,
      headers: { Authorization: 'Bearer abc=def', 'X-Tenant': 'acme' },
      gzip: true,
      json: true,
      signals: ['traces', 'metrics'],
      timeoutMs: 2000,
      maxRetries: 0,
    });
  });

  it('accepts grpc with host:port, and a word as a seed', () => {
    const o = parseLoadgenArgs([
      '--protocol',
      'grpc',
      '--endpoint',
      '127.0.0.1:4317',
      '--traces',
      '100',
      '--seed',
      'ci',
    ]);
    assert.equal(o.protocol, 'grpc');
    assert.equal(o.traces, 100);
    assert.equal(o.seed, 'ci');
    assert.deepEqual(parseLoadgenArgs([]), {});
    assert.deepEqual(parseLoadgenArgs(['--metrics']).signals, ['traces', 'logs', 'metrics']);
    assert.equal(parseLoadgenArgs(['--help']).help, true);
  });

  const bad: [string[], RegExp][] = [
    [['--rate', 'fast'], /--rate: expected a number >= 0, got 'fast'/],
    [['--rate', '-5'], /--rate/],
    [['--duration', '10 minutes'], /--duration: expected a duration with a unit, like 60s/],
    [['--duration', '60'], /--duration: expected a duration with a unit, like 60s/],
    [['--traces', '1.5'], /--traces: expected a whole number >= 1/],
    [['--concurrency', '0'], /--concurrency/],
    [['--error-fraction', '2'], /--error-fraction: expected a number from 0 to 1/],
    [['--protocol', 'http'], /--protocol: expected http\/protobuf \| http\/json \| grpc/],
    [['--header', 'novalue'], /--header: expected 'Name=value'/],
    [['--signals', 'traces,spans'], /--signals/],
    [['--batch'], /--batch needs a value/],
    [['--gzip=yes'], /--gzip takes no value/],
    [['--verbose'], /unknown option '--verbose'/],
    [['--endpoint', '127.0.0.1:4318'], /endpoint must be an http\(s\) URL/],
    [['--protocol', 'grpc', '--endpoint', 'http://host/v1/traces'], /endpoint must be host:port for grpc/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ')}`, () => {
      assert.throws(
        () => parseLoadgenArgs(argv),
        (err: unknown) => err instanceof LoadgenOptionsError && message.test(err.message),
      );
    });
  }

  it('reads durations', () => {
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs('1.5s'), 1500);
    assert.equal(parseDurationMs('5m'), 300_000);
    assert.equal(parseDurationMs('2h'), 7_200_000);
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('30'), null);
    assert.equal(parseDurationMs('s'), null);
  });

  it('documents every flag it reads', () => {
    const usage = loadgenUsage();
    for (const flag of ['--endpoint', '--protocol', '--rate', '--duration', '--traces', '--concurrency', '--batch']) {
      assert.ok(usage.includes(flag), flag);
    }
    for (const flag of ['--split-traces', '--error-fraction', '--slow-fraction', '--users', '--logs-per-span']) {
      assert.ok(usage.includes(flag), flag);
    }
    for (const flag of ['--seed', '--header', '--gzip', '--json', '--signals', '--timeout', '--max-retries']) {
      assert.ok(usage.includes(flag), flag);
    }
  });
});
