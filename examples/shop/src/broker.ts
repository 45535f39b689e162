// The demo's message broker: a tiny in-memory queue over HTTP, standing in for NATS or a Redis
// stream. It is deliberately NOT instrumented, like most real brokers: trace context crosses it
// only inside the message headers written by producerSpan() and read by consumerSpan().
//   POST /topics/:topic/messages  {"headers": {...}, "payload": ...}  -> 202 {"id"}
//   GET  /topics/:topic/messages?waitMs=1000&max=10                 -> 200 [{"id","headers","payload"}]
import { createServer } from 'node:http';
import { HOST, PORTS } from './lib/settings.js';

interface Message {
  id: string;
  headers: Record<string, string>;
  payload: unknown;
}

const topics = new Map<string, Message[]>();
const waiters = new Map<string, (() => void)[]>();
let nextId = 1;

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', `http://${HOST}`);
  if (url.pathname === '/livez' || url.pathname === '/readyz') return void response.end('{"status":"ok"}');
  const match = /^\/topics\/([^/]+)\/messages$/.exec(url.pathname);
  if (!match) return void response.writeHead(404).end();
  const topic = decodeURIComponent(match[1]);
  const queue = topics.get(topic) ?? [];
  topics.set(topic, queue);

  if (request.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const { headers = {}, payload } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const message = { id: `m-${nextId++}`, headers, payload };
    queue.push(message);
    for (const wake of waiters.get(topic)?.splice(0) ?? []) wake();
    return void response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: message.id }));
  }

  const waitMs = Math.min(Number(url.searchParams.get('waitMs') ?? 0), 30_000);
  if (queue.length === 0 && waitMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      const list = waiters.get(topic) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      waiters.set(topic, list);
    });
  }
  const batch = queue.splice(0, Number(url.searchParams.get('max') ?? 10));
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(batch));
});

server.listen(PORTS.broker, HOST, () => console.log(`broker listening on http://${HOST}:${PORTS.broker}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
