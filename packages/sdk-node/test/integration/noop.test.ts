// Without any OTLP endpoint, init() must cost nothing: no SDK or exporter module is even loaded,
// node:http is not patched, spans are non-recording and no signal handler is installed. The same
// probe with an endpoint shows every one of those checks flipping, so they can detect a regression.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.js';
import { cleanEnv, killAll, spawnTs } from '../support/processes.js';

const PROBE = new URL('../fixtures/probe.ts', import.meta.url);

interface ProbeReport {
  enabled: boolean;
  disabledReason?: string;
  httpRequestWrapped: boolean;
  serverEmitWrapped: boolean;
  spanRecording: boolean;
  loadedSdkModules: number;
  loadedExporterModules: number;
  sigtermListeners: number;
}

let capture: OtlpCapture;

before(async () => {
  capture = await startOtlpCapture();
});

after(async () => {
  await killAll();
  await capture?.close();
});

async function probe(env: Record<string, string>): Promise<ProbeReport> {
  const child = spawnTs(PROBE, cleanEnv(env));
  const line = await child.waitForLine(/^\{/);
  const { code } = await child.exited;
  assert.equal(code, 0, child.stderr.join('\n'));
  return JSON.parse(line);
}

test('with no endpoint, nothing is loaded, patched or exported', async () => {
  const report = await probe({ OTEL_SERVICE_NAME: 'probe' });
  assert.deepEqual(report, {
    enabled: false,
    disabledReason: 'no OTLP endpoint configured',
    httpRequestWrapped: false,
    serverEmitWrapped: false,
    spanRecording: false,
    loadedSdkModules: 0,
    loadedExporterModules: 0,
    sigtermListeners: 0,
  });
});

test('OTEL_SDK_DISABLED=true wins over a configured endpoint', async () => {
  const report = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, OTEL_SDK_DISABLED: 'true' });
  assert.equal(report.enabled, false);
  assert.equal(report.loadedExporterModules, 0);
  assert.equal(report.httpRequestWrapped, false);
});

test('with an endpoint, the same probe sees the SDK loaded, http patched and spans recording', async () => {
  const report = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
  assert.equal(report.enabled, true);
  assert.equal(report.httpRequestWrapped, true);
  assert.equal(report.serverEmitWrapped, true);
  assert.equal(report.spanRecording, true);
  assert.ok(report.loadedSdkModules > 0);
  assert.ok(report.loadedExporterModules > 0);
  assert.equal(report.sigtermListeners, 1);
  assert.ok(capture.spans.some((span) => span.name === 'probe' && span.service === 'unknown_service:node'));
});
