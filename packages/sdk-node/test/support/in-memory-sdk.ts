// A real tracer and logger provider, registered globally, exporting into memory: unit tests of the
// processors and helpers run against the actual SDK rather than against mocks of it.
import { context, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordProcessor,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface InMemorySdk {
  spans: InMemorySpanExporter;
  logs: InMemoryLogRecordExporter;
}

export function installInMemorySdk(
  options: { spanProcessors?: SpanProcessor[]; logRecordProcessors?: LogRecordProcessor[] } = {},
): InMemorySdk {
  const spans = new InMemorySpanExporter();
  const logExporter = new InMemoryLogRecordExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(
    new TracerProvider({
      spanProcessors: [...(options.spanProcessors ?? []), new SimpleSpanProcessor({ exporter: spans })],
    }),
  );
  logs.setGlobalLoggerProvider(
    new LoggerProvider({
      processors: [...(options.logRecordProcessors ?? []), new SimpleLogRecordProcessor({ exporter: logExporter })],
    }),
  );
  return { spans, logs: logExporter };
}
