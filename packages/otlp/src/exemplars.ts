import type { MetricPointColumns } from './model';

type ExemplarColumns = Pick<
  MetricPointColumns,
  | 'Exemplars.FilteredAttributes'
  | 'Exemplars.FilteredAttributeTypes'
  | 'Exemplars.TimeUnix'
  | 'Exemplars.Value'
  | 'Exemplars.IntValue'
  | 'Exemplars.SpanId'
  | 'Exemplars.TraceId'
>;

/** The exemplar columns of a point that has none (new arrays each call: a point owns its columns). */
export function noExemplars(): ExemplarColumns {
  return {
    'Exemplars.FilteredAttributes': [],
    'Exemplars.FilteredAttributeTypes': [],
    'Exemplars.TimeUnix': [],
    'Exemplars.Value': [],
    'Exemplars.IntValue': [],
    'Exemplars.SpanId': [],
    'Exemplars.TraceId': [],
  };
}
