// tracehouse and @tracehouse/node on Node 22 and 24 (the CI's own Node is 20): the server starts,
// ingests the Go and JS 3.x clients' signal sets over OTLP/gRPC, OTLP/HTTP protobuf and JSON and
// answers the queries; the SDK's own unit and integration suites and every package's unit suite
// pass on each version.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startTracehouse } from '../process';
import { runJson, start } from './support/run';
import { assertSignalSet, type EmittedIds, type Get } from './support/signal-set';
import { INTEROP_DIR, requireTool, toolchain } from './support/toolchain';

const ROOT = join(INTEROP_DIR, '../../../..');
const SDK_TESTS = ['unit', 'integration'].flatMap((level) => {
  const dir = join(ROOT, 'packages/sdk-node/test', level);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(dir, name));
});

/** Runs node:test suites on Node `major` from the repository root; the tests that passed. */
async function runSuites(major: 22 | 24, args: string[]): Promise<number> {
  // Without NODE_TEST_CONTEXT (set by the runner of this file) the child reports in TAP, not
  // through this runner's private channel.
  const run = start(requireTool(toolchain.node(major)), args, { cwd: ROOT, env: { NODE_TEST_CONTEXT: undefined } });
  const code = await run.exited;
  const failed = run
    .output()
    .split('\n')
    .filter((line) => /^\s*not ok /.test(line));
  assert.equal(code, 0, `failed on Node ${major}:\n${failed.join('\n')}\n${run.output().slice(-2000)}`);
  const pass = Number(/# pass (\d+)/.exec(run.output())?.[1]);
  assert.ok(pass > 0, 'the suites ran');
  return pass;
}

for (const major of [22, 24] as const) {
  describe(`Node ${major}`, () => {
    test('tracehouse starts, ingests every OTLP protocol and answers queries', async (t) => {
      const node = requireTool(toolchain.node(major));
      const dataDir = mkdtempSync(join(tmpdir(), `tracehouse-node${major}-`));
      const server = await startTracehouse(dataDir, { node });
      try {
        const get: Get = async (path) => {
          const res = await fetch(server.api + path);
          const text = await res.text();
          return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
        };
        copyFileSync(join(INTEROP_DIR, 'node/client.mjs'), join(requireTool(toolchain.js3Dir), 'client.mjs'));
        const runs: [string, string[], string, boolean][] = [
          [toolchain.goClient, ['emit', 'grpc', `http://${server.otlpGrpc}`], 'grpc', true],
          [toolchain.goClient, ['emit', 'http/protobuf', server.otlpHttp], 'http/protobuf', true],
          [node, [join(toolchain.js3Dir, 'client.mjs'), 'emit', 'http/json', server.otlpHttp], 'http/json', false],
        ];
        for (const [command, args, protocol, int64] of runs) {
          const service = `node${major}-server-${protocol.replace('/', '-')}`;
          const ids = await runJson<EmittedIds>(requireTool(command), [...args, service]);
          await assertSignalSet(get, service, ids, { int64 });
        }
        t.diagnostic(
          `interop: tracehouse on Node ${major}: started, ingested grpc + http/protobuf + http/json, queries equal`,
        );
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    test('@tracehouse/node passes its unit and integration suites', async (t) => {
      const args = ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...SDK_TESTS];
      const pass = await runSuites(major, args);
      t.diagnostic(`interop: @tracehouse/node on Node ${major}: ${pass} tests pass`);
    });

    test("every package's unit suite passes", async (t) => {
      // run-tests.mjs starts the suites with its own Node binary, so all of them run on this version.
      const pass = await runSuites(major, [join(ROOT, 'scripts/run-tests.mjs'), 'unit', '--test-reporter=tap']);
      t.diagnostic(`interop: tracehouse unit suites on Node ${major}: ${pass} tests pass`);
    });
  });
}
