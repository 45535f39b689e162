import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filters, parse, type Query, TraceQLError, tokenize } from '../../src/index';

const filterOf = (q: Query) => {
  assert.equal(q.spanset.kind, 'filter');
  return (q.spanset as { expr: unknown }).expr;
};

/** The position and expectation of the error a query raises. */
function errorOf(q: string): TraceQLError {
  try {
    parse(q);
  } catch (e) {
    assert.ok(e instanceof TraceQLError, String(e));
    return e;
  }
  assert.fail(`${q} parsed`);
}

describe('lexer', () => {
  test('numbers, durations, strings, words and operators', () => {
    const t = tokenize('{ span.x >= -2.5 && duration < 1.5s || name =~ "a\\"b" } | count() != 3');
    assert.deepEqual(
      t.map((x) => [x.kind, x.text]),
      [
        ['punct', '{'],
        ['word', 'span.x'],
        ['op', '>='],
        ['number', '-2.5'],
        ['op', '&&'],
        ['word', 'duration'],
        ['op', '<'],
        ['duration', '1.5s'],
        ['op', '||'],
        ['word', 'name'],
        ['op', '=~'],
        ['string', 'a"b'],
        ['punct', '}'],
        ['punct', '|'],
        ['word', 'count'],
        ['punct', '('],
        ['punct', ')'],
        ['op', '!='],
        ['number', '3'],
        ['eof', ''],
      ],
    );
    assert.equal(t[7]!.num, 1_500_000_000);
    assert.equal(t[3]!.num, -2.5);
    assert.equal(t[3]!.integer, false);
  });

  test('every duration unit', () => {
    const units: [string, number][] = [
      ['7ns', 7],
      ['7us', 7e3],
      ['7µs', 7e3],
      ['7ms', 7e6],
      ['7s', 7e9],
      ['7m', 420e9],
      ['7h', 7 * 3600e9],
    ];
    for (const [text, nanos] of units) assert.equal(tokenize(text)[0]!.num, nanos, text);
  });

  test('raw backtick strings and quoted attribute names', () => {
    const t = tokenize('span."my key" = `a\\d+`');
    assert.equal(t[0]!.text, 'span.my key');
    assert.equal(t[2]!.text, 'a\\d+');
  });

  test('errors carry the position', () => {
    assert.equal(errorOf('{ name = "abc }').position, 9);
    assert.equal(errorOf('{ duration > 5xs }').position, 13);
    assert.equal(errorOf('{ name = "a" } # x').position, 15);
  });
});

describe('spanset filters', () => {
  test('{} matches every span', () => {
    assert.deepEqual(parse('{}'), { spanset: { kind: 'filter', expr: { kind: 'true' }, pos: 0 }, stages: [] });
    assert.deepEqual(filterOf(parse('{ true }')), { kind: 'true' });
  });

  test('scopes: span., resource. and unscoped', () => {
    const q = parse('{ span.http.route = "/cart" && resource.service.name = "shop" && .enduser.id = "u-42" }');
    const e = filterOf(q) as {
      left: { left: { field: unknown }; right: { field: unknown } };
      right: { field: unknown };
    };
    assert.deepEqual(e.left.left.field, { kind: 'attribute', scope: 'span', key: 'http.route', pos: 2 });
    assert.deepEqual(e.left.right.field, { kind: 'attribute', scope: 'resource', key: 'service.name', pos: 31 });
    assert.deepEqual(e.right.field, { kind: 'attribute', scope: 'any', key: 'enduser.id', pos: 65 });
  });

  test('&& binds tighter than ||, parentheses override', () => {
    const a = filterOf(parse('{ name = "a" || name = "b" && name = "c" }')) as {
      kind: string;
      right: { kind: string };
    };
    assert.equal(a.kind, 'or');
    assert.equal(a.right.kind, 'and');
    const b = filterOf(parse('{ (name = "a" || name = "b") && name = "c" }')) as {
      kind: string;
      left: { kind: string };
    };
    assert.equal(b.kind, 'and');
    assert.equal(b.left.kind, 'or');
  });

  test('every intrinsic and its literal type', () => {
    const cases: [string, string, unknown][] = [
      ['name = "GET"', 'name', { type: 'string', value: 'GET' }],
      ['status = error', 'status', { type: 'status', value: 'error' }],
      ['statusMessage =~ "time.*"', 'statusMessage', { type: 'string', value: 'time.*' }],
      ['duration > 250ms', 'duration', { type: 'duration', nanos: 250e6 }],
      ['kind = server', 'kind', { type: 'kind', value: 'server' }],
      ['trace:duration >= 2s', 'trace:duration', { type: 'duration', nanos: 2e9 }],
      ['trace:rootName = "GET /"', 'trace:rootName', { type: 'string', value: 'GET /' }],
      ['trace:rootService != "x"', 'trace:rootService', { type: 'string', value: 'x' }],
      ['trace:id = "0af7651916cd43dd8448eb211c80319c"', 'trace:id', { type: 'string' }],
      ['span:id = "b7ad6b7169203331"', 'span:id', { type: 'string' }],
      ['span:name = "a"', 'name', { type: 'string' }],
      ['rootServiceName = "a"', 'trace:rootService', { type: 'string' }],
      ['traceDuration > 1s', 'trace:duration', { type: 'duration' }],
    ];
    for (const [src, name, lit] of cases) {
      const e = filterOf(parse(`{ ${src} }`)) as { field: { name: string }; value: Record<string, unknown> };
      assert.equal(e.field.name, name, src);
      for (const [k, v] of Object.entries(lit as object)) assert.equal(e.value[k], v, `${src} ${k}`);
    }
  });

  test('every operator', () => {
    for (const op of ['=', '!=', '>', '>=', '<', '<=']) {
      const e = filterOf(parse(`{ span.n ${op} 3 }`)) as { op: string };
      assert.equal(e.op, op);
    }
    for (const op of ['=~', '!~']) assert.equal((filterOf(parse(`{ name ${op} "a.*" }`)) as { op: string }).op, op);
  });

  test('attribute literals: string, integer, float, duration, boolean', () => {
    const lit = (v: string) => (filterOf(parse(`{ span.a = ${v} }`)) as { value: unknown }).value;
    assert.deepEqual(lit('"x"'), { type: 'string', value: 'x', pos: 11 });
    assert.deepEqual(lit('500'), { type: 'number', value: 500, integer: true, pos: 11 });
    assert.deepEqual(lit('0.25'), { type: 'number', value: 0.25, integer: false, pos: 11 });
    assert.deepEqual(lit('3s'), { type: 'duration', nanos: 3e9, pos: 11 });
    assert.deepEqual(lit('true'), { type: 'boolean', value: true, pos: 11 });
    assert.deepEqual(lit('false'), { type: 'boolean', value: false, pos: 11 });
  });
});

