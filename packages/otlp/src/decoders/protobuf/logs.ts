// opentelemetry/proto/logs/v1/logs.proto
import type { StoredType } from '../../attributes';
import type { AttributeTypes, AttributeValues, Decoded, LogRecord, ResourceScopeColumns } from '../../model';
import { uint64ToDecimal } from '../../wire/int64';
import { I32, I64, LEN, ProtoReader, tagOf, VARINT } from '../../wire/proto-reader';
import { optionalId } from '../optional-id';
import { INVALID_OPTIONAL_SPAN_ID, INVALID_OPTIONAL_TRACE_ID, Rejections } from '../rejections';
import { readAnyValue, readKeyValue, type ValueSlot } from './common';
import { readEnvelope } from './envelope';

const NAMES = { request: 'ExportLogsServiceRequest', resource: 'ResourceLogs', scope: 'ScopeLogs' };

const TIME = tagOf(1, I64);
const SEVERITY_NUMBER = tagOf(2, VARINT);
const SEVERITY_TEXT = tagOf(3, LEN);
const BODY = tagOf(5, LEN);
const ATTRIBUTES = tagOf(6, LEN);
const DROPPED_ATTRIBUTES = tagOf(7, VARINT);
const FLAGS = tagOf(8, I32);
const TRACE_ID = tagOf(9, LEN);
const SPAN_ID = tagOf(10, LEN);
const OBSERVED_TIME = tagOf(11, I64);
const EVENT_NAME = tagOf(12, LEN);
const LOG_RECORD_FIELDS = 0b1111111101110;

export function decodeLogsProtobuf(body: Uint8Array): Decoded<LogRecord[]> {
  const r = new ProtoReader(body);
  const records: LogRecord[] = [];
  const rejections = new Rejections('log record', 'log records');
  const slot: ValueSlot = { type: '' };
  readEnvelope(r, NAMES, slot, (reader, end, columns) =>
    readLogRecord(reader, end, columns, slot, records, rejections),
  );
  return { records, rejected: rejections.count, rejectionMessage: rejections.message() };
}

function readLogRecord(
  r: ProtoReader,
  end: number,
  c: ResourceScopeColumns,
  slot: ValueSlot,
  records: LogRecord[],
  rejections: Rejections,
): void {
  let time = '0';
  let observedTime = '0';
  let severityNumber = 0;
  let severityText = '';
  let bodyValue = '';
  let bodyType: StoredType = 'empty';
  const attributes: AttributeValues = {};
  const attributeTypes: AttributeTypes = {};
  let dropped = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case TIME:
        r.fixed64(end);
        time = uint64ToDecimal(r.hi, r.lo);
        break;
      case SEVERITY_NUMBER:
        severityNumber = r.int32(end);
        break;
      case SEVERITY_TEXT:
        severityText = r.string(end);
        break;
      case BODY:
        bodyValue = readAnyValue(r, r.len(end), slot, 0);
        bodyType = slot.type;
        break;
      case ATTRIBUTES:
        readKeyValue(r, r.len(end), attributes, attributeTypes, slot);
        break;
      case DROPPED_ATTRIBUTES:
        dropped = r.uint32(end);
        break;
      case FLAGS:
        flags = r.fixed32(end);
        break;
      case TRACE_ID:
        traceId = r.hex(end);
        break;
      case SPAN_ID:
        spanId = r.hex(end);
        break;
      case OBSERVED_TIME:
        r.fixed64(end);
        observedTime = uint64ToDecimal(r.hi, r.lo);
        break;
      case EVENT_NAME:
        eventName = r.string(end);
        break;
      default:
        r.unexpected(tag, end, 'LogRecord', LOG_RECORD_FIELDS);
    }
  }
  const traceIdHex = optionalId(traceId, 16);
  const spanIdHex = optionalId(spanId, 8);
  if (traceIdHex === null || spanIdHex === null) {
    rejections.add(traceIdHex === null ? INVALID_OPTIONAL_TRACE_ID : INVALID_OPTIONAL_SPAN_ID);
    return;
  }
  records.push({
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
    Timestamp: time,
    ObservedTimestamp: observedTime,
    TraceId: traceIdHex,
    SpanId: spanIdHex,
    TraceFlags: flags,
    SeverityText: severityText,
    SeverityNumber: severityNumber,
    Body: bodyValue,
    BodyType: bodyType,
    EventName: eventName,
    LogAttributes: attributes,
    LogAttributeTypes: attributeTypes,
    DroppedAttributesCount: dropped,
  });
}
