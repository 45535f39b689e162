// The OpenTelemetry Collector (core components, built by setup.sh) as a child process, configured
// per test. The config is JSON, which the Collector reads as YAML.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, type Started, start } from './run';
import { requireTool, toolchain } from './toolchain';

/** A free loopback port (the Collector's config needs ports up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Collector {
  /** OTLP receiver endpoints: `http://127.0.0.1:port` for gRPC and HTTP. */
  grpc: string;
  http: string;
  process: Started;
  stop(): Promise<void>;
}

/**
 * Starts a Collector whose otlp receiver listens on fresh loopback ports and whose pipelines
 * for traces, logs and metrics go through the batch processor to `exporters`. Its own telemetry
 * stays off, so it opens no port but the receiver's.
 */
export async function startCollector(exporters: Record<string, unknown>): Promise<Collector> {
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const pipeline = { receivers: ['otlp'], processors: ['batch'], exporters: Object.keys(exporters) };
  const config = {
    receivers: {
      otlp: {
        protocols: { grpc: { endpoint: `127.0.0.1:${grpcPort}` }, http: { endpoint: `127.0.0.1:${httpPort}` } },
      },
    },
    // Small batches: tracehouse's rate limit admits a request while the tenant is not in debt, so
    // one batch of everything would pass in one request and never show backpressure.
    processors: { batch: { timeout: '200ms', send_batch_size: 100, send_batch_max_size: 100 } },
    exporters,
    service: {
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: { traces: pipeline, logs: pipeline, metrics: pipeline },
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'tracehouse-otelcol-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const process = start(requireTool(toolchain.collector), ['--config', file]);
  await eventually(async () => (/Everything is ready/.test(process.output()) ? true : undefined), 60_000).catch(
    (error) => {
      throw new Error(`the Collector did not start: ${error}\n${process.output()}`);
    },
  );
  return {
    grpc: `http://127.0.0.1:${grpcPort}`,
    http: `http://127.0.0.1:${httpPort}`,
    process,
    async stop() {
      await process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