describe('spanset combination and pipelines', () => {
  test('{A} && {B}, {A} || {B} and parentheses', () => {
    const q = parse('({ name = "a" } || { name = "b" }) && { status = error }');
    assert.equal(q.spanset.kind, 'and');
    assert.equal((q.spanset as { left: { kind: string } }).left.kind, 'or');
    assert.equal(filters(q.spanset).length, 3);
  });

  test('count, avg, min, max, sum and select', () => {
    const q = parse(
      '{ kind = server } | count() > 2 | avg(duration) > 1s | max(span.n) <= 4 | min(duration) >= 1ms | sum(span.b) < 9 | select(span.http.route, resource.host.name, name)',
    );
    assert.deepEqual(
      q.stages.map((s) => (s.kind === 'aggregate' ? [s.fn, s.op, s.value.type] : ['select', s.fields.length])),
      [
        ['count', '>', 'number'],
        ['avg', '>', 'duration'],
        ['max', '<=', 'number'],
        ['min', '>=', 'duration'],
        ['sum', '<', 'number'],
        ['select', 3],
      ],
    );
  });
});

describe('errors say where and what was expected', () => {
  const cases: [string, number, string][] = [
    ['', 0, '{'],
    ['{ name = "a"', 12, '}'],
    ['{ name = }', 9, 'a quoted string'],
    ['{ name "a" }', 7, 'an operator'],
    ['{ foo = "a" }', 2, 'span.foo'],
    ['{ status = bad }', 11, 'error'],
    ['{ status > error }', 9, '= or !='],
    ['{ kind = server2 }', 9, 'server'],
    ['{ duration > 5 }', 13, 'a duration'],
    ['{ duration =~ "1" }', 11, '= != > >= < <='],
    ['{ span. = 1 }', 2, 'an attribute name'],
    ['{ span.a = }', 11, 'a string'],
    ['{ span.a > true }', 9, '= or !='],
    ['{ name =~ "(" }', 10, 'a valid regular expression'],
    ['{ name = "a" } &&', 17, '{'],
    ['{ name = "a" } | count(', 23, ')'],
    ['{ name = "a" } | count() > "x"', 27, 'a number'],
    ['{ name = "a" } | avg(duration) =~ 3', 31, '= != > >= < <='],
    ['{ name = "a" } | frob()', 17, 'count()'],
    ['{ name = "a" } | select()', 24, 'an attribute or intrinsic'],
    ['{ name = "a" } }', 15, 'end of query'],
    ['{ (name = "a" }', 14, ')'],
  ];
  for (const [q, pos, expected] of cases) {
    test(JSON.stringify(q), () => {
      const e = errorOf(q);
      assert.equal(e.position, pos, e.message);
      assert.ok(
        e.expected.some((x) => x.includes(expected)),
        `${e.message} should expect ${expected}`,
      );
      assert.match(e.message, new RegExp(`at position ${pos}`));
    });
  }
});
