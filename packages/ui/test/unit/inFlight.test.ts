// A dashboard's repeated panel queries share one request; each caller keeps its own cancellation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InFlight } from '../../src/metrics/inFlight';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('identical requests in flight share one load; a later one loads again', async () => {
  const f = new InFlight();
  let loads = 0;
  const d = deferred<string>();
  const load = () => {
    loads++;
    return d.promise;
  };
  const a = f.get('q', load);
  const b = f.get('q', load);
  const other = f.get('r', async () => 'r');
  d.resolve('x');
  assert.deepEqual(await Promise.all([a, b, other]), ['x', 'x', 'r']);
  assert.equal(loads, 1);
  assert.equal(f.size, 0);
  assert.equal(await f.get('q', async () => 'fresh'), 'fresh');
});

test('aborting one caller rejects it alone; a failed load fails every caller and is not kept', async () => {
  const f = new InFlight();
  const d = deferred<string>();
  const ctl = new AbortController();
  const a = f.get('q', () => d.promise, ctl.signal);
  const b = f.get('q', () => d.promise);
  ctl.abort();
  await assert.rejects(a, (e: unknown) => (e as Error).name === 'AbortError');
  d.resolve('x');
  assert.equal(await b, 'x');

  const failing = deferred<string>();
  const c = f.get('e', () => failing.promise);
  const e = f.get('e', () => failing.promise);
  failing.reject(new Error('boom'));
  await assert.rejects(c, /boom/);
  await assert.rejects(e, /boom/);
  assert.equal(await f.get('e', async () => 'ok'), 'ok');
});
