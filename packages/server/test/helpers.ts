import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load';
import type { Clock } from '../src/processor/loop';
import { type RunningServer, startServer } from '../src/server';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** GET on the API, parsed JSON with the status. Tests assert on the shape. */
  // biome-ignore lint/suspicious/noExplicitAny: a test reads arbitrary JSON documents
  get(path: string): Promise<{ status: number; body: any }>;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** A real tracehouse on free loopback ports with its own embedded store. */
/**
 * Access control is off (anonymous, loopback) unless `auth: true`: tests of other areas need
 * no tokens; auth tests opt in and usually set `auth.adminToken`.
 */
export async function startTestServer(
  opts: { dataDir?: string; sets?: string[]; clock?: Clock; auth?: boolean } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tracehouse-it-'));
  const config = loadConfig({
    flags: {
      'storage.dataDir': dataDir,
      'server.port': 0,
      'otlp.httpPort': 0,
      'otlp.grpcPort': 0,
      'ingest.flushInterval': '20ms',
    },
    // Without the journal, an answered export is already in the tables these tests query
    // directly (store.sql). The journal has its own tests (store's journal tests, and
    // journal.test.ts here with `ingest.journal=true`); the process tests run the default.
    sets: [
      `auth.allowAnonymous=${opts.auth ? 'false' : 'true'}`,
      'search.tagSampleRate=1',
      'ingest.journal=false',
      ...(opts.sets ?? []),
    ],
  });
  const server = await startServer(config, { clock: opts.clock });
  return {
    ...server,
    dataDir,
    async get(path) {
      const res = await fetch(server.urls.api + path);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, body };
    },
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
