import { attributesToKeyValues } from '../../anyvalue-json';
import { spanKindNumber, statusCodeNumber } from '../../decoders/span-enums';
import type { ResourceScopeColumns, SpanRecord } from '../../model';
import { groupByResourceAndScope } from '../grouping';
import { spanEndTime } from '../span-end-time';
import { envelopeJson, type JsonOut, setAttributes, setInt64, setNumber, setString } from './common';

const columnsOf = (span: SpanRecord): ResourceScopeColumns => span;

export function tracesDataJson(spans: readonly SpanRecord[]): { resourceSpans: unknown[] } {
  return {
    resourceSpans: envelopeJson(groupByResourceAndScope(spans, columnsOf), columnsOf, 'scopeSpans', 'spans', spanJson),
  };
}

function spanJson(s: SpanRecord): JsonOut {
  const out: JsonOut = { traceId: s.TraceId, spanId: s.SpanId };
  setString(out, 'traceState', s.TraceState);
  setString(out, 'parentSpanId', s.ParentSpanId);
  setNumber(out, 'flags', s.Flags);
  setString(out, 'name', s.SpanName);
  setNumber(out, 'kind', spanKindNumber(s.SpanKind));
  setInt64(out, 'startTimeUnixNano', s.Timestamp);
  setInt64(out, 'endTimeUnixNano', spanEndTime(s));
  setAttributes(out, 'attributes', s.SpanAttributes, s.SpanAttributeTypes);
  setNumber(out, 'droppedAttributesCount', s.DroppedAttributesCount);
  if (s['Events.Name'].length > 0) out.events = s['Events.Name'].map((_, i) => eventJson(s, i));
  setNumber(out, 'droppedEventsCount', s.DroppedEventsCount);
  if (s['Links.TraceId'].length > 0) out.links = s['Links.TraceId'].map((_, i) => linkJson(s, i));
  setNumber(out, 'droppedLinksCount', s.DroppedLinksCount);
  const status: JsonOut = {};
  setString(status, 'message', s.StatusMessage);
  setNumber(status, 'code', statusCodeNumber(s.StatusCode));
  out.status = status;
  return out;
}

function eventJson(s: SpanRecord, i: number): JsonOut {
  const out: JsonOut = {};
  setInt64(out, 'timeUnixNano', s['Events.Timestamp'][i]);
  setString(out, 'name', s['Events.Name'][i]);
  setAttributes(out, 'attributes', s['Events.Attributes'][i], s['Events.AttributeTypes'][i]);
  setNumber(out, 'droppedAttributesCount', s['Events.DroppedAttributesCount'][i]);
  return out;
}

function linkJson(s: SpanRecord, i: number): JsonOut {
  const out: JsonOut = {};
  setString(out, 'traceId', s['Links.TraceId'][i]);
  setString(out, 'spanId', s['Links.SpanId'][i]);
  setString(out, 'traceState', s['Links.TraceState'][i]);
  const attributes = attributesToKeyValues(s['Links.Attributes'][i], s['Links.AttributeTypes'][i]);
  if (attributes.length > 0) out.attributes = attributes;
  setNumber(out, 'droppedAttributesCount', s['Links.DroppedAttributesCount'][i]);
  setNumber(out, 'flags', s['Links.Flags'][i]);
  return out;
}
