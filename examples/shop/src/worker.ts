// worker: takes `orders.created` messages off the queue, charges the card and reports the result
// back to orders. Its spans continue the trace that the gateway started, across the queue hop.
import { createLogger, withSpan } from '@tracehouse/node';
import { callJson, sleep } from './lib/http-json.js';
import { consume } from './lib/queue-client.js';
import { ORDERS_CREATED, urlOf } from './lib/settings.js';

const logger = createLogger();

interface PlacedOrder {
  id: string;
  userId: string;
  item: string;
}

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

logger.info({ topic: ORDERS_CREATED }, 'worker consuming');

await consume<PlacedOrder>(ORDERS_CREATED, async ({ payload: order }) => {
  logger.info({ orderId: order.id }, 'charging card');
  try {
    await withSpan(
      'charge card',
      async (span) => {
        // The payment provider is the slowest hop of the system, and declines a few cards.
        await sleep(20 + Math.random() * 120);
        if (Math.random() < 0.05) throw new PaymentDeclined(`card declined for order ${order.id}`);
        span.setAttribute('payment.amount_cents', 1299);
      },
      { 'payment.provider': 'acme-pay', 'shop.order.id': order.id },
    );
    await callJson(`${urlOf('orders')}/orders/${order.id}/status`, { body: { status: 'paid' } });
    logger.info({ orderId: order.id }, 'order paid');
  } catch (error) {
    logger.error({ err: error, orderId: order.id }, 'payment failed');
    await callJson(`${urlOf('orders')}/orders/${order.id}/status`, { body: { status: 'payment_failed' } });
    throw error;
  }
});
