import type { SpanRecord } from '@tracehouse/otlp';
import type { SpanNode } from './span-node';

/** W3C "sampled", plus OTLP's bits saying whether the parent was remote (0x100 known, 0x200 remote). */
const FLAGS_LOCAL = 0x101;
const FLAGS_REMOTE = 0x301;

/** The span as the record model stores it; times are the trace start plus the node's offsets. */
export function spanRecord(node: SpanNode, traceId: string, traceStart: bigint): SpanRecord {
  const columns = node.instance.columns[node.scope];
  // Explicit fields rather than a spread: V8 builds a spread of this size in dictionary
  // mode, which made this the most expensive line of template generation.
  const record: SpanRecord = {
    ServiceName: columns.ServiceName,
    ResourceAttributes: columns.ResourceAttributes,
    ResourceAttributeTypes: columns.ResourceAttributeTypes,
    ResourceDroppedAttributesCount: columns.ResourceDroppedAttributesCount,
    ResourceSchemaUrl: columns.ResourceSchemaUrl,
    ScopeName: columns.ScopeName,
    ScopeVersion: columns.ScopeVersion,
    ScopeAttributes: columns.ScopeAttributes,
    ScopeAttributeTypes: columns.ScopeAttributeTypes,
    ScopeDroppedAttributesCount: columns.ScopeDroppedAttributesCount,
    ScopeSchemaUrl: columns.ScopeSchemaUrl,
    Timestamp: String(traceStart + BigInt(node.start)),
    Duration: String(node.end - node.start),
    TraceId: traceId,
    SpanId: node.spanId,
    ParentSpanId: node.parent?.spanId ?? '',
    TraceState: '',
    Flags: node.remoteParent ? FLAGS_REMOTE : FLAGS_LOCAL,
    SpanName: node.name,
    SpanKind: node.kind,
    SpanAttributes: node.attributes,
    SpanAttributeTypes: node.attributeTypes,
    DroppedAttributesCount: 0,
    StatusCode: node.status,
    StatusMessage: node.statusMessage,
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Events.AttributeTypes': [],
    'Events.DroppedAttributesCount': [],
    DroppedEventsCount: 0,
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Flags': [],
    'Links.Attributes': [],
    'Links.AttributeTypes': [],
    'Links.DroppedAttributesCount': [],
    DroppedLinksCount: 0,
  };
  if (node.exception) {
    record['Events.Timestamp'].push(String(traceStart + BigInt(node.exception.at)));
    record['Events.Name'].push('exception');
    record['Events.Attributes'].push({
      'exception.type': node.exception.type,
      'exception.message': node.exception.message,
      'exception.stacktrace': node.exception.stacktrace,
    });
    record['Events.AttributeTypes'].push({});
    record['Events.DroppedAttributesCount'].push(0);
  }
  if (node.linkTo) {
    record['Links.TraceId'].push(traceId);
    record['Links.SpanId'].push(node.linkTo.spanId);
    record['Links.TraceState'].push('');
    record['Links.Flags'].push(FLAGS_REMOTE);
    record['Links.Attributes'].push({ 'messaging.operation.type': 'send' });
    record['Links.AttributeTypes'].push({});
    record['Links.DroppedAttributesCount'].push(0);
  }
  return record;
}
