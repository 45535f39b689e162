import { spanKindNumber, statusCodeNumber } from '../../decoders/span-enums';
import type { ResourceScopeColumns, SpanRecord } from '../../model';
import { ProtoWriter } from '../../wire/proto-writer';
import { groupByResourceAndScope } from '../grouping';
import { spanEndTime } from '../span-end-time';
import { writeAttributes, writeEnvelope } from './common';

const columnsOf = (span: SpanRecord): ResourceScopeColumns => span;

export function tracesDataProtobuf(spans: readonly SpanRecord[]): Uint8Array {
  const w = new ProtoWriter();
  writeEnvelope(w, groupByResourceAndScope(spans, columnsOf), columnsOf, writeSpan);
  return w.finish();
}

function writeSpan(w: ProtoWriter, s: SpanRecord): void {
  w.hexField(1, s.TraceId);
  w.hexField(2, s.SpanId);
  w.stringField(3, s.TraceState);
  w.hexField(4, s.ParentSpanId);
  w.stringField(5, s.SpanName);
  w.int32Field(6, spanKindNumber(s.SpanKind));
  w.fixed64Field(7, s.Timestamp);
  w.fixed64Field(8, spanEndTime(s));
  writeAttributes(w, 9, s.SpanAttributes, s.SpanAttributeTypes);
  w.uint32Field(10, s.DroppedAttributesCount);
  for (let i = 0; i < s['Events.Name'].length; i++) {
    const at = w.begin(11);
    w.fixed64Field(1, s['Events.Timestamp'][i]);
    w.stringField(2, s['Events.Name'][i]);
    writeAttributes(w, 3, s['Events.Attributes'][i], s['Events.AttributeTypes'][i]);
    w.uint32Field(4, s['Events.DroppedAttributesCount'][i]);
    w.end(at);
  }
  w.uint32Field(12, s.DroppedEventsCount);
  for (let i = 0; i < s['Links.TraceId'].length; i++) {
    const at = w.begin(13);
    w.hexField(1, s['Links.TraceId'][i]);
    w.hexField(2, s['Links.SpanId'][i]);
    w.stringField(3, s['Links.TraceState'][i]);
    writeAttributes(w, 4, s['Links.Attributes'][i], s['Links.AttributeTypes'][i]);
    w.uint32Field(5, s['Links.DroppedAttributesCount'][i]);
    w.fixed32Field(6, s['Links.Flags'][i]);
    w.end(at);
  }
  w.uint32Field(14, s.DroppedLinksCount);
  if (s.StatusMessage !== '' || s.StatusCode !== 'Unset') {
    const at = w.begin(15);
    w.stringField(2, s.StatusMessage);
    w.int32Field(3, statusCodeNumber(s.StatusCode));
    w.end(at);
  }
  w.fixed32Field(16, s.Flags);
}
