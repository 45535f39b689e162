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
  // A child that keeps ~40 MB alive and churns through garbage that survives a scavenge: with
  // V8's own factor the heap grows far past the live set between full GCs, limited it does not.
  const script = `
    const { limitHeapGrowth } = await import(${JSON.stringify(new URL('../../src/runtime/heapGrowth.ts', import.meta.url).href)});
    if (process.argv[1] === 'limit') limitHeapGrowth([], '');
    const live = Array.from({ length: 400 }, () => new Array(12_500).fill(1.5));
    let peak = 0;
    const ring = new Array(8000);
    for (let i = 0; i < 100_000; i++) {
      ring[i % 8000] = new Array(500).fill(i + 0.5);
      if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    console.log(Math.round(peak / 2 ** 20), live.length);`;
  const peak = (arg: string) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, arg], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.split(' ')[0]);
  };
  const free = peak('default');
  const limited = peak('limit');
  assert.ok(limited < free * 0.8, `peak heap ${limited} MB limited against ${free} MB`);
});
