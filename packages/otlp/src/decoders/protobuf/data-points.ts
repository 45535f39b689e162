// Data points of opentelemetry/proto/metrics/v1/metrics.proto: NumberDataPoint,
// HistogramDataPoint, ExponentialHistogramDataPoint, SummaryDataPoint and Exemplar.
import type { AttributeTypes, AttributeValues, MetricBatch, MetricPointColumns } from '../../model';
import { int64ToDecimal, int64ToNumber, uint64ToDecimal } from '../../wire/int64';
import { I64, LEN, type ProtoReader, tagOf, VARINT } from '../../wire/proto-reader';
import { Exemplars } from '../exemplars';
import { type MetricColumns, metricPointColumns } from '../metric-columns';
import { optionalId } from '../optional-id';
import { INVALID_EXEMPLAR_ID, POINT_WITHOUT_VALUE, type Rejections } from '../rejections';
import { readKeyValue, type ValueSlot } from './common';

/** What the readers of one ExportMetricsServiceRequest share. */
export interface Context {
  r: ProtoReader;
  slot: ValueSlot;
  batch: MetricBatch;
  rejections: Rejections;
}

/** Fields every data point type has, though under different field numbers. */
class PointCommon {
  readonly attributes: AttributeValues = {};
  readonly types: AttributeTypes = {};
  startTime = '0';
  time = '0';
  flags = 0;
  readonly exemplars = new Exemplars();

  columns(metric: MetricColumns): MetricPointColumns {
    return metricPointColumns(
      metric,
      this.attributes,
      this.types,
      this.startTime,
      this.time,
      this.flags,
      this.exemplars,
    );
  }
}

const NP_ATTRIBUTES = tagOf(7, LEN);
const NP_START_TIME = tagOf(2, I64);
const NP_TIME = tagOf(3, I64);
const NP_AS_DOUBLE = tagOf(4, I64);
const NP_EXEMPLARS = tagOf(5, LEN);
const NP_AS_INT = tagOf(6, I64);
const NP_FLAGS = tagOf(8, VARINT);
const NP_FIELDS = 0b111111100;

export function readNumberPoint(
  ctx: Context,
  end: number,
  metric: MetricColumns,
  kind: 'gauge' | 'sum',
  temporality: number,
  monotonic: boolean,
): void {
  const r = ctx.r;
  const p = new PointCommon();
  let value = 0;
  let intValue: string | null = null;
  let hasValue = false;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case NP_ATTRIBUTES:
        readKeyValue(r, r.len(end), p.attributes, p.types, ctx.slot);
        break;
      case NP_START_TIME:
        p.startTime = readTime(r, end);
        break;
      case NP_TIME:
        p.time = readTime(r, end);
        break;
      case NP_AS_DOUBLE:
        value = r.double(end);
        intValue = null;
        hasValue = true;
        break;
      case NP_AS_INT:
        r.fixed64(end);
        value = int64ToNumber(r.hi, r.lo);
        intValue = int64ToDecimal(r.hi, r.lo);
        hasValue = true;
        break;
      case NP_EXEMPLARS:
        readExemplar(r, r.len(end), ctx.slot, p.exemplars);
        break;
      case NP_FLAGS:
        p.flags = r.uint32(end);
        break;
      default:
        r.unexpected(tag, end, 'NumberDataPoint', NP_FIELDS);
    }
  }
  if (!hasValue || p.exemplars.invalid) {
    ctx.rejections.add(hasValue ? INVALID_EXEMPLAR_ID : POINT_WITHOUT_VALUE);
    return;
  }
  const columns = p.columns(metric);
  if (kind === 'gauge') ctx.batch.gauge.push({ ...columns, Value: value, IntValue: intValue });
  else
    ctx.batch.sum.push({
      ...columns,
      Value: value,
      IntValue: intValue,
      AggregationTemporality: temporality,
      IsMonotonic: monotonic,
    });
}

const HP_ATTRIBUTES = tagOf(9, LEN);
const HP_COUNT = tagOf(4, I64);
const HP_SUM = tagOf(5, I64);
const HP_BUCKET_COUNTS_PACKED = tagOf(6, LEN);
const HP_BUCKET_COUNTS = tagOf(6, I64);
const HP_EXPLICIT_BOUNDS_PACKED = tagOf(7, LEN);
const HP_EXPLICIT_BOUNDS = tagOf(7, I64);
const HP_EXEMPLARS = tagOf(8, LEN);
const HP_FLAGS = tagOf(10, VARINT);
const HP_MIN = tagOf(11, I64);
const HP_MAX = tagOf(12, I64);
const HP_FIELDS = 0b1111111111100;

