import type { AttributeTypes, AttributeValues, Decoded, LogRecord, ResourceScopeColumns } from '../../model';
import { optionalId } from '../optional-id';
import { INVALID_OPTIONAL_SPAN_ID, INVALID_OPTIONAL_TRACE_ID, Rejections } from '../rejections';
import { jsonAnyValue, jsonAttributes, type ValueSlot } from './common';
import { parseJsonBody, readJsonEnvelope } from './envelope';
import { enumNames, field, getEnum, getId, getString, getUint32, getUint64, type JsonObject } from './fields';

const NAMES = {
  resources: ['resourceLogs', 'resource_logs'] as [string, string],
  scopes: ['scopeLogs', 'scope_logs'] as [string, string],
  items: ['logRecords', 'log_records'] as [string, string],
};

const SEVERITY_NUMBERS = enumNames(
  'SEVERITY_NUMBER_',
  ['UNSPECIFIED'].concat(
    ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].map((level) => [
      level,
      `${level}2`,
      `${level}3`,
      `${level}4`,
    ]),
  ),
);

export function decodeLogsJson(body: Uint8Array): Decoded<LogRecord[]> {
  const records: LogRecord[] = [];
  const rejections = new Rejections('log record', 'log records');
  const slot: ValueSlot = { type: '' };
  readJsonEnvelope(parseJsonBody(body), NAMES, slot, (log, path, columns) =>
    readLogRecord(log, path, columns, slot, records, rejections),
  );
  return { records, rejected: rejections.count, rejectionMessage: rejections.message() };
}

function readLogRecord(
  log: JsonObject,
  path: string,
  c: ResourceScopeColumns,
  slot: ValueSlot,
  records: LogRecord[],
  rejections: Rejections,
): void {
  const traceId = optionalId(getId(log, path, 'traceId', 'trace_id', 16), 16);
  const spanId = optionalId(getId(log, path, 'spanId', 'span_id', 8), 8);
  const body = jsonAnyValue(field(log, 'body'), `${path}.body`, slot, 0);
  const bodyType = slot.type;
  const attributes: AttributeValues = {};
  const attributeTypes: AttributeTypes = {};
  jsonAttributes(log, path, 'attributes', undefined, attributes, attributeTypes, slot);
  const record: LogRecord = {
    ServiceName: c.ServiceName,
    ResourceAttributes: c.ResourceAttributes,
    ResourceAttributeTypes: c.ResourceAttributeTypes,
    ResourceDroppedAttributesCount: c.ResourceDroppedAttributesCount,
    ResourceSchemaUrl: c.ResourceSchemaUrl,
    ScopeName: c.ScopeName,
    ScopeVersion: c.ScopeVersion,
    ScopeAttributes: c.ScopeAttributes,
    ScopeAttributeTypes: c.ScopeAttributeTypes,
    ScopeDroppedAttributesCount: c.ScopeDroppedAttributesCount,
    ScopeSchemaUrl: c.ScopeSchemaUrl,
    Timestamp: getUint64(log, path, 'timeUnixNano', 'time_unix_nano'),
    ObservedTimestamp: getUint64(log, path, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    TraceId: traceId ?? '',
    SpanId: spanId ?? '',
    TraceFlags: getUint32(log, path, 'flags'),
    SeverityText: getString(log, path, 'severityText', 'severity_text'),
    SeverityNumber: getEnum(log, path, 'severityNumber', 'severity_number', SEVERITY_NUMBERS),
    Body: body,
    BodyType: bodyType,
    EventName: getString(log, path, 'eventName', 'event_name'),
    LogAttributes: attributes,
    LogAttributeTypes: attributeTypes,
    DroppedAttributesCount: getUint32(log, path, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
  if (traceId === null) rejections.add(INVALID_OPTIONAL_TRACE_ID);
  else if (spanId === null) rejections.add(INVALID_OPTIONAL_SPAN_ID);
  else records.push(record);
}
