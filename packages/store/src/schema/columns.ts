/**
 * Column definitions shared by the tables, as data: the DDL, the row serialiser
 * and the readers are all derived from these lists, so a column is declared once.
 */

/**
 * How a record field is written into an insert row:
 * - `string`: JSON string
 * - `uint`, `int`: JS number (counts, enums, flags)
 * - `decimal`: a decimal string from the record (ns time, int64, uint64) written as a bare
 *   JSON number, so ClickHouse reads DateTime64(9) as ticks and 64-bit integers exactly
 * - `nullableDecimal`: `decimal` or null
 * - `float`, `nullableFloat`: doubles, NaN and infinities written as ClickHouse reads them
 * - `bool`
 * - `map`: Record<string, string> -> JSON object
 * - `array:<kind>`: arrays of the above
 */
export type ColumnKind =
  | 'string'
  | 'uint'
  | 'int'
  | 'decimal'
  | 'nullableDecimal'
  | 'float'
  | 'nullableFloat'
  | 'bool'
  | 'map'
  | 'array:string'
  | 'array:uint'
  | 'array:decimal'
  | 'array:nullableDecimal'
  | 'array:float'
  | 'array:map';

export interface Column {
  name: string;
  type: string;
  kind: ColumnKind;
  /** SQL that reads the column back into the record's representation. */
  read?: string;
}

const ZSTD = 'CODEC(ZSTD(1))';
const TIME = 'DateTime64(9) CODEC(Delta(8), ZSTD(1))';
const ATTRS = 'Map(LowCardinality(String), String) CODEC(ZSTD(1))';
// Types are sparse (only non-string values) and few distinct, hence LowCardinality both sides.
const TYPES = 'Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))';

/** The column type without its codec, e.g. `Array(LowCardinality(String))`. */
export const bareType = (type: string): string => type.replace(/\s+CODEC\(.*\)$/, '');

/** A column's bare type with every `LowCardinality(T)` replaced by `T`. */
export const plainType = (type: string): string => bareType(type).replaceAll(/LowCardinality\((.*?)\)/g, '$1');

/** Reads a DateTime64(9) column as its exact ns decimal string. */
export const nsRead = (col: string): string => `toString(toUnixTimestamp64Nano(${col}))`;

function time(name: string): Column {
  return { name, type: TIME, kind: 'decimal', read: nsRead(name) };
}

function timeArray(name: string): Column {
  return {
    name,
    type: 'Array(DateTime64(9)) CODEC(ZSTD(1))',
    kind: 'array:decimal',
    read: `arrayMap(t -> toString(toUnixTimestamp64Nano(t)), \`${name}\`)`,
  };
}

export const resourceScopeColumns: Column[] = [
  { name: 'ServiceName', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'ResourceAttributes', type: ATTRS, kind: 'map' },
  { name: 'ResourceAttributeTypes', type: TYPES, kind: 'map' },
  { name: 'ResourceDroppedAttributesCount', type: 'UInt32', kind: 'uint' },
  { name: 'ResourceSchemaUrl', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'ScopeName', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'ScopeVersion', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'ScopeAttributes', type: ATTRS, kind: 'map' },
  { name: 'ScopeAttributeTypes', type: TYPES, kind: 'map' },
  { name: 'ScopeDroppedAttributesCount', type: 'UInt32', kind: 'uint' },
  { name: 'ScopeSchemaUrl', type: 'LowCardinality(String)', kind: 'string' },
];

export const spanColumns: Column[] = [
  time('Timestamp'),
  { name: 'Duration', type: 'Int64 CODEC(T64, ZSTD(1))', kind: 'decimal', read: 'toString(Duration)' },
  { name: 'TraceId', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'SpanId', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'ParentSpanId', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'TraceState', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'Flags', type: 'UInt32', kind: 'uint' },
  { name: 'SpanName', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'SpanKind', type: 'LowCardinality(String)', kind: 'string' },
  ...resourceScopeColumns,
  { name: 'SpanAttributes', type: ATTRS, kind: 'map' },
  { name: 'SpanAttributeTypes', type: TYPES, kind: 'map' },
  { name: 'DroppedAttributesCount', type: 'UInt32', kind: 'uint' },
  { name: 'StatusCode', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'StatusMessage', type: `String ${ZSTD}`, kind: 'string' },
  timeArray('Events.Timestamp'),
  { name: 'Events.Name', type: 'Array(LowCardinality(String))', kind: 'array:string' },
  { name: 'Events.Attributes', type: `Array(${ATTRS.replace(` ${ZSTD}`, '')}) ${ZSTD}`, kind: 'array:map' },
  { name: 'Events.AttributeTypes', type: `Array(${TYPES.replace(` ${ZSTD}`, '')}) ${ZSTD}`, kind: 'array:map' },
  { name: 'Events.DroppedAttributesCount', type: 'Array(UInt32)', kind: 'array:uint' },
  { name: 'DroppedEventsCount', type: 'UInt32', kind: 'uint' },
  { name: 'Links.TraceId', type: `Array(String) ${ZSTD}`, kind: 'array:string' },
  { name: 'Links.SpanId', type: `Array(String) ${ZSTD}`, kind: 'array:string' },
  { name: 'Links.TraceState', type: `Array(String) ${ZSTD}`, kind: 'array:string' },
  { name: 'Links.Flags', type: 'Array(UInt32)', kind: 'array:uint' },
  { name: 'Links.Attributes', type: `Array(${ATTRS.replace(` ${ZSTD}`, '')}) ${ZSTD}`, kind: 'array:map' },
  { name: 'Links.AttributeTypes', type: `Array(${TYPES.replace(` ${ZSTD}`, '')}) ${ZSTD}`, kind: 'array:map' },
  { name: 'Links.DroppedAttributesCount', type: 'Array(UInt32)', kind: 'array:uint' },
  { name: 'DroppedLinksCount', type: 'UInt32', kind: 'uint' },
];

