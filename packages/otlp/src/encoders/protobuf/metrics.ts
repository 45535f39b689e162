import type {
  ExpHistogramPoint,
  GaugePoint,
  HistogramPoint,
  MetricBatch,
  MetricPointColumns,
  SummaryPoint,
} from '../../model';
import { I64, LEN } from '../../wire/proto-reader';
import { hiLo, ProtoWriter } from '../../wire/proto-writer';
import { groupMetrics, type MetricGroup, metricColumnsOf } from '../metric-grouping';
import { writeAttributes, writeEnvelope } from './common';

export function metricsDataProtobuf(batch: MetricBatch): Uint8Array {
  const w = new ProtoWriter();
  writeEnvelope(w, groupMetrics(batch), metricColumnsOf, writeMetric);
  return w.finish();
}

function writeMetric(w: ProtoWriter, metric: MetricGroup): void {
  const first = metric.points[0];
  w.stringField(1, first.MetricName);
  w.stringField(2, first.MetricDescription);
  w.stringField(3, first.MetricUnit);
  switch (metric.kind) {
    case 'gauge': {
      const at = w.begin(5);
      for (const p of metric.points) writeNumberPoint(w, p);
      w.end(at);
      break;
    }
    case 'sum': {
      const at = w.begin(7);
      for (const p of metric.points) writeNumberPoint(w, p);
      w.int32Field(2, metric.points[0].AggregationTemporality);
      w.boolField(3, metric.points[0].IsMonotonic);
      w.end(at);
      break;
    }
    case 'histogram': {
      const at = w.begin(9);
      for (const p of metric.points) writeHistogramPoint(w, p);
      w.int32Field(2, metric.points[0].AggregationTemporality);
      w.end(at);
      break;
    }
    case 'expHistogram': {
      const at = w.begin(10);
      for (const p of metric.points) writeExpHistogramPoint(w, p);
      w.int32Field(2, metric.points[0].AggregationTemporality);
      w.end(at);
      break;
    }
    case 'summary': {
      const at = w.begin(11);
      for (const p of metric.points) writeSummaryPoint(w, p);
      w.end(at);
      break;
    }
  }
  writeAttributes(w, 12, first.MetricMetadata, first.MetricMetadataTypes);
}

function writeTimes(w: ProtoWriter, p: MetricPointColumns): void {
  w.fixed64Field(2, p.StartTimeUnix);
  w.fixed64Field(3, p.TimeUnix);
}

function writeSfixed64(w: ProtoWriter, field: number, decimal: string): void {
  const [hi, lo] = hiLo(decimal);
  w.tag(field, I64);
  w.fixed64(hi, lo);
}

function writeExemplars(w: ProtoWriter, field: number, p: MetricPointColumns): void {
  for (let i = 0; i < p['Exemplars.TimeUnix'].length; i++) {
    const at = w.begin(field);
    w.fixed64Field(2, p['Exemplars.TimeUnix'][i]);
    const intValue = p['Exemplars.IntValue'][i];
    if (intValue !== null) writeSfixed64(w, 6, intValue);
    else w.doubleAlways(3, p['Exemplars.Value'][i]);
    w.hexField(4, p['Exemplars.SpanId'][i]);
    w.hexField(5, p['Exemplars.TraceId'][i]);
    writeAttributes(w, 7, p['Exemplars.FilteredAttributes'][i], p['Exemplars.FilteredAttributeTypes'][i]);
    w.end(at);
  }
}

function writeNumberPoint(w: ProtoWriter, p: GaugePoint): void {
  const at = w.begin(1);
  writeTimes(w, p);
  if (p.IntValue !== null) writeSfixed64(w, 6, p.IntValue);
  else w.doubleAlways(4, p.Value);
  writeExemplars(w, 5, p);
  writeAttributes(w, 7, p.Attributes, p.AttributeTypes);
  w.uint32Field(8, p.Flags);
  w.end(at);
}

function writeHistogramPoint(w: ProtoWriter, p: HistogramPoint): void {
  const at = w.begin(1);
  writeTimes(w, p);
  w.fixed64Field(4, p.Count);
  if (p.Sum !== null) w.doubleAlways(5, p.Sum);
  if (p.BucketCounts.length > 0) {
    w.tag(6, LEN);
    w.uint32(p.BucketCounts.length * 8);
    for (const count of p.BucketCounts) w.fixed64(...hiLo(count));
  }
  if (p.ExplicitBounds.length > 0) {
    w.tag(7, LEN);
    w.uint32(p.ExplicitBounds.length * 8);
    for (const bound of p.ExplicitBounds) w.double(bound);
  }
  writeExemplars(w, 8, p);
  writeAttributes(w, 9, p.Attributes, p.AttributeTypes);
  w.uint32Field(10, p.Flags);
  if (p.Min !== null) w.doubleAlways(11, p.Min);
  if (p.Max !== null) w.doubleAlways(12, p.Max);
  w.end(at);
}

function writeBuckets(w: ProtoWriter, field: number, offset: number, counts: string[]): void {
  if (offset === 0 && counts.length === 0) return;
  const at = w.begin(field);
  w.sint32Field(1, offset);
  if (counts.length > 0) {
    const packed = w.begin(2);
    for (const count of counts) w.varint64(...hiLo(count));
    w.end(packed);
  }
  w.end(at);
}

function writeExpHistogramPoint(w: ProtoWriter, p: ExpHistogramPoint): void {
  const at = w.begin(1);
  writeAttributes(w, 1, p.Attributes, p.AttributeTypes);
  writeTimes(w, p);
  w.fixed64Field(4, p.Count);
  if (p.Sum !== null) w.doubleAlways(5, p.Sum);
  w.sint32Field(6, p.Scale);
  w.fixed64Field(7, p.ZeroCount);
  writeBuckets(w, 8, p.PositiveOffset, p.PositiveBucketCounts);
  writeBuckets(w, 9, p.NegativeOffset, p.NegativeBucketCounts);
  w.uint32Field(10, p.Flags);
  writeExemplars(w, 11, p);
  if (p.Min !== null) w.doubleAlways(12, p.Min);
  if (p.Max !== null) w.doubleAlways(13, p.Max);
  w.doubleField(14, p.ZeroThreshold);
  w.end(at);
}

function writeSummaryPoint(w: ProtoWriter, p: SummaryPoint): void {
  const at = w.begin(1);
  writeTimes(w, p);
  w.fixed64Field(4, p.Count);
  w.doubleField(5, p.Sum);
  const quantiles = p['ValueAtQuantiles.Quantile'];
  for (let i = 0; i < quantiles.length; i++) {
    const q = w.begin(6);
    w.doubleField(1, quantiles[i]);
    w.doubleField(2, p['ValueAtQuantiles.Value'][i]);
    w.end(q);
  }
  writeAttributes(w, 7, p.Attributes, p.AttributeTypes);
  w.uint32Field(8, p.Flags);
  w.end(at);
}
