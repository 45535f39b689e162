import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadgen } from '@tracehouse/loadgen';
import { startTracehouse } from '../packages/server/test/process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TARGET_LOSS = 0.1;

const start = (dataDir: string, derived: boolean) =>
  startTracehouse(dataDir, { sets: [`derived.enabled=${derived}`], inheritStderr: true });

async function countedSpans(api: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^traces_spanmetrics_calls_total\{.*\} (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

async function phase(derived: boolean, seed: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-derived-'));
  const th = await start(dataDir, derived);
  try {
    const summary = await runLoadgen({
      endpoint: th.otlpHttp,
      protocol: 'http/protobuf',
      rate: 0,
      durationMs: SECONDS * 1000,
      concurrency: 16,
      batch: 500,
      signals: ['traces'],
      seed,
    });
    const spansPerS = summary.spans.acknowledged / (summary.elapsedMs / 1000);
    let counted = true;
    if (derived) {
      // Default interval 15 s + lag 5 s: the last interval closes ~20 s after the load.
      const deadline = Date.now() + 90_000;
      while ((await countedSpans(th.api)) !== summary.spans.acknowledged) {
        if (Date.now() > deadline) {
          counted = false;
          break;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    console.error(`phase derived=${derived} seed=${seed} spans_per_s=${Math.round(spansPerS)} counted=${counted}`);
    return { spansPerS, failures: summary.failures, counted };
  } finally {
    th.child.kill('SIGTERM');
    await new Promise((r) => th.child.on('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const off1 = await phase(false, 7);
const on1 = await phase(true, 7);
const on2 = await phase(true, 8);
const off2 = await phase(false, 8);
const off = (off1.spansPerS + off2.spansPerS) / 2;
const on = (on1.spansPerS + on2.spansPerS) / 2;
const loss = 1 - on / off;
const counted = on1.counted && on2.counted;
const failures = off1.failures + off2.failures + on1.failures + on2.failures;
const ok = loss <= TARGET_LOSS && counted && failures === 0;
console.log(
  `bench derived seconds=${SECONDS} off_spans_per_s=${Math.round(off)} on_spans_per_s=${Math.round(on)} ` +
    `loss=${loss.toFixed(3)} all_spans_counted=${counted} failures=${failures} target_loss=${TARGET_LOSS} ${ok ? 'PASS' : 'MISS'}`,
);
process.exitCode = ok ? 0 : 1;