export const logColumns: Column[] = [
  time('Timestamp'),
  time('ObservedTimestamp'),
  { name: 'TraceId', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'SpanId', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'TraceFlags', type: 'UInt32', kind: 'uint' },
  { name: 'SeverityText', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'SeverityNumber', type: 'UInt8', kind: 'uint' },
  { name: 'Body', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'BodyType', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'EventName', type: 'LowCardinality(String)', kind: 'string' },
  ...resourceScopeColumns,
  { name: 'LogAttributes', type: ATTRS, kind: 'map' },
  { name: 'LogAttributeTypes', type: TYPES, kind: 'map' },
  { name: 'DroppedAttributesCount', type: 'UInt32', kind: 'uint' },
];

const metricCommonColumns: Column[] = [
  ...resourceScopeColumns,
  { name: 'MetricName', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'MetricDescription', type: `String ${ZSTD}`, kind: 'string' },
  { name: 'MetricUnit', type: 'LowCardinality(String)', kind: 'string' },
  { name: 'MetricMetadata', type: ATTRS, kind: 'map' },
  { name: 'MetricMetadataTypes', type: TYPES, kind: 'map' },
  { name: 'Attributes', type: ATTRS, kind: 'map' },
  { name: 'AttributeTypes', type: TYPES, kind: 'map' },
  time('StartTimeUnix'),
  time('TimeUnix'),
  { name: 'Flags', type: 'UInt32', kind: 'uint' },
  { name: 'Exemplars.FilteredAttributes', type: `Array(${ATTRS.replace(` ${ZSTD}`, '')}) ${ZSTD}`, kind: 'array:map' },
  {
    name: 'Exemplars.FilteredAttributeTypes',
    type: `Array(${TYPES.replace(` ${ZSTD}`, '')}) ${ZSTD}`,
    kind: 'array:map',
  },
  timeArray('Exemplars.TimeUnix'),
  { name: 'Exemplars.Value', type: 'Array(Float64)', kind: 'array:float' },
  {
    name: 'Exemplars.IntValue',
    type: 'Array(Nullable(Int64))',
    kind: 'array:nullableDecimal',
    read: 'arrayMap(v -> toString(v), `Exemplars.IntValue`)',
  },
  { name: 'Exemplars.SpanId', type: `Array(String) ${ZSTD}`, kind: 'array:string' },
  { name: 'Exemplars.TraceId', type: `Array(String) ${ZSTD}`, kind: 'array:string' },
];

const valueColumns: Column[] = [
  { name: 'Value', type: 'Float64 CODEC(ZSTD(1))', kind: 'float' },
  { name: 'IntValue', type: 'Nullable(Int64)', kind: 'nullableDecimal', read: 'toString(IntValue)' },
];

export const gaugeColumns: Column[] = [...metricCommonColumns, ...valueColumns];

export const sumColumns: Column[] = [
  ...metricCommonColumns,
  ...valueColumns,
  { name: 'AggregationTemporality', type: 'Int32', kind: 'int' },
  { name: 'IsMonotonic', type: 'Bool', kind: 'bool' },
];

const u64 = (name: string): Column => ({ name, type: 'UInt64', kind: 'decimal', read: `toString(${name})` });
const u64Array = (name: string): Column => ({
  name,
  type: 'Array(UInt64)',
  kind: 'array:decimal',
  read: `arrayMap(v -> toString(v), ${name})`,
});
const nullableFloat = (name: string): Column => ({ name, type: 'Nullable(Float64)', kind: 'nullableFloat' });

export const histogramColumns: Column[] = [
  ...metricCommonColumns,
  u64('Count'),
  nullableFloat('Sum'),
  u64Array('BucketCounts'),
  { name: 'ExplicitBounds', type: 'Array(Float64)', kind: 'array:float' },
  nullableFloat('Min'),
  nullableFloat('Max'),
  { name: 'AggregationTemporality', type: 'Int32', kind: 'int' },
];

export const expHistogramColumns: Column[] = [
  ...metricCommonColumns,
  u64('Count'),
  nullableFloat('Sum'),
  { name: 'Scale', type: 'Int32', kind: 'int' },
  u64('ZeroCount'),
  { name: 'ZeroThreshold', type: 'Float64', kind: 'float' },
  { name: 'PositiveOffset', type: 'Int32', kind: 'int' },
  u64Array('PositiveBucketCounts'),
  { name: 'NegativeOffset', type: 'Int32', kind: 'int' },
  u64Array('NegativeBucketCounts'),
  nullableFloat('Min'),
  nullableFloat('Max'),
  { name: 'AggregationTemporality', type: 'Int32', kind: 'int' },
];

export const summaryColumns: Column[] = [
  ...metricCommonColumns,
  u64('Count'),
  { name: 'Sum', type: 'Float64', kind: 'float' },
  { name: 'ValueAtQuantiles.Quantile', type: 'Array(Float64)', kind: 'array:float' },
  { name: 'ValueAtQuantiles.Value', type: 'Array(Float64)', kind: 'array:float' },
];
