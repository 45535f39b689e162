// Shared by the browser suites and bench/ui.ts: a real tracehouse seeded over OTLP/HTTP with
// loadgen traffic, and headless Debian Chromium driven by playwright-core.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkload, type GeneratedTrace } from '@tracehouse/loadgen';
import { encodeLogsData, encodeTracesData } from '@tracehouse/otlp';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../../server/test/helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '../../../../screenshots');
const UI_INDEX = join(import.meta.dirname, '../../dist/index.html');

export function assertBuilt(): void {
  if (!existsSync(UI_INDEX)) throw new Error('packages/ui/dist is missing: run `npm run build:ui` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function post(server: TestServer, path: string, body: Uint8Array): Promise<void> {
  const res = await fetch(server.urls.otlpHttp + path, {
    method: 'POST',
    body: body as BodyInit,
    headers: { 'content-type': 'application/x-protobuf' },
  });
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

/** Sends generated traces (spans + correlated logs) and returns them. */
export async function seed(
  server: TestServer,
  opts: { seed: number | string; traces: number; spreadMs?: number; big?: number; logsPerSpan?: number },
): Promise<GeneratedTrace[]> {
  const w = createWorkload({
    seed: opts.seed,
    ...(opts.logsPerSpan !== undefined ? { logsPerSpan: opts.logsPerSpan } : {}),
    ...(opts.big ? { bigTraceFraction: 1, bigTraceSpans: [opts.big, opts.big] as [number, number] } : {}),
  });
  const now = BigInt(Date.now()) * 1_000_000n;
  const spread = BigInt(opts.spreadMs ?? 10 * 60_000) * 1_000_000n;
  const out: GeneratedTrace[] = [];
  for (let i = 0; i < opts.traces; i++) {
    const start = now - spread + (spread * BigInt(i)) / BigInt(Math.max(1, opts.traces)) - 5_000_000_000n;
    out.push(w.nextTrace(start));
  }
  // Requests of at most 5,000 spans / logs stay far below ingest.maxBodyBytes.
  const CHUNK = 5000;
  const spans = out.flatMap((t) => t.spans);
  const logs = out.flatMap((t) => t.logs);
  for (let i = 0; i < spans.length; i += CHUNK)
    await post(server, '/v1/traces', encodeTracesData(spans.slice(i, i + CHUNK)));
  for (let i = 0; i < logs.length; i += CHUNK) await post(server, '/v1/logs', encodeLogsData(logs.slice(i, i + CHUNK)));
  return out;
}

/**
 * Waits until the API serves a trace whole (the writer flushes in the background). A response
 * holds one page of at most query.maxTraceSpans; its x-trace-span-total header counts them all.
 */
export async function waitForTrace(server: TestServer, traceId: string, spans: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await fetch(`${server.urls.api}/api/v1/traces/${traceId}?limit=1`);
    await r.arrayBuffer();
    if (r.status === 200 && Number(r.headers.get('x-trace-span-total')) >= spans) return;
    if (Date.now() > deadline) throw new Error(`trace ${traceId} not served in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

export { startTestServer, type TestServer };
