import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  encodeThreshold,
  evaluate,
  parseRules,
  ruleWarnings,
  type SampledSpan,
  samplingPolicy,
  thresholdFor,
  withThreshold,
} from '../../src/index';

const traceId = () => randomBytes(16).toString('hex');

function s(over: Partial<SampledSpan> = {}): SampledSpan {
  return {
    TraceId: 'ffffffffffffffffffffffffffffffff',
    ServiceName: 'shop',
    SpanName: 'GET /',
    Duration: '1000000',
    StatusCode: 'Unset',
    SpanAttributes: {},
    ResourceAttributes: { 'service.name': 'shop' },
    ...over,
  };
}

const defaults = samplingPolicy({ latencyThresholdMs: 1000, baselinePercent: 5 });

test('defaults: any error keeps, any span over the threshold keeps (a child too), the rest is sampled by trace id', () => {
  assert.deepEqual(evaluate(defaults, [s(), s({ StatusCode: 'Error' })]), {
    decision: 'keep',
    rule: 'errors',
    adjustedCount: 1,
    th: '0',
  });
  assert.equal(evaluate(defaults, [s(), s({ Duration: String(1e9) })]).rule, 'latency');
  assert.equal(evaluate(defaults, [s({ Duration: String(1e9 - 1) })]).rule, 'baseline');
  // Randomness = low 56 bits: all ones is kept at 5%, all zeros dropped.
  const kept = evaluate(defaults, [s()]);
  assert.equal(kept.decision, 'keep');
  assert.equal(kept.th, encodeThreshold(thresholdFor(5)));
  assert.ok(Math.abs(kept.adjustedCount - 20) < 1e-9);
  assert.equal(evaluate(defaults, [s({ TraceId: '0'.repeat(32) })]).decision, 'drop');
});

test('first match wins, conditions are ANDed, each over any span', () => {
  const rules = samplingPolicy({
    latencyThresholdMs: 1000,
    baselinePercent: 5,
    rules: parseRules([
      { name: 'health', when: { attribute: 'span.http.route', equals: '/health' }, action: 'drop' },
      {
        name: 'org-x-checkout',
        when: [
          { attribute: 'resource.org.id', equals: 'x' },
          { attribute: 'name', matches: '^POST ' },
        ],
        action: 'keep',
      },
      { name: 'cheap', when: { attribute: 'span.order.total', lt: 10 }, action: 'sample 1' },
      { name: 'debug', when: { attribute: 'span.debug', exists: true }, action: 'keep' },
    ]),
  });
  const health = s({ SpanAttributes: { 'http.route': '/health' }, StatusCode: 'Error' });
  assert.equal(evaluate(rules, [health]).decision, 'drop', 'a drop rule before the defaults vetoes errors');
  const orgX = s({ ResourceAttributes: { 'org.id': 'x' }, TraceId: '0'.repeat(32) });
  assert.equal(evaluate(rules, [orgX]).rule, 'baseline', 'one condition alone is not enough');
  assert.equal(evaluate(rules, [orgX, s({ SpanName: 'POST /order', TraceId: '0'.repeat(32) })]).rule, 'org-x-checkout');
  assert.equal(evaluate(rules, [s({ SpanAttributes: { 'order.total': '9.5' } })]).rule, 'cheap');
  assert.equal(evaluate(rules, [s({ SpanAttributes: { 'order.total': 'abc' } })]).rule, 'baseline');
  assert.equal(evaluate(rules, [s({ SpanAttributes: { debug: '' } })]).rule, 'debug');
});

test('latency overrides: span name first, then service, then the default', () => {
  const [rule] = parseRules([
    { when: { latency: '1s', services: { batch: '10s' }, spanNames: { 'GET /export': '1m' } }, action: 'keep' },
  ]);
  const rules = [rule!];
  const at = (ms: number, over: Partial<SampledSpan>) => evaluate(rules, [s({ Duration: String(ms * 1e6), ...over })]);
  assert.equal(at(1000, {}).decision, 'keep');
  assert.equal(at(9000, { ServiceName: 'batch' }).rule, '');
  assert.equal(at(10_000, { ServiceName: 'batch' }).rule, 'rule-1');
  assert.equal(at(30_000, { ServiceName: 'batch', SpanName: 'GET /export' }).rule, '');
  assert.equal(at(60_000, { SpanName: 'GET /export' }).rule, 'rule-1');
});

test('rules from configuration are validated with errors that point at the field', () => {
  assert.deepEqual(parseRules(''), []);
  assert.equal(parseRules('[{"action":"sample 2.5"}]')[0]!.action.kind, 'sample');
  const bad: [unknown, RegExp][] = [
    ['{', /sampling.rules: not valid JSON/],
    [{ action: 'keep' }, /expected a list of rules/],
    [[{ action: 'maybe' }], /sampling.rules\[0\].action: expected "keep", "drop" or "sample <percent>"/],
    [[{ action: 'sample 150' }], /0..100/],
    [[{ action: 'keep', when: 'errors' }], /sampling.rules\[0\].when\[0\]: expected "error"/],
    [[{ action: 'keep', when: { attribute: 'http.route', equals: 'x' } }], /must be span.<key>, resource.<key>/],
    [[{ action: 'keep', when: { attribute: 'span.a', like: 'x' } }], /unknown operator "like"/],
    [[{ action: 'keep', when: { attribute: 'span.a', matches: '(' } }], /invalid regular expression/],
    [[{ action: 'keep', when: { attribute: 'span.a', gt: 'ten' } }], /gt: expected a number/],
    [[{ action: 'keep', when: { latency: 'soon' } }], /latency: expected a duration/],
    [[{ action: 'keep', extra: 1 }], /unknown field "extra"/],
    [
      [
        { name: 'a', action: 'keep' },
        { name: 'a', action: 'drop' },
      ],
      /duplicate rule name "a"/,
    ],
    [[{ name: "x' OR 1", action: 'keep' }], /name: expected 1-64 characters/],
  ];
  for (const [input, message] of bad) assert.throws(() => parseRules(input), message, JSON.stringify(input));
});

test('evaluate is deterministic per trace id and keeps the baseline share', () => {
  let kept = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const id = traceId();
    const d = evaluate(defaults, [s({ TraceId: id })]);
    assert.equal(evaluate(defaults, [s({ TraceId: id })]).decision, d.decision);
    if (d.decision === 'keep') kept++;
  }
  assert.ok(Math.abs((kept / n) * 100 - 5) < 0.2, `kept ${(kept / n) * 100}%`);
});

test('th is merged into tracestate: ot first, its other sub-keys and other members kept', () => {
  assert.equal(withThreshold('', '0'), 'ot=th:0');
  assert.equal(withThreshold('vendor=a', 'c'), 'ot=th:c,vendor=a');
  assert.equal(withThreshold('vendor=a, ot=th:8;rv:0123456789abcd', 'f'), 'ot=th:f;rv:0123456789abcd,vendor=a');
});

test('a catch-all before other rules is warned about', () => {
  assert.deepEqual(ruleWarnings(parseRules([{ name: 'a', when: 'error', action: 'keep' }])), []);
  assert.deepEqual(
    ruleWarnings(
      parseRules([
        { name: 'all', action: 'sample 1' },
        { name: 'b', action: 'keep' },
      ]),
    ),
    ['sampling.rules: rule "all" matches every trace, so "b", the defaults (errors, latency, baseline) never apply'],
  );
});
