import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Metadata, Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeExportResponse,
  type LogRecord,
  type SpanRecord,
  type WireFormat,
} from '@tracehouse/otlp';
import { OTLP_GRPC_SERVICES } from '../../src/index';

type Signal = 'traces' | 'logs' | 'metrics';

export interface CaptureOptions {
  /** Refuse this many requests first: HTTP 429 + Retry-After / gRPC RESOURCE_EXHAUSTED + RetryInfo. */
  throttleFirst?: number;
  retryAfterSeconds?: number;
  /** Reject this many items of every accepted request through partial_success. */
  rejectPerRequest?: number;
  /** Refuse every request for good (HTTP 400 / gRPC INVALID_ARGUMENT). */
  refuseAll?: boolean;
}

export interface CapturedRequest {
  signal: Signal;
  transport: 'http' | 'grpc';
  format: WireFormat;
  gzip: boolean;
  authorization: string;
  traceIds: string[];
  items: number;
}

/** What a local OTLP receiver got: decoded with @tracehouse/otlp, so it checks the wire format too. */
export class Capture {
  readonly spans: SpanRecord[] = [];
  readonly logs: LogRecord[] = [];
  metricPoints = 0;
  readonly requests: CapturedRequest[] = [];
  refused = 0;
  private throttled = 0;

  constructor(private readonly o: CaptureOptions) {}

  /** Whether to refuse this request, for the throttling mode. */
  throttle(): boolean {
    if (this.throttled < (this.o.throttleFirst ?? 0)) {
      this.throttled++;
      this.refused++;
      return true;
    }
    return false;
  }

  accept(signal: Signal, body: Uint8Array, r: Omit<CapturedRequest, 'signal' | 'traceIds' | 'items'>): number {
    let items = 0;
    let traceIds: string[] = [];
    if (signal === 'traces') {
      const records = decodeTraces(body, r.format).records;
      this.spans.push(...records);
      items = records.length;
      traceIds = records.map((s) => s.TraceId);
    } else if (signal === 'logs') {
      const records = decodeLogs(body, r.format).records;
      this.logs.push(...records);
      items = records.length;
      traceIds = records.map((s) => s.TraceId);
    } else {
      const b = decodeMetrics(body, r.format).records;
      items = b.gauge.length + b.sum.length + b.histogram.length + b.expHistogram.length + b.summary.length;
      this.metricPoints += items;
    }
    this.requests.push({ ...r, signal, traceIds, items });
    return Math.min(items, this.o.rejectPerRequest ?? 0);
  }
}

export interface CaptureServer {
  httpUrl: string;
  grpcAddress: string;
  capture: Capture;
  close(): Promise<void>;
}

function retryInfo(seconds: number): Buffer {
  // google.rpc.Status { code = 8, details = [Any { RetryInfo { retry_delay { seconds } } }] }
  const typeUrl = Buffer.from('type.googleapis.com/google.rpc.RetryInfo');
  const duration = Buffer.from([0x08, seconds]);
  const info = Buffer.concat([Buffer.from([0x0a, duration.length]), duration]);
  const any = Buffer.concat([Buffer.from([0x0a, typeUrl.length]), typeUrl, Buffer.from([0x12, info.length]), info]);
  return Buffer.concat([Buffer.from([0x08, 0x08, 0x1a, any.length]), any]);
}

export async function startCaptureServer(o: CaptureOptions = {}): Promise<CaptureServer> {
  const capture = new Capture(o);
  const retryAfter = o.retryAfterSeconds ?? 1;

  const httpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const signal = (req.url ?? '').replace('/v1/', '') as Signal;
      const format: WireFormat = (req.headers['content-type'] ?? '').includes('json') ? 'json' : 'protobuf';
      if (o.refuseAll) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no"}');
        return;
      }
      if (capture.throttle()) {
        res.writeHead(429, { 'retry-after': String(retryAfter) }).end();
        return;
      }
      const gzip = req.headers['content-encoding'] === 'gzip';
      const raw = Buffer.concat(chunks);
      const rejected = capture.accept(signal, gzip ? gunzipSync(raw) : raw, {
        transport: 'http',
        format,
        gzip,
        authorization: String(req.headers.authorization ?? ''),
      });
      res.writeHead(200, { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' });
      res.end(encodeExportResponse(signal, format, rejected, rejected ? 'rejected by the test server' : ''));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));

  const grpcServer = new Server();
  for (const [signal, service] of Object.entries(OTLP_GRPC_SERVICES) as [
    Signal,
    (typeof OTLP_GRPC_SERVICES)[Signal],
  ][]) {
    grpcServer.addService(service, {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        if (o.refuseAll) {
          callback({ code: status.INVALID_ARGUMENT, details: 'no' });
          return;
        }
        if (capture.throttle()) {
          const metadata = new Metadata();
          metadata.set('grpc-status-details-bin', retryInfo(retryAfter));
          callback({ code: status.RESOURCE_EXHAUSTED, details: 'slow down', metadata });
          return;
        }
        const rejected = capture.accept(signal, call.request, {
          transport: 'grpc',
          format: 'protobuf',
          gzip: call.metadata.get('grpc-encoding')[0] === 'gzip',
          authorization: String(call.metadata.get('authorization')[0] ?? ''),
        });
        callback(null, Buffer.from(encodeExportResponse(signal, 'protobuf', rejected, rejected ? 'rejected' : '')));
      },
    });
  }
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );

  return {
    httpUrl: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    capture,
    async close() {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
    },
  };
}
