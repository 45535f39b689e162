// Starts TypeScript entry points as real Node processes (through tsx, as services run) and keeps
// their output by line, so tests can wait for readiness and inspect what each process printed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildHandle {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** The first line (already printed or still to come) on stdout that matches. */
  waitForLine(pattern: RegExp, timeoutMillis?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

// A crashed test must not leave services listening behind it.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The parent's environment without any OpenTelemetry or tracehouse setting, so tests start clean. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_') && !key.startsWith('TRACEHOUSE_') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function spawnTs(
  entry: string | URL,
  env: NodeJS.ProcessEnv,
  options: { nodeFlags?: string[]; args?: string[]; cwd?: string } = {},
): ChildHandle {
  const path = entry instanceof URL ? entry.pathname : entry;
  const argv = ['--import', 'tsx', ...(options.nodeFlags ?? []), path, ...(options.args ?? [])];
  const child = spawn(process.execPath, argv, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  // Never let a forgotten child keep the test process alive; the exit hook above still kills it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLine(pattern, timeoutMillis = 15_000) {
      const seen = stdout.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no line matching ${pattern} within ${timeoutMillis} ms\nstderr:\n${stderr.join('\n')}`));
        }, timeoutMillis);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before printing ${pattern}\nstderr:\n${stderr.join('\n')}`));
        });
      });
    },
  };
}

/**
 * Stops whatever is still running, for test teardown: SIGTERM first, so a process that supervises
 * others (the demo) can stop them, then SIGKILL after a grace period.
 */
export async function killAll(graceMillis = 3_000): Promise<void> {
  const pending = [...running].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(pending);
}

/** Polls `check` until it returns true or the time is up; the last failure message explains why. */
export async function eventually(check: () => boolean, timeoutMillis: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
