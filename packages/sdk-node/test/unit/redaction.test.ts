import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyValue } from '@opentelemetry/api-logs';
import { REDACTED, Redactor, splitKeyWords } from '../../src/redaction.js';

const redactor = new Redactor();

test('secret-looking keys are recognised across naming styles', () => {
  for (const key of [
    'http.request.header.authorization',
    'http.response.header.set-cookie',
    'cookie',
    'db_password',
    'PASSWD',
    'client_secret',
    'accessToken',
    'x-auth-token',
    'x-api-key',
    'apiKey',
    'API_KEY',
    'private_key',
    'jwt',
  ]) {
    assert.equal(redactor.isSecretKey(key), true, key);
  }
});

test('ordinary keys that merely contain a secret word are left alone', () => {
  for (const key of [
    'gen_ai.usage.input_tokens',
    'http.route',
    'enduser.id',
    'tokenizer.name',
    'keyboard',
    'passive',
  ]) {
    assert.equal(redactor.isSecretKey(key), false, key);
  }
});

test('splitKeyWords handles dots, dashes, underscores and camelCase', () => {
  assert.deepEqual(splitKeyWords('http.request.header.x-api-key'), ['http', 'request', 'header', 'x', 'api', 'key']);
  assert.deepEqual(splitKeyWords('accessToken'), ['access', 'token']);
  assert.deepEqual(splitKeyWords('DB_PASSWORD'), ['db', 'password']);
});

test('secrets inside text are replaced and the rest of the text is kept', () => {
  const cases: [string, string][] = [
    ['login with password=hunter2 ok', `login with password=${REDACTED} ok`],
    ['{"password":"hunter2","user":"ann"}', `{"password":"${REDACTED}","user":"ann"}`],
    ['GET /cb?code=1&access_token=abc.def&state=x', `GET /cb?code=1&access_token=${REDACTED}&state=x`],
    ["WHERE password = 'p4ss'", `WHERE password = '${REDACTED}'`],
    ['Authorization: Bearer abc.DEF-123_x', `Authorization: Bearer ${REDACTED}`],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-1 expired', `token ${REDACTED} expired`],
    ['key AKIAIOSFODNN7EXAMPLE used', `key ${REDACTED} used`],
    ['postgres://app:s3cret@db:5432/shop', `postgres://app:${REDACTED}@db:5432/shop`],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- tail', `${REDACTED} tail`],
    ['truncated -----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBg', `truncated ${REDACTED}`],
    ['slack xoxb-1234567890-abcdef', `slack ${REDACTED}`],
  ];
  for (const [input, expected] of cases) assert.equal(redactor.redactString(input), expected, input);
});

test('text without secrets is returned as the same string', () => {
  const text = 'GET /api/orders/42 took 12 ms for tokens=120';
  assert.equal(redactor.redactString(text), text);
});

test('attribute values: secret keys lose their whole value, other values only their secret parts', () => {
  assert.equal(redactor.redactAttribute('http.request.header.authorization', ['Basic dXNlcjpwYXNz']), REDACTED);
  assert.equal(redactor.redactAttribute('app.pin_password', 1234), REDACTED);
  assert.deepEqual(redactor.redactAttribute('notes', ['fine', 'password=x']), ['fine', `password=${REDACTED}`]);
  const untouched = ['a', 'b'];
  assert.equal(redactor.redactAttribute('notes', untouched), untouched);
  assert.equal(redactor.redactAttribute('http.response.status_code', 200), 200);
});

test('log values are walked through maps and arrays; errors and bytes are left as they are', () => {
  const error = new Error('x');
  const bytes = new Uint8Array([1, 2]);
  const value = { user: 'ann', auth: { token: 'abc', note: 'Bearer xyz123456' }, list: ['apikey=zz'], error, bytes };
  // An Error is not an AnyValue, but pino-style objects reach the redactor with them inside.
  assert.deepEqual(redactor.redactAnyValue(value as unknown as AnyValue), {
    user: 'ann',
    auth: { token: REDACTED, note: `Bearer ${REDACTED}` },
    list: [`apikey=${REDACTED}`],
    error,
    bytes,
  });
  const clean = { user: 'ann' };
  assert.equal(redactor.redactAnyValue(clean), clean);
});

test('extra key and value patterns are configurable', () => {
  const custom = new Redactor({ keys: ['ssn', /^x-internal-/], values: [/\bCARD-\d{4}\b/] });
  assert.equal(custom.isSecretKey('customer.ssn'), true);
  assert.equal(custom.isSecretKey('x-internal-route'), true);
  assert.equal(custom.redactString('paid with CARD-1234 and CARD-5678'), `paid with ${REDACTED} and ${REDACTED}`);
  // Defaults still apply alongside the extras.
  assert.equal(custom.redactString('password=1'), `password=${REDACTED}`);
});

test('the cheap pre-filter lets every built-in pattern through, and clean values are remembered, never secrets', () => {
  const fresh = new Redactor();
  const secrets = [
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----',
    'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    'key AKIAABCDEFGHIJKLMNOP',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'xoxb-1234567890-abcdef',
    'sk_live_abcdefghij1234',
    'AIzaSyA1234567890abcdefghijklmnopqrstuv',
    'Authorization: Bearer abc.def.ghi',
    'postgres://app:hunter2@db:5432/shop',
    'retry with api_key=abc123 later',
  ];
  for (const secret of secrets) {
    // Twice: a secret must be redacted every time, not remembered as clean after the first.
    assert.notEqual(fresh.redactString(secret), secret, secret);
    assert.notEqual(fresh.redactString(secret), secret, `${secret} (second time)`);
  }
  const clean = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36';
  assert.equal(fresh.redactString(clean), clean);
  assert.equal(fresh.redactString(clean), clean);
  // A user pattern has no trigger of its own: it must still reach the full check.
  const custom = new Redactor({ values: [/\bCARD-\d{4}\b/] });
  assert.equal(custom.redactString('paid with CARD-1234'), `paid with ${REDACTED}`);
});
