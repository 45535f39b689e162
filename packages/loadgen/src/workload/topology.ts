/**
 * The simulated system: an online shop of instrumented services, the databases, cache,
 * queue and third-party APIs they call, and the operations each service serves.
 *
 * It is data on purpose: a reader sees the whole call graph in one place, and the trace
 * builder interprets it. Span names, kinds and attributes follow the OpenTelemetry
 * semantic conventions (HTTP, database, messaging), so what the platform derives from
 * these spans (span metrics, service graph, virtual nodes) is what it derives from real
 * services.
 */

export type Language = 'nodejs' | 'go' | 'java' | 'python';

export interface ServiceDef {
  name: string;
  version: string;
  language: Language;
  instances: number;
  /** Port the service's HTTP server listens on (server.port / url.full of its callers). */
  port: number;
}

export const SERVICES: readonly ServiceDef[] = [
  { name: 'frontend', version: '2.14.1', language: 'nodejs', instances: 3, port: 3000 },
  { name: 'gateway', version: '1.9.0', language: 'go', instances: 2, port: 8080 },
  { name: 'auth', version: '3.2.4', language: 'nodejs', instances: 2, port: 8081 },
  { name: 'orders', version: '5.0.2', language: 'java', instances: 3, port: 8082 },
  { name: 'payments', version: '1.22.0', language: 'nodejs', instances: 2, port: 8083 },
  { name: 'inventory', version: '0.31.7', language: 'python', instances: 2, port: 8084 },
  { name: 'worker', version: '2.14.1', language: 'nodejs', instances: 2, port: 9464 },
];

/** A database or cache the services call; it emits no spans of its own (a virtual node). */
export interface Datastore {
  system: 'postgresql' | 'redis';
  address: string;
  port: number;
  namespace: string;
}

export const DATASTORES = {
  ordersDb: { system: 'postgresql', address: 'orders-db.shop.internal', port: 5432, namespace: 'orders' },
  inventoryDb: { system: 'postgresql', address: 'inventory-db.shop.internal', port: 5432, namespace: 'inventory' },
  authDb: { system: 'postgresql', address: 'auth-db.shop.internal', port: 5432, namespace: 'auth' },
  paymentsDb: { system: 'postgresql', address: 'payments-db.shop.internal', port: 5432, namespace: 'payments' },
  cache: { system: 'redis', address: 'cache.shop.internal', port: 6379, namespace: '0' },
} as const satisfies Record<string, Datastore>;

/** A third-party HTTP API: a client span with peer.service and no server span behind it. */
export interface ExternalApi {
  peerService: string;
  address: string;
  method: string;
  path: string;
  /** Median latency in ms. */
  ms: number;
}

export const EXTERNAL_APIS = {
  stripe: { peerService: 'stripe', address: 'api.stripe.com', method: 'POST', path: '/v1/payment_intents', ms: 140 },
  sendgrid: { peerService: 'sendgrid', address: 'api.sendgrid.com', method: 'POST', path: '/v3/mail/send', ms: 70 },
  shipping: { peerService: 'shipbob', address: 'api.shipbob.com', method: 'POST', path: '/1.0/order', ms: 90 },
} as const satisfies Record<string, ExternalApi>;

export const MESSAGE_BROKER = { system: 'kafka', address: 'kafka.shop.internal', port: 9092 } as const;

export interface DbStatement {
  store: Datastore;
  /** db.operation.name */
  operation: string;
  /** db.collection.name (a table, or the key prefix for redis). */
  collection: string;
  /** db.query.text, parameterised as the instrumentation reports it. */
  query: string;
  /** Median latency in ms. */
  ms: number;
}

interface StepOptions {
  /** Probability the step happens at all. */
  p?: number;
  /** How many times the step repeats (each a span); 'big' repeats as often as a big trace needs. */
  repeat?: readonly [number, number] | 'big';
  /** The repeats run concurrently instead of one after the other. */
  concurrent?: boolean;
}

export type Step = StepOptions &
  (
    | { call: string }
    | { db: DbStatement }
    | { external: ExternalApi }
    | { internal: string; ms: number; steps?: readonly Step[] }
    | { publish: string }
    | { parallel: readonly Step[] }
  );

