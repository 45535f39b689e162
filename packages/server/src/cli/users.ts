import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Store } from '@tracehouse/store';
import { AccountError } from '../auth/accounts';
import { loadConfig } from '../config/load';
import type { Config } from '../config/schema';
import { storeOptions } from '../config/storeOptions';
import { parseDuration } from '../config/units';
import { type AccountsBackend, storeBackend } from './accountsBackend';
import { adminClient, RefusedError, UnreachableError } from './adminClient';
import { storeHolder } from './storeInUse';

export const ACCOUNTS_USAGE = `Users and tokens, in the store of a stopped server (or a shared ClickHouse server), or
through a running server's admin API:
  tracehouse users add NAME --role admin|ops|viewer [--tenant T] [--password-stdin]   (an existing NAME gets the new role, tenant and password)
  tracehouse users list
  tracehouse users remove NAME
  tracehouse tokens create --name NAME (--role admin|ops|viewer | --ingest) [--tenant T] [--expires 90d]
  (--tenant: the tenant an ingest token writes to, or whose data a user or API token reads; default 'default')
  tracehouse tokens list
  tracehouse tokens revoke ID
  common options: --data-dir DIR, --clickhouse-url URL, --config FILE, --set key=value,
    --server URL (or TRACEHOUSE_URL): send the change to that running server
While a server holds the embedded store, the command goes through that server (its address
from the same config: server.host, server.port) with an admin API token from TRACEHOUSE_TOKEN,
else TRACEHOUSE_ADMIN_TOKEN. A running server picks up changes made in a shared ClickHouse
server within 10 s.`;

const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  'clickhouse-url': { type: 'string' },
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
} as const;

function readConfig(values: Record<string, unknown>): Config {
  return loadConfig({
    file: values.config as string | undefined,
    env: process.env,
    sets: values.set as string[] | undefined,
    flags: { 'storage.dataDir': values['data-dir'], 'storage.clickhouseUrl': values['clickhouse-url'] },
  });
}

async function openStore(config: Config): Promise<Store> {
  // Account changes are few and must be on disk before the command exits: no batching.
  return Store.open(
    storeOptions(config, {
      writer: { batchRows: 1, flushIntervalMs: 10, maxQueuedBytes: 1 << 20, maxInsertRows: 1000 },
    }),
  );
}

/** A password from stdin (first line) or, on a terminal, typed without echo. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  process.stdout.write('password: ');
  const rl = createInterface({ input: process.stdin, output: undefined, terminal: true });
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

/** The running server this config starts: its UI + API address as seen from this machine. */
export function serverUrl(config: Config): string {
  const host = config['server.host'];
  // A wildcard bind answers on loopback too.
  const h =
    host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `${config['tls.certFile'] ? 'https' : 'http'}://${h}:${config['server.port']}`;
}

/** An admin API token for the server: a personal one first, else the server's admin token. */
function apiToken(config: Config): string {
  return process.env.TRACEHOUSE_TOKEN || process.env.TRACEHOUSE_ADMIN_TOKEN || config['auth.adminToken'];
}

