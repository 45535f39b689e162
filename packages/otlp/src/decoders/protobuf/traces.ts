// opentelemetry/proto/trace/v1/trace.proto
import type { AttributeTypes, AttributeValues, Decoded, ResourceScopeColumns, SpanRecord } from '../../model';
import { uint64DiffToDecimal, uint64ToDecimal } from '../../wire/int64';
import { I32, I64, LEN, ProtoReader, tagOf, VARINT } from '../../wire/proto-reader';
import { Rejections } from '../rejections';
import { spanKindName, statusCodeName } from '../span-enums';
import { normaliseParentSpanId, spanIdsProblem } from '../span-ids';
import { readKeyValue, type ValueSlot } from './common';
import { readEnvelope } from './envelope';

const NAMES = { request: 'ExportTraceServiceRequest', resource: 'ResourceSpans', scope: 'ScopeSpans' };

const TRACE_ID = tagOf(1, LEN);
const SPAN_ID = tagOf(2, LEN);
const TRACE_STATE = tagOf(3, LEN);
const PARENT_SPAN_ID = tagOf(4, LEN);
const NAME = tagOf(5, LEN);
const KIND = tagOf(6, VARINT);
const START_TIME = tagOf(7, I64);
const END_TIME = tagOf(8, I64);
const ATTRIBUTES = tagOf(9, LEN);
const DROPPED_ATTRIBUTES = tagOf(10, VARINT);
const EVENTS = tagOf(11, LEN);
const DROPPED_EVENTS = tagOf(12, VARINT);
const LINKS = tagOf(13, LEN);
const DROPPED_LINKS = tagOf(14, VARINT);
const STATUS = tagOf(15, LEN);
const FLAGS = tagOf(16, I32);
const SPAN_FIELDS = 0x1fffe;

export function decodeTracesProtobuf(body: Uint8Array): Decoded<SpanRecord[]> {
  const r = new ProtoReader(body);
  const records: SpanRecord[] = [];
  const rejections = new Rejections('span', 'spans');
  const slot: ValueSlot = { type: '' };
  readEnvelope(r, NAMES, slot, (reader, end, columns) => readSpan(reader, end, columns, slot, records, rejections));
  return { records, rejected: rejections.count, rejectionMessage: rejections.message() };
}

function readSpan(
  r: ProtoReader,
  end: number,
  c: ResourceScopeColumns,
  slot: ValueSlot,
  records: SpanRecord[],
  rejections: Rejections,
): void {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startHi = 0;
  let startLo = 0;
  let endHi = 0;
  let endLo = 0;
  const attributes: AttributeValues = {};
  const attributeTypes: AttributeTypes = {};
  let droppedAttributes = 0;
  let droppedEvents = 0;
  let droppedLinks = 0;
  let statusCode = 0;
  let statusMessage = '';
  let flags = 0;
  let events: SpanEvents = NO_EVENTS;
  let links: SpanLinks = NO_LINKS;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case TRACE_ID:
        traceId = r.hex(end);
        break;
      case SPAN_ID:
        spanId = r.hex(end);
        break;
      case TRACE_STATE:
        traceState = r.string(end);
        break;
      case PARENT_SPAN_ID:
        parentSpanId = r.hex(end);
        break;
      case NAME:
        name = r.string(end);
        break;
      case KIND:
        kind = r.int32(end);
        break;
      case START_TIME:
        r.fixed64(end);
        startHi = r.hi;
        startLo = r.lo;
        break;
      case END_TIME:
        r.fixed64(end);
        endHi = r.hi;
        endLo = r.lo;
        break;
      case ATTRIBUTES:
        readKeyValue(r, r.len(end), attributes, attributeTypes, slot);
        break;
      case DROPPED_ATTRIBUTES:
        droppedAttributes = r.uint32(end);
        break;
      case EVENTS:
        if (events === NO_EVENTS) events = new SpanEvents();
        events.read(r, r.len(end), slot);
        break;
      case DROPPED_EVENTS:
        droppedEvents = r.uint32(end);
        break;
      case LINKS:
        if (links === NO_LINKS) links = new SpanLinks();
        links.read(r, r.len(end), slot);
        break;
      case DROPPED_LINKS:
        droppedLinks = r.uint32(end);
        break;
      case STATUS: {
        const stop = r.len(end);
        while (r.pos < stop) {
          const statusTag = r.uint32(stop);
          if (statusTag === STATUS_MESSAGE) statusMessage = r.string(stop);
          else if (statusTag === STATUS_CODE) statusCode = r.int32(stop);
          else r.unexpected(statusTag, stop, 'Status', STATUS_FIELDS);
        }
        break;
      }
      case FLAGS:
        flags = r.fixed32(end);
        break;
      default:
        r.unexpected(tag, end, 'Span', SPAN_FIELDS);
    }
  }
  const problem = spanIdsProblem(traceId, spanId, parentSpanId);
  if (problem !== null) {
    rejections.add(problem);
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
    Timestamp: uint64ToDecimal(startHi, startLo),
    Duration: uint64DiffToDecimal(startHi, startLo, endHi, endLo),
    TraceId: traceId,
    SpanId: spanId,
    ParentSpanId: normaliseParentSpanId(parentSpanId),
    TraceState: traceState,
    Flags: flags,
    SpanName: name,
    SpanKind: spanKindName(kind),
    SpanAttributes: attributes,
    SpanAttributeTypes: attributeTypes,
    DroppedAttributesCount: droppedAttributes,
    StatusCode: statusCodeName(statusCode),
    StatusMessage: statusMessage,
    'Events.Timestamp': events.timestamps,
    'Events.Name': events.names,
    'Events.Attributes': events.attributes,
    'Events.AttributeTypes': events.attributeTypes,
    'Events.DroppedAttributesCount': events.droppedAttributesCounts,
    DroppedEventsCount: droppedEvents,
    'Links.TraceId': links.traceIds,
    'Links.SpanId': links.spanIds,
    'Links.TraceState': links.traceStates,
    'Links.Flags': links.flags,
    'Links.Attributes': links.attributes,
    'Links.AttributeTypes': links.attributeTypes,
    'Links.DroppedAttributesCount': links.droppedAttributesCounts,
    DroppedLinksCount: droppedLinks,
  });
}

