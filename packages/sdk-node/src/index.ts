// Public surface of @tracehouse/node.

export { withBaggage } from './baggage.js';
export { BaggageLogRecordProcessor } from './baggage-log-processor.js';
export { BaggageSpanProcessor } from './baggage-span-processor.js';
export type { HeaderMap, StringCarrier } from './carrier.js';
export { DEFAULT_BAGGAGE_KEYS, DEFAULT_IGNORED_PATHS } from './config.js';
export { type CreateLoggerOptions, createLogger } from './logger.js';
export { consumerSpan, type MessagingDestination, producerSpan } from './messaging.js';
export type { OtlpProtocol, TracehouseOptions } from './options.js';
export { extractContext, injectContext } from './propagation.js';
export { RedactingLogRecordProcessor } from './redacting-log-processor.js';
export { RedactingSpanProcessor } from './redacting-span-processor.js';
export { REDACTED, type RedactionOptions, Redactor } from './redaction.js';
export { init, shutdown, type TracehouseSdk } from './sdk.js';
export { getTraceContext, type TraceContext } from './trace-context.js';
export { withSpan } from './with-span.js';
