// An uninstrumented in-memory message broker over HTTP, standing in for NATS or a Redis stream:
// messages carry string headers, and consumers long-poll. Trace context crosses it only through
// the headers the producer writes, which is exactly what the queue-hop tests need to prove.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface QueuedMessage {
  id: string;
  headers: Record<string, string>;
  payload: unknown;
}

export interface QueueBroker {
  url: string;
  published: QueuedMessage[];
  close(): Promise<void>;
}

export async function startQueueBroker(): Promise<QueueBroker> {
  const topics = new Map<string, QueuedMessage[]>();
  const waiting = new Map<string, (() => void)[]>();
  const published: QueuedMessage[] = [];
  let nextId = 1;

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://broker');
    const match = /^\/topics\/([^/]+)\/messages$/.exec(url.pathname);
    if (!match) return void response.writeHead(404).end();
    const topic = decodeURIComponent(match[1]);
    const queue = topics.get(topic) ?? [];
    topics.set(topic, queue);

    if (request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const { headers, payload } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const message = { id: String(nextId++), headers, payload };
      queue.push(message);
      published.push(message);
      for (const wake of waiting.get(topic)?.splice(0) ?? []) wake();
      return void response
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: message.id }));
    }

    const waitMs = Number(url.searchParams.get('waitMs') ?? 0);
    if (queue.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        const list = waiting.get(topic) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        waiting.set(topic, list);
      });
    }
    const batch = queue.splice(0, Number(url.searchParams.get('max') ?? 10));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(batch));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    published,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
