import { storedToAnyValue } from '../../anyvalue-json';
import type { LogRecord, ResourceScopeColumns } from '../../model';
import { groupByResourceAndScope } from '../grouping';
import { envelopeJson, type JsonOut, setAttributes, setInt64, setNumber, setString } from './common';

const columnsOf = (log: LogRecord): ResourceScopeColumns => log;

export function logsDataJson(logs: readonly LogRecord[]): { resourceLogs: unknown[] } {
  return {
    resourceLogs: envelopeJson(groupByResourceAndScope(logs, columnsOf), columnsOf, 'scopeLogs', 'logRecords', logJson),
  };
}

function logJson(l: LogRecord): JsonOut {
  const out: JsonOut = {};
  setInt64(out, 'timeUnixNano', l.Timestamp);
  setInt64(out, 'observedTimeUnixNano', l.ObservedTimestamp);
  setNumber(out, 'severityNumber', l.SeverityNumber);
  setString(out, 'severityText', l.SeverityText);
  if (l.BodyType !== 'empty') out.body = storedToAnyValue(l.Body, l.BodyType);
  setAttributes(out, 'attributes', l.LogAttributes, l.LogAttributeTypes);
  setNumber(out, 'droppedAttributesCount', l.DroppedAttributesCount);
  setNumber(out, 'flags', l.TraceFlags);
  setString(out, 'traceId', l.TraceId);
  setString(out, 'spanId', l.SpanId);
  setString(out, 'eventName', l.EventName);
  return out;
}
