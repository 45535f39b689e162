import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withOrderBy } from '../../src/schema/relayout';

const ddl =
  'CREATE TABLE default.spans (`Timestamp` DateTime64(9), `TraceId` String, `Tenant` LowCardinality(String), INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1) ENGINE = MergeTree PARTITION BY toDate(Timestamp) ORDER BY (ServiceName, SpanName, toDateTime(Timestamp)) TTL toDateTime(Timestamp) + toIntervalSecond(2592000) SETTINGS index_granularity = 2048, ttl_only_drop_parts = 1';

test("a table's own DDL gives its copy under another name and sorting key, everything else kept", () => {
  assert.equal(
    withOrderBy(ddl, 'spans', 'spans_relayout', '(toStartOfMinute(Timestamp), TraceId)'),
    ddl
      .replace('CREATE TABLE default.spans ', 'CREATE TABLE IF NOT EXISTS default.spans_relayout ')
      .replace(
        'ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))',
        'ORDER BY (toStartOfMinute(Timestamp), TraceId)',
      ),
  );
  // ORDER BY as the last clause, no database prefix.
  assert.equal(
    withOrderBy('CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a', 't', 'u', '(b, a)'),
    'CREATE TABLE IF NOT EXISTS u (a UInt8) ENGINE = MergeTree ORDER BY (b, a)',
  );
});

test('a DDL it does not understand is refused rather than guessed at', () => {
  assert.throws(() => withOrderBy(ddl, 'logs', 'logs_relayout', 'x'), /unexpected DDL/);
  assert.throws(() => withOrderBy('CREATE TABLE t (a UInt8) ENGINE = Memory', 't', 'u', 'a'), /ORDER BY/);
  assert.throws(
    () => withOrderBy('CREATE TABLE t (a UInt8) ENGINE = MergeTree PRIMARY KEY a ORDER BY a', 't', 'u', 'a'),
    /ORDER BY/,
  );
});