export function readHistogramPoint(ctx: Context, end: number, metric: MetricColumns, temporality: number): void {
  const r = ctx.r;
  const p = new PointCommon();
  let count = '0';
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  const bucketCounts: string[] = [];
  const bounds: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case HP_ATTRIBUTES:
        readKeyValue(r, r.len(end), p.attributes, p.types, ctx.slot);
        break;
      case NP_START_TIME:
        p.startTime = readTime(r, end);
        break;
      case NP_TIME:
        p.time = readTime(r, end);
        break;
      case HP_COUNT:
        count = readTime(r, end);
        break;
      case HP_SUM:
        sum = r.double(end);
        break;
      case HP_BUCKET_COUNTS_PACKED: {
        const stop = r.len(end);
        while (r.pos < stop) bucketCounts.push(readTime(r, stop));
        break;
      }
      case HP_BUCKET_COUNTS:
        bucketCounts.push(readTime(r, end));
        break;
      case HP_EXPLICIT_BOUNDS_PACKED: {
        const stop = r.len(end);
        while (r.pos < stop) bounds.push(r.double(stop));
        break;
      }
      case HP_EXPLICIT_BOUNDS:
        bounds.push(r.double(end));
        break;
      case HP_EXEMPLARS:
        readExemplar(r, r.len(end), ctx.slot, p.exemplars);
        break;
      case HP_FLAGS:
        p.flags = r.uint32(end);
        break;
      case HP_MIN:
        min = r.double(end);
        break;
      case HP_MAX:
        max = r.double(end);
        break;
      default:
        r.unexpected(tag, end, 'HistogramDataPoint', HP_FIELDS);
    }
  }
  if (p.exemplars.invalid) {
    ctx.rejections.add(INVALID_EXEMPLAR_ID);
    return;
  }
  ctx.batch.histogram.push({
    ...p.columns(metric),
    Count: count,
    Sum: sum,
    BucketCounts: bucketCounts,
    ExplicitBounds: bounds,
    Min: min,
    Max: max,
    AggregationTemporality: temporality,
  });
}

const EP_ATTRIBUTES = tagOf(1, LEN);
const EP_SCALE = tagOf(6, VARINT);
const EP_ZERO_COUNT = tagOf(7, I64);
const EP_POSITIVE = tagOf(8, LEN);
const EP_NEGATIVE = tagOf(9, LEN);
const EP_FLAGS = tagOf(10, VARINT);
const EP_EXEMPLARS = tagOf(11, LEN);
const EP_MIN = tagOf(12, I64);
const EP_MAX = tagOf(13, I64);
const EP_ZERO_THRESHOLD = tagOf(14, I64);
const EP_FIELDS = 0b111111111111110;

export function readExpHistogramPoint(ctx: Context, end: number, metric: MetricColumns, temporality: number): void {
  const r = ctx.r;
  const p = new PointCommon();
  let count = '0';
  let sum: number | null = null;
  let scale = 0;
  let zeroCount = '0';
  let zeroThreshold = 0;
  let min: number | null = null;
  let max: number | null = null;
  let positive: Buckets = { offset: 0, counts: [] };
  let negative: Buckets = { offset: 0, counts: [] };
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case EP_ATTRIBUTES:
        readKeyValue(r, r.len(end), p.attributes, p.types, ctx.slot);
        break;
      case NP_START_TIME:
        p.startTime = readTime(r, end);
        break;
      case NP_TIME:
        p.time = readTime(r, end);
        break;
      case HP_COUNT:
        count = readTime(r, end);
        break;
      case HP_SUM:
        sum = r.double(end);
        break;
      case EP_SCALE:
        scale = r.sint32(end);
        break;
      case EP_ZERO_COUNT:
        zeroCount = readTime(r, end);
        break;
      case EP_POSITIVE:
        positive = readBuckets(r, r.len(end));
        break;
      case EP_NEGATIVE:
        negative = readBuckets(r, r.len(end));
        break;
      case EP_FLAGS:
        p.flags = r.uint32(end);
        break;
      case EP_EXEMPLARS:
        readExemplar(r, r.len(end), ctx.slot, p.exemplars);
        break;
      case EP_MIN:
        min = r.double(end);
        break;
      case EP_MAX:
        max = r.double(end);
        break;
      case EP_ZERO_THRESHOLD:
        zeroThreshold = r.double(end);
        break;
      default:
        r.unexpected(tag, end, 'ExponentialHistogramDataPoint', EP_FIELDS);
    }
  }
  if (p.exemplars.invalid) {
    ctx.rejections.add(INVALID_EXEMPLAR_ID);
    return;
  }
  ctx.batch.expHistogram.push({
    ...p.columns(metric),
    Count: count,
    Sum: sum,
    Scale: scale,
    ZeroCount: zeroCount,
    ZeroThreshold: zeroThreshold,
    PositiveOffset: positive.offset,
    PositiveBucketCounts: positive.counts,
    NegativeOffset: negative.offset,
    NegativeBucketCounts: negative.counts,
    Min: min,
    Max: max,
    AggregationTemporality: temporality,
  });
}

