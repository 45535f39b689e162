// The tracer behind the helpers. Not cached at import, so helpers used before init() still pick up
// the provider init() registers later; cached per registered provider, because the SDK's getTracer
// builds a key string and does a map lookup (~1 µs) on every call, i.e. on every withSpan.
import { ProxyTracerProvider, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';

export const INSTRUMENTATION_SCOPE = '@tracehouse/node';

let cachedFor: TracerProvider | undefined;
let cached: Tracer | undefined;

export function helperTracer(): Tracer {
  const global = trace.getTracerProvider();
  // The global provider is the API's proxy; what changes when a provider is registered is its delegate.
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (provider !== cachedFor || cached === undefined) {
    cachedFor = provider;
    cached = trace.getTracer(INSTRUMENTATION_SCOPE);
  }
  return cached;
}
