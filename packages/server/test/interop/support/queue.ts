// A tiny in-memory message queue over HTTP, standing in for the seeds' broker: producers POST
// /publish {attributes, body}; consumers POST /receive and wait for the next message. The W3C
// context travels in the message attributes, as with SQS/Pub/Sub/Kafka headers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Message {
  attributes: Record<string, string>;
  body: string;
}

export interface Queue {
  url: string;
  published: Message[];
  close(): Promise<void>;
}

export async function startQueue(): Promise<Queue> {
  const waiting: Message[] = [];
  const published: Message[] = [];
  const receivers: ((message: Message) => void)[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const reply = (status: number, document: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(document));
      };
      if (request.method === 'POST' && request.url === '/publish') {
        const message = JSON.parse(body) as Message;
        published.push(message);
        const receiver = receivers.shift();
        if (receiver) receiver(message);
        else waiting.push(message);
        return reply(202, {});
      }
      if (request.method === 'POST' && request.url === '/receive') {
        const message = waiting.shift();
        if (message) return reply(200, message);
        return void receivers.push((next) => reply(200, next));
      }
      reply(404, { error: 'unknown route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
