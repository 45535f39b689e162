import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlushPacing } from '../../src/write/flushPacing';

test('rows go as soon as batchRows wait, whatever came before', () => {
  const p = new FlushPacing(5000);
  assert.equal(p.ready(4999), false);
  assert.equal(p.ready(5000), true);
});

test('after a large insert, the same number of rows waiting go at once instead of at the timer', () => {
  const p = new FlushPacing(5000);
  p.inserted(4000, true);
  assert.equal(p.ready(3999), false, 'never a smaller batch than the one that answered the senders');
  assert.equal(p.ready(4000), true);
});

test('small inserts and failed ones leave the pacing to the timer (a fixed cost per insert)', () => {
  const p = new FlushPacing(5000);
  p.inserted(1249, true);
  assert.equal(p.ready(1249), false, 'below a quarter of batchRows: wait for more rows');
  p.inserted(4000, true);
  p.inserted(4000, false);
  assert.equal(p.ready(4000), false, 'the senders of a failed insert back off; they are not coming back now');
  p.inserted(1250, true);
  assert.equal(p.ready(1250), true);
});
