import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { gunzip } from 'node:zlib';
import type { Signal, WireFormat } from '@tracehouse/otlp';
import { DEFAULT_TENANT } from '@tracehouse/store';
import { httpServerOptions, type ListenerTimeouts } from '../net/timeouts';
import type { SelfMetrics } from '../telemetry/selfMetrics';
import { BUSY_MESSAGE, type InflightBudget } from './budget';
import type { ExportOutcome, Receiver } from './receiver';
import { encodeStatus, RpcCode } from './status';

export interface OtlpHttpOptions {
  maxBodyBytes: number;
  /** Bytes of request bodies held at once, shared with the gRPC receiver. */
  budget: InflightBudget;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
  /**
   * The tenant of a request from its Authorization header, or null to refuse it (401)
   * before its body is read. Absent: everything is accepted.
   */
  ingestTenant?: (authorization: string | undefined) => string | null;
  timeouts: ListenerTimeouts;
}

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
const CONTENT_TYPES: Record<string, WireFormat> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};
const RETRY_AFTER_SECONDS = '1';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly outcome: string,
  ) {
    super(message);
  }
}

/**
 * OTLP/HTTP receiver on plain node:http: three routes on the hot path do not need a
 * framework. Bodies are bounded before and after decompression, and in total across
 * requests, so no input can grow memory without bound.
 */
export function createOtlpHttpServer(receiver: Receiver, metrics: SelfMetrics, opts: OtlpHttpOptions): Server {
  const { budget } = opts;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    const signal = PATHS[path];
    if (!signal)
      throw new HttpError(
        404,
        `unknown path ${path}; OTLP/HTTP paths are /v1/traces, /v1/logs, /v1/metrics`,
        'not_found',
      );
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new HttpError(405, 'OTLP/HTTP accepts POST only', 'method');
    }
    const tenant = opts.ingestTenant ? opts.ingestTenant(req.headers.authorization) : DEFAULT_TENANT;
    if (tenant === null) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'a valid ingest token is required (Authorization: Bearer <token>)', 'unauthenticated');
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = CONTENT_TYPES[contentType];
    if (!format) {
      throw new HttpError(
        415,
        `unsupported content type "${contentType}"; use application/x-protobuf or application/json`,
        'unsupported',
      );
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'gzip' && encoding !== 'identity') {
      throw new HttpError(415, `unsupported content encoding "${encoding}"; use gzip or none`, 'unsupported');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > opts.maxBodyBytes) throw new HttpError(413, tooLarge(opts.maxBodyBytes), 'too_large');
    if (budget.heldBytes + Math.max(declared, 0) > budget.maxBytes) throw new HttpError(429, BUSY_MESSAGE, 'busy');

    let held = 0;
    const hold = (n: number) => {
      held += n;
      if (!budget.take(n)) throw new HttpError(429, BUSY_MESSAGE, 'busy');
    };
    try {
      const raw = await readBody(req, opts.maxBodyBytes, hold);
      let body = raw;
      if (encoding === 'gzip') {
        body = await gunzipBounded(raw, opts.maxBodyBytes);
        hold(body.length);
      }
      const outcome = await receiver.export(signal, body, format, `http/${format}`, tenant);
      reply(res, format, outcome);
    } finally {
      budget.release(held);
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(400, 'could not read the request body', 'invalid');
      metrics.requests.inc({
        signal: PATHS[(req.url ?? '').split('?')[0]!] ?? 'none',
        protocol: 'http',
        outcome: e.outcome,
      });
      const format = CONTENT_TYPES[(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()] ?? 'json';
      if (e.status === 429) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
      send(res, e.status, format, encodeStatus(format, rpcCodeOf(e.status), e.message));
      // Stop reading an oversized or refused body; the client gets the answer first.
      if (!req.complete) req.resume();
    });
  };
  const options = httpServerOptions(opts.timeouts);
  const server = opts.tls
    ? createHttpsServer({ ...options, ...opts.tls }, onRequest)
    : createServer(options, onRequest);
  return server;
}

function reply(res: ServerResponse, format: WireFormat, outcome: ExportOutcome): void {
  if (outcome.kind === 'ok') {
    send(res, 200, format, outcome.response);
    return;
  }
  if (outcome.kind === 'invalid') {
    send(res, 400, format, encodeStatus(format, RpcCode.INVALID_ARGUMENT, outcome.message));
    return;
  }
  res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  if (outcome.kind === 'busy' || outcome.kind === 'over_quota')
    send(res, 429, format, encodeStatus(format, RpcCode.RESOURCE_EXHAUSTED, outcome.message));
  else send(res, 503, format, encodeStatus(format, RpcCode.UNAVAILABLE, outcome.message));
}

function send(res: ServerResponse, status: number, format: WireFormat, body: Uint8Array): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf',
    'Content-Length': body.length,
  });
  res.end(body);
}

const tooLarge = (max: number) => `request body exceeds the limit of ${max} bytes (ingest.maxBodyBytes)`;

function readBody(req: IncomingMessage, max: number, hold: (n: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error) => {
      req.removeAllListeners('data');
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return fail(new HttpError(413, tooLarge(max), 'too_large'));
      try {
        hold(chunk.length);
      } catch (err) {
        return fail(err as Error);
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => fail(new HttpError(400, 'the request body was cut off', 'invalid')));
  });
}

/** Decompresses with a hard output cap, so a gzip bomb costs at most `max` bytes. */
function gunzipBounded(raw: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: max }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        return reject(new HttpError(413, `${tooLarge(max)} after decompression`, 'too_large'));
      }
      reject(new HttpError(400, `invalid gzip body: ${err.message}`, 'invalid'));
    });
  });
}

function rpcCodeOf(status: number): number {
  if (status === 429) return RpcCode.RESOURCE_EXHAUSTED;
  if (status === 401) return 16; // UNAUTHENTICATED
  return RpcCode.INVALID_ARGUMENT;
}
