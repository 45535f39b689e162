// Where each shop service listens. Every port derives from SHOP_BASE_PORT so the whole demo can
// move out of the way of something else on the machine with one variable.
const base = Number(process.env.SHOP_BASE_PORT ?? 7070);

export const PORTS = {
  gateway: base,
  auth: base + 1,
  orders: base + 2,
  broker: base + 3,
} as const;

export const HOST = '127.0.0.1';

export const urlOf = (service: keyof typeof PORTS) => `http://${HOST}:${PORTS[service]}`;

/** The one topic of the demo: orders that were placed and must be paid. */
export const ORDERS_CREATED = 'orders.created';
