// Starts the three fixture services (gateway -> orders -> queue -> worker) as separate processes,
// each instrumented with @tracehouse/node and exporting to the test's OTLP capture receiver.
import type { OtlpProtocol } from '@tracehouse/node';
import { type ChildHandle, cleanEnv, spawnTs } from './processes.js';

export type Role = 'gateway' | 'orders' | 'worker';

export interface FixtureShop {
  gatewayUrl: string;
  services: Record<Role, ChildHandle>;
}

const SERVICE_ENTRY = new URL('../fixtures/service.ts', import.meta.url);

export async function startFixtureShop(options: {
  otlpUrl: string;
  brokerUrl: string;
  protocols: Record<Role, OtlpProtocol>;
}): Promise<FixtureShop> {
  const env = (role: Role, extra: Record<string, string> = {}) =>
    cleanEnv({
      FIXTURE_ROLE: role,
      BROKER_URL: options.brokerUrl,
      OTEL_SERVICE_NAME: `fixture-${role}`,
      // SDK_TEST_HTTP_INSTRUMENTATION=upstream runs the same tests against the fallback.
      TRACEHOUSE_HTTP_INSTRUMENTATION: process.env.SDK_TEST_HTTP_INSTRUMENTATION,
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: options.protocols[role],
      // Short batch delays keep the test fast; shutdown must still flush whatever is queued.
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      ...extra,
    });

  const orders = spawnTs(SERVICE_ENTRY, env('orders'));
  const worker = spawnTs(SERVICE_ENTRY, env('worker'));
  const ordersPort = portOf(await orders.waitForLine(/^ready \d+$/));
  const gateway = spawnTs(SERVICE_ENTRY, env('gateway', { ORDERS_URL: `http://127.0.0.1:${ordersPort}` }));
  const gatewayPort = portOf(await gateway.waitForLine(/^ready \d+$/));
  await worker.waitForLine(/^ready \d+$/);
  return { gatewayUrl: `http://127.0.0.1:${gatewayPort}`, services: { gateway, orders, worker } };
}

function portOf(line: string): number {
  return Number(line.split(' ')[1]);
}
