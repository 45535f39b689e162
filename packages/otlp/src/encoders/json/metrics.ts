import { attributesToKeyValues, jsonDouble } from '../../anyvalue-json';
import type {
  ExpHistogramPoint,
  GaugePoint,
  HistogramPoint,
  MetricBatch,
  MetricPointColumns,
  SummaryPoint,
} from '../../model';
import { groupMetrics, type MetricGroup, metricColumnsOf } from '../metric-grouping';
import { envelopeJson, type JsonOut, setAttributes, setBool, setInt64, setNumber, setString } from './common';

export function metricsDataJson(batch: MetricBatch): { resourceMetrics: unknown[] } {
  return { resourceMetrics: envelopeJson(groupMetrics(batch), metricColumnsOf, 'scopeMetrics', 'metrics', metricJson) };
}

function metricJson(metric: MetricGroup): JsonOut {
  const first = metric.points[0];
  const out: JsonOut = {};
  setString(out, 'name', first.MetricName);
  setString(out, 'description', first.MetricDescription);
  setString(out, 'unit', first.MetricUnit);
  const data: JsonOut = {};
  switch (metric.kind) {
    case 'gauge':
      data.dataPoints = metric.points.map(numberPointJson);
      out.gauge = data;
      break;
    case 'sum':
      data.dataPoints = metric.points.map(numberPointJson);
      setNumber(data, 'aggregationTemporality', metric.points[0].AggregationTemporality);
      setBool(data, 'isMonotonic', metric.points[0].IsMonotonic);
      out.sum = data;
      break;
    case 'histogram':
      data.dataPoints = metric.points.map(histogramPointJson);
      setNumber(data, 'aggregationTemporality', metric.points[0].AggregationTemporality);
      out.histogram = data;
      break;
    case 'expHistogram':
      data.dataPoints = metric.points.map(expHistogramPointJson);
      setNumber(data, 'aggregationTemporality', metric.points[0].AggregationTemporality);
      out.exponentialHistogram = data;
      break;
    case 'summary':
      data.dataPoints = metric.points.map(summaryPointJson);
      out.summary = data;
      break;
  }
  setAttributes(out, 'metadata', first.MetricMetadata, first.MetricMetadataTypes);
  return out;
}

function pointJson(p: MetricPointColumns): JsonOut {
  const out: JsonOut = {};
  setAttributes(out, 'attributes', p.Attributes, p.AttributeTypes);
  setInt64(out, 'startTimeUnixNano', p.StartTimeUnix);
  setInt64(out, 'timeUnixNano', p.TimeUnix);
  return out;
}

/** exemplars and flags come after the type-specific fields, as in the .proto. */
function finishPoint(out: JsonOut, p: MetricPointColumns): JsonOut {
  if (p['Exemplars.TimeUnix'].length > 0) out.exemplars = p['Exemplars.TimeUnix'].map((_, i) => exemplarJson(p, i));
  setNumber(out, 'flags', p.Flags);
  return out;
}

function numberPointJson(p: GaugePoint): JsonOut {
  const out = pointJson(p);
  if (p.IntValue !== null) out.asInt = p.IntValue;
  else out.asDouble = jsonDouble(p.Value);
  return finishPoint(out, p);
}

function histogramPointJson(p: HistogramPoint): JsonOut {
  const out = pointJson(p);
  setInt64(out, 'count', p.Count);
  if (p.Sum !== null) out.sum = jsonDouble(p.Sum);
  if (p.BucketCounts.length > 0) out.bucketCounts = p.BucketCounts;
  if (p.ExplicitBounds.length > 0) out.explicitBounds = p.ExplicitBounds.map(jsonDouble);
  finishPoint(out, p);
  if (p.Min !== null) out.min = jsonDouble(p.Min);
  if (p.Max !== null) out.max = jsonDouble(p.Max);
  return out;
}

function expHistogramPointJson(p: ExpHistogramPoint): JsonOut {
  const out = pointJson(p);
  setInt64(out, 'count', p.Count);
  if (p.Sum !== null) out.sum = jsonDouble(p.Sum);
  setNumber(out, 'scale', p.Scale);
  setInt64(out, 'zeroCount', p.ZeroCount);
  const positive = bucketsJson(p.PositiveOffset, p.PositiveBucketCounts);
  if (positive) out.positive = positive;
  const negative = bucketsJson(p.NegativeOffset, p.NegativeBucketCounts);
  if (negative) out.negative = negative;
  finishPoint(out, p);
  if (p.Min !== null) out.min = jsonDouble(p.Min);
  if (p.Max !== null) out.max = jsonDouble(p.Max);
  if (p.ZeroThreshold !== 0) out.zeroThreshold = jsonDouble(p.ZeroThreshold);
  return out;
}

function bucketsJson(offset: number, counts: string[]): JsonOut | undefined {
  if (offset === 0 && counts.length === 0) return undefined;
  const out: JsonOut = {};
  setNumber(out, 'offset', offset);
  if (counts.length > 0) out.bucketCounts = counts;
  return out;
}

function summaryPointJson(p: SummaryPoint): JsonOut {
  const out = pointJson(p);
  setInt64(out, 'count', p.Count);
  if (p.Sum !== 0) out.sum = jsonDouble(p.Sum);
  const quantiles = p['ValueAtQuantiles.Quantile'];
  if (quantiles.length > 0) {
    out.quantileValues = quantiles.map((quantile, i) => {
      const q: JsonOut = {};
      if (quantile !== 0) q.quantile = jsonDouble(quantile);
      const value = p['ValueAtQuantiles.Value'][i];
      if (value !== 0) q.value = jsonDouble(value);
      return q;
    });
  }
  return finishPoint(out, p);
}

function exemplarJson(p: MetricPointColumns, i: number): JsonOut {
  const out: JsonOut = {};
  const attributes = attributesToKeyValues(
    p['Exemplars.FilteredAttributes'][i],
    p['Exemplars.FilteredAttributeTypes'][i],
  );
  if (attributes.length > 0) out.filteredAttributes = attributes;
  setInt64(out, 'timeUnixNano', p['Exemplars.TimeUnix'][i]);
  const intValue = p['Exemplars.IntValue'][i];
  if (intValue !== null) out.asInt = intValue;
  else out.asDouble = jsonDouble(p['Exemplars.Value'][i]);
  setString(out, 'spanId', p['Exemplars.SpanId'][i]);
  setString(out, 'traceId', p['Exemplars.TraceId'][i]);
  return out;
}
