import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client, credentials, status } from '@grpc/grpc-js';
import { encodeTracesData } from '@tracehouse/otlp';
import { hex, span } from '../../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../../helpers';

const BUDGET = 1024 * 1024;

describe('gRPC shares the in-flight byte budget and caps streams (issue 15 item 5)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      sets: [`ingest.maxInflightBytes=${BUDGET}`, 'ingest.maxBodyBytes=4MiB', 'otlp.grpcMaxConcurrentStreams=4'],
    });
  });
  after(() => server.stop());

  function exportGrpc(body: Uint8Array): Promise<{ code: number; details: string }> {
    const client = new Client(server.urls.otlpGrpc, credentials.createInsecure());
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        (err) => {
          client.close();
          resolve({ code: err?.code ?? status.OK, details: err?.details ?? '' });
        },
      );
    });
  }

  test('bytes held by an OTLP/HTTP body count against a gRPC export, and are given back', async () => {
    // An HTTP export that has sent 900 KB of its body and is still sending.
    const { hostname, port } = new URL(server.urls.otlpHttp);
    const slow = connect({ host: hostname, port: Number(port) });
    slow.on('error', () => {});
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write(
      `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${BUDGET - 1}\r\n\r\n`,
    );
    slow.write(Buffer.alloc(900 * 1024));
    await new Promise((r) => setTimeout(r, 300));

    const traceId = hex(16);
    const body = encodeTracesData(Array.from({ length: 1000 }, () => span(traceId)));
    assert.ok(body.length > 200 * 1024, `body of ${body.length} bytes`);
    const refused = await exportGrpc(body);
    assert.equal(refused.code, status.RESOURCE_EXHAUSTED);
    assert.match(refused.details, /ingest\.maxInflightBytes/);

    slow.destroy();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await exportGrpc(body)).code, status.OK);
  });

  test('a gRPC connection is told how many calls it may have in flight', async () => {
    const session = h2connect(`http://${server.urls.otlpGrpc}`);
    session.on('error', () => {});
    const settings = await new Promise<{ maxConcurrentStreams?: number }>((r) => session.once('remoteSettings', r));
    session.destroy();
    assert.equal(settings.maxConcurrentStreams, 4);
  });
});
