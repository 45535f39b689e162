/**
 * The internal model: OTLP flattened into one record per span, log record or metric data
 * point, with the resource and scope copied onto every record.
 *
 * Field names are the ClickHouse column names (close to the OpenTelemetry Collector
 * ClickHouse exporter's), so the store writes a record without another copy on the hot
 * path. Everything needed to rebuild the exact OTLP document is kept.
 *
 * Conventions:
 * - Nanosecond times, int64, uint64 and fixed64 values are decimal strings (exact; never a
 *   JS number). The store writes them as bare JSON numbers.
 * - IDs are lowercase hex: trace id 32 chars, span id 16 chars, '' when absent.
 * - Attributes are two maps: `...Attributes` holds every value as a string (what search
 *   and the exporter-compatible schema want), `...AttributeTypes` holds the OTLP type of
 *   each value that is not a string (sparse: most attributes are strings).
 */

/** The OTLP AnyValue type of an attribute value that is not a plain string. */
export type ValueType = 'bool' | 'int' | 'double' | 'bytes' | 'array' | 'kvlist' | 'empty';

/**
 * Attribute values as stored:
 * - string: as is (no entry in the types map)
 * - bool: 'true' | 'false'
 * - int: exact decimal int64, e.g. '-9223372036854775808'
 * - double: shortest round-trip decimal (JS `String(n)`), or 'NaN', 'Infinity', '-Infinity'
 * - bytes: standard base64
 * - array: OTLP/JSON of the `values` list, e.g. '[{"stringValue":"a"},{"intValue":"1"}]'
 * - kvlist: OTLP/JSON of the `values` list, e.g. '[{"key":"k","value":{"boolValue":true}}]'
 * - empty: '' (an AnyValue with no value set)
 */
export type AttributeValues = Record<string, string>;
export type AttributeTypes = Record<string, ValueType>;

export type SpanKindName = 'Unspecified' | 'Internal' | 'Server' | 'Client' | 'Producer' | 'Consumer';
export type StatusCodeName = 'Unset' | 'Ok' | 'Error';

/**
 * Resource and instrumentation scope, copied onto every record of the batch. The decoders
 * give all records of one resource and scope the same attribute objects (no per-record copy
 * on the hot path): treat them as read-only, or copy before changing one record's.
 */
export interface ResourceScopeColumns {
  /** `service.name` of the resource, or 'unknown_service' when absent. */
  ServiceName: string;
  ResourceAttributes: AttributeValues;
  ResourceAttributeTypes: AttributeTypes;
  ResourceDroppedAttributesCount: number;
  ResourceSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: AttributeValues;
  ScopeAttributeTypes: AttributeTypes;
  ScopeDroppedAttributesCount: number;
  ScopeSchemaUrl: string;
}

export interface SpanRecord extends ResourceScopeColumns {
  /** start_time_unix_nano */
  Timestamp: string;
  /** end - start in ns; negative when the span ends before it starts (clock skew). */
  Duration: string;
  TraceId: string;
  SpanId: string;
  /** '' for a root span; an all-zero parent id is decoded as ''. */
  ParentSpanId: string;
  TraceState: string;
  /** fixed32 flags (W3C trace flags in the low byte). */
  Flags: number;
  SpanName: string;
  /** Unknown enum numbers are stored as 'Unspecified'. */
  SpanKind: SpanKindName;
  SpanAttributes: AttributeValues;
  SpanAttributeTypes: AttributeTypes;
  DroppedAttributesCount: number;
  StatusCode: StatusCodeName;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': AttributeValues[];
  'Events.AttributeTypes': AttributeTypes[];
  'Events.DroppedAttributesCount': number[];
  DroppedEventsCount: number;
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Flags': number[];
  'Links.Attributes': AttributeValues[];
  'Links.AttributeTypes': AttributeTypes[];
  'Links.DroppedAttributesCount': number[];
  DroppedLinksCount: number;
}

export interface LogRecord extends ResourceScopeColumns {
  /** time_unix_nano; '0' when the producer did not set it. */
  Timestamp: string;
  ObservedTimestamp: string;
  /** '' when absent; an all-zero id is decoded as ''. */
  TraceId: string;
  SpanId: string;
  /** The log record's `flags` field. */
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  /** Encoded like an attribute value; `BodyType` is '' for a string body, 'empty' when there is no body. */
  Body: string;
  BodyType: ValueType | '';
  EventName: string;
  LogAttributes: AttributeValues;
  LogAttributeTypes: AttributeTypes;
  DroppedAttributesCount: number;
}

/** Columns shared by the data points of every metric type. */
export interface MetricPointColumns extends ResourceScopeColumns {
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  /** Metric.metadata */
  MetricMetadata: AttributeValues;
  MetricMetadataTypes: AttributeTypes;
  Attributes: AttributeValues;
  AttributeTypes: AttributeTypes;
  StartTimeUnix: string;
  TimeUnix: string;
  Flags: number;
  'Exemplars.FilteredAttributes': AttributeValues[];
  'Exemplars.FilteredAttributeTypes': AttributeTypes[];
  'Exemplars.TimeUnix': string[];
  /** as_double, or as_int converted to a double (for queries). */
  'Exemplars.Value': number[];
  /** as_int exactly, or null when the exemplar carried as_double. */
  'Exemplars.IntValue': (string | null)[];
  'Exemplars.SpanId': string[];
  'Exemplars.TraceId': string[];
}

/** Non-finite doubles (NaN, +-Infinity) are kept as JS numbers; the store serialises them. */
export interface GaugePoint extends MetricPointColumns {
  Value: number;
  IntValue: string | null;
}

export interface SumPoint extends GaugePoint {
  AggregationTemporality: number;
  IsMonotonic: boolean;
}

export interface HistogramPoint extends MetricPointColumns {
  Count: string;
  /** null when the point has no sum (optional in OTLP). */
  Sum: number | null;
  BucketCounts: string[];
  ExplicitBounds: number[];
  Min: number | null;
  Max: number | null;
  AggregationTemporality: number;
}

export interface ExpHistogramPoint extends MetricPointColumns {
  Count: string;
  Sum: number | null;
  Scale: number;
  ZeroCount: string;
  ZeroThreshold: number;
  PositiveOffset: number;
  PositiveBucketCounts: string[];
  NegativeOffset: number;
  NegativeBucketCounts: string[];
  Min: number | null;
  Max: number | null;
  AggregationTemporality: number;
}

export interface SummaryPoint extends MetricPointColumns {
  Count: string;
  Sum: number;
  'ValueAtQuantiles.Quantile': number[];
  'ValueAtQuantiles.Value': number[];
}

export interface MetricBatch {
  gauge: GaugePoint[];
  sum: SumPoint[];
  histogram: HistogramPoint[];
  expHistogram: ExpHistogramPoint[];
  summary: SummaryPoint[];
}

export type Signal = 'traces' | 'logs' | 'metrics';
export type WireFormat = 'protobuf' | 'json';

/**
 * What a decoder returns for a request it could parse. Items it refused (an invalid id,
 * say) are counted in `rejected` and explained in `rejectionMessage`; the rest is kept.
 * This maps onto OTLP's `partial_success`.
 */
export interface Decoded<T> {
  records: T;
  rejected: number;
  rejectionMessage: string;
}
