// Spans for one message crossing a queue, per the messaging semantic conventions: a PRODUCER
// `send <destination>` span whose context travels in the message, and a CONSUMER
// `process <destination>` span that links to it and, for a single message, continues its trace.
import {
  type Attributes,
  context,
  isSpanContextValid,
  type Link,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import type { StringCarrier } from './carrier.js';
import { extractContext, injectContext } from './propagation.js';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from './semconv.js';
import { helperTracer } from './tracer.js';
import { runInSpan } from './with-span.js';

export interface MessagingDestination {
  /** `messaging.system`: a well-known value (`kafka`, `gcp_pubsub`, `rabbitmq`) or a lowercase name of your own (`nats`, `redis`). */
  system: string;
  /** `messaging.destination.name`: the subject, topic, stream or queue. Keep it low-cardinality. */
  name: string;
  /** `messaging.message.id`, when the transport has one. */
  messageId?: string;
  /** Extra attributes, e.g. `messaging.consumer.group.name`. */
  attributes?: Attributes;
}

/**
 * Runs `fn` in a PRODUCER span and injects that span's context (and the current baggage) into
 * `carrier` before `fn` runs, so `fn` just sends `carrier` along with the message.
 */
export function producerSpan<T>(destination: MessagingDestination, carrier: StringCarrier, fn: (span: Span) => T): T {
  const span = helperTracer().startSpan(`send ${destination.name}`, {
    kind: SpanKind.PRODUCER,
    attributes: messagingAttributes(destination, 'send'),
  });
  const producerContext = trace.setSpan(context.active(), span);
  injectContext(carrier, producerContext);
  return runInSpan(span, producerContext, fn);
}

/**
 * Runs `fn` in a CONSUMER span for one received message. The span is a child of the producer
 * context found in `carrier` and also links to it (links are what batch consumers rely on, so
 * tools can treat both cases alike); the carrier's baggage is active inside `fn`.
 */
export function consumerSpan<T>(destination: MessagingDestination, carrier: StringCarrier, fn: (span: Span) => T): T {
  const extracted = extractContext(carrier);
  const producer = trace.getSpanContext(extracted);
  const links: Link[] = producer && isSpanContextValid(producer) ? [{ context: producer }] : [];
  const span = helperTracer().startSpan(
    `process ${destination.name}`,
    { kind: SpanKind.CONSUMER, attributes: messagingAttributes(destination, 'process'), links },
    extracted,
  );
  return runInSpan(span, trace.setSpan(extracted, span), fn);
}

function messagingAttributes(destination: MessagingDestination, operation: 'send' | 'process'): Attributes {
  const attributes: Attributes = {
    ...destination.attributes,
    [ATTR_MESSAGING_SYSTEM]: destination.system,
    [ATTR_MESSAGING_DESTINATION_NAME]: destination.name,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
  };
  if (destination.messageId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = destination.messageId;
  return attributes;
}
