// orders: stores orders in the (simulated) database, checks stock, and announces each new order on
// the `orders.created` topic for the worker. Some items run out of stock (409), some queries are
// slow, a few time out (500).
import { trace } from '@opentelemetry/api';
import { createLogger, withSpan } from '@tracehouse/node';
import { FakeDb } from './lib/fake-db.js';
import { HttpError, JsonRouter, readJson } from './lib/http-json.js';
import { publish } from './lib/queue-client.js';
import { HOST, ORDERS_CREATED, PORTS } from './lib/settings.js';

const logger = createLogger();
const db = new FakeDb('shop');

interface Order {
  id: string;
  userId: string;
  item: string;
  quantity: number;
  status: 'placed' | 'paid' | 'payment_failed';
}

const orders = new Map<string, Order>();
const stock: Record<string, number> = { book: 1_000_000, mug: 1_000_000, poster: 1_000_000, 'limited-vinyl': 0 };
let sequence = 0;

const router = new JsonRouter()
  .on('POST', '/orders', async (request) => {
    const { userId, item, quantity = 1 } = await readJson<{ userId: string; item: string; quantity?: number }>(request);
    const available = await db.query(
      'SELECT',
      'inventory',
      'SELECT quantity FROM inventory WHERE item = $1',
      () => stock[item] ?? 0,
      { slowRate: 0.03 },
    );
    if (available < quantity) {
      logger.warn({ item, quantity, available }, 'out of stock');
      throw new HttpError(409, `${item} is out of stock`);
    }
    const order: Order = { id: `o-${++sequence}`, userId, item, quantity, status: 'placed' };
    await db.query(
      'INSERT',
      'orders',
      'INSERT INTO orders (id, user_id, item, quantity) VALUES ($1, $2, $3, $4)',
      () => orders.set(order.id, order),
      { failRate: 0.02 },
    );
    await withSpan(
      'reserve stock',
      () => {
        stock[item] = available - quantity;
      },
      { 'shop.item': item },
    );
    trace.getActiveSpan()?.setAttribute('shop.order.id', order.id);
    await publish(ORDERS_CREATED, order);
    logger.info({ orderId: order.id, item }, 'order placed');
    return { status: 201, body: order };
  })
  .on('GET', '/orders/:id', async (_request, { id }) => {
    const order = await db.query('SELECT', 'orders', 'SELECT * FROM orders WHERE id = $1', () => orders.get(id));
    if (!order) throw new HttpError(404, `no order ${id}`);
    return { body: order };
  })
  .on('POST', '/orders/:id/status', async (request, { id }) => {
    const { status } = await readJson<{ status: Order['status'] }>(request);
    const order = await db.query('UPDATE', 'orders', 'UPDATE orders SET status = $2 WHERE id = $1', () => {
      const found = orders.get(id);
      if (found) found.status = status;
      return found;
    });
    if (!order) throw new HttpError(404, `no order ${id}`);
    logger.info({ orderId: id, status }, 'order status changed');
    return { body: order };
  });

await router.listen(PORTS.orders, HOST, (error) => {
  if (!(error instanceof HttpError) || error.status >= 500) logger.error({ err: error }, 'request failed');
});
logger.info({ port: PORTS.orders }, 'orders listening');
