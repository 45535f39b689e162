// Publishing to and consuming from the demo broker, with the messaging spans of @tracehouse/node:
// the same two calls would wrap a NATS publish/subscription or a Redis XADD/XREADGROUP.
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { consumerSpan, type MessagingDestination, producerSpan } from '@tracehouse/node';
import { callJson, sleep } from './http-json.js';
import { urlOf } from './settings.js';

export interface Message<T> {
  id: string;
  headers: Record<string, string>;
  payload: T;
}

const destinationOf = (topic: string): MessagingDestination => ({ system: 'tracehouse_queue', name: topic });

/** Publishes inside a PRODUCER span whose context (and the caller's baggage) travels in the headers. */
export function publish(topic: string, payload: unknown): Promise<string> {
  const headers: Record<string, string> = {};
  return producerSpan(destinationOf(topic), headers, async (span) => {
    const { id } = await callJson<{ id: string }>(`${urlOf('broker')}/topics/${topic}/messages`, {
      body: { headers, payload },
    });
    span.setAttribute('messaging.message.id', id);
    return id;
  });
}

/**
 * Long-polls `topic` forever and runs `handle` for each message inside a CONSUMER span that
 * continues the producer's trace. A failing handler fails its span; the loop goes on. A message is
 * acknowledged once its handler has settled (and its span has ended), as with NATS JetStream or
 * Redis XACK, so the broker knows when the topic is drained.
 */
export async function consume<T>(topic: string, handle: (message: Message<T>) => Promise<void>): Promise<never> {
  for (;;) {
    let messages: Message<T>[];
    try {
      messages = await plumbing(() =>
        callJson<Message<T>[]>(`${urlOf('broker')}/topics/${topic}/messages?waitMs=1000&max=10`),
      );
    } catch {
      await sleep(500);
      continue;
    }
    for (const message of messages) {
      await consumerSpan({ ...destinationOf(topic), messageId: message.id }, message.headers, () =>
        handle(message),
      ).catch(() => undefined);
      await plumbing(() =>
        callJson(`${urlOf('broker')}/topics/${topic}/acks`, { body: { ids: [message.id] } }).catch(() => undefined),
      );
    }
  }
}

/** Polls and acks are plumbing: without suppression, each would become a trace of its own. */
function plumbing<T>(call: () => Promise<T>): Promise<T> {
  return context.with(suppressTracing(context.active()), call);
}