export interface Operation {
  service: string;
  /** 'server' serves an HTTP route, 'consumer' processes a message, 'job' is a scheduled root. */
  type: 'server' | 'consumer' | 'job';
  method?: string;
  route?: string;
  /** For consumers: the topic (messaging.destination.name). For jobs: the span name. */
  topic?: string;
  name?: string;
  status?: number;
  /** Median self time in ms (outside any child). */
  ms: number;
  steps: readonly Step[];
}

const { ordersDb, inventoryDb, authDb, paymentsDb, cache } = DATASTORES;

const sql = (store: Datastore, operation: string, collection: string, query: string, ms: number): DbStatement => ({
  store,
  operation,
  collection,
  query,
  ms,
});

const verifySession: Step = { call: 'auth POST /auth/verify' };

/** Operations by key ("service METHOD route", "service topic" or "service job name"). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  // frontend: the browser-facing web server (server-side rendering + BFF)
  'frontend GET /': {
    service: 'frontend',
    type: 'server',
    method: 'GET',
    route: '/',
    ms: 2,
    steps: [
      { parallel: [{ call: 'gateway GET /api/products' }, { call: 'gateway GET /api/recommendations', p: 0.6 }] },
      { internal: 'render home', ms: 5 },
    ],
  },
  'frontend GET /products/{slug}': {
    service: 'frontend',
    type: 'server',
    method: 'GET',
    route: '/products/{slug}',
    ms: 2,
    steps: [
      { parallel: [{ call: 'gateway GET /api/products/{id}' }, { call: 'gateway GET /api/recommendations', p: 0.5 }] },
      { internal: 'render product', ms: 4 },
    ],
  },
  'frontend GET /orders/{id}': {
    service: 'frontend',
    type: 'server',
    method: 'GET',
    route: '/orders/{id}',
    ms: 2,
    steps: [{ call: 'gateway GET /api/orders/{id}' }, { internal: 'render order', ms: 3 }],
  },
  'frontend GET /account': {
    service: 'frontend',
    type: 'server',
    method: 'GET',
    route: '/account',
    ms: 2,
    steps: [
      { parallel: [{ call: 'gateway GET /api/users/{id}' }, { call: 'gateway GET /api/orders' }] },
      { internal: 'render account', ms: 3 },
    ],
  },
  'frontend POST /api/checkout': {
    service: 'frontend',
    type: 'server',
    method: 'POST',
    route: '/api/checkout',
    status: 201,
    ms: 1,
    steps: [{ internal: 'validate cart', ms: 0.8 }, { call: 'gateway POST /api/orders' }],
  },
  'frontend POST /api/orders/import': {
    service: 'frontend',
    type: 'server',
    method: 'POST',
    route: '/api/orders/import',
    status: 202,
    ms: 3,
    steps: [{ internal: 'parse upload', ms: 6 }, { call: 'gateway POST /api/orders/import' }],
  },

  // gateway: authenticates and routes API calls (also called directly by the mobile app)
  'gateway GET /api/products': {
    service: 'gateway',
    type: 'server',
    method: 'GET',
    route: '/api/products',
    ms: 0.4,
    steps: [{ call: 'inventory GET /products' }],
  },
  'gateway GET /api/products/{id}': {
    service: 'gateway',
    type: 'server',
    method: 'GET',
    route: '/api/products/{id}',
    ms: 0.4,
    steps: [{ call: 'inventory GET /products/{id}' }],
  },
  'gateway GET /api/recommendations': {
    service: 'gateway',
    type: 'server',
    method: 'GET',
    route: '/api/recommendations',
    ms: 0.4,
    steps: [{ call: 'inventory GET /products/recommended' }],
  },
  'gateway GET /api/orders/{id}': {
    service: 'gateway',
    type: 'server',
    method: 'GET',
    route: '/api/orders/{id}',
    ms: 0.4,
    steps: [verifySession, { call: 'orders GET /orders/{id}' }],
  },
  'gateway GET /api/orders': {
    service: 'gateway',
    type: 'server',
    method: 'GET',
    route: '/api/orders',
    ms: 0.4,
    steps: [verifySession, { call: 'orders GET /orders' }],
  },
  'gateway POST /api/orders': {
    service: 'gateway',
    type: 'server',
    method: 'POST',
    route: '/api/orders',
    status: 201,
    ms: 0.5,
    steps: [verifySession, { call: 'orders POST /orders' }],
  },
  'gateway GET /api/users/{id}': {
    service: 'gateway',
    type: 'server',
    method: 'GET',
    route: '/api/users/{id}',
    ms: 0.4,
    steps: [verifySession, { call: 'auth GET /users/{id}' }],
  },
  'gateway POST /api/orders/import': {
    service: 'gateway',
    type: 'server',
    method: 'POST',
    route: '/api/orders/import',
    status: 202,
    ms: 0.5,
    steps: [verifySession, { call: 'orders POST /orders/import' }],
  },

  // auth: sessions and users
  'auth POST /auth/verify': {
    service: 'auth',
    type: 'server',
    method: 'POST',
    route: '/auth/verify',
    ms: 0.6,
    steps: [
      { db: sql(cache, 'GET', 'session', 'GET session:?', 0.3) },
      { db: sql(authDb, 'SELECT', 'users', 'SELECT id, org_id, roles FROM users WHERE id = $1', 1.8), p: 0.15 },
      { db: sql(cache, 'SET', 'session', 'SET session:? ? EX ?', 0.3), p: 0.15 },
    ],
  },
  'auth GET /users/{id}': {
    service: 'auth',
    type: 'server',
    method: 'GET',
    route: '/users/{id}',
    ms: 0.8,
    steps: [
      { db: sql(authDb, 'SELECT', 'users', 'SELECT id, email, name, org_id FROM users WHERE id = $1', 1.6) },
      { db: sql(authDb, 'SELECT', 'addresses', 'SELECT * FROM addresses WHERE user_id = $1', 1.4) },
    ],
  },

  // inventory: catalogue and stock (Python)
  'inventory GET /products': {
    service: 'inventory',
    type: 'server',
    method: 'GET',
    route: '/products',
    ms: 1.2,
    steps: [
      { db: sql(cache, 'GET', 'products', 'GET products:page:?', 0.3) },
      {
        db: sql(
          inventoryDb,
          'SELECT',
          'products',
          'SELECT id, sku, name, price FROM products ORDER BY rank LIMIT $1 OFFSET $2',
          6,
        ),
        p: 0.3,
      },
      { internal: 'serialize products', ms: 1.5 },
    ],
  },
  'inventory GET /products/{id}': {
    service: 'inventory',
    type: 'server',
    method: 'GET',
    route: '/products/{id}',
    ms: 0.9,
    steps: [
      { db: sql(cache, 'GET', 'product', 'GET product:?', 0.3) },
      { db: sql(inventoryDb, 'SELECT', 'products', 'SELECT * FROM products WHERE id = $1', 1.5), p: 0.3 },
      { db: sql(inventoryDb, 'SELECT', 'stock', 'SELECT warehouse_id, quantity FROM stock WHERE sku = $1', 1.2) },
    ],
  },
  'inventory GET /products/recommended': {
    service: 'inventory',
    type: 'server',
    method: 'GET',
    route: '/products/recommended',
    ms: 1,
    steps: [
      {
        db: sql(
          inventoryDb,
          'SELECT',
          'order_items',
          'SELECT sku, count(*) FROM order_items WHERE created_at > $1 GROUP BY sku ORDER BY 2 DESC LIMIT 20',
          9,
        ),
      },
      { db: sql(cache, 'MGET', 'product', 'MGET product:? product:? product:?', 0.5) },
    ],
  },
  'inventory POST /inventory/reserve': {
    service: 'inventory',
    type: 'server',
    method: 'POST',
    route: '/inventory/reserve',
    ms: 0.8,
    steps: [
      {
        db: sql(
          inventoryDb,
          'UPDATE',
          'stock',
          'UPDATE stock SET quantity = quantity - $1 WHERE sku = $2 AND quantity >= $1',
          1.6,
        ),
        repeat: [1, 5],
      },
      { db: sql(cache, 'DEL', 'product', 'DEL product:?', 0.25), repeat: [1, 3], concurrent: true },
    ],
  },

  // orders: the order service (Java)
  'orders GET /orders/{id}': {
    service: 'orders',
    type: 'server',
    method: 'GET',
    route: '/orders/{id}',
    ms: 1.5,
    steps: [
      { db: sql(ordersDb, 'SELECT', 'orders', 'SELECT * FROM orders WHERE id = ? AND org_id = ?', 1.8) },
      { db: sql(ordersDb, 'SELECT', 'order_items', 'SELECT * FROM order_items WHERE order_id = ?', 1.5) },
      { call: 'payments GET /payments/{id}', p: 0.3 },
    ],
  },
  'orders GET /orders': {
    service: 'orders',
    type: 'server',
    method: 'GET',
    route: '/orders',
    ms: 1.5,
    steps: [
      {
        db: sql(
          ordersDb,
          'SELECT',
          'orders',
          'SELECT * FROM orders WHERE user_id = ? ORDER BY created_at DESC LIMIT 20',
          4,
        ),
      },
      { internal: 'map orders', ms: 0.6 },
    ],
  },
  'orders POST /orders': {
    service: 'orders',
    type: 'server',
    method: 'POST',
    route: '/orders',
    status: 201,
    ms: 1.2,
    steps: [
      {
        internal: 'OrderService.placeOrder',
        ms: 0.5,
        steps: [
          { db: sql(ordersDb, 'SELECT', 'carts', 'SELECT * FROM carts WHERE user_id = ?', 1.5) },
          { call: 'inventory POST /inventory/reserve' },
          { call: 'payments POST /payments/charge' },
          {
            db: sql(
              ordersDb,
              'INSERT',
              'orders',
              'INSERT INTO orders (id, user_id, org_id, total) VALUES (?, ?, ?, ?)',
              2,
            ),
          },
          {
            db: sql(
              ordersDb,
              'INSERT',
              'order_items',
              'INSERT INTO order_items (order_id, sku, qty) VALUES (?, ?, ?)',
              1.2,
            ),
            repeat: [1, 5],
          },
        ],
      },
      { publish: 'orders.created' },
    ],
  },
  'orders POST /orders/import': {
    service: 'orders',
    type: 'server',
    method: 'POST',
    route: '/orders/import',
    status: 202,
    ms: 2,
    steps: [
      {
        internal: 'OrderImporter.importRow',
        ms: 0.2,
        repeat: 'big',
        steps: [
          { db: sql(ordersDb, 'SELECT', 'orders', 'SELECT id FROM orders WHERE external_id = ?', 0.8) },
          {
            db: sql(
              ordersDb,
              'INSERT',
              'orders',
              'INSERT INTO orders (id, user_id, org_id, total) VALUES (?, ?, ?, ?)',
              1,
            ),
          },
        ],
      },
    ],
  },

  // payments
  'payments POST /payments/charge': {
    service: 'payments',
    type: 'server',
    method: 'POST',
    route: '/payments/charge',
    status: 201,
    ms: 0.8,
    steps: [
      { internal: 'fraud check', ms: 2, steps: [{ db: sql(cache, 'GET', 'risk', 'GET risk:user:?', 0.3) }] },
      { external: EXTERNAL_APIS.stripe },
      {
        db: sql(
          paymentsDb,
          'INSERT',
          'payments',
          'INSERT INTO payments (id, order_id, amount, status) VALUES ($1, $2, $3, $4)',
          1.6,
        ),
      },
    ],
  },
  'payments GET /payments/{id}': {
    service: 'payments',
    type: 'server',
    method: 'GET',
    route: '/payments/{id}',
    ms: 0.6,
    steps: [{ db: sql(paymentsDb, 'SELECT', 'payments', 'SELECT * FROM payments WHERE order_id = $1', 1.3) }],
  },

  // worker: asynchronous processing
  'worker orders.created': {
    service: 'worker',
    type: 'consumer',
    topic: 'orders.created',
    ms: 0.5,
    steps: [
      { db: sql(ordersDb, 'UPDATE', 'orders', "UPDATE orders SET status = 'confirmed' WHERE id = $1", 1.5) },
      {
        internal: 'send confirmation',
        ms: 0.5,
        steps: [{ internal: 'render email', ms: 3 }, { external: EXTERNAL_APIS.sendgrid }],
      },
      { publish: 'orders.fulfillment', p: 0.5 },
    ],
  },
  'worker orders.fulfillment': {
    service: 'worker',
    type: 'consumer',
    topic: 'orders.fulfillment',
    ms: 0.5,
    steps: [
      { db: sql(ordersDb, 'INSERT', 'shipments', 'INSERT INTO shipments (order_id, carrier) VALUES ($1, $2)', 1.4) },
      { external: EXTERNAL_APIS.shipping },
    ],
  },
  'worker audit.events': {
    service: 'worker',
    type: 'consumer',
    topic: 'audit.events',
    ms: 0.4,
    steps: [
      { db: sql(ordersDb, 'INSERT', 'audit_log', 'INSERT INTO audit_log (actor, action, at) VALUES ($1, $2, $3)', 1) },
    ],
  },
  'worker cleanup expired carts': {
    service: 'worker',
    type: 'job',
    name: 'cleanup expired carts',
    ms: 0.5,
    steps: [
      {
        internal: 'select expired carts',
        ms: 0.3,
        steps: [{ db: sql(ordersDb, 'SELECT', 'carts', 'SELECT id FROM carts WHERE updated_at < $1 LIMIT 500', 5) }],
      },
      { db: sql(ordersDb, 'DELETE', 'carts', 'DELETE FROM carts WHERE id = ANY($1)', 3), repeat: [1, 3] },
    ],
  },
};

/** Which consumer operation processes each topic. */
export const CONSUMERS: Readonly<Record<string, string>> = {
  'orders.created': 'worker orders.created',
  'orders.fulfillment': 'worker orders.fulfillment',
  'audit.events': 'worker audit.events',
};

