import type { AttributeTypes, AttributeValues, Decoded, ResourceScopeColumns, SpanRecord } from '../../model';
import { decimalDiff } from '../../wire/int64';
import { INVALID_LINK_ID, Rejections } from '../rejections';
import { spanKindName, statusCodeName } from '../span-enums';
import { normaliseParentSpanId, spanIdsProblem } from '../span-ids';
import { jsonAttributes, type ValueSlot } from './common';
import { parseJsonBody, readJsonEnvelope } from './envelope';
import {
  asObject,
  enumNames,
  getArray,
  getEnum,
  getId,
  getObject,
  getString,
  getUint32,
  getUint64,
  type JsonObject,
} from './fields';

const NAMES = {
  resources: ['resourceSpans', 'resource_spans'] as [string, string],
  scopes: ['scopeSpans', 'scope_spans'] as [string, string],
  items: ['spans', 'spans'] as [string, string],
};
const SPAN_KINDS = enumNames('SPAN_KIND_', ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);
const STATUS_CODES = enumNames('STATUS_CODE_', ['UNSET', 'OK', 'ERROR']);

export function decodeTracesJson(body: Uint8Array): Decoded<SpanRecord[]> {
  const records: SpanRecord[] = [];
  const rejections = new Rejections('span', 'spans');
  const slot: ValueSlot = { type: '' };
  readJsonEnvelope(parseJsonBody(body), NAMES, slot, (span, path, columns) =>
    readSpan(span, path, columns, slot, records, rejections),
  );
  return { records, rejected: rejections.count, rejectionMessage: rejections.message() };
}

function readSpan(
  span: JsonObject,
  path: string,
  c: ResourceScopeColumns,
  slot: ValueSlot,
  records: SpanRecord[],
  rejections: Rejections,
): void {
  const traceId = getId(span, path, 'traceId', 'trace_id', 16);
  const spanId = getId(span, path, 'spanId', 'span_id', 8);
  const parentSpanId = getId(span, path, 'parentSpanId', 'parent_span_id', 8);
  const start = getUint64(span, path, 'startTimeUnixNano', 'start_time_unix_nano');
  const end = getUint64(span, path, 'endTimeUnixNano', 'end_time_unix_nano');
  const attributes: AttributeValues = {};
  const attributeTypes: AttributeTypes = {};
  jsonAttributes(span, path, 'attributes', undefined, attributes, attributeTypes, slot);
  const status = getObject(span, path, 'status');
  const statusPath = `${path}.status`;
  const events = readEvents(span, path, slot);
  const links = readLinks(span, path, slot);
  const record: SpanRecord = {
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
    Timestamp: start,
    Duration: decimalDiff(start, end),
    TraceId: traceId ?? '',
    SpanId: spanId ?? '',
    ParentSpanId: normaliseParentSpanId(parentSpanId ?? ''),
    TraceState: getString(span, path, 'traceState', 'trace_state'),
    Flags: getUint32(span, path, 'flags'),
    SpanName: getString(span, path, 'name'),
    SpanKind: spanKindName(getEnum(span, path, 'kind', undefined, SPAN_KINDS)),
    SpanAttributes: attributes,
    SpanAttributeTypes: attributeTypes,
    DroppedAttributesCount: getUint32(span, path, 'droppedAttributesCount', 'dropped_attributes_count'),
    StatusCode: status ? statusCodeName(getEnum(status, statusPath, 'code', undefined, STATUS_CODES)) : 'Unset',
    StatusMessage: status ? getString(status, statusPath, 'message') : '',
    'Events.Timestamp': events.timestamps,
    'Events.Name': events.names,
    'Events.Attributes': events.attributes,
    'Events.AttributeTypes': events.attributeTypes,
    'Events.DroppedAttributesCount': events.dropped,
    DroppedEventsCount: getUint32(span, path, 'droppedEventsCount', 'dropped_events_count'),
    'Links.TraceId': links.traceIds,
    'Links.SpanId': links.spanIds,
    'Links.TraceState': links.traceStates,
    'Links.Flags': links.flags,
    'Links.Attributes': links.attributes,
    'Links.AttributeTypes': links.attributeTypes,
    'Links.DroppedAttributesCount': links.dropped,
    DroppedLinksCount: getUint32(span, path, 'droppedLinksCount', 'dropped_links_count'),
  };
  const problem = spanIdsProblem(traceId, spanId, parentSpanId) ?? (links.invalid ? INVALID_LINK_ID : null);
  if (problem !== null) rejections.add(problem);
  else records.push(record);
}

function readEvents(span: JsonObject, path: string, slot: ValueSlot) {
  const list = getArray(span, path, 'events');
  const events = {
    timestamps: [] as string[],
    names: [] as string[],
    attributes: [] as AttributeValues[],
    attributeTypes: [] as AttributeTypes[],
    dropped: [] as number[],
  };
  for (let i = 0; i < list.length; i++) {
    const ePath = `${path}.events[${i}]`;
    const event = asObject(list[i], ePath);
    const attributes: AttributeValues = {};
    const types: AttributeTypes = {};
    jsonAttributes(event, ePath, 'attributes', undefined, attributes, types, slot);
    events.timestamps.push(getUint64(event, ePath, 'timeUnixNano', 'time_unix_nano'));
    events.names.push(getString(event, ePath, 'name'));
    events.attributes.push(attributes);
    events.attributeTypes.push(types);
    events.dropped.push(getUint32(event, ePath, 'droppedAttributesCount', 'dropped_attributes_count'));
  }
  return events;
}

function readLinks(span: JsonObject, path: string, slot: ValueSlot) {
  const list = getArray(span, path, 'links');
  const links = {
    traceIds: [] as string[],
    spanIds: [] as string[],
    traceStates: [] as string[],
    flags: [] as number[],
    attributes: [] as AttributeValues[],
    attributeTypes: [] as AttributeTypes[],
    dropped: [] as number[],
    invalid: false,
  };
  for (let i = 0; i < list.length; i++) {
    const lPath = `${path}.links[${i}]`;
    const link = asObject(list[i], lPath);
    const traceId = getId(link, lPath, 'traceId', 'trace_id', 16);
    const spanId = getId(link, lPath, 'spanId', 'span_id', 8);
    if (traceId === null || spanId === null) links.invalid = true;
    const attributes: AttributeValues = {};
    const types: AttributeTypes = {};
    jsonAttributes(link, lPath, 'attributes', undefined, attributes, types, slot);
    links.traceIds.push(traceId ?? '');
    links.spanIds.push(spanId ?? '');
    links.traceStates.push(getString(link, lPath, 'traceState', 'trace_state'));
    links.flags.push(getUint32(link, lPath, 'flags'));
    links.attributes.push(attributes);
    links.attributeTypes.push(types);
    links.dropped.push(getUint32(link, lPath, 'droppedAttributesCount', 'dropped_attributes_count'));
  }
  return links;
}
