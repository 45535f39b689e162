// The http/protobuf span pipeline: encodes each sampled span into the pending OTLP request the
// moment it ends, and sends requests in batches through upstream's OTLP/HTTP transport.
//
// Why not BatchSpanProcessor + an exporter: that queues the span objects themselves until their
// batch is exported (up to 1024 spans, or 5 s). On a busy service they outlive one or two young-
// generation collections, so V8 copies them and promotes them to the old generation, where a major
// collection has to trace them again: the largest part of what a recorded span cost in bench:sdk
// (docs/performance.md). Encoded at once, a span is garbage as soon as it ends, and what waits for
// export is a few hundred bytes per span in buffers the collector never traces.
//
// Same behaviour as BatchSpanProcessor otherwise: a batch leaves when it holds maxExportBatchSize
// spans or scheduledDelayMillis after its first span; one export at a time; at most maxQueueSize
// spans waiting, later ones dropped and counted; forceFlush and shutdown send everything pending.
import { context, diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { EncodedParts, SpanBatchBuilder } from './otlp-span-encoder.js';

/** Sends one encoded ExportTraceServiceRequest; calls back once, with the outcome. */
export interface EncodedBatchSender {
  send(batch: EncodedBatch, done: (result: ExportResult) => void): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface EncodedBatch {
  bytes: Uint8Array;
  spans: number;
}

export interface EncodingSpanProcessorOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  /** The context an export runs in: with tracing suppressed, so the export request is not traced. */
  exportContext: () => ReturnType<typeof context.active>;
}

const SAMPLED = 1;
// ExportResultCode's values; @opentelemetry/core is only loaded once the SDK starts.
const EXPORT_SUCCESS = 0;
const EXPORT_FAILED = 1;

export class EncodingSpanProcessor implements SpanProcessor {
  private readonly parts = new EncodedParts();
  private current = new SpanBatchBuilder(this.parts);
  /** Sealed batches waiting for their turn to be sent. */
  private readonly sealed: EncodedBatch[] = [];
  /** Spans in `current` and `sealed`, for the queue bound. */
  private queued = 0;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: (() => void)[] = [];
  private stopped = false;
  private droppedSpans = 0;

  private readonly options: EncodingSpanProcessorOptions;

  constructor(
    private readonly sender: EncodedBatchSender,
    options: EncodingSpanProcessorOptions,
  ) {
    // As BatchSpanProcessor does: a batch larger than the queue would never fill.
    if (options.maxExportBatchSize > options.maxQueueSize) {
      diag.warn('tracehouse: maxExportBatchSize is larger than maxQueueSize; using maxQueueSize');
    }
    this.options = { ...options, maxExportBatchSize: Math.min(options.maxExportBatchSize, options.maxQueueSize) };
  }

  /** Spans dropped because the queue was full (the exporter could not keep up) or they could not be encoded. */
  get dropped(): number {
    return this.droppedSpans;
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & SAMPLED) === 0) return;
    if (this.queued >= this.options.maxQueueSize) {
      if (this.droppedSpans++ === 0) diag.warn('tracehouse: span export queue is full; dropping spans');
      return;
    }
    try {
      this.current.add(span);
    } catch (error) {
      // span.end() runs in application code: a span we cannot encode is dropped, never thrown.
      if (this.droppedSpans++ === 0) diag.error('tracehouse: a span could not be encoded; dropping it', error);
      return;
    }
    this.queued++;
    if (this.current.count >= this.options.maxExportBatchSize) {
      this.seal();
      this.pump();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.seal();
        this.pump();
      }, this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  /** Sends everything ended so far; resolves when the last request has finished. */
  forceFlush(): Promise<void> {
    this.seal();
    const drained = new Promise<void>((resolve) => {
      if (!this.sending && this.sealed.length === 0) resolve();
      else this.idle.push(resolve);
    });
    this.pump();
    return drained.then(() => this.sender.forceFlush());
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.forceFlush();
    this.stopped = true;
    await this.sender.shutdown();
  }

  private seal(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const count = this.current.count;
    if (count === 0) return;
    this.sealed.push({ bytes: this.current.finish(), spans: count });
    this.current = new SpanBatchBuilder(this.parts);
  }

  private pump(): void {
    if (this.sending) return;
    const batch = this.sealed.shift();
    if (!batch) {
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
      return;
    }
    this.sending = true;
    let finished = false;
    const done = (result: ExportResult) => {
      if (finished) return;
      finished = true;
      this.queued -= batch.spans;
      this.sending = false;
      if (result.code !== EXPORT_SUCCESS) {
        diag.error(`tracehouse: span export failed, ${batch.spans} spans lost`, result.error);
      }
      this.pump();
    };
    try {
      context.with(this.options.exportContext(), () => this.sender.send(batch, done));
    } catch (error) {
      done({ code: EXPORT_FAILED, error: error as Error });
    }
  }
}
