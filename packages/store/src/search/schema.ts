/**
 * Migration 4 (query): the autocomplete rollup. Tag names and values for the search UI and
 * Grafana come from this small table, filled at ingest by a materialized view over
 * `spans_recent`, so autocomplete never scans spans (`arrayJoin(mapKeys(...))` over millions
 * of spans takes seconds). Values that cannot be typed into a query (arrays, maps, bytes)
 * and long values are left out; counts let readers offer the most frequent values first.
 *
 * The view reads one span in `sampleRate` (by span id hash; `search.tagSampleRate`, default 16):
 * unpacking every attribute of every span cost more than the insert itself (measured: the storage
 * ceiling fell from ~25k to ~10k spans/s with every span, ~23k with 1 in 16). A sample still sees
 * every service's resource attributes and every common key and value; a value seen on very few
 * spans may be missing from autocomplete (search itself never depends on this table). Counts are
 * scaled back up, so they are estimates. The view is recreated at every start with the configured
 * rate, like the TTLs.
 */
export const TAG_VALUES_TABLE = 'search_tag_values';

/** Longest value kept in the rollup; longer ones are ids or payloads nobody autocompletes. */
const MAX_VALUE_LENGTH = 128;

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

// mapKeys/mapValues side by side: a `map[k]` lookup per key made the unpacking quadratic.
const attributeTags = (scope: string, values: string, types: string) =>
  `arrayMap((k, v) -> ('${scope}', toString(k), toString(${types}[k]), v), mapKeys(${values}), mapValues(${values}))`;

/** Drops and recreates the rollup's view so that it samples one span in `sampleRate` (an integer >= 1). */
export function tagValuesViewSql(sampleRate: number): string[] {
  const rate = Math.max(1, Math.trunc(sampleRate));
  return [
    `DROP VIEW IF EXISTS ${TAG_VALUES_TABLE}_mv`,
    `CREATE MATERIALIZED VIEW ${TAG_VALUES_TABLE}_mv TO ${TAG_VALUES_TABLE} AS
SELECT tag.1 AS Scope, tag.2 AS Key, tag.3 AS Type, tag.4 AS Value, toDate(IngestTime) AS Day, Tenant, count() * ${rate} AS Count
FROM (
  -- Sample before unpacking: a WHERE beside the ARRAY JOIN would filter after it.
  SELECT SpanAttributes, SpanAttributeTypes, ResourceAttributes, ResourceAttributeTypes, SpanName, IngestTime, Tenant
  FROM spans_recent
  WHERE cityHash64(SpanId) % ${rate} = 0
)
ARRAY JOIN arrayFilter(
  t -> t.3 NOT IN ('array', 'kvlist', 'bytes') AND length(t.4) <= ${MAX_VALUE_LENGTH},
  arrayConcat(
    ${attributeTags('span', 'SpanAttributes', 'SpanAttributeTypes')},
    ${attributeTags('resource', 'ResourceAttributes', 'ResourceAttributeTypes')},
    [('intrinsic', 'name', '', toString(SpanName))]
  )
) AS tag
GROUP BY Scope, Key, Type, Value, Day, Tenant`,
  ];
}

/**
 * Rare attribute values (user ids, order ids, hosts) are what people search for most; a bloom
 * filter over the span attribute values lets `{ span.enduser.id = "u-42" }` skip the granules
 * without the value (measured: 165 -> 15 granules of a 1 h window over 10M spans, for about
 * 0.5 B per span). Frequent values (a 500 status) gain nothing: those searches scan the window.
 */
const spanAttributeValuesIndexSql = `ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_span_attr_values mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1`;

export const queryMigrationStatements: string[] = [tagValuesTableSql, spanAttributeValuesIndexSql];
