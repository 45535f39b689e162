/**
 * A trivial OTLP sink for measuring the load generator alone: it reads every request
 * body, counts the bytes and answers success, over OTLP/HTTP and OTLP/gRPC. Run it in
 * its own process so that it does not share the load generator's core.
 *
 *   node --import tsx packages/loadgen/bench/sink.ts [httpPort] [grpcPort]
 * prints `sink: http=<port> grpc=<port>` once listening.
 */
import http from 'node:http';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { OTLP_GRPC_SERVICES } from '../src/index';

const [httpPort = '0', grpcPort = '0'] = process.argv.slice(2);
let bytes = 0;

const httpServer = http.createServer((req, res) => {
  req.on('data', (c: Buffer) => {
    bytes += c.length;
  });
  req.on('end', () => {
    const json = (req.headers['content-type'] ?? '').includes('json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
  });
});
httpServer.keepAliveTimeout = 60_000;

const grpcServer = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
for (const service of Object.values(OTLP_GRPC_SERVICES)) {
  grpcServer.addService(service, {
    Export: (call: { request: Buffer }, callback: (err: null, res: Buffer) => void) => {
      bytes += call.request.length;
      callback(null, Buffer.alloc(0));
    },
  });
}

httpServer.listen(Number(httpPort), '127.0.0.1', () => {
  grpcServer.bindAsync(`127.0.0.1:${grpcPort}`, ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    const address = httpServer.address();
    console.log(`sink: http=${typeof address === 'object' && address ? address.port : 0} grpc=${port}`);
  });
});
process.on('SIGTERM', () => {
  console.log(`sink: bytes=${bytes}`);
  process.exit(0);
});
