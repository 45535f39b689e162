// A service started as `node server.js`, with neither npm_package_version nor any version
// setting, reports the version in its own package.json (3.4.5), not the one of the working
// directory (the repository root's, 0.1.0).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.js';
import { cleanEnv, killAll, spawnTs } from '../support/processes.js';

const SERVER = new URL('../fixtures/versioned-service/bin/server.ts', import.meta.url);

let capture: OtlpCapture;

before(async () => {
  capture = await startOtlpCapture();
});

after(async () => {
  await killAll();
  await capture?.close();
});

async function bootSpanVersion(env: Record<string, string | undefined>): Promise<unknown> {
  const child = spawnTs(SERVER, cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, ...env }));
  const { code } = await child.exited;
  assert.equal(code, 0, child.stderr.join('\n'));
  const boot = capture.spans.findLast((span) => span.service === 'versioned-service' && span.name === 'boot');
  assert.ok(boot, 'the boot span arrived');
  return boot.resource['service.version'];
}

test('service.version comes from the package.json nearest to the entry script', async () => {
  const npmEnv = Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => key.startsWith('npm_'))
      .map((key) => [key, undefined]),
  );
  assert.equal(await bootSpanVersion(npmEnv), '3.4.5');
});

test('a configured version wins over the package.json', async () => {
  assert.equal(await bootSpanVersion({ OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9' }), '9.9.9');
});
