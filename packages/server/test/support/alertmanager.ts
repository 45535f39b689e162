// Debian's Alertmanager (/usr/bin/prometheus-alertmanager), started by a test on free loopback
// ports with a temporary config and storage directory; it forwards notifications to a webhook
// receiver the test runs, so a test sees both Alertmanager's alerts and the pages it sends.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

export interface Notification {
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string }[];
}

/** A POST-JSON receiver on a free port: what Alertmanager (or tracehouse's webhook) sent. */
export async function startReceiver(): Promise<{ url: string; received: Notification[]; close(): Promise<void> }> {
  const received: Notification[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      try {
        received.push(JSON.parse(body) as Notification);
      } catch {}
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface RunningAlertmanager {
  url: string;
  port: number;
  alerts(): Promise<AmAlert[]>;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager on `port` (a free one by default). Notifications go to `webhookUrl`
 * at once (group_wait 0s) and repeat only after an hour, so every page the test sees is a
 * new notification, not a reminder.
 */
export async function startAlertmanager(webhookUrl: string, port?: number): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehouse-am-'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: hook
  group_by: ['...']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${webhookUrl}
        send_resolved: true
`,
  );
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${p}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await until('alertmanager ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 30_000).catch(
    (err) => {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}: ${stderr}`);
    },
  );
  return {
    url,
    port: p,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts?active=true&silenced=false&inhibited=false`);
      return (await res.json()) as AmAlert[];
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
