import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Store } from '@tracehouse/store';
import * as accounts from '../auth/accounts';
import { loadConfig } from '../config/load';
import { storeOptions } from '../config/storeOptions';
import { parseDuration } from '../config/units';

export const ACCOUNTS_USAGE = `Users and tokens (run against the store of a stopped server, or a shared ClickHouse server):
  tracehouse users add NAME --role admin|ops|viewer [--tenant T] [--password-stdin]   (an existing NAME gets the new role, tenant and password)
  tracehouse users list
  tracehouse users remove NAME
  tracehouse tokens create --name NAME (--role admin|ops|viewer | --ingest) [--tenant T] [--expires 90d]
  (--tenant: the tenant an ingest token writes to, or whose data a user or API token reads; default 'default')
  tracehouse tokens list
  tracehouse tokens revoke ID
  common options: --data-dir DIR, --clickhouse-url URL, --config FILE, --set key=value
A running server picks up changes within 10 s; with the embedded store, use the admin API
(/api/v1/admin/users, /api/v1/admin/tokens) while the server runs.`;

const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  'clickhouse-url': { type: 'string' },
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
} as const;

async function openStore(values: Record<string, unknown>): Promise<Store> {
  const config = loadConfig({
    file: values.config as string | undefined,
    env: process.env,
    sets: values.set as string[] | undefined,
    flags: { 'storage.dataDir': values['data-dir'], 'storage.clickhouseUrl': values['clickhouse-url'] },
  });
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

  // Before the store opens: chDB refuses inserts while stdin is an unread pipe.
  const password = group === 'users' && action === 'add' ? await readPassword(Boolean(values['password-stdin'])) : '';
  let store: Store;
  try {
    store = await openStore(values);
  } catch (err) {
    const msg = (err as Error).message;
    console.error(
      /lock file|already running/i.test(msg)
        ? `tracehouse ${group}: the embedded store is in use by a running server; stop it, or use the admin API`
        : `tracehouse ${group}: cannot open the store: ${msg.split('\n')[0]}`,
    );
    return 1;
  }
  const auth = store.auth;
  const actor = `cli:${process.env.USER ?? 'unknown'}`;
  const audit = (action: string, target: string, detail = '') =>
    auth.appendAudit({ actor, action, target, outcome: 'ok', remoteAddr: 'local', detail });
  try {
    if (group === 'users' && action === 'list') {
      for (const u of await auth.listUsers()) console.log(`${u.username}\t${u.role}\ttenant=${u.tenant}`);
    } else if (group === 'users' && action === 'add') {
      const u = await accounts.addUser(auth, {
        username: target!,
        role: values.role ?? '',
        password,
        tenant: values.tenant,
      });
      await audit('user.put', u.username, `role=${u.role} tenant=${u.tenant}`);
      console.log(`user ${u.username} (${u.role}, tenant ${u.tenant}) saved`);
    } else if (group === 'users' && action === 'remove') {
      if (!(await accounts.removeUser(auth, target!))) {
        console.error(`no user ${target}`);
        return 1;
      }
      await audit('user.remove', target!);
      console.log(`user ${target} removed`);
    } else if (action === 'list') {
      for (const t of (await auth.listTokens()).map(accounts.tokenInfo)) {
        const what = t.kind === 'api' ? `role=${t.role} tenant=${t.tenant}` : `tenant=${t.tenant}`;
        const state = t.revokedAtMs ? 'revoked' : 'active';
        console.log(`${t.id}\t${t.kind}\t${what}\t${state}\t${t.name}`);
      }
    } else if (action === 'create') {
      const expires = values.expires ? Date.now() + parseDuration(values.expires) : null;
      const { secret, token } = await accounts.createToken(auth, {
        name: values.name ?? '',
        kind: values.ingest ? 'ingest' : 'api',
        role: values.role,
        tenant: values.tenant,
        expiresAtMs: expires,
        createdBy: actor,
      });
      await audit(
        'token.create',
        token.id,
        token.kind === 'api' ? `api role=${token.role} tenant=${token.tenant}` : `ingest tenant=${token.tenant}`,
      );
      console.error(`token ${token.id} created; the secret below is shown only now:`);
      console.log(secret);
    } else {
      if (!(await accounts.revokeToken(auth, target!))) {
        console.error(`no active token ${target}`);
        return 1;
      }
      await audit('token.revoke', target!);
      console.log(`token ${target} revoked`);
    }
    return 0;
  } catch (err) {
    if (err instanceof accounts.AccountError) {
      console.error(`tracehouse ${group} ${action}: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await store.close();
  }
}
