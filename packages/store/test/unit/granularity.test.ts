import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexGranularity, withIndexGranularity } from '../../src/schema/granularity';

const ddl =
  'CREATE TABLE default.span_metrics (`WindowStart` DateTime64(3), `ServiceName` LowCardinality(String), `Tenant` LowCardinality(String)) ENGINE = ReplacingMergeTree PARTITION BY toDate(WindowStart) PRIMARY KEY (ServiceName, WindowStart) ORDER BY (ServiceName, WindowStart, Tenant) SETTINGS index_granularity = 8192';

test("a table's own DDL gives its copy under another name with another granularity, everything else kept", () => {
  assert.equal(
    withIndexGranularity(ddl, 'span_metrics', 'span_metrics_relayout', 256),
    ddl
      .replace('CREATE TABLE default.span_metrics ', 'CREATE TABLE IF NOT EXISTS default.span_metrics_relayout ')
      .replace('index_granularity = 8192', 'index_granularity = 256'),
  );
  // Other settings kept; no SETTINGS clause at all.
  assert.equal(
    withIndexGranularity(
      'CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS ttl_only_drop_parts = 1',
      't',
      'u',
      512,
    ),
    'CREATE TABLE IF NOT EXISTS u (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS index_granularity = 512, ttl_only_drop_parts = 1',
  );
  assert.equal(
    withIndexGranularity('CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a', 't', 'u', 512),
    'CREATE TABLE IF NOT EXISTS u (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS index_granularity = 512',
  );
  assert.throws(() => withIndexGranularity(ddl, 'logs', 'logs_relayout', 256), /unexpected DDL/);
});

test('the granularity is read from the engine definition, 8192 when unset', () => {
  assert.equal(indexGranularity('ReplacingMergeTree ORDER BY a SETTINGS index_granularity = 256'), 256);
  assert.equal(
    indexGranularity('MergeTree ORDER BY a SETTINGS ttl_only_drop_parts = 1, index_granularity = 2048'),
    2048,
  );
  assert.equal(indexGranularity('MergeTree ORDER BY a'), 8192);
});
