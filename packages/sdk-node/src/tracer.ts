// The tracer behind the helpers. Looked up per call (cheap) rather than cached at import, so helpers
// used before init() still pick up the provider init() registers later.
import { type Tracer, trace } from '@opentelemetry/api';

export const INSTRUMENTATION_SCOPE = '@tracehouse/node';

export function helperTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}
