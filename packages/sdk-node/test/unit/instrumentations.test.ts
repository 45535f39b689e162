import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, test } from 'node:test';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { resolveConfig } from '../../src/config.js';
import { HTTP_CLIENT_INSTRUMENTATION_NAME } from '../../src/http-client-instrumentation.js';
import {
  HTTP_SERVER_INSTRUMENTATION_NAME,
  type HttpServerInstrumentationConfig,
} from '../../src/http-server-instrumentation.js';
import { isIgnoredPath } from '../../src/ignored-paths.js';
import { createInstrumentations } from '../../src/instrumentations.js';
import type { TracehouseOptions } from '../../src/options.js';
import { loadOtelModules } from '../../src/otel-modules.js';

const created: Instrumentation[] = [];
after(() => {
  for (const instrumentation of created) instrumentation.disable();
});

function instrumentationsFor(options: TracehouseOptions = {}, env: Record<string, string> = {}) {
  const config = resolveConfig({ endpoint: 'http://c', ...options }, env, () => 'id');
  const list = createInstrumentations(config, options, loadOtelModules());
  created.push(...list);
  return new Map(list.map((instrumentation) => [instrumentation.instrumentationName, instrumentation]));
}

test('health and scrape paths are ignored, query strings included; other paths are not', () => {
  const paths = ['/livez', '/readyz', '/healthz', '/metrics'];
  assert.equal(isIgnoredPath('/livez', paths), true);
  assert.equal(isIgnoredPath('/metrics?name[]=up', paths), true);
  assert.equal(isIgnoredPath('/metrics/custom', paths), false);
  assert.equal(isIgnoredPath('/orders', paths), false);
  assert.equal(isIgnoredPath(undefined, paths), false);
});

test('lean (default): our HTTP server and client instrumentations replace upstream http; the rest of the auto set, minus fs, dns and pino, plus Fastify', () => {
  const byName = instrumentationsFor();
  for (const name of ['undici', 'express', 'pg', 'redis', 'ioredis']) {
    assert.ok(byName.has(`@opentelemetry/instrumentation-${name}`), name);
  }
  assert.ok(byName.has(HTTP_SERVER_INSTRUMENTATION_NAME));
  assert.ok(byName.has(HTTP_CLIENT_INSTRUMENTATION_NAME));
  assert.ok(!byName.has('@opentelemetry/instrumentation-http'));
  assert.ok(byName.has('@fastify/otel'));
  for (const name of ['fs', 'dns', 'pino']) assert.ok(!byName.has(`@opentelemetry/instrumentation-${name}`), name);
  const server = byName.get(HTTP_SERVER_INSTRUMENTATION_NAME)?.getConfig() as HttpServerInstrumentationConfig;
  assert.deepEqual(server.ignoredPaths, ['/livez', '/readyz', '/healthz', '/metrics']);
});

test('upstream (option or TRACEHOUSE_HTTP_INSTRUMENTATION): @opentelemetry/instrumentation-http, health paths ignored', () => {
  for (const byName of [
    instrumentationsFor({ httpInstrumentation: 'upstream' }),
    instrumentationsFor({}, { TRACEHOUSE_HTTP_INSTRUMENTATION: 'upstream' }),
  ]) {
    assert.ok(!byName.has(HTTP_SERVER_INSTRUMENTATION_NAME));
    assert.ok(!byName.has(HTTP_CLIENT_INSTRUMENTATION_NAME));
    const http = byName.get('@opentelemetry/instrumentation-http')?.getConfig() as HttpInstrumentationConfig;
    const ignore = (url: string) => http.ignoreIncomingRequestHook?.({ url } as IncomingMessage);
    assert.equal(ignore('/readyz'), true);
    assert.equal(ignore('/checkout'), false);
  }
});

test('env and option lists disable more, including Fastify and http; a user ignore hook and header capture still apply', () => {
  const byName = instrumentationsFor(
    {
      disabledInstrumentations: ['fastify'],
      instrumentations: {
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (request) => request.url === '/internal',
          headersToSpanAttributes: { server: { requestHeaders: ['authorization'] } },
        },
      },
    },
    { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'net,redis' },
  );
  assert.ok(!byName.has('@fastify/otel'));
  assert.ok(!byName.has('@opentelemetry/instrumentation-redis'));
  const server = byName.get(HTTP_SERVER_INSTRUMENTATION_NAME)?.getConfig() as HttpServerInstrumentationConfig;
  assert.equal(server.ignoreIncomingRequestHook?.({ url: '/internal' } as IncomingMessage), true);
  assert.deepEqual(server.requestHeaders, ['authorization']);

  const upstream = instrumentationsFor(
    {
      httpInstrumentation: 'upstream',
      instrumentations: {
        '@opentelemetry/instrumentation-http': { ignoreIncomingRequestHook: (request) => request.url === '/internal' },
      },
    },
    {},
  );
  const http = upstream.get('@opentelemetry/instrumentation-http')?.getConfig() as HttpInstrumentationConfig;
  assert.equal(http.ignoreIncomingRequestHook?.({ url: '/internal' } as IncomingMessage), true);
  assert.equal(http.ignoreIncomingRequestHook?.({ url: '/healthz' } as IncomingMessage), true);

  const none = instrumentationsFor({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' });
  assert.ok(!none.has(HTTP_SERVER_INSTRUMENTATION_NAME) && !none.has(HTTP_CLIENT_INSTRUMENTATION_NAME));
});