const STATUS_MESSAGE = tagOf(2, LEN);
const STATUS_CODE = tagOf(3, VARINT);
const STATUS_FIELDS = 0b1100;

const EVENT_TIME = tagOf(1, I64);
const EVENT_NAME = tagOf(2, LEN);
const EVENT_ATTRIBUTES = tagOf(3, LEN);
const EVENT_DROPPED_ATTRIBUTES = tagOf(4, VARINT);
const EVENT_FIELDS = 0b11110;

/** Span.Event messages as the model's parallel Events.* columns. */
class SpanEvents {
  timestamps: string[] = [];
  names: string[] = [];
  attributes: AttributeValues[] = [];
  attributeTypes: AttributeTypes[] = [];
  droppedAttributesCounts: number[] = [];

  read(r: ProtoReader, end: number, slot: ValueSlot): void {
    let time = '0';
    let name = '';
    const attributes: AttributeValues = {};
    const types: AttributeTypes = {};
    let dropped = 0;
    while (r.pos < end) {
      const tag = r.uint32(end);
      switch (tag) {
        case EVENT_TIME:
          r.fixed64(end);
          time = uint64ToDecimal(r.hi, r.lo);
          break;
        case EVENT_NAME:
          name = r.string(end);
          break;
        case EVENT_ATTRIBUTES:
          readKeyValue(r, r.len(end), attributes, types, slot);
          break;
        case EVENT_DROPPED_ATTRIBUTES:
          dropped = r.uint32(end);
          break;
        default:
          r.unexpected(tag, end, 'Span.Event', EVENT_FIELDS);
      }
    }
    this.timestamps.push(time);
    this.names.push(name);
    this.attributes.push(attributes);
    this.attributeTypes.push(types);
    this.droppedAttributesCounts.push(dropped);
  }
}

const LINK_TRACE_ID = tagOf(1, LEN);
const LINK_SPAN_ID = tagOf(2, LEN);
const LINK_TRACE_STATE = tagOf(3, LEN);
const LINK_ATTRIBUTES = tagOf(4, LEN);
const LINK_DROPPED_ATTRIBUTES = tagOf(5, VARINT);
const LINK_FLAGS = tagOf(6, I32);
const LINK_FIELDS = 0b1111110;

/** Span.Link messages as the model's parallel Links.* columns. */
class SpanLinks {
  traceIds: string[] = [];
  spanIds: string[] = [];
  traceStates: string[] = [];
  flags: number[] = [];
  attributes: AttributeValues[] = [];
  attributeTypes: AttributeTypes[] = [];
  droppedAttributesCounts: number[] = [];

  read(r: ProtoReader, end: number, slot: ValueSlot): void {
    let traceId = '';
    let spanId = '';
    let traceState = '';
    let flags = 0;
    const attributes: AttributeValues = {};
    const types: AttributeTypes = {};
    let dropped = 0;
    while (r.pos < end) {
      const tag = r.uint32(end);
      switch (tag) {
        case LINK_TRACE_ID:
          traceId = r.hex(end);
          break;
        case LINK_SPAN_ID:
          spanId = r.hex(end);
          break;
        case LINK_TRACE_STATE:
          traceState = r.string(end);
          break;
        case LINK_ATTRIBUTES:
          readKeyValue(r, r.len(end), attributes, types, slot);
          break;
        case LINK_DROPPED_ATTRIBUTES:
          dropped = r.uint32(end);
          break;
        case LINK_FLAGS:
          flags = r.fixed32(end);
          break;
        default:
          r.unexpected(tag, end, 'Span.Link', LINK_FIELDS);
      }
    }
    this.traceIds.push(traceId);
    this.spanIds.push(spanId);
    this.traceStates.push(traceState);
    this.flags.push(flags);
    this.attributes.push(attributes);
    this.attributeTypes.push(types);
    this.droppedAttributesCounts.push(dropped);
  }
}

/**
 * The columns of every span without events (or links), which is most spans: shared and frozen,
 * so that a consumer adding to one fails loudly instead of changing other spans (twelve empty
 * arrays a span fewer to allocate). Their fields are the class's own, each the frozen empty array.
 */
const NONE = Object.freeze([]) as unknown as never[];

function emptyOf<T extends object>(Columns: new () => T): T {
  const empty = Object.create(Columns.prototype) as Record<string, unknown>;
  for (const field of Object.keys(new Columns())) empty[field] = NONE;
  return Object.freeze(empty) as T;
}

const NO_EVENTS = emptyOf(SpanEvents);
const NO_LINKS = emptyOf(SpanLinks);