/** `tracehouse users ...` and `tracehouse tokens ...`; returns the exit code. */
export async function accountsCommand(group: 'users' | 'tokens', args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...STORE_OPTIONS,
        server: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        name: { type: 'string' },
        ingest: { type: 'boolean' },
        tenant: { type: 'string' },
        expires: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  try {
    parsed = parse();
  } catch (err) {
    console.error(`tracehouse ${group}: ${(err as Error).message}\n\n${ACCOUNTS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, target] = positionals;
  if (values.help || !action) {
    console.log(ACCOUNTS_USAGE);
    return values.help ? 0 : 2;
  }
  const known = group === 'users' ? ['add', 'list', 'remove'] : ['create', 'list', 'revoke'];
  if (!known.includes(action)) {
    console.error(`tracehouse ${group}: unknown action "${action}"\n\n${ACCOUNTS_USAGE}`);
    return 2;
  }
  if (['add', 'remove', 'revoke'].includes(action) && !target) {
    console.error(`tracehouse ${group} ${action}: which one?\n\n${ACCOUNTS_USAGE}`);
    return 2;
  }
  let config: Config;
  let expiresInMs: number | null = null;
  try {
    config = readConfig(values);
    if (values.expires) expiresInMs = parseDuration(values.expires);
  } catch (err) {
    console.error(`tracehouse ${group}: ${(err as Error).message}`);
    return 2;
  }

  // Before the store opens: chDB refuses inserts while stdin is an unread pipe.
  const password = group === 'users' && action === 'add' ? await readPassword(Boolean(values['password-stdin'])) : '';
  const remoteUrl = values.server || process.env.TRACEHOUSE_URL;
  let backend: AccountsBackend;
  let store: Store | undefined;
  if (remoteUrl) {
    const token = apiToken(config);
    if (!token) {
      console.error(
        `tracehouse ${group}: to change accounts through ${remoteUrl}, set TRACEHOUSE_TOKEN to an admin API token`,
      );
      return 2;
    }
    backend = adminClient({ baseUrl: remoteUrl, token });
  } else {
    const holder = config['storage.clickhouseUrl'] ? null : storeHolder(config['storage.dataDir']);
    if (holder !== null) {
      // A running server holds the embedded store: ask it instead.
      const url = serverUrl(config);
      const token = apiToken(config);
      if (!token) {
        console.error(
          `tracehouse ${group}: a running server (pid ${holder}) holds the embedded store, so this command must go through it (${url}), and that needs an admin API token:\n` +
            `  TRACEHOUSE_TOKEN=<admin API token> npx tracehouse ${group} ${args.join(' ')}\n` +
            `(an admin creates one on the Admin page, ${url}/access; the server's TRACEHOUSE_ADMIN_TOKEN works too), or stop the server and run this command again`,
        );
        return 2;
      }
      console.error(
        `tracehouse ${group}: the embedded store is in use (pid ${holder}); asking the running server at ${url}`,
      );
      backend = adminClient({ baseUrl: url, token });
    } else {
      try {
        store = await openStore(config);
      } catch (err) {
        console.error(`tracehouse ${group}: cannot open the store: ${(err as Error).message.split('\n')[0]}`);
        return 1;
      }
      backend = storeBackend(store, `cli:${process.env.USER ?? 'unknown'}`);
    }
  }
  try {
    return await run(backend, group, action, target, { ...values, password, expiresInMs });
  } catch (err) {
    if (err instanceof AccountError) {
      console.error(`tracehouse ${group} ${action}: ${err.message}`);
      return 2;
    }
    if (err instanceof UnreachableError)
      console.error(
        `tracehouse ${group} ${action}: ${err.message}; nothing was changed. Is the server running? Pass --server URL if it listens elsewhere.`,
      );
    else if (err instanceof RefusedError) console.error(`tracehouse ${group} ${action}: ${err.message}`);
    else throw err;
    return 1;
  } finally {
    await store?.close();
  }
}

/** One action on a backend, printed the same way whether it ran on the store or the server. */
async function run(
  backend: AccountsBackend,
  group: 'users' | 'tokens',
  action: string,
  target: string | undefined,
  v: {
    role?: string;
    tenant?: string;
    name?: string;
    ingest?: boolean;
    password: string;
    expiresInMs: number | null;
  },
): Promise<number> {
  if (group === 'users' && action === 'list') {
    for (const u of await backend.listUsers()) console.log(`${u.username}\t${u.role}\ttenant=${u.tenant}`);
  } else if (group === 'users' && action === 'add') {
    const u = await backend.putUser({ username: target!, role: v.role ?? '', password: v.password, tenant: v.tenant });
    console.log(`user ${u.username} (${u.role}, tenant ${u.tenant}) saved`);
  } else if (group === 'users' && action === 'remove') {
    if (!(await backend.removeUser(target!))) {
      console.error(`no user ${target}`);
      return 1;
    }
    console.log(`user ${target} removed`);
  } else if (action === 'list') {
    for (const t of await backend.listTokens()) {
      const what = t.kind === 'api' ? `role=${t.role} tenant=${t.tenant}` : `tenant=${t.tenant}`;
      const state = t.revokedAtMs ? 'revoked' : 'active';
      console.log(`${t.id}\t${t.kind}\t${what}\t${state}\t${t.name}`);
    }
  } else if (action === 'create') {
    const { secret, token } = await backend.createToken({
      name: v.name ?? '',
      kind: v.ingest ? 'ingest' : 'api',
      role: v.role,
      tenant: v.tenant,
      expiresInMs: v.expiresInMs,
    });
    console.error(`token ${token.id} created; the secret below is shown only now:`);
    console.log(secret);
  } else {
    if (!(await backend.revokeToken(target!))) {
      console.error(`no active token ${target}`);
      return 1;
    }
    console.log(`token ${target} revoked`);
  }
  return 0;
}
