import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { context, DiagLogLevel, diag, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode, isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeTraces } from '@tracehouse/otlp';
import {
  type EncodedBatch,
  type EncodedBatchSender,
  EncodingSpanProcessor,
  type EncodingSpanProcessorOptions,
} from '../../src/encoding-span-processor.js';

const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
after(() => {
  context.disable();
});

/** A sender that records each batch and answers when the test says so (or at once). */
class FakeSender implements EncodedBatchSender {
  readonly batches: EncodedBatch[] = [];
  readonly pending: ((result: ExportResult) => void)[] = [];
  suppressedDuringSend: boolean[] = [];
  constructor(private readonly answer: 'at once' | 'manually' = 'at once') {}

  send(batch: EncodedBatch, done: (result: ExportResult) => void): void {
    this.batches.push(batch);
    this.suppressedDuringSend.push(isTracingSuppressed(context.active()));
    if (this.answer === 'at once') done({ code: ExportResultCode.SUCCESS });
    else this.pending.push(done);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  /** Span names per batch, decoded by tracehouse's own OTLP decoder. */
  names(): string[][] {
    return this.batches.map((batch) => decodeTraces(batch.bytes, 'protobuf').records.map((span) => span.SpanName));
  }
}

function setup(sender: FakeSender, options: Partial<EncodingSpanProcessorOptions> = {}, sampled = true) {
  const processor = new EncodingSpanProcessor(sender, {
    maxQueueSize: 100,
    maxExportBatchSize: 3,
    scheduledDelayMillis: 60_000,
    exportContext: () => suppressTracing(context.active()),
    ...options,
  });
  const provider = new TracerProvider({
    spanProcessors: [processor],
    ...(sampled ? {} : { sampler: new AlwaysOffSampler() }),
  });
  const tracer = provider.getTracer('orders');
  const end = (...names: string[]) => {
    for (const name of names) tracer.startSpan(name).end();
  };
  return { processor, end };
}

test('a full batch is encoded and sent at once, with tracing suppressed, and decodes to its spans', () => {
  const sender = new FakeSender();
  const { end } = setup(sender);
  end('a', 'b');
  assert.equal(sender.batches.length, 0, 'two of three spans: nothing sent yet');
  end('c', 'd');
  assert.deepEqual(sender.names(), [['a', 'b', 'c']]);
  assert.equal(sender.batches[0].spans, 3);
  assert.deepEqual(sender.suppressedDuringSend, [true]);
});

test('a partial batch leaves after the scheduled delay', async () => {
  const sender = new FakeSender();
  const { end } = setup(sender, { scheduledDelayMillis: 20 });
  end('only');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(sender.names(), [['only']]);
});

test('unsampled spans are not exported', async () => {
  const sender = new FakeSender();
  const { processor, end } = setup(sender, {}, false);
  end('a', 'b', 'c', 'd');
  await processor.forceFlush();
  assert.deepEqual(sender.batches, []);
});

test('one export at a time; a full queue drops and counts spans, and frees up when exports finish', async () => {
  const sender = new FakeSender('manually');
  const { processor, end } = setup(sender, { maxQueueSize: 6 });
  end('1', '2', '3', '4', '5', '6', '7', '8');
  assert.equal(sender.batches.length, 1, 'the second batch waits for the first export');
  assert.equal(processor.dropped, 2);
  sender.pending.shift()?.({ code: ExportResultCode.SUCCESS });
  assert.equal(sender.batches.length, 2, 'the next batch goes when the first one is done');
  end('9', '10', '11');
  assert.equal(processor.dropped, 2, 'the first batch no longer counts against the queue');
  sender.pending.shift()?.({ code: ExportResultCode.SUCCESS });
  sender.pending.shift()?.({ code: ExportResultCode.SUCCESS });
  assert.deepEqual(sender.names(), [
    ['1', '2', '3'],
    ['4', '5', '6'],
    ['9', '10', '11'],
  ]);
});

test('a batch size above the queue size is lowered to it, so a full queue is always sent', () => {
  const sender = new FakeSender();
  const { processor, end } = setup(sender, { maxQueueSize: 2, maxExportBatchSize: 10 });
  end('a', 'b', 'c', 'd');
  assert.deepEqual(sender.names(), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.equal(processor.dropped, 0);
});

test('a span that cannot be encoded is dropped without throwing into the application, and the batch stays valid', async () => {
  const sender = new FakeSender();
  const { processor, end } = setup(sender, { maxExportBatchSize: 2 });
  end('before');
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const span = provider.getTracer('orders').startSpan('unencodable');
  // The SDK refuses such values through setAttribute; a processor or instrumentation writing the
  // attributes object directly does not.
  (span as unknown as { attributes: Record<string, unknown> }).attributes.cyclic = cyclic;
  assert.doesNotThrow(() => span.end());
  end('after');
  assert.equal(processor.dropped, 1);
  assert.deepEqual(sender.names(), [['before', 'after']]);
});

test('forceFlush resolves only when everything ended before it has been sent', async () => {
  const sender = new FakeSender('manually');
  const { processor, end } = setup(sender);
  end('a', 'b', 'c', 'd');
  let flushed = false;
  const flush = processor.forceFlush().then(() => {
    flushed = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(flushed, false);
  sender.pending.shift()?.({ code: ExportResultCode.SUCCESS });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(flushed, false, 'the partial batch is still being sent');
  sender.pending.shift()?.({ code: ExportResultCode.SUCCESS });
  await flush;
  assert.deepEqual(sender.names(), [['a', 'b', 'c'], ['d']]);
});

test('a failed export is logged and the following batches still go; shutdown sends the rest and stops', async () => {
  const errors: unknown[][] = [];
  diag.setLogger(
    {
      error: (...args: unknown[]) => errors.push(args),
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.ERROR,
  );
  try {
    const sender = new FakeSender('manually');
    const { processor, end } = setup(sender);
    end('a', 'b', 'c', 'd');
    sender.pending.shift()?.({ code: ExportResultCode.FAILED, error: new Error('connection refused') });
    assert.match(String(errors[0]?.[0]), /3 spans lost/);
    const stopped = processor.shutdown();
    await new Promise((resolve) => setImmediate(resolve));
    sender.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    await stopped;
    end('after shutdown');
    await processor.forceFlush();
    assert.deepEqual(sender.names(), [['a', 'b', 'c'], ['d']]);
  } finally {
    diag.disable();
  }
});

test('spans of a remote parent keep its trace id; a sender that throws counts as a failed export', async () => {
  const sender = new FakeSender();
  let throwNext = true;
  const throwing: EncodedBatchSender = {
    send(batch, done) {
      if (throwNext) {
        throwNext = false;
        throw new Error('socket gone');
      }
      sender.send(batch, done);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const processor = new EncodingSpanProcessor(throwing, {
    maxQueueSize: 10,
    maxExportBatchSize: 1,
    scheduledDelayMillis: 60_000,
    exportContext: () => ROOT_CONTEXT,
  });
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('t');
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const parent = {
    traceId,
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  };
  const inParent = trace.setSpanContext(ROOT_CONTEXT, parent);
  tracer.startSpan('lost', {}, inParent).end();
  tracer.startSpan('kept', {}, inParent).end();
  await processor.forceFlush();
  const [kept] = decodeTraces(sender.batches[0].bytes, 'protobuf').records;
  assert.equal(sender.batches.length, 1);
  assert.equal(kept.SpanName, 'kept');
  assert.equal(kept.TraceId, traceId);
});