interface Buckets {
  offset: number;
  counts: string[];
}

const BUCKETS_OFFSET = tagOf(1, VARINT);
const BUCKETS_COUNTS_PACKED = tagOf(2, LEN);
const BUCKETS_COUNTS = tagOf(2, VARINT);
const BUCKETS_FIELDS = 0b110;

function readBuckets(r: ProtoReader, end: number): Buckets {
  const buckets: Buckets = { offset: 0, counts: [] };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === BUCKETS_OFFSET) {
      buckets.offset = r.sint32(end);
    } else if (tag === BUCKETS_COUNTS_PACKED) {
      const stop = r.len(end);
      while (r.pos < stop) {
        r.varint64(stop);
        buckets.counts.push(uint64ToDecimal(r.hi, r.lo));
      }
    } else if (tag === BUCKETS_COUNTS) {
      r.varint64(end);
      buckets.counts.push(uint64ToDecimal(r.hi, r.lo));
    } else {
      r.unexpected(tag, end, 'ExponentialHistogramDataPoint.Buckets', BUCKETS_FIELDS);
    }
  }
  return buckets;
}

const SP_ATTRIBUTES = tagOf(7, LEN);
const SP_QUANTILE_VALUES = tagOf(6, LEN);
const SP_FLAGS = tagOf(8, VARINT);
const SP_FIELDS = 0b111111100;
const QUANTILE = tagOf(1, I64);
const QUANTILE_VALUE = tagOf(2, I64);
const QUANTILE_FIELDS = 0b110;

export function readSummaryPoint(ctx: Context, end: number, metric: MetricColumns): void {
  const r = ctx.r;
  const p = new PointCommon();
  let count = '0';
  let sum = 0;
  const quantiles: number[] = [];
  const values: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case SP_ATTRIBUTES:
        readKeyValue(r, r.len(end), p.attributes, p.types, ctx.slot);
        break;
      case NP_START_TIME:
        p.startTime = readTime(r, end);
        break;
      case NP_TIME:
        p.time = readTime(r, end);
        break;
      case HP_COUNT:
        count = readTime(r, end);
        break;
      case HP_SUM:
        sum = r.double(end);
        break;
      case SP_QUANTILE_VALUES: {
        const stop = r.len(end);
        let quantile = 0;
        let value = 0;
        while (r.pos < stop) {
          const qTag = r.uint32(stop);
          if (qTag === QUANTILE) quantile = r.double(stop);
          else if (qTag === QUANTILE_VALUE) value = r.double(stop);
          else r.unexpected(qTag, stop, 'SummaryDataPoint.ValueAtQuantile', QUANTILE_FIELDS);
        }
        quantiles.push(quantile);
        values.push(value);
        break;
      }
      case SP_FLAGS:
        p.flags = r.uint32(end);
        break;
      default:
        r.unexpected(tag, end, 'SummaryDataPoint', SP_FIELDS);
    }
  }
  ctx.batch.summary.push({
    ...p.columns(metric),
    Count: count,
    Sum: sum,
    'ValueAtQuantiles.Quantile': quantiles,
    'ValueAtQuantiles.Value': values,
  });
}

/** A fixed64 (time or count) as a decimal string. */
function readTime(r: ProtoReader, end: number): string {
  r.fixed64(end);
  return uint64ToDecimal(r.hi, r.lo);
}

const EX_FILTERED_ATTRIBUTES = tagOf(7, LEN);
const EX_TIME = tagOf(2, I64);
const EX_AS_DOUBLE = tagOf(3, I64);
const EX_SPAN_ID = tagOf(4, LEN);
const EX_TRACE_ID = tagOf(5, LEN);
const EX_AS_INT = tagOf(6, I64);
const EX_FIELDS = 0b11111100;

function readExemplar(r: ProtoReader, end: number, slot: ValueSlot, exemplars: Exemplars): void {
  const attributes: AttributeValues = {};
  const types: AttributeTypes = {};
  let time = '0';
  let value = 0;
  let intValue: string | null = null;
  let spanId = '';
  let traceId = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case EX_FILTERED_ATTRIBUTES:
        readKeyValue(r, r.len(end), attributes, types, slot);
        break;
      case EX_TIME:
        time = readTime(r, end);
        break;
      case EX_AS_DOUBLE:
        value = r.double(end);
        intValue = null;
        break;
      case EX_AS_INT:
        r.fixed64(end);
        value = int64ToNumber(r.hi, r.lo);
        intValue = int64ToDecimal(r.hi, r.lo);
        break;
      case EX_SPAN_ID:
        spanId = r.hex(end);
        break;
      case EX_TRACE_ID:
        traceId = r.hex(end);
        break;
      default:
        r.unexpected(tag, end, 'Exemplar', EX_FIELDS);
    }
  }
  exemplars.add(attributes, types, time, value, intValue, optionalId(traceId, 16), optionalId(spanId, 8));
}
