// The official OpenTelemetry SDKs of the seeds' languages, each exporting traces, logs and
// metrics over every OTLP protocol it has, into one tracehouse: what the API gives back equals
// what was sent (support/signal-set.ts). setup.sh installs the clients (npm run test:interop).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { runJson } from './support/run';
import { assertSignalSet, type EmittedIds } from './support/signal-set';
import { INTEROP_DIR, requireTool, toolchain } from './support/toolchain';

type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

interface Client {
  name: string;
  protocols: Protocol[];
  /** The client has 64-bit integers (JavaScript numbers stop at 2^53). */
  int64: boolean;
  command(): [string, string[]];
}

const js3Client = (major: 22 | 24): Client => ({
  name: `node${major}-otel-js3`,
  protocols: ['http/protobuf', 'http/json', 'grpc'],
  int64: false,
  command: () => [requireTool(toolchain.node(major)), [join(toolchain.js3Dir, 'client.mjs')]],
});

const CLIENTS: Client[] = [
  {
    name: 'go',
    protocols: ['http/protobuf', 'grpc'],
    int64: true,
    command: () => [requireTool(toolchain.goClient), []],
  },
  {
    name: 'python',
    protocols: ['http/protobuf', 'grpc'],
    int64: true,
    command: () => [requireTool(toolchain.python), [toolchain.pythonClient]],
  },
  js3Client(22),
  js3Client(24),
];

describe('official OpenTelemetry SDKs of Go, Python and JS 3.x into tracehouse', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    // The JS client runs beside the 3.x packages, so it resolves them and not the root's 2.x.
    copyFileSync(join(INTEROP_DIR, 'node/client.mjs'), join(requireTool(toolchain.js3Dir), 'client.mjs'));
  });
  after(() => server?.stop());

  for (const client of CLIENTS) {
    for (const protocol of client.protocols) {
      test(`${client.name} over ${protocol}: traces, logs and metrics come back as sent`, async (t) => {
        const started = Date.now();
        const service = `interop-${client.name}-${protocol.replace('/', '-')}`;
        const base = protocol === 'grpc' ? `http://${server.urls.otlpGrpc}` : server.urls.otlpHttp;
        const [command, prefix] = client.command();
        const ids = await runJson<EmittedIds>(command, [...prefix, 'emit', protocol, base, service]);
        await assertSignalSet(server.get, service, ids, { int64: client.int64 });
        t.diagnostic(
          `interop: ${client.name.padEnd(16)} ${protocol.padEnd(13)} traces+logs+metrics equal (${Date.now() - started} ms)`,
        );
      });
    }
  }
});
