import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertingRule, type AlertingRuleDef, postableAlert, takeAlertsToSend } from '../../src/index';

const def = (over: Partial<AlertingRuleDef> = {}): AlertingRuleDef => ({
  kind: 'alerting',
  alert: 'HighErrorRate',
  expr: 'x > 0.01',
  forMs: 2000,
  keepFiringForMs: 0,
  labels: { severity: 'page' },
  annotations: { summary: '{{ $labels.service }} errors {{ $value | humanizePercentage }}' },
  origin: { file: 'r.yml', line: 3 },
  ...over,
});
const ctx = { externalUrl: 'http://th', externalLabels: {} };
const err = (value = 0.5) => [{ labels: { service: 'checkout' }, value }];
const only = (r: AlertingRule) => [...r.active.values()][0]!;

describe('alert state machine (Prometheus semantics)', () => {
  test('pending for `for`, then firing; resolved when the expression stops; resolved kept 15 min', () => {
    const r = new AlertingRule(def(), ctx);
    let c = r.eval(err(), 1000);
    assert.equal(only(r).state, 'pending');
    assert.deepEqual(only(r).labels, { alertname: 'HighErrorRate', service: 'checkout', severity: 'page' });
    assert.equal(only(r).annotations.summary, 'checkout errors 50%');
    assert.equal(c.upserted.length, 1);
    r.eval(err(), 2000);
    assert.equal(only(r).state, 'pending', '1 s into a 2 s for');
    c = r.eval(err(0.25), 3000);
    assert.equal(only(r).state, 'firing');
    assert.equal(only(r).firedAtMs, 3000);
    assert.equal(only(r).activeAtMs, 1000);
    assert.equal(only(r).annotations.summary, 'checkout errors 25%', 'annotations follow the value');
    assert.equal(c.upserted.length, 1, 'the transition is persisted');
    c = r.eval(err(0.3), 4000);
    assert.equal(c.upserted.length, 0, 'no state change, nothing to write');
    r.eval([], 5000);
    assert.equal(only(r).state, 'inactive');
    assert.equal(only(r).resolvedAtMs, 5000);
    r.eval([], 5000 + 15 * 60_000);
    assert.equal(r.active.size, 1, 'kept for 15 minutes');
    c = r.eval([], 5001 + 15 * 60_000);
    assert.equal(r.active.size, 0);
    assert.deepEqual(c.removed, [only2(c.removed)]);
  });

  test('a pending alert that stops is dropped, never resolved', () => {
    const r = new AlertingRule(def(), ctx);
    r.eval(err(), 0);
    const c = r.eval([], 1000);
    assert.equal(r.active.size, 0);
    assert.equal(c.removed.length, 1);
  });

  test('for: 0 fires at the first evaluation', () => {
    const r = new AlertingRule(def({ forMs: 0 }), ctx);
    r.eval(err(), 0);
    assert.equal(only(r).state, 'firing');
  });

  test('keep_firing_for holds a firing alert after the expression stops, and resets when it returns', () => {
    const r = new AlertingRule(def({ forMs: 0, keepFiringForMs: 3000 }), ctx);
    r.eval(err(), 0);
    r.eval([], 1000);
    assert.equal(only(r).state, 'firing');
    assert.equal(only(r).keepFiringSinceMs, 1000);
    r.eval([], 3999);
    assert.equal(only(r).state, 'firing');
    r.eval(err(), 4000);
    assert.equal(only(r).keepFiringSinceMs, 0);
    r.eval([], 5000);
    r.eval([], 8000);
    assert.equal(only(r).state, 'inactive');
    assert.equal(only(r).resolvedAtMs, 8000);
  });

  test('a resolved alert that comes back starts a new pending period', () => {
    const r = new AlertingRule(def({ forMs: 1000 }), ctx);
    r.eval(err(), 0);
    r.eval(err(), 1000);
    r.eval([], 2000);
    r.eval(err(), 3000);
    assert.equal(only(r).state, 'pending');
    assert.equal(only(r).activeAtMs, 3000);
  });

  test('restored state carries on: a firing alert keeps its startsAt, a pending one its for clock', () => {
    const first = new AlertingRule(def(), ctx);
    first.eval(err(), 0);
    first.eval(err(), 2000);
    const saved = [...first.active.values()];
    const second = new AlertingRule(def(), ctx);
    second.restore(saved);
    second.eval(err(), 60_000);
    assert.equal(only(second).state, 'firing');
    assert.equal(only(second).firedAtMs, 2000);
    const pending = new AlertingRule(def({ forMs: 10_000 }), ctx);
    pending.eval(err(), 0);
    const p2 = new AlertingRule(def({ forMs: 10_000 }), ctx);
    p2.restore([...pending.active.values()]);
    p2.eval(err(), 10_000);
    assert.equal(only(p2).state, 'firing');
  });

  test('duplicate label sets after the alert labels are an evaluation error', () => {
    const r = new AlertingRule(def({ labels: { service: 'x' } }), ctx);
    assert.throws(
      () =>
        r.eval(
          [
            { labels: { service: 'a' }, value: 1 },
            { labels: { service: 'b' }, value: 1 },
          ],
          0,
        ),
      /same labelset/,
    );
  });

  test('sending: firing alerts every resend delay with endsAt = now + 4 x max(resend, interval); a resolution at once', () => {
    const r = new AlertingRule(def({ forMs: 0 }), ctx);
    r.eval(err(), 10_000);
    let sent = takeAlertsToSend(r.active.values(), 10_000, 60_000, 15_000);
    assert.equal(sent.length, 1);
    const p = postableAlert(sent[0]!, 'http://th/alerts');
    assert.equal(p.startsAt, new Date(10_000).toISOString());
    assert.equal(p.endsAt, new Date(10_000 + 240_000).toISOString());
    assert.equal(takeAlertsToSend(r.active.values(), 40_000, 60_000, 15_000).length, 0);
    assert.equal(takeAlertsToSend(r.active.values(), 70_001, 60_000, 15_000).length, 1);
    r.eval([], 75_000);
    sent = takeAlertsToSend(r.active.values(), 75_000, 60_000, 15_000);
    assert.equal(sent.length, 1);
    assert.equal(postableAlert(sent[0]!, '').endsAt, new Date(75_000).toISOString());
    r.eval(err(), 76_000);
    assert.equal(only(r).state, 'firing', 'for: 0 fires again at once');
    assert.equal(only(r).firedAtMs, 76_000);
    assert.equal(takeAlertsToSend(r.active.values(), 76_000, 60_000, 15_000).length, 1, 'a new alert is sent at once');
    assert.equal(takeAlertsToSend(r.active.values(), 77_000, 60_000, 15_000).length, 0, 'then after the resend delay');
  });
});

function only2(xs: string[]): string {
  assert.equal(xs.length, 1);
  return xs[0]!;
}
