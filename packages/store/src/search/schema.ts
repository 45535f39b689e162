/**
 * Migration 4 (query): the autocomplete rollup. Tag names and values for the search UI and
 * Grafana come from this small table, so autocomplete never scans spans (`arrayJoin(mapKeys(...))`
 * over millions of spans takes seconds). Values that cannot be typed into a query (arrays, maps,
 * bytes) and long values are left out; counts let readers offer the most frequent values first.
 *
 * It is filled from a sample of the spans written (one in `search.tagSampleRate`, default 16):
 * a value seen on very few spans may be missing from autocomplete (search itself never depends on
 * this table), and counts are scaled back up, so they are estimates. A materialised view over
 * `spans_recent` used to do that at every insert; the store now counts in memory and inserts the
 * counts every few seconds (tagRollup.ts), and the view is dropped at every start.
 */
export const TAG_VALUES_TABLE = 'search_tag_values';

const tagValuesTableSql = `CREATE TABLE IF NOT EXISTS ${TAG_VALUES_TABLE} (
  Scope LowCardinality(String),
  Key LowCardinality(String),
  Type LowCardinality(String),
  Value String CODEC(ZSTD(1)),
  Day Date,
  Count SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY Day
ORDER BY (Scope, Key, Type, Value, Day)
TTL Day + toIntervalDay(30)
SETTINGS ttl_only_drop_parts = 1`;

/** The view that used to feed the rollup at every insert (tagRollup.ts replaced it). */
export const dropTagValuesViewSql = `DROP VIEW IF EXISTS ${TAG_VALUES_TABLE}_mv`;

/**
 * Rare attribute values (user ids, order ids, hosts) are what people search for most; a bloom
 * filter over the span attribute values lets `{ span.enduser.id = "u-42" }` skip the granules
 * without the value (measured: 165 -> 15 granules of a 1 h window over 10M spans, for about
 * 0.5 B per span). Frequent values (a 500 status) gain nothing: those searches scan the window.
 */
const spanAttributeValuesIndexSql = `ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_span_attr_values mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1`;

export const queryMigrationStatements: string[] = [tagValuesTableSql, spanAttributeValuesIndexSql];
