import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignalExport } from '../../src/config.js';
import { createLogExporter, createMetricExporter, createSpanExporter } from '../../src/exporters.js';
import type { OtlpProtocol } from '../../src/options.js';

const target = (protocol: OtlpProtocol): SignalExport => ({
  url: protocol === 'grpc' ? 'http://127.0.0.1:4317' : 'http://127.0.0.1:4318/v1/traces',
  protocol,
  headers: { authorization: 'Bearer ingest-token' },
});

test('each protocol gets its own OTLP exporter package, headers included (gRPC as metadata)', async () => {
  const expected: Record<OtlpProtocol, string> = {
    'http/protobuf': 'exporter-trace-otlp-proto',
    'http/json': 'exporter-trace-otlp-http',
    grpc: 'exporter-trace-otlp-grpc',
  };
  for (const protocol of Object.keys(expected) as OtlpProtocol[]) {
    const exporters = [
      createSpanExporter(target(protocol)),
      createLogExporter(target(protocol)),
      createMetricExporter(target(protocol)),
    ];
    for (const exporter of exporters) {
      assert.equal(typeof exporter.export, 'function', protocol);
      await exporter.shutdown();
    }
  }
  const { createRequire } = await import('node:module');
  const loaded = Object.keys(createRequire(import.meta.url).cache).join('\n');
  for (const name of Object.values(expected)) assert.match(loaded, new RegExp(name));
});
