// rate(), increase(), delta(), irate() against numbers worked by hand from Prometheus's
// extrapolatedRate (see the comments for each step).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemorySource } from '../../src/index';
import { engineOver, every, instant } from '../fixtures';

const close = (a: number | undefined, b: number) => assert.ok(Math.abs((a ?? Number.NaN) - b) < 1e-9, `${a} != ${b}`);

describe('rate and friends', () => {
  test('rate: samples reach the window start, so it extrapolates to it (30 over 45 s -> 60 s)', async () => {
    // 0, 10, ..., 80 every 15 s. At 120 s, [1m] = (60, 120]: 75 s=50 ... 120 s=80.
    // increase 30 over 45 s; 15 s to the start < 1.1 x 15 s, so extrapolated: 30 x 60/45 = 40; / 60 s.
    const src = new MemorySource().add({ __name__: 'c' }, every(15, [0, 10, 20, 30, 40, 50, 60, 70, 80]));
    const r = await instant(engineOver(src), 'rate(c[1m])', 120);
    close(r['{}'], 40 / 60);
  });

  test('increase adds counter resets back', async () => {
    // 0, 10, 20, 5, 15 every 15 s; at 60 s, (0, 60] holds 10, 20, 5, 15: 15 - 10 + 20 (reset) = 25,
    // over 45 s, extrapolated by 15 s at the start: 25 x 60/45.
    const src = new MemorySource().add({ __name__: 'c' }, every(15, [0, 10, 20, 5, 15]));
    close((await instant(engineOver(src), 'increase(c[1m])', 60))['{}'], (25 * 60) / 45);
    close((await instant(engineOver(src), 'resets(c[1m])', 60))['{}'], 1);
  });

  test('a series that starts inside the window is extrapolated half an interval, never below zero', async () => {
    // 3, 6, 9 at 30, 45, 60 s: 30 s to the window start >= 16.5 s, so only 7.5 s; zero would be
    // 15 s back: 6 x 37.5/30 = 7.5.
    const late = new MemorySource().add({ __name__: 'c' }, [
      [30_000, 3],
      [45_000, 6],
      [60_000, 9],
    ]);
    close((await instant(engineOver(late), 'increase(c[1m])', 60))['{}'], 7.5);
    // 1, 7, 13: zero is 2.5 s before the first sample, closer than 7.5 s: 12 x 32.5/30 = 13.
    const clamped = new MemorySource().add({ __name__: 'c' }, [
      [30_000, 1],
      [45_000, 7],
      [60_000, 13],
    ]);
    close((await instant(engineOver(clamped), 'increase(c[1m])', 60))['{}'], 13);
  });

  test('delta does not clamp at zero and handles decreases as values', async () => {
    // 10 then 4 at 45, 60 s: -6 over 15 s, 7.5 s extrapolated at the start: -6 x 22.5/15.
    const src = new MemorySource().add({ __name__: 'g' }, [
      [45_000, 10],
      [60_000, 4],
    ]);
    close((await instant(engineOver(src), 'delta(g[1m])', 60))['{}'], -9);
  });

  test('irate uses the last two samples; after a reset the new value is the increase', async () => {
    const src = new MemorySource().add({ __name__: 'c' }, every(15, [0, 10, 20, 5]));
    close((await instant(engineOver(src), 'irate(c[1m])', 45))['{}'], 5 / 15);
    close((await instant(engineOver(src), 'idelta(c[1m])', 45))['{}'], -15);
  });

  test('fewer than two samples: no rate', async () => {
    const src = new MemorySource().add({ __name__: 'c' }, [[50_000, 1]]);
    assert.deepEqual(await instant(engineOver(src), 'rate(c[1m])', 60), {});
  });

  test('deriv and predict_linear fit a line', async () => {
    // v = 2t: slope 2/s; predicted 120 s after 60 s: 2 x 180 = 360.
    const src = new MemorySource().add({ __name__: 'g' }, every(15, [0, 30, 60, 90, 120]));
    close((await instant(engineOver(src), 'deriv(g[1m])', 60))['{}'], 2);
    close((await instant(engineOver(src), 'predict_linear(g[1m], 120)', 60))['{}'], 360);
  });

  test('the rate name is dropped; last_over_time keeps it', async () => {
    const src = new MemorySource().add({ __name__: 'c', job: 'a' }, every(15, [1, 2, 3]));
    const e = engineOver(src);
    assert.deepEqual(Object.keys(await instant(e, 'rate(c[1m])', 30)), ['{job="a"}']);
    assert.deepEqual(await instant(e, 'last_over_time(c[1m])', 30), { 'c{job="a"}': 3 });
  });
});
