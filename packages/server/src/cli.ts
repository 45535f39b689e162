import { parseArgs } from 'node:util';
import { formatSummary, loadgenUsage, parseLoadgenArgs, runLoadgen } from '@tracehouse/loadgen';
import { sloCommand } from './cli/slo';
import { accountsCommand } from './cli/users';
import { loadConfig } from './config/load';
import type { ConfigKey } from './config/schema';
import { limitHeapGrowth } from './runtime/heapGrowth';
import { startServer } from './server';
import { urlWithoutPassword } from './url';
import { VERSION } from './version';

const USAGE = `tracehouse ${VERSION}: trace-first observability on ClickHouse

Usage:
  tracehouse start [options]     receive OTLP, store it, serve the API and UI
  tracehouse loadgen [options]   drive synthetic OTLP traffic (tracehouse loadgen --help)
  tracehouse users|tokens ...    manage users and API/ingest tokens (tracehouse users --help)
  tracehouse slo rules [opts]    print the SLOs' generated rules as a Prometheus rule file
  tracehouse help | version

start options:
  --data-dir DIR           embedded store directory (default ./data)
  --clickhouse-url URL     use a ClickHouse server or cluster instead of the embedded engine
  --port N                 UI + API port (default 3200)
  --otlp-http-port N       OTLP/HTTP port (default 4318)
  --otlp-grpc-port N       OTLP/gRPC port (default 4317)
  --host ADDR              interface to bind (default 127.0.0.1)
  --config FILE            YAML configuration file
  --set key=value          override any config key (repeatable); durations like 5s, 250ms, 14d
  --allow-anonymous        no login (local development; loopback binds only)
Access: TRACEHOUSE_ADMIN_TOKEN=<secret> makes <secret> an admin API token; a first start
without it, users or --allow-anonymous prints a one-time login link.
Every key also reads TRACEHOUSE_<KEY> from the environment. Precedence: --set > env > file > default.
See docs/configuration.md for the keys.`;

const FLAG_KEYS: Record<string, ConfigKey> = {
  'data-dir': 'storage.dataDir',
  'clickhouse-url': 'storage.clickhouseUrl',
  port: 'server.port',
  'otlp-http-port': 'otlp.httpPort',
  'otlp-grpc-port': 'otlp.grpcPort',
  host: 'server.host',
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'loadgen':
      return loadgen(rest);
    case 'users':
    case 'tokens':
      return accountsCommand(command, rest);
    case 'slo':
      return sloCommand(rest);
    case 'version':
    case '--version':
      console.log(VERSION);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function start(args: string[]): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    const { values } = parseArgs({
      args,
      options: {
        ...Object.fromEntries(Object.keys(FLAG_KEYS).map((f) => [f, { type: 'string' as const }])),
        config: { type: 'string' },
        set: { type: 'string', multiple: true },
        help: { type: 'boolean' },
        'allow-anonymous': { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const flags: Record<string, unknown> = Object.fromEntries(
      Object.entries(FLAG_KEYS).map(([flag, key]) => [key, (values as Record<string, unknown>)[flag]]),
    );
    if (values['allow-anonymous']) flags['auth.allowAnonymous'] = true;
    // The contract's name for the admin token; TRACEHOUSE_AUTH_ADMIN_TOKEN works too.
    if (process.env.TRACEHOUSE_ADMIN_TOKEN && !process.env.TRACEHOUSE_AUTH_ADMIN_TOKEN)
      flags['auth.adminToken'] = process.env.TRACEHOUSE_ADMIN_TOKEN;
    config = loadConfig({
      file: values.config as string | undefined,
      env: process.env,
      sets: values.set as string[],
      flags,
    });
  } catch (err) {
    console.error(`tracehouse start: ${(err as Error).message}`);
    return 2;
  }

  limitHeapGrowth();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (err) {
    console.error(`tracehouse start: ${(err as Error).message}`);
    return 1;
  }
  const where = config['storage.clickhouseUrl']
    ? `ClickHouse at ${urlWithoutPassword(config['storage.clickhouseUrl'])}`
    : `embedded store in ${config['storage.dataDir']}`;
  console.log(`tracehouse ${VERSION} started (${where})
  UI and API    ${server.urls.api}/   (OpenAPI: ${server.urls.api}/api/v1/openapi.json)
  OTLP/HTTP     ${server.urls.otlpHttp}   (POST /v1/traces, /v1/logs, /v1/metrics)
  OTLP/gRPC     ${server.urls.otlpGrpc}
  Send data:    OTEL_EXPORTER_OTLP_ENDPOINT=${server.urls.otlpHttp}
  Access:       ${server.access}`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: stopping; flushing acknowledged data`);
      server.close().then(resolve, (err) => {
        console.error(`shutdown error: ${(err as Error).message}`);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  console.log('stopped');
  return 0;
}

async function loadgen(args: string[]): Promise<number> {
  let options: ReturnType<typeof parseLoadgenArgs>;
  try {
    options = parseLoadgenArgs(args);
  } catch (err) {
    console.error(`tracehouse loadgen: ${(err as Error).message}\n\n${loadgenUsage()}`);
    return 2;
  }
  if (options.help) {
    console.log(loadgenUsage());
    return 0;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const summary = await runLoadgen({ ...options, signal: abort.signal });
  console.log(options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  return summary.failures > 0 ? 1 : 0;
}
