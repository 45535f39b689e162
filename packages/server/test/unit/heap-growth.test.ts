import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { limitHeapGrowth } from '../../src/runtime/heapGrowth';

test("the heap's growth is limited unless the operator chose a factor", () => {
  assert.equal(limitHeapGrowth(['--heap-growing-percent=80'], ''), false);
  assert.equal(limitHeapGrowth([], '--max-old-space-size=4096 --heap_growing_percent=80'), false);
  assert.equal(limitHeapGrowth([], ''), true);
});

test('set at start, the limit holds the heap near what full GCs leave alive', () => {
  // A child that keeps ~70 MB alive and churns through garbage that lives long enough to reach
  // the old generation. Node 20's V8 let such a heap reach ~320 MB between full GCs (Node 24's
  // grows less by itself); limited, it stays within 1.5x of the live set plus a young generation.
  const script = `
    const { limitHeapGrowth } = await import(${JSON.stringify(new URL('../../src/runtime/heapGrowth.ts', import.meta.url).href)});
    limitHeapGrowth([], '');
    const live = Array.from({ length: 400 }, () => new Array(12_500).fill(1.5));
    let peak = 0;
    const ring = new Array(8000);
    for (let i = 0; i < 100_000; i++) {
      ring[i % 8000] = new Array(500).fill(i + 0.5);
      if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    globalThis.gc();
    console.log(Math.round(peak / 2 ** 20), Math.round(process.memoryUsage().heapUsed / 2 ** 20), live.length, ring.length);`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const [peak, live] = r.stdout.split(' ').map(Number) as [number, number];
  assert.ok(live > 60, `live heap ${live} MB`);
  assert.ok(peak <= live * 1.5 + 48, `peak heap ${peak} MB for ${live} MB alive`);
});
