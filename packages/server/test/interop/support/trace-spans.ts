// The spans of one trace as tracehouse's API returns it (OTLP/JSON), flattened with what the
// interop trace tests check: identity, parent, kind, `enduser.id`, and their resource's service.
export interface TraceSpan {
  service: string;
  version: string | undefined;
  name: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
  enduser: string | undefined;
}

type KeyValue = { key: string; value: { stringValue?: string } };
const stringAttribute = (attributes: KeyValue[] | undefined, key: string) =>
  attributes?.find((kv) => kv.key === key)?.value.stringValue;

// biome-ignore lint/suspicious/noExplicitAny: an OTLP/JSON document as parsed from the response.
export function traceSpans(body: any): TraceSpan[] {
  const found: TraceSpan[] = [];
  for (const resourceSpans of body?.resourceSpans ?? []) {
    const resource = resourceSpans.resource.attributes as KeyValue[];
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        found.push({
          service: stringAttribute(resource, 'service.name') ?? '',
          version: stringAttribute(resource, 'service.version'),
          name: span.name,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          kind: span.kind,
          enduser: stringAttribute(span.attributes, 'enduser.id'),
        });
      }
    }
  }
  return found;
}
