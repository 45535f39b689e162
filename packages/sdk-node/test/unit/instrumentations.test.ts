import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, test } from 'node:test';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { resolveConfig } from '../../src/config.js';
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

test('the auto set is loaded without fs, dns and pino, plus Fastify, with health paths ignored by http', () => {
  const byName = instrumentationsFor();
  for (const name of ['http', 'undici', 'express', 'pg', 'redis', 'ioredis']) {
    assert.ok(byName.has(`@opentelemetry/instrumentation-${name}`), name);
  }
  assert.ok(byName.has('@fastify/otel'));
  for (const name of ['fs', 'dns', 'pino']) assert.ok(!byName.has(`@opentelemetry/instrumentation-${name}`), name);

  const http = byName.get('@opentelemetry/instrumentation-http')?.getConfig() as HttpInstrumentationConfig;
  const ignore = (url: string) => http.ignoreIncomingRequestHook?.({ url } as IncomingMessage);
  assert.equal(ignore('/readyz'), true);
  assert.equal(ignore('/checkout'), false);
});

test('env and option lists disable more, including Fastify; a user ignore hook still applies', () => {
  const byName = instrumentationsFor(
    {
      disabledInstrumentations: ['fastify'],
      instrumentations: {
        '@opentelemetry/instrumentation-http': { ignoreIncomingRequestHook: (request) => request.url === '/internal' },
      },
    },
    { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'net,redis' },
  );
  assert.ok(!byName.has('@fastify/otel'));
  assert.ok(!byName.has('@opentelemetry/instrumentation-redis'));
  const http = byName.get('@opentelemetry/instrumentation-http')?.getConfig() as HttpInstrumentationConfig;
  assert.equal(http.ignoreIncomingRequestHook?.({ url: '/internal' } as IncomingMessage), true);
  assert.equal(http.ignoreIncomingRequestHook?.({ url: '/healthz' } as IncomingMessage), true);
});
