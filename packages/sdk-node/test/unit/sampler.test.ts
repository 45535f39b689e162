import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import * as sdkTrace from '@opentelemetry/sdk-trace';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { createSampler } from '../../src/sampler.js';

const TRACE_ID = 'ffffffffffffffffffffffffffffffff';

function decide(name: Parameters<typeof createSampler>[0]['name'], ratio: number, parentSampled?: boolean) {
  const sampler = createSampler({ name, ratio }, { sdkTrace });
  const parent =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId: TRACE_ID,
          spanId: 'aaaaaaaaaaaaaaaa',
          traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  return sampler.shouldSample(parent, TRACE_ID, 'span', SpanKind.SERVER, {}, []).decision;
}

test('parent-based ratio: roots follow the ratio, children follow their parent', () => {
  assert.equal(decide('parentbased_traceidratio', 0), SamplingDecision.NOT_RECORD);
  assert.equal(decide('parentbased_traceidratio', 1), SamplingDecision.RECORD_AND_SAMPLED);
  assert.equal(decide('parentbased_traceidratio', 0, true), SamplingDecision.RECORD_AND_SAMPLED);
  assert.equal(decide('parentbased_traceidratio', 1, false), SamplingDecision.NOT_RECORD);
});

test('non-parent-based samplers ignore the parent', () => {
  assert.equal(decide('always_off', 1, true), SamplingDecision.NOT_RECORD);
  assert.equal(decide('always_on', 0, false), SamplingDecision.RECORD_AND_SAMPLED);
  assert.equal(decide('traceidratio', 0, true), SamplingDecision.NOT_RECORD);
});

test('the default is parent-based always-on', () => {
  assert.equal(decide('parentbased_always_on', 0), SamplingDecision.RECORD_AND_SAMPLED);
  assert.equal(decide('parentbased_always_on', 1, false), SamplingDecision.NOT_RECORD);
});
