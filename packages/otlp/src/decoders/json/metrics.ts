import type {
  AttributeTypes,
  AttributeValues,
  Decoded,
  MetricBatch,
  MetricPointColumns,
  ResourceScopeColumns,
} from '../../model';
import { Exemplars } from '../exemplars';
import { type MetricColumns, metricPointColumns } from '../metric-columns';
import { optionalId } from '../optional-id';
import { INVALID_EXEMPLAR_ID, METRIC_WITHOUT_DATA, POINT_WITHOUT_VALUE, Rejections } from '../rejections';
import { jsonAttributes, type ValueSlot } from './common';
import { parseJsonBody, readJsonEnvelope } from './envelope';
import {
  asObject,
  enumNames,
  getArray,
  getBool,
  getDouble,
  getEnum,
  getId,
  getInt32,
  getInt64,
  getObject,
  getString,
  getUint32,
  getUint64,
  type JsonObject,
  toDouble,
  toUint64,
} from './fields';

const NAMES = {
  resources: ['resourceMetrics', 'resource_metrics'] as [string, string],
  scopes: ['scopeMetrics', 'scope_metrics'] as [string, string],
  items: ['metrics', 'metrics'] as [string, string],
};
const TEMPORALITIES = enumNames('AGGREGATION_TEMPORALITY_', ['UNSPECIFIED', 'DELTA', 'CUMULATIVE']);

interface Context {
  slot: ValueSlot;
  batch: MetricBatch;
  rejections: Rejections;
}

export function decodeMetricsJson(body: Uint8Array): Decoded<MetricBatch> {
  const batch: MetricBatch = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
  const ctx: Context = { slot: { type: '' }, batch, rejections: new Rejections('data point', 'data points') };
  readJsonEnvelope(parseJsonBody(body), NAMES, ctx.slot, (metric, path, columns) =>
    readMetric(ctx, metric, path, columns),
  );
  return { records: batch, rejected: ctx.rejections.count, rejectionMessage: ctx.rejections.message() };
}

function readMetric(ctx: Context, metric: JsonObject, path: string, c: ResourceScopeColumns): void {
  const metadata: AttributeValues = {};
  const metadataTypes: AttributeTypes = {};
  jsonAttributes(metric, path, 'metadata', undefined, metadata, metadataTypes, ctx.slot);
  const m: MetricColumns = {
    ...c,
    MetricName: getString(metric, path, 'name'),
    MetricDescription: getString(metric, path, 'description'),
    MetricUnit: getString(metric, path, 'unit'),
    MetricMetadata: metadata,
    MetricMetadataTypes: metadataTypes,
  };
  const gauge = getObject(metric, path, 'gauge');
  const sum = getObject(metric, path, 'sum');
  const histogram = getObject(metric, path, 'histogram');
  const expHistogram = getObject(metric, path, 'exponentialHistogram', 'exponential_histogram');
  const summary = getObject(metric, path, 'summary');
  if (gauge) readNumberPoints(ctx, gauge, `${path}.gauge`, m, 'gauge');
  else if (sum) readNumberPoints(ctx, sum, `${path}.sum`, m, 'sum');
  else if (histogram) readHistogramPoints(ctx, histogram, `${path}.histogram`, m);
  else if (expHistogram) readExpHistogramPoints(ctx, expHistogram, `${path}.exponentialHistogram`, m);
  else if (summary) readSummaryPoints(ctx, summary, `${path}.summary`, m);
  else ctx.rejections.add(METRIC_WITHOUT_DATA);
}

/** The data points of a Gauge/Sum/... with their JSON paths. */
function points(data: JsonObject, path: string): [JsonObject, string][] {
  return getArray(data, path, 'dataPoints', 'data_points').map((p, i) => {
    const pPath = `${path}.dataPoints[${i}]`;
    return [asObject(p, pPath), pPath];
  });
}

/** Columns of a data point; null (and counted as rejected) when one of its exemplars has an invalid id. */
function pointColumns(ctx: Context, p: JsonObject, path: string, m: MetricColumns): MetricPointColumns | null {
  const attributes: AttributeValues = {};
  const types: AttributeTypes = {};
  jsonAttributes(p, path, 'attributes', undefined, attributes, types, ctx.slot);
  const exemplars = readExemplars(ctx, p, path);
  if (exemplars.invalid) {
    ctx.rejections.add(INVALID_EXEMPLAR_ID);
    return null;
  }
  return metricPointColumns(
    m,
    attributes,
    types,
    getUint64(p, path, 'startTimeUnixNano', 'start_time_unix_nano'),
    getUint64(p, path, 'timeUnixNano', 'time_unix_nano'),
    getUint32(p, path, 'flags'),
    exemplars,
  );
}

function readNumberPoints(ctx: Context, data: JsonObject, path: string, m: MetricColumns, kind: 'gauge' | 'sum') {
  const temporality =
    kind === 'sum' ? getEnum(data, path, 'aggregationTemporality', 'aggregation_temporality', TEMPORALITIES) : 0;
  const monotonic = kind === 'sum' ? getBool(data, path, 'isMonotonic', 'is_monotonic') : false;
  for (const [p, pPath] of points(data, path)) {
    const asDouble = getDouble(p, pPath, 'asDouble', 'as_double');
    const asInt = getInt64(p, pPath, 'asInt', 'as_int');
    if (asDouble === null && asInt === null) {
      ctx.rejections.add(POINT_WITHOUT_VALUE);
      continue;
    }
    const columns = pointColumns(ctx, p, pPath, m);
    if (columns === null) continue;
    const value = asInt !== null ? Number(asInt) : (asDouble as number);
    if (kind === 'gauge') ctx.batch.gauge.push({ ...columns, Value: value, IntValue: asInt });
    else
      ctx.batch.sum.push({
        ...columns,
        Value: value,
        IntValue: asInt,
        AggregationTemporality: temporality,
        IsMonotonic: monotonic,
      });
  }
}

