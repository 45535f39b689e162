// Builds the head sampler. The default is parent-based: a service never re-decides a trace that
// arrived sampled (or not) from upstream, so traces are never split into orphaned fragments.
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { SamplerConfig } from './config.js';
import type { OtelModules } from './otel-modules.js';

export function createSampler({ name, ratio }: SamplerConfig, { sdkTrace }: Pick<OtelModules, 'sdkTrace'>): Sampler {
  const { AlwaysOnSampler, AlwaysOffSampler, TraceIdRatioBasedSampler, ParentBasedSampler } = sdkTrace;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
