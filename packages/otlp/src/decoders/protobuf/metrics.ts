// opentelemetry/proto/metrics/v1/metrics.proto
import type { AttributeTypes, AttributeValues, Decoded, MetricBatch, ResourceScopeColumns } from '../../model';
import { LEN, ProtoReader, tagOf, VARINT } from '../../wire/proto-reader';
import type { MetricColumns } from '../metric-columns';
import { METRIC_WITHOUT_DATA, Rejections } from '../rejections';
import { readKeyValue } from './common';
import {
  type Context,
  readExpHistogramPoint,
  readHistogramPoint,
  readNumberPoint,
  readSummaryPoint,
} from './data-points';
import { readEnvelope } from './envelope';

const NAMES = { request: 'ExportMetricsServiceRequest', resource: 'ResourceMetrics', scope: 'ScopeMetrics' };

const NAME = tagOf(1, LEN);
const DESCRIPTION = tagOf(2, LEN);
const UNIT = tagOf(3, LEN);
const GAUGE = tagOf(5, LEN);
const SUM = tagOf(7, LEN);
const HISTOGRAM = tagOf(9, LEN);
const EXPONENTIAL_HISTOGRAM = tagOf(10, LEN);
const SUMMARY = tagOf(11, LEN);
const METADATA = tagOf(12, LEN);
// int_gauge (4), int_sum (6) and int_histogram (8) were removed from OTLP in 2021: unknown here.
const METRIC_FIELDS = 0b1111010101110;

/** Gauge, Sum, Histogram, ExponentialHistogram and Summary all keep their points in field 1. */
const DATA_POINTS = tagOf(1, LEN);
const AGGREGATION_TEMPORALITY = tagOf(2, VARINT);
const IS_MONOTONIC = tagOf(3, VARINT);
const DATA_FIELDS = 0b1110;

type Kind = 'gauge' | 'sum' | 'histogram' | 'expHistogram' | 'summary';

export function decodeMetricsProtobuf(body: Uint8Array): Decoded<MetricBatch> {
  const r = new ProtoReader(body);
  const batch: MetricBatch = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
  const ctx: Context = { r, slot: { type: '' }, batch, rejections: new Rejections('data point', 'data points') };
  readEnvelope(r, NAMES, ctx.slot, (_reader, end, columns) => readMetric(ctx, end, columns));
  return { records: batch, rejected: ctx.rejections.count, rejectionMessage: ctx.rejections.message() };
}

function readMetric(ctx: Context, end: number, c: ResourceScopeColumns): void {
  const r = ctx.r;
  let name = '';
  let description = '';
  let unit = '';
  const metadata: AttributeValues = {};
  const metadataTypes: AttributeTypes = {};
  let kind: Kind | null = null;
  let dataStart = 0;
  let dataEnd = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case NAME:
        name = r.string(end);
        break;
      case DESCRIPTION:
        description = r.string(end);
        break;
      case UNIT:
        unit = r.string(end);
        break;
      case METADATA:
        readKeyValue(r, r.len(end), metadata, metadataTypes, ctx.slot);
        break;
      case GAUGE:
      case SUM:
      case HISTOGRAM:
      case EXPONENTIAL_HISTOGRAM:
      case SUMMARY:
        kind = KIND_BY_TAG[tag];
        dataEnd = r.len(end);
        dataStart = r.pos;
        r.pos = dataEnd;
        break;
      default:
        r.unexpected(tag, end, 'Metric', METRIC_FIELDS);
    }
  }
  if (kind === null) {
    ctx.rejections.add(METRIC_WITHOUT_DATA);
    return;
  }
  const metric: MetricColumns = {
    ...c,
    MetricName: name,
    MetricDescription: description,
    MetricUnit: unit,
    MetricMetadata: metadata,
    MetricMetadataTypes: metadataTypes,
  };
  r.pos = dataStart;
  readData(ctx, dataEnd, kind, metric);
  r.pos = end;
}

const KIND_BY_TAG: Record<number, Kind> = {
  [GAUGE]: 'gauge',
  [SUM]: 'sum',
  [HISTOGRAM]: 'histogram',
  [EXPONENTIAL_HISTOGRAM]: 'expHistogram',
  [SUMMARY]: 'summary',
};

const DATA_NAMES: Record<Kind, string> = {
  gauge: 'Gauge',
  sum: 'Sum',
  histogram: 'Histogram',
  expHistogram: 'ExponentialHistogram',
  summary: 'Summary',
};

function readData(ctx: Context, end: number, kind: Kind, metric: MetricColumns): void {
  const r = ctx.r;
  let temporality = 0;
  let monotonic = false;
  const points: number[] = [];
  const known = kind === 'sum' ? DATA_FIELDS : kind === 'gauge' || kind === 'summary' ? 0b10 : 0b110;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === DATA_POINTS) {
      const stop = r.len(end);
      points.push(r.pos, stop);
      r.pos = stop;
    } else if (tag === AGGREGATION_TEMPORALITY && kind !== 'gauge' && kind !== 'summary') {
      temporality = r.int32(end);
    } else if (tag === IS_MONOTONIC && kind === 'sum') {
      monotonic = r.bool(end);
    } else {
      r.unexpected(tag, end, DATA_NAMES[kind], known);
    }
  }
  for (let i = 0; i < points.length; i += 2) {
    r.pos = points[i];
    const stop = points[i + 1];
    if (kind === 'gauge' || kind === 'sum') readNumberPoint(ctx, stop, metric, kind, temporality, monotonic);
    else if (kind === 'histogram') readHistogramPoint(ctx, stop, metric, temporality);
    else if (kind === 'expHistogram') readExpHistogramPoint(ctx, stop, metric, temporality);
    else readSummaryPoint(ctx, stop, metric);
  }
}
