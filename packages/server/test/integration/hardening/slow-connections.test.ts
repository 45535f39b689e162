import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../helpers';
import { probeWhile } from '../../support/responsiveness';

const REQUEST_TIMEOUT_MS = 1500;
const PER_ADDRESS = 150;
const MAX_CONNECTIONS = 400;
// Slack for timers on a contended machine: the deadline is checked every headersTimeout / 10.
const SLACK_MS = 2500;

interface Slow {
  socket: Socket;
  /** ms from connect to the connection closing. */
  closedAfter: Promise<number>;
  /** True once the server has answered something (the 408 of a timed-out request). */
  answered: () => boolean;
  stop(): void;
}

/**
 * A client that sends the headers of `POST path` with a 1 KB body and then trickles one byte a
 * second, the way the attack held 19,657 descriptors of a default server.
 */
function slowPost(url: string, path: string, localAddress: string): Slow {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), localAddress });
  socket.on('error', () => {});
  // Read what the server answers (a 408), so its closing the connection is seen.
  let answered = false;
  socket.on('data', () => {
    answered = true;
  });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  socket.once('connect', () => {
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1024\r\n\r\n{`,
    );
    timer = setInterval(() => socket.write(' '), 1000);
  });
  const closedAfter = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(performance.now() - started);
    }),
  );
  return { socket, closedAfter, answered: () => answered, stop: () => socket.destroy() };
}

describe('slow connections cannot exhaust the server (issue 15 item 1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      sets: [
        'server.headersTimeout=1s',
        `server.requestTimeout=${REQUEST_TIMEOUT_MS}ms`,
        `server.maxConnections=${MAX_CONNECTIONS}`,
        `server.maxConnectionsPerAddress=${PER_ADDRESS}`,
        'otlp.grpcMaxConnectionAge=500ms',
      ],
    });
  });
  after(() => server.stop());

  test('a body trickled into the public login route is cut off at server.requestTimeout', async () => {
    const slow = slowPost(server.urls.api, '/api/v1/auth/login', '127.0.0.1');
    const ms = await Promise.race([slow.closedAfter, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
    slow.stop();
    assert.ok(ms > 0, 'the server never closed a connection that trickles its body');
    assert.ok(ms < REQUEST_TIMEOUT_MS + SLACK_MS, `closed after ${Math.round(ms)} ms`);
  });

  test('OTLP/HTTP: a trickled export body and a connection that sends nothing are cut off', async () => {
    const slow = slowPost(server.urls.otlpHttp, '/v1/traces', '127.0.0.1');
    const { hostname, port } = new URL(server.urls.otlpHttp);
    const silent = connect({ host: hostname, port: Number(port) });
    silent.on('error', () => {});
    silent.resume();
    const started = performance.now();
    const silentClosed = new Promise<number>((r) => silent.once('close', () => r(performance.now() - started)));
    const [a, b] = await Promise.all([slow.closedAfter, silentClosed]);
    assert.ok(a < REQUEST_TIMEOUT_MS + SLACK_MS, `trickled export closed after ${Math.round(a)} ms`);
    assert.ok(b < REQUEST_TIMEOUT_MS + SLACK_MS, `silent connection closed after ${Math.round(b)} ms`);
  });

  test('hundreds of slow connections from one address: capped, and /readyz and ingest stay responsive', async (t) => {
    // The attacker is 127.0.0.2; the probes (an operator's health check, an honest exporter) are 127.0.0.1.
    const attack = Array.from({ length: 2 * PER_ADDRESS }, (_, i) =>
      slowPost(i % 2 ? server.urls.api : server.urls.otlpHttp, i % 2 ? '/api/v1/auth/login' : '/v1/logs', '127.0.0.2'),
    );
    const allClosed = Promise.all(attack.map((s) => s.closedAfter));
    const probed = await probeWhile(server, allClosed);
    const closedAfter = await allClosed;
    // Refused at accept: closed without an answer; the others were answered 408 at their deadline.
    const refused = attack.filter((s) => !s.answered()).length;
    assert.equal(refused, attack.length - PER_ADDRESS, `per-address cap ${PER_ADDRESS}, ${attack.length} opened`);
    assert.ok(
      Math.max(...closedAfter) < REQUEST_TIMEOUT_MS + SLACK_MS,
      `the last slow connection was closed after ${Math.round(Math.max(...closedAfter))} ms`,
    );
    t.diagnostic(
      `probes ${probed.probes}: /readyz max ${Math.round(probed.readyzMaxMs)} ms, ingest max ${Math.round(probed.ingestMaxMs)} ms`,
    );
    assert.deepEqual(probed.failures, []);
    assert.ok(probed.probes >= 3, `only ${probed.probes} probes ran`);
    assert.ok(probed.readyzMaxMs < 1000, `/readyz took up to ${Math.round(probed.readyzMaxMs)} ms`);
    assert.ok(probed.ingestMaxMs < 2000, `a 1-span export took up to ${Math.round(probed.ingestMaxMs)} ms`);
  });

  test('the total cap holds across addresses and listeners', async () => {
    // Three attacking addresses, each under its own cap, together over the total.
    const urls = [server.urls.api, server.urls.otlpHttp];
    const attack = Array.from({ length: MAX_CONNECTIONS + 60 }, (_, i) =>
      slowPost(urls[i % 2]!, '/v1/logs', `127.0.0.${3 + (i % 3)}`),
    );
    await Promise.all(attack.map((s) => s.closedAfter));
    const refused = attack.filter((s) => !s.answered()).length;
    assert.equal(refused, attack.length - MAX_CONNECTIONS, `total cap ${MAX_CONNECTIONS}, ${attack.length} opened`);
  });

  test('gRPC: a call whose message never finishes is closed after the connection age and grace', async () => {
    const session = h2connect(`http://${server.urls.otlpGrpc}`);
    session.on('error', () => {});
    const started = performance.now();
    const stream = session.request({
      ':method': 'POST',
      ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => {});
    // A gRPC frame header announcing 1 MB, then a trickle that never reaches it.
    stream.write(Buffer.from([0, 0, 0x10, 0, 0]));
    const timer = setInterval(() => stream.write(Buffer.alloc(1)), 200);
    const ms = await Promise.race([
      new Promise<number>((r) => session.once('close', () => r(performance.now() - started))),
      new Promise<number>((r) => setTimeout(() => r(-1), 10_000)),
    ]);
    clearInterval(timer);
    session.destroy();
    assert.ok(ms > 0, 'the gRPC connection stayed open');
    assert.ok(ms < 500 + REQUEST_TIMEOUT_MS + SLACK_MS, `closed after ${Math.round(ms)} ms`);
  });
});
