import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogRecord } from '@tracehouse/otlp';
import { bareSpan } from '../../../store/test/fixtures';
import { luhnValid, BUILTIN_RULES as REDACTION_RULES, Redactor } from '../../src/ingest/redaction/index';
import { LOOKALIKES, PLAIN_KEYS, SECRET_KEYS, SECRETS } from '../support/secret-corpus';

const R = '[REDACTED]';

const span = bareSpan;

describe('redaction', () => {
  const redactor = new Redactor();

  test('every planted secret is found by its rule and removed', () => {
    for (const s of SECRETS) {
      const { text, counts } = redactor.redactText(s.text);
      assert.ok(!text.includes(s.secret), `${s.rule}: ${text}`);
      assert.ok(text.includes(R), s.text);
      assert.ok((counts[s.rule] ?? 0) >= 1, `${s.rule} counted for ${s.text}: ${JSON.stringify(counts)}`);
    }
  });

  test('look-alikes pass unchanged', () => {
    for (const v of LOOKALIKES) assert.equal(redactor.redactText(v).text, v);
  });

  test('context around a secret stays readable', () => {
    assert.equal(redactor.redactText('Authorization: Bearer abcdefghijkl').text, `Authorization: Bearer ${R}`);
    assert.equal(redactor.redactText('a password=hunter2hunter2 b').text, `a password=${R} b`);
    assert.equal(redactor.redactText('postgres://app:pw12345678@db/x').text, `postgres://app:${R}@db/x`);
    // Idempotent: already redacted text is left alone.
    const once = redactor.redactText('password=hunter2hunter2').text;
    assert.equal(redactor.redactText(once).text, once);
  });

  test('span, event, link, resource and scope attributes; status message', () => {
    const attrs = Object.fromEntries(SECRET_KEYS.map((k) => [k, 'anything-at-all']));
    const plain = Object.fromEntries(PLAIN_KEYS.map((k) => [k, 'value-123456']));
    const s = span({
      ResourceAttributes: { 'service.name': 'svc', 'deploy.note': SECRETS[0]!.text },
      ScopeAttributes: { 'scope.cfg': SECRETS[1]!.text },
      SpanAttributes: {
        ...attrs,
        ...plain,
        'http.request.header.authorization': '["Bearer x"]',
        n: '4111111111111111',
      },
      SpanAttributeTypes: { 'http.request.header.authorization': 'array', n: 'int' },
      StatusMessage: SECRETS[14]!.text,
      SpanName: 'GET /reset?token=abcdef123456',
      'Events.Name': [`retry with ${SECRETS[11]!.secret}`],
      'Events.Attributes': [{ 'exception.message': SECRETS[7]!.text }],
      'Events.AttributeTypes': [{}],
      'Links.Attributes': [{ 'peer.conn': SECRETS[16]!.text }],
      'Links.AttributeTypes': [{}],
    });
    const counts = redactor.redactSpans([s]);
    for (const k of SECRET_KEYS) assert.equal(s.SpanAttributes[k], R, k);
    for (const k of PLAIN_KEYS) assert.equal(s.SpanAttributes[k], 'value-123456', k);
    assert.equal(s.SpanAttributeTypes['http.request.header.authorization'], undefined, 'a redacted array is a string');
    assert.equal(s.SpanAttributes.n, R);
    assert.equal(s.SpanAttributeTypes.n, undefined, 'a redacted int is a string');
    const all = JSON.stringify(s);
    for (const i of [0, 1, 7, 14, 16]) assert.ok(!all.includes(SECRETS[i]!.secret), SECRETS[i]!.rule);
    assert.equal(counts['sensitive-key'], SECRET_KEYS.length);
    assert.equal(s.SpanName, 'GET /reset?token=[REDACTED]');
    assert.equal(s['Events.Name'][0], 'retry with [REDACTED]');
  });

  test('keys remembered from earlier requests are redacted and counted as the first time', () => {
    const fresh = new Redactor();
    const longKey = `${'x'.repeat(300)}.token`;
    const bearerKey = `Bearer ${SECRETS.find((x) => x.rule === 'jwt')?.secret ?? 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln'}`;
    const request = () =>
      span({
        SpanAttributes: {
          'http.request.method': 'GET',
          'db.password': 'hunter22-hunter22',
          [bearerKey]: 'value',
          [longKey]: 'abc123456',
          'url.full': 'https://shop.example/cart',
        },
      });
    const first = request();
    const firstCounts = fresh.redactSpans([first]);
    for (let round = 0; round < 3; round++) {
      const again = request();
      assert.deepEqual(fresh.redactSpans([again]), firstCounts);
      assert.deepEqual(again.SpanAttributes, first.SpanAttributes);
    }
    assert.equal(first.SpanAttributes['http.request.method'], 'GET');
    assert.equal(first.SpanAttributes['db.password'], R);
    assert.equal(first.SpanAttributes[longKey], R);
    assert.ok(!JSON.stringify(first.SpanAttributes).includes(bearerKey), 'a secret in a key is redacted every time');
  });

  test('a resource shared by many spans is redacted and counted once', () => {
    const resource = { 'service.name': 'svc', 'k8s.secret': 'x' };
    const spans = [span({ ResourceAttributes: resource }), span({ ResourceAttributes: resource })];
    const counts = redactor.redactSpans(spans);
    assert.equal(spans[1]!.ResourceAttributes['k8s.secret'], R);
    assert.equal(counts['sensitive-key'], 1);
  });

  test('log bodies (string and kvlist) and log attributes', () => {
    const log = (Body: string, BodyType: LogRecord['BodyType'], LogAttributes = {}): LogRecord =>
      ({
        ...span(),
        ObservedTimestamp: '0',
        TraceFlags: 0,
        SeverityText: 'INFO',
        SeverityNumber: 9,
        Body,
        BodyType,
        EventName: '',
        LogAttributes,
        LogAttributeTypes: {},
        DroppedAttributesCount: 0,
      }) as unknown as LogRecord;
    const kv = JSON.stringify([
      { key: 'user', value: { stringValue: 'bob' } },
      { key: 'password', value: { stringValue: 'pw-in-kvlist-1' } },
      {
        key: 'nested',
        value: { kvlistValue: { values: [{ key: 'note', value: { stringValue: SECRETS[11]!.text } }] } },
      },
    ]);
    const logs = [log(SECRETS[9]!.text, ''), log(kv, 'kvlist', { 'app.token': 'abc', msg: SECRETS[17]!.text })];
    redactor.redactLogs(logs);
    const all = JSON.stringify(logs);
    for (const s of ['pw-in-kvlist-1', SECRETS[9]!.secret, SECRETS[11]!.secret, SECRETS[17]!.secret])
      assert.ok(!all.includes(s), s);
    assert.equal(logs[1]!.LogAttributes['app.token'], R);
    const body = JSON.parse(logs[1]!.Body);
    assert.deepEqual(body[0], { key: 'user', value: { stringValue: 'bob' } });
    assert.deepEqual(body[1], { key: 'password', value: { stringValue: R } });
  });

  test('configuration: disabled rules, extra key and value patterns, replacement', () => {
    const r = new Redactor({
      disabledRules: ['card-number'],
      keyPattern: '^customer\\.email$',
      valuePattern: 'INTERNAL-[0-9]{6}',
      replacement: '***',
    });
    assert.equal(r.redactText('card 4111111111111111').text, 'card 4111111111111111');
    assert.equal(r.redactText('ref INTERNAL-123456 x').text, 'ref *** x');
    const s = span({ SpanAttributes: { 'customer.email': 'a@b.c', 'customer.name': 'A' } });
    r.redactSpans([s]);
    assert.deepEqual(s.SpanAttributes, { 'customer.email': '***', 'customer.name': 'A' });
    assert.throws(() => new Redactor({ disabledRules: ['nope'] }), /unknown rule "nope"/);
    assert.throws(() => new Redactor({ valuePattern: '(' }), /invalid regular expression/);
    assert.ok(REDACTION_RULES.includes('jwt'));
  });

  test('Luhn', () => {
    assert.ok(luhnValid('4111111111111111'));
    assert.ok(luhnValid('378282246310005'));
    assert.ok(!luhnValid('4111111111111112'));
    assert.ok(!luhnValid('41x1'));
  });
});
