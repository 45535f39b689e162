import type { LogRecord, ResourceScopeColumns } from '../../model';
import { ProtoWriter } from '../../wire/proto-writer';
import { groupByResourceAndScope } from '../grouping';
import { writeAnyValue, writeAttributes, writeEnvelope } from './common';

const columnsOf = (log: LogRecord): ResourceScopeColumns => log;

export function logsDataProtobuf(logs: readonly LogRecord[]): Uint8Array {
  const w = new ProtoWriter();
  writeEnvelope(w, groupByResourceAndScope(logs, columnsOf), columnsOf, writeLogRecord);
  return w.finish();
}

function writeLogRecord(w: ProtoWriter, l: LogRecord): void {
  w.fixed64Field(1, l.Timestamp);
  w.int32Field(2, l.SeverityNumber);
  w.stringField(3, l.SeverityText);
  if (l.BodyType !== 'empty') writeAnyValue(w, 5, l.Body, l.BodyType);
  writeAttributes(w, 6, l.LogAttributes, l.LogAttributeTypes);
  w.uint32Field(7, l.DroppedAttributesCount);
  w.fixed32Field(8, l.TraceFlags);
  w.hexField(9, l.TraceId);
  w.hexField(10, l.SpanId);
  w.fixed64Field(11, l.ObservedTimestamp);
  w.stringField(12, l.EventName);
}
