// The real `tracehouse start` as a child process, for the process tests and the benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/tracehouse.js');
/**
 * Node's flags from the command's shebang (`#!/usr/bin/env -S node <flags>`): a spawn of the
 * script by path does not read it, and the tests and benches run the server as users do.
 */
const SHEBANG = readFileSync(BIN, 'utf8').split('\n', 1)[0]!;
const NODE_FLAGS = (/\bnode\s+(.*)$/.exec(SHEBANG)?.[1] ?? '').split(/\s+/).filter(Boolean);

export interface TracehouseProcess {
  child: ChildProcess;
  /** UI + API base URL, without a trailing slash. */
  api: string;
  otlpHttp: string;
  otlpGrpc: string;
  /** Everything printed so far (stdout, and stderr unless it is inherited). */
  output: () => string;
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** `--set key=value` pairs. */
  sets?: string[];
  /** Inherit stderr (benchmarks) instead of collecting it with stdout (tests). */
  inheritStderr?: boolean;
  timeoutMs?: number;
  /** The Node binary (default: this process's), e.g. Node 22 or 24 for the runtime tests. */
  node?: string;
}

/**
 * Starts `tracehouse start` on free loopback ports with `--allow-anonymous` (access control has
 * its own tests) and waits for the banner.
 */
export async function startTracehouse(dataDir: string, options: StartOptions = {}): Promise<TracehouseProcess> {
  const args = ['start', '--allow-anonymous', '--data-dir', dataDir, '--port', '0', '--otlp-http-port', '0'];
  args.push('--otlp-grpc-port', '0', ...(options.sets ?? []).flatMap((s) => ['--set', s]));
  const child = spawn(options.node ?? process.execPath, [...NODE_FLAGS, BIN, ...args], {
    stdio: ['ignore', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
    cwd: ROOT,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!/OTLP\/gRPC\s+\S+/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tracehouse did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    api: /UI and API\s+(\S+?)\/\s/.exec(out)![1]!,
    otlpHttp: /OTLP\/HTTP\s+(\S+)/.exec(out)![1]!,
    otlpGrpc: /OTLP\/gRPC\s+(\S+)/.exec(out)![1]!,
    output: () => out,
    exited,
  };
}
