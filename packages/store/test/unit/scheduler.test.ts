import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerBusyError, StatementScheduler } from '../../src/schedule/scheduler';

/** A statement that runs until released, recording its start. */
function statement(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    run: async () => {
      log.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test('waiting interactive statements start before background ones queued earlier', async () => {
  const s = new StatementScheduler({ concurrency: 1 });
  const log: string[] = [];
  const running = statement(log, 'running');
  const first = s.run('background', running.run);
  const queued = ['bg1', 'bg2', 'bg3'].map((n) => statement(log, n));
  const reader = statement(log, 'reader');
  const done = [...queued.map((q) => s.run('background', q.run)), s.run('interactive', reader.run)];
  assert.deepEqual(s.stats(), { running: 1, waiting: { interactive: 1, background: 3 } });
  running.release();
  await first;
  await tick();
  assert.deepEqual(log, ['running', 'reader'], 'the reader waited for the running statement only');
  reader.release();
  for (const q of queued) {
    await tick();
    q.release();
  }
  await Promise.all(done);
  assert.deepEqual(log, ['running', 'reader', 'bg1', 'bg2', 'bg3']);
});

test('readers hammering the store slow background work down but never stop it', async () => {
  const s = new StatementScheduler({ concurrency: 1, interactiveBurst: 3 });
  const order: string[] = [];
  const work = (name: string) => async () => {
    order.push(name);
    await tick();
  };
  const all: Promise<unknown>[] = [s.run('interactive', work('i0'))];
  all.push(s.run('background', work('bg')));
  for (let i = 1; i <= 10; i++) all.push(s.run('interactive', work(`i${i}`)));
  await Promise.all(all);
  assert.ok(order.indexOf('bg') <= 4, `background started after at most 3 queued readers: ${order.join(' ')}`);
});

test('a statement that cannot start within its wait bound fails instead of piling up', async () => {
  const s = new StatementScheduler({ concurrency: 1 });
  const log: string[] = [];
  const running = statement(log, 'long');
  const long = s.run('background', running.run);
  const t0 = Date.now();
  await assert.rejects(
    s.run('interactive', async () => 'never', 50),
    (e) => e instanceof SchedulerBusyError,
  );
  assert.ok(Date.now() - t0 < 1000);
  assert.deepEqual(s.stats().waiting, { interactive: 0, background: 0 }, 'the failed waiter left the queue');
  running.release();
  await long;
});

test('no more than `concurrency` statements run at once, and a full queue refuses at once', async () => {
  const s = new StatementScheduler({ concurrency: 2, maxWaiting: 2 });
  let now = 0;
  let peak = 0;
  const work = async () => {
    peak = Math.max(peak, ++now);
    await tick();
    now--;
  };
  const four = [1, 2, 3, 4].map(() => s.run('interactive', work));
  await assert.rejects(s.run('interactive', work), (e) => e instanceof SchedulerBusyError);
  await Promise.all(four);
  assert.equal(peak, 2);
});
