import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseForwardHeaders } from '../../src/forward/headers';
import { envName, loadConfig, parseBytes, parseDuration } from '../../src/index';

test('durations and sizes parse the units users write', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('14d'), 14 * 86_400_000);
  assert.equal(parseDuration('1500'), 1500);
  assert.throws(() => parseDuration('5 parsecs'), /invalid duration/);
  assert.throws(() => parseDuration('5x'), /invalid duration/);
  assert.equal(parseBytes('16MiB'), 16 * 1024 * 1024);
  assert.equal(parseBytes('512kb'), 512_000);
  assert.equal(parseBytes(1024), 1024);
  assert.throws(() => parseBytes('lots'), /invalid size/);
});

test("a duration past its key's ceiling is refused, naming the key", () => {
  assert.equal(loadConfig({ sets: ['derived.interval=1h'] })['derived.interval'], 3_600_000);
  assert.throws(() => loadConfig({ sets: ['derived.interval=2h'] }), /derived\.interval.*at most 3600s/);
});

test('environment variable names follow TRACEHOUSE_<KEY>', () => {
  assert.equal(envName('ingest.maxBodyBytes'), 'TRACEHOUSE_INGEST_MAX_BODY_BYTES');
  assert.equal(envName('server.port'), 'TRACEHOUSE_SERVER_PORT');
});

test('precedence is --set > env > file > default, and unknown keys are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-config-'));
  const file = join(dir, 'tracehouse.yaml');
  writeFileSync(
    file,
    'server:\n  port: 1111\ningest:\n  maxBodyBytes: 1MiB\n  flushInterval: 1s\nretention.logs: 7d\n',
  );
  const base = loadConfig();
  assert.equal(base['server.port'], 3200);
  assert.equal(base['ingest.maxBodyBytes'], 16 * 1024 * 1024);

  const fromFile = loadConfig({ file });
  assert.equal(fromFile['server.port'], 1111);
  assert.equal(fromFile['ingest.flushInterval'], 1000);
  assert.equal(fromFile['retention.logs'], 7 * 86_400_000);

  const env = { TRACEHOUSE_SERVER_PORT: '2222', TRACEHOUSE_INGEST_MAX_BODY_BYTES: '2MiB' };
  const fromEnv = loadConfig({ file, env });
  assert.equal(fromEnv['server.port'], 2222);
  assert.equal(fromEnv['ingest.maxBodyBytes'], 2 * 1024 * 1024);

  const fromSet = loadConfig({ file, env, sets: ['server.port=3333'] });
  assert.equal(fromSet['server.port'], 3333);

  assert.throws(() => loadConfig({ sets: ['no.such=1'] }), /unknown config key "no.such"/);
  assert.throws(() => loadConfig({ sets: ['server.port=http'] }), /config server.port/);
  writeFileSync(file, 'bogus: 1\n');
  assert.throws(() => loadConfig({ file }), /unknown key "bogus"/);
});

test('forward.headers parse as OTEL_EXPORTER_OTLP_HEADERS do, and a bad entry never echoes its value', () => {
  const config = loadConfig({
    sets: ['forward.headers=Authorization=Bearer%20s3cr3t-value, x-team = blue ', 'forward.tenantHeader=X-Scope-OrgID'],
  });
  assert.deepEqual(parseForwardHeaders(config['forward.headers']), {
    authorization: 'Bearer s3cr3t-value',
    'x-team': 'blue',
  });
  assert.equal(config['forward.tenantHeader'], 'x-scope-orgid');

  for (const bad of ['token-without-name', 'bad header=s3cr3t-value', 'content-type=s3cr3t-value', 'x-a=%E0%A4%A']) {
    assert.throws(
      () => loadConfig({ sets: [`forward.headers=${bad}`] }),
      (err: Error) => err.message.startsWith('config forward.headers:') && !err.message.includes('s3cr3t-value'),
      bad,
    );
  }
  assert.throws(() => loadConfig({ sets: ['forward.tenantHeader=X Scope'] }), /forward.tenantHeader/);
  assert.throws(() => loadConfig({ sets: ['forward.tenantHeader=host'] }), /forward.tenantHeader/);
});