export interface EntryPoint {
  operation: string;
  weight: number;
  /** Who calls it: a browser, the mobile app (straight to the gateway), or nobody (a job). */
  client: 'browser' | 'mobile' | 'none';
}

/** The traffic mix at the edge. Big traces come from BIG_TRACE_ENTRY, chosen separately. */
export const ENTRY_POINTS: readonly EntryPoint[] = [
  { operation: 'frontend GET /', weight: 24, client: 'browser' },
  { operation: 'frontend GET /products/{slug}', weight: 24, client: 'browser' },
  { operation: 'frontend GET /orders/{id}', weight: 12, client: 'browser' },
  { operation: 'frontend GET /account', weight: 8, client: 'browser' },
  { operation: 'frontend POST /api/checkout', weight: 12, client: 'browser' },
  { operation: 'gateway GET /api/orders/{id}', weight: 9, client: 'mobile' },
  { operation: 'gateway POST /api/orders', weight: 3, client: 'mobile' },
  { operation: 'gateway GET /api/products', weight: 6, client: 'mobile' },
  { operation: 'worker cleanup expired carts', weight: 2, client: 'none' },
];

export const BIG_TRACE_ENTRY: EntryPoint = {
  operation: 'frontend POST /api/orders/import',
  weight: 0,
  client: 'browser',
};

/** When a slow trace needs a span that does not lengthen its root, it publishes this. */
export const BACKGROUND_TOPIC = 'audit.events';

export const USER_AGENTS = {
  browser: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (X11; Linux x86_64; rv:143.0) Gecko/20100101 Firefox/143.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  ],
  mobile: ['ShopApp/4.12.0 (iPhone; iOS 18.0; Scale/3.00)', 'ShopApp/4.11.2 (Android 15; Pixel 9)'],
} as const;

/** The user agent an instrumented service's HTTP client sends. */
export const CLIENT_USER_AGENT: Readonly<Record<Language, string>> = {
  nodejs: 'node',
  go: 'Go-http-client/1.1',
  java: 'Java-http-client/21.0.4',
  python: 'python-requests/2.32.3',
};
