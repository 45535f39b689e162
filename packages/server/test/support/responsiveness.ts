import { request } from 'node:http';
import { encodeTracesData } from '@tracehouse/otlp';
import { hex, span } from '../../../store/test/fixtures';
import type { TestServer } from '../helpers';

/** One HTTP request from a chosen local address (127.0.0.x: a different client to the server's caps). */
export function timedRequest(
  url: string,
  opts: { method?: string; body?: Uint8Array; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.localAddress, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface Responsiveness {
  /** Slowest /readyz and 1-span OTLP/HTTP export seen, in ms, and how many probes ran. */
  readyzMaxMs: number;
  ingestMaxMs: number;
  probes: number;
  failures: string[];
}

/**
 * Probes /readyz and a 1-span export (from 127.0.0.1, one probe of each at a time) until
 * `stop` resolves: what an operator's health check and an honest client see during an attack.
 */
export async function probeWhile(server: TestServer, stop: Promise<unknown>): Promise<Responsiveness> {
  const r: Responsiveness = { readyzMaxMs: 0, ingestMaxMs: 0, probes: 0, failures: [] };
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  while (!done) {
    const body = encodeTracesData([span(hex(16))]);
    const [ready, ingest] = await Promise.all([
      timedRequest(`${server.urls.api}/readyz`, { localAddress: '127.0.0.1' }),
      timedRequest(`${server.urls.otlpHttp}/v1/traces`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-protobuf' },
        localAddress: '127.0.0.1',
      }),
    ]);
    r.probes++;
    r.readyzMaxMs = Math.max(r.readyzMaxMs, ready.ms);
    r.ingestMaxMs = Math.max(r.ingestMaxMs, ingest.ms);
    if (ready.status !== 200) r.failures.push(`readyz ${ready.status}`);
    if (ingest.status !== 200) r.failures.push(`ingest ${ingest.status} ${ingest.body.slice(0, 200)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  return r;
}
