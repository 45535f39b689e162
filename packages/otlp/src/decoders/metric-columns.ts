import type { AttributeTypes, AttributeValues, MetricPointColumns, ResourceScopeColumns } from '../model';
import type { Exemplars } from './exemplars';

/** The columns of one Metric, shared by its data points. */
export interface MetricColumns extends ResourceScopeColumns {
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  MetricMetadata: AttributeValues;
  MetricMetadataTypes: AttributeTypes;
}

export function metricPointColumns(
  m: MetricColumns,
  attributes: AttributeValues,
  types: AttributeTypes,
  startTime: string,
  time: string,
  flags: number,
  exemplars: Exemplars,
): MetricPointColumns {
  return {
    ServiceName: m.ServiceName,
    ResourceAttributes: m.ResourceAttributes,
    ResourceAttributeTypes: m.ResourceAttributeTypes,
    ResourceDroppedAttributesCount: m.ResourceDroppedAttributesCount,
    ResourceSchemaUrl: m.ResourceSchemaUrl,
    ScopeName: m.ScopeName,
    ScopeVersion: m.ScopeVersion,
    ScopeAttributes: m.ScopeAttributes,
    ScopeAttributeTypes: m.ScopeAttributeTypes,
    ScopeDroppedAttributesCount: m.ScopeDroppedAttributesCount,
    ScopeSchemaUrl: m.ScopeSchemaUrl,
    MetricName: m.MetricName,
    MetricDescription: m.MetricDescription,
    MetricUnit: m.MetricUnit,
    MetricMetadata: m.MetricMetadata,
    MetricMetadataTypes: m.MetricMetadataTypes,
    Attributes: attributes,
    AttributeTypes: types,
    StartTimeUnix: startTime,
    TimeUnix: time,
    Flags: flags,
    'Exemplars.FilteredAttributes': exemplars.filteredAttributes,
    'Exemplars.FilteredAttributeTypes': exemplars.filteredAttributeTypes,
    'Exemplars.TimeUnix': exemplars.times,
    'Exemplars.Value': exemplars.values,
    'Exemplars.IntValue': exemplars.intValues,
    'Exemplars.SpanId': exemplars.spanIds,
    'Exemplars.TraceId': exemplars.traceIds,
  };
}
