import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createGrpcExporter } from '../../src/send/grpc-exporter';

interface Seen {
  path: string;
  encoding: string;
  compressedFlag: number;
  message: Buffer;
  authorization: string;
}

/** A bare HTTP/2 server speaking just enough gRPC to show what the exporter puts on the wire. */
async function wireServer(): Promise<{ address: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const frame = Buffer.concat(chunks);
      const compressedFlag = frame[0];
      const payload = frame.subarray(5, 5 + frame.readUInt32BE(1));
      seen.push({
        path: String(headers[':path']),
        encoding: String(headers['grpc-encoding'] ?? ''),
        compressedFlag,
        message: compressedFlag ? gunzipSync(payload) : payload,
        authorization: String(headers.authorization ?? ''),
      });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      // An empty ExportTraceServiceResponse: not compressed, zero length.
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OTLP/gRPC on the wire', () => {
  for (const gzip of [false, true]) {
    it(`sends the bytes as given to the collector path${gzip ? ', gzip-compressed' : ''}`, async () => {
      const server = await wireServer();
      const exporter = createGrpcExporter({
        endpoint: server.address,
        gzip,
        headers: { Authorization: 'Bearer x' },
        timeoutMs: 5000,
      });
      try {
        const body = Buffer.from('opaque, already encoded bytes '.repeat(50));
        const result = await exporter.export('logs', body);
        assert.deepEqual(result, { ok: true, rejected: 0, message: '' });
        assert.equal(server.seen.length, 1);
        const [s] = server.seen;
        assert.equal(s.path, '/opentelemetry.proto.collector.logs.v1.LogsService/Export');
        assert.equal(s.encoding, gzip ? 'gzip' : '');
        assert.equal(s.compressedFlag, gzip ? 1 : 0);
        assert.deepEqual(s.message, body);
        assert.equal(s.authorization, 'Bearer x');
      } finally {
        await exporter.close();
        await server.close();
      }
    });
  }
});
