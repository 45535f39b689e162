// The demo's message broker: a tiny in-memory queue over HTTP, standing in for NATS or a Redis
// stream. It is deliberately NOT instrumented, like most real brokers: trace context crosses it
// only inside the message headers written by producerSpan() and read by consumerSpan().
//   POST /topics/:topic/messages  {"headers": {...}, "payload": ...}  -> 202 {"id"}
//   GET  /topics/:topic/messages?waitMs=1000&max=10                 -> 200 [{"id","headers","payload"}]
//   POST /topics/:topic/acks      {"ids": [...]}                    -> 204 (the consumer is done with them)
//   GET  /topics/:topic/stats                                       -> 200 {"queued","inFlight","polls"}
// The stats let the demo wait on conditions instead of time: a consumer is attached once `polls` > 0,
// and the topic is drained once nothing is queued or delivered-but-unacknowledged.
import { createServer, type ServerResponse } from 'node:http';
import { HOST, PORTS } from './lib/settings.js';

interface Message {
  id: string;
  headers: Record<string, string>;
  payload: unknown;
}

interface Topic {
  queue: Message[];
  /** Delivered to a consumer, not acknowledged yet. */
  inFlight: Set<string>;
  polls: number;
  waiters: (() => void)[];
}

const topics = new Map<string, Topic>();
let nextId = 1;

function topicOf(name: string): Topic {
  let topic = topics.get(name);
  if (!topic) {
    topic = { queue: [], inFlight: new Set(), polls: 0, waiters: [] };
    topics.set(name, topic);
  }
  return topic;
}

async function readBody(request: AsyncIterable<unknown>): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', `http://${HOST}`);
  if (url.pathname === '/livez' || url.pathname === '/readyz') return void response.end('{"status":"ok"}');
  const match = /^\/topics\/([^/]+)\/(messages|acks|stats)$/.exec(url.pathname);
  if (!match) return void response.writeHead(404).end();
  const topic = topicOf(decodeURIComponent(match[1]));
  const [, , resource] = match;

  if (resource === 'stats') {
    return sendJson(response, 200, { queued: topic.queue.length, inFlight: topic.inFlight.size, polls: topic.polls });
  }
  if (resource === 'acks' && request.method === 'POST') {
    const { ids = [] } = (await readBody(request)) as { ids?: string[] };
    for (const id of ids) topic.inFlight.delete(id);
    return void response.writeHead(204).end();
  }
  if (resource !== 'messages') return void response.writeHead(405).end();

  if (request.method === 'POST') {
    const { headers = {}, payload } = (await readBody(request)) as {
      headers?: Record<string, string>;
      payload: unknown;
    };
    const message = { id: `m-${nextId++}`, headers, payload };
    topic.queue.push(message);
    for (const wake of topic.waiters.splice(0)) wake();
    return sendJson(response, 202, { id: message.id });
  }

  topic.polls++;
  const waitMs = Math.min(Number(url.searchParams.get('waitMs') ?? 0), 30_000);
  if (topic.queue.length === 0 && waitMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      topic.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  const batch = topic.queue.splice(0, Number(url.searchParams.get('max') ?? 10));
  for (const message of batch) topic.inFlight.add(message.id);
  sendJson(response, 200, batch);
});

server.listen(PORTS.broker, HOST, () => console.log(`broker listening on http://${HOST}:${PORTS.broker}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
