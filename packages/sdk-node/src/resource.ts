// The resource every span, log record and metric carries: SDK defaults, then what the process and
// host detectors find, then the resolved service identity (which wins).
import type { Resource } from '@opentelemetry/resources';
import type { OtelModules } from './otel-modules.js';

export function buildResource(
  attributes: Record<string, string>,
  { resources }: Pick<OtelModules, 'resources'>,
): Resource {
  const { defaultResource, detectResources, processDetector, hostDetector, resourceFromAttributes } = resources;
  // envDetector is left out on purpose: config.ts already applied OTEL_RESOURCE_ATTRIBUTES and
  // OTEL_SERVICE_NAME with the documented precedence under init() options.
  return defaultResource()
    .merge(detectResources({ detectors: [processDetector, hostDetector] }))
    .merge(resourceFromAttributes(attributes));
}
