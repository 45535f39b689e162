// OTLP metrics sent with the official OpenTelemetry SDK, for the browser suites and the
// screenshots: a counter `shop.orders` (by payment method) and a histogram `shop.checkout.duration`.
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { TestServer } from './harness';

/** `exports` exports a second apart (rate() needs two samples of a cumulative counter). */
export async function sendShopMetrics(server: TestServer, service: string, exports: number, scale = 1): Promise<void> {
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${server.urls.otlpHttp}/v1/metrics` }),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [reader],
  });
  const meter = provider.getMeter('shop');
  const orders = meter.createCounter('shop.orders', { unit: '{order}', description: 'Orders placed' });
  const latency = meter.createHistogram('shop.checkout.duration', { unit: 's', description: 'Checkout time' });
  for (let i = 0; i < exports; i++) {
    orders.add((5 + (i % 5)) * scale, { 'payment.method': ['paypal', 'card', 'invoice'][i % 3] });
    latency.record(0.04 * (1 + (i % 7)) * scale);
    await provider.forceFlush();
    await new Promise((r) => setTimeout(r, 1000));
  }
  await provider.shutdown();
}