function readHistogramPoints(ctx: Context, data: JsonObject, path: string, m: MetricColumns) {
  const temporality = getEnum(data, path, 'aggregationTemporality', 'aggregation_temporality', TEMPORALITIES);
  for (const [p, pPath] of points(data, path)) {
    const columns = pointColumns(ctx, p, pPath, m);
    if (columns === null) continue;
    const bucketCounts = getArray(p, pPath, 'bucketCounts', 'bucket_counts').map((v, i) =>
      toUint64(v, `${pPath}.bucketCounts[${i}]`),
    );
    const bounds = getArray(p, pPath, 'explicitBounds', 'explicit_bounds').map((v, i) =>
      toDouble(v, `${pPath}.explicitBounds[${i}]`),
    );
    ctx.batch.histogram.push({
      ...columns,
      Count: getUint64(p, pPath, 'count'),
      Sum: getDouble(p, pPath, 'sum'),
      BucketCounts: bucketCounts,
      ExplicitBounds: bounds,
      Min: getDouble(p, pPath, 'min'),
      Max: getDouble(p, pPath, 'max'),
      AggregationTemporality: temporality,
    });
  }
}

function readExpHistogramPoints(ctx: Context, data: JsonObject, path: string, m: MetricColumns) {
  const temporality = getEnum(data, path, 'aggregationTemporality', 'aggregation_temporality', TEMPORALITIES);
  for (const [p, pPath] of points(data, path)) {
    const columns = pointColumns(ctx, p, pPath, m);
    if (columns === null) continue;
    const positive = readBuckets(p, pPath, 'positive');
    const negative = readBuckets(p, pPath, 'negative');
    ctx.batch.expHistogram.push({
      ...columns,
      Count: getUint64(p, pPath, 'count'),
      Sum: getDouble(p, pPath, 'sum'),
      Scale: getInt32(p, pPath, 'scale'),
      ZeroCount: getUint64(p, pPath, 'zeroCount', 'zero_count'),
      ZeroThreshold: getDouble(p, pPath, 'zeroThreshold', 'zero_threshold') ?? 0,
      PositiveOffset: positive.offset,
      PositiveBucketCounts: positive.counts,
      NegativeOffset: negative.offset,
      NegativeBucketCounts: negative.counts,
      Min: getDouble(p, pPath, 'min'),
      Max: getDouble(p, pPath, 'max'),
      AggregationTemporality: temporality,
    });
  }
}

function readBuckets(p: JsonObject, path: string, name: string): { offset: number; counts: string[] } {
  const buckets = getObject(p, path, name);
  if (buckets === undefined) return { offset: 0, counts: [] };
  const bPath = `${path}.${name}`;
  return {
    offset: getInt32(buckets, bPath, 'offset'),
    counts: getArray(buckets, bPath, 'bucketCounts', 'bucket_counts').map((v, i) =>
      toUint64(v, `${bPath}.bucketCounts[${i}]`),
    ),
  };
}

function readSummaryPoints(ctx: Context, data: JsonObject, path: string, m: MetricColumns) {
  for (const [p, pPath] of points(data, path)) {
    const columns = pointColumns(ctx, p, pPath, m);
    if (columns === null) continue;
    const quantiles: number[] = [];
    const values: number[] = [];
    const list = getArray(p, pPath, 'quantileValues', 'quantile_values');
    for (let i = 0; i < list.length; i++) {
      const qPath = `${pPath}.quantileValues[${i}]`;
      const q = asObject(list[i], qPath);
      quantiles.push(getDouble(q, qPath, 'quantile') ?? 0);
      values.push(getDouble(q, qPath, 'value') ?? 0);
    }
    ctx.batch.summary.push({
      ...columns,
      Count: getUint64(p, pPath, 'count'),
      Sum: getDouble(p, pPath, 'sum') ?? 0,
      'ValueAtQuantiles.Quantile': quantiles,
      'ValueAtQuantiles.Value': values,
    });
  }
}

function readExemplars(ctx: Context, p: JsonObject, path: string): Exemplars {
  const exemplars = new Exemplars();
  const list = getArray(p, path, 'exemplars');
  for (let i = 0; i < list.length; i++) {
    const ePath = `${path}.exemplars[${i}]`;
    const e = asObject(list[i], ePath);
    const attributes: AttributeValues = {};
    const types: AttributeTypes = {};
    jsonAttributes(e, ePath, 'filteredAttributes', 'filtered_attributes', attributes, types, ctx.slot);
    const asInt = getInt64(e, ePath, 'asInt', 'as_int');
    const value = asInt !== null ? Number(asInt) : (getDouble(e, ePath, 'asDouble', 'as_double') ?? 0);
    exemplars.add(
      attributes,
      types,
      getUint64(e, ePath, 'timeUnixNano', 'time_unix_nano'),
      value,
      asInt,
      optionalId(getId(e, ePath, 'traceId', 'trace_id', 16), 16),
      optionalId(getId(e, ePath, 'spanId', 'span_id', 8), 8),
    );
  }
  return exemplars;
}
