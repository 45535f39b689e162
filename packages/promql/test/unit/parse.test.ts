import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PromQLError, parseExpr } from '../../src/index';

function refused(q: string, pattern: RegExp) {
  assert.throws(
    () => parseExpr(q),
    (err: unknown) => err instanceof PromQLError && err.type === 'bad_data' && pattern.test(err.message),
    q,
  );
}

describe('parsing with Prometheus grammar', () => {
  test('selectors, matchers, offset and @ land in the tree', () => {
    const e = parseExpr('rate(http_requests_total{job="api",code=~"5.."}[5m] offset 1m @ 1700000000)');
    assert.equal(e.kind, 'call');
    if (e.kind !== 'call') return;
    const m = e.args[0]!;
    assert.equal(m.kind, 'matrix');
    if (m.kind !== 'matrix') return;
    assert.equal(m.rangeMs, 300_000);
    assert.equal(m.vector.offsetMs, 60_000);
    assert.deepEqual(m.vector.at, { ms: 1_700_000_000_000 });
    assert.deepEqual(m.vector.matchers, [
      { name: '__name__', type: '=', value: 'http_requests_total' },
      { name: 'job', type: '=', value: 'api' },
      { name: 'code', type: '=~', value: '5..' },
    ]);
  });

  test('operator precedence follows Prometheus (^ right-assoc, * before +, and before or)', () => {
    const e = parseExpr('1 + 2 * 3 ^ 2 ^ 2');
    assert.equal(e.kind, 'binary');
    if (e.kind !== 'binary') return;
    assert.equal(e.op, '+');
    const r = e.rhs;
    assert.ok(r.kind === 'binary' && r.op === '*' && r.rhs.kind === 'binary' && r.rhs.op === '^');
    const s = parseExpr('a or b and c');
    assert.ok(s.kind === 'binary' && s.op === 'or' && s.rhs.kind === 'binary' && s.rhs.op === 'and');
  });

  test('vector matching clauses', () => {
    const e = parseExpr('a / on(job) group_left(instance) b');
    assert.ok(e.kind === 'binary');
    if (e.kind !== 'binary') return;
    assert.deepEqual(e.matching, { on: true, labels: ['job'], card: 'many-to-one', include: ['instance'] });
  });

  test('strings: escapes, single quotes and raw strings', () => {
    const e = parseExpr('x{a="\\"q\\"\\n", b=\'it\\\'s\', c=`raw\\n`}');
    assert.ok(e.kind === 'vector');
    if (e.kind !== 'vector') return;
    assert.deepEqual(
      e.matchers.slice(1).map((m) => m.value),
      ['"q"\n', "it's", 'raw\\n'],
    );
  });

  test('syntax errors carry a position', () => {
    try {
      parseExpr('sum(rate(x[5m])');
      assert.fail('parsed');
    } catch (err) {
      assert.ok(err instanceof PromQLError);
      assert.equal(err.type, 'bad_data');
      assert.equal(typeof err.position, 'number');
    }
  });

  test('type errors are refused as Prometheus refuses them', () => {
    refused('rate(x)', /expected type range vector in call to function "rate", got instant vector/);
    refused('sum(x[5m])', /expected type instant vector in aggregation expression, got range vector/);
    refused('x[5m] + 1', /binary expression must contain only scalar and instant vector types/);
    refused('1 > 2', /comparisons between scalars must use BOOL modifier/);
    refused('x and 1', /set operator "and" not allowed in binary scalar expression/);
    refused('x + bool y', /bool modifier can only be used on comparison operators/);
    refused('{job=~".*"}', /at least one non-empty matcher/);
    refused('x{a=~"("}', /invalid regular expression/);
    refused('topk(x, y)', /expected type scalar in aggregation parameter/);
    refused('x and on(a) group_left b', /no grouping allowed for "and" operation/);
  });

  test('what the engine does not evaluate is refused by name, never guessed', () => {
    refused('histogram_count(x)', /function "histogram_count" is not supported/);
    refused('limitk(2, x)', /aggregation "limitk" is not supported/);
    refused('sort_by_label(x, "a")', /function "sort_by_label" is not supported/);
    refused('rate(x[5m] anchored)', /not supported|parse error/);
  });
});
