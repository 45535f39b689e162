import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation } from '@opentelemetry/api';
import { withBaggage } from '../../src/baggage.js';
import { BaggageSpanProcessor } from '../../src/baggage-span-processor.js';
import { DEFAULT_BAGGAGE_KEYS } from '../../src/config.js';
import { withSpan } from '../../src/with-span.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk({ spanProcessors: [new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS)] });

test('withBaggage adds entries for the work inside, and marks the active span with the allow-listed ones', () => {
  sdk.spans.reset();
  withSpan('request', () =>
    withBaggage({ 'enduser.id': 'u-42', 'session.note': 'not copied' }, () => {
      assert.equal(propagation.getBaggage(context.active())?.getEntry('session.note')?.value, 'not copied');
      withSpan('downstream', () => undefined);
    }),
  );
  const request = sdk.spans.getFinishedSpans().find((span) => span.name === 'request');
  const downstream = sdk.spans.getFinishedSpans().find((span) => span.name === 'downstream');
  assert.deepEqual(request?.attributes, { 'enduser.id': 'u-42' });
  assert.deepEqual(downstream?.attributes, { 'enduser.id': 'u-42' });
  assert.equal(propagation.getBaggage(context.active()), undefined, 'the baggage does not leak out');
});

test('existing baggage entries are kept', () => {
  const outer = propagation.setBaggage(context.active(), propagation.createBaggage({ org_id: { value: 'o-1' } }));
  context.with(outer, () =>
    withBaggage({ 'enduser.id': 'u-1' }, () => {
      const entries = propagation
        .getBaggage(context.active())
        ?.getAllEntries()
        .map(([key]) => key);
      assert.deepEqual(entries?.sort(), ['enduser.id', 'org_id']);
    }),
  );
});
