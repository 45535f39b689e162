// gateway: the public API (Fastify). It authenticates the caller's token with the auth service and
// puts the user id (and the caller's correlation id) into baggage, so every span and log record
// downstream, in orders and in the worker behind the queue, carries `enduser.id`.
import { createLogger, withBaggage } from '@tracehouse/node';
import Fastify, { type FastifyRequest } from 'fastify';
import { callJson, HttpError } from './lib/http-json.js';
import { HOST, PORTS, urlOf } from './lib/settings.js';

const logger = createLogger();
const app = Fastify();

async function authenticate(request: FastifyRequest): Promise<string> {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) throw new HttpError(401, 'missing bearer token');
  const { userId } = await callJson<{ userId: string }>(`${urlOf('auth')}/verify`, { body: { token } });
  return userId;
}

/** Runs `work` as the authenticated user: the rest of the request carries the user in baggage. */
async function asUser<T>(request: FastifyRequest, work: (userId: string) => Promise<T>): Promise<T> {
  const userId = await authenticate(request);
  const correlationId = String(request.headers['x-correlation-id'] ?? request.id);
  return withBaggage({ 'enduser.id': userId, correlation_id: correlationId }, () => work(userId));
}

app.get('/livez', async () => ({ status: 'ok' }));
app.get('/readyz', async () => ({ status: 'ok' }));

app.post<{ Body: { item?: string; quantity?: number } }>('/api/checkout', async (request, reply) =>
  asUser(request, async (userId) => {
    const { item = 'book', quantity = 1 } = request.body ?? {};
    const order = await callJson<{ id: string }>(`${urlOf('orders')}/orders`, { body: { userId, item, quantity } });
    logger.info({ orderId: order.id, item }, 'checkout complete');
    reply.code(201);
    return order;
  }),
);

app.get<{ Params: { id: string } }>('/api/orders/:id', async (request) =>
  asUser(request, () => callJson(`${urlOf('orders')}/orders/${encodeURIComponent(request.params.id)}`)),
);

app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
  const status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
  if (status >= 500) logger.error({ err: error }, 'request failed');
  else logger.warn({ status, reason: error.message }, 'request rejected');
  reply.code(status).send({ error: error.message });
});

await app.listen({ port: PORTS.gateway, host: HOST });
logger.info({ port: PORTS.gateway }, 'gateway listening');
