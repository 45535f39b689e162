// @tracehouse/node inside a service that already has OpenTelemetry JS 3.x (API 1.10, SDK 3.1)
// installed, as a user adopting it would have: installed from its packed tarball next to the 3.x
// packages, started as `node bin/server.mjs` from another folder, on Node 22 and 24. The service's
// own API records spans into tracehouse's SDK, its 3.x span processor works beside tracehouse's
// exporter, the trace arrives whole with the right parents, `enduser.id` from baggage and the
// version from the service's package.json.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { eventually, runJson } from './support/run';
import { INTEROP_DIR, requireTool, toolchain } from './support/toolchain';
import { traceSpans } from './support/trace-spans';

let server: TestServer;

before(async () => {
  server = await startTestServer();
  const bin = join(requireTool(toolchain.nodeServiceDir), 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(join(INTEROP_DIR, 'node-service/bin/server.mjs'), join(bin, 'server.mjs'));
});

after(async () => {
  await server?.stop();
});

for (const major of [22, 24] as const) {
  describe(`Node ${major}`, () => {
    test('a JS 3.x service exports through @tracehouse/node: one trace, parents, baggage, version', async (t) => {
      // Not started by npm: npm_package_version (set when this suite runs under `npm test`) must not leak
      // in. start() spreads process.env under these, so they are overridden with undefined (not passed).
      const env: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: server.urls.otlpHttp };
      for (const key of Object.keys(process.env)) if (key.startsWith('npm_')) env[key] = undefined;
      const run = await runJson<{ traceId: string; seenBy3x: string[] }>(
        requireTool(toolchain.node(major)),
        [join(toolchain.nodeServiceDir, 'bin/server.mjs')],
        // Started from elsewhere: the version must come from the service's package.json, not the cwd's.
        { env, cwd: INTEROP_DIR },
      );
      assert.deepEqual(
        run.seenBy3x.toSorted(),
        ['GET', 'GET', 'price order'],
        "the service's 3.x processor saw every span",
      );

      const spans = await eventually(async () => {
        const found = traceSpans((await server.get(`/api/v1/traces/${run.traceId}`)).body);
        return found.length === 3 ? found : undefined;
      });
      for (const span of spans) {
        assert.equal(span.service, 'js3-orders');
        assert.equal(span.version, '2.7.1', "service.version from the service's own package.json");
      }
      const byKind = (kind: number) => spans.find((span) => span.kind === kind)!;
      const client = byKind(3);
      const handler = byKind(2);
      const manual = spans.find((span) => span.name === 'price order')!;
      assert.equal(client.parentSpanId, '', 'the outgoing request is the root');
      assert.equal(handler.parentSpanId, client.spanId, 'the server span continues the client span');
      assert.equal(manual.parentSpanId, handler.spanId, 'the API 1.10 span is a child of the server span');
      assert.equal(handler.enduser, 'user-js3', 'withBaggage sets enduser.id on the active span');
      assert.equal(manual.enduser, 'user-js3', 'the baggage span processor copies enduser.id');
      t.diagnostic(`interop: @tracehouse/node in an OpenTelemetry JS 3.x service on Node ${major}: 3 spans, 1 trace`);
    });
  });
}
