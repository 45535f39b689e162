import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Exporter, ExportResult, Signal } from './exporter';
import { partialSuccessFromJson, partialSuccessFromProtobuf } from './partial-success';
import { parseRetryAfter, RETRYABLE_HTTP_STATUS } from './retry';

const gzip = promisify(zlib.gzip);

export interface HttpExporterOptions {
  /** Base URL, e.g. http://127.0.0.1:4318; the signal path (/v1/traces, ...) is appended. */
  endpoint: string;
  format: 'protobuf' | 'json';
  gzip: boolean;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Connections kept open: one per request in flight. */
  maxSockets: number;
}

/** OTLP/HTTP over keep-alive connections with node:http (undici's fetch costs more per request). */
export function createHttpExporter(o: HttpExporterOptions): Exporter {
  const base = new URL(o.endpoint);
  const transport = base.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: o.maxSockets });
  const prefix = base.pathname.replace(/\/+$/, '');
  const contentType = o.format === 'protobuf' ? 'application/x-protobuf' : 'application/json';

  const post = (signal: Signal, body: Uint8Array): Promise<ExportResult> =>
    new Promise((resolve) => {
      const headers: Record<string, string | number> = {
        ...o.headers,
        'content-type': contentType,
        'content-length': body.length,
      };
      if (o.gzip) headers['content-encoding'] = 'gzip';
      const req = transport.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}/v1/${signal}`,
          method: 'POST',
          agent,
          headers,
          timeout: o.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => resolve({ ok: false, retryable: true, retryAfterMs: null, error: err.message }));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const payload = Buffer.concat(chunks);
            if (status >= 200 && status < 300) {
              try {
                const json = (res.headers['content-type'] ?? '').includes('json');
                const ps = json
                  ? partialSuccessFromJson(payload.toString('utf8'))
                  : partialSuccessFromProtobuf(payload);
                resolve({ ok: true, rejected: ps.rejected, message: ps.message });
              } catch {
                // The data was accepted; an unreadable response body only loses the detail.
                resolve({ ok: true, rejected: 0, message: '' });
              }
              return;
            }
            resolve({
              ok: false,
              retryable: RETRYABLE_HTTP_STATUS.has(status),
              retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()),
              error: `HTTP ${status}: ${payload.toString('utf8', 0, Math.min(payload.length, 300))}`,
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
      // Network errors (refused, reset, timeout) are transient for a load generator.
      req.on('error', (err) => resolve({ ok: false, retryable: true, retryAfterMs: null, error: err.message }));
      req.end(body);
    });

  return {
    async export(signal, body) {
      // Level 1: the sender's CPU must not limit a benchmark, and receivers read any level.
      return post(signal, o.gzip ? await gzip(body, { level: 1 }) : body);
    },
    async close() {
      agent.destroy();
    },
  };
}
