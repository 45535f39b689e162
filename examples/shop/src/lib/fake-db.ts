// A simulated PostgreSQL client over an in-memory table, so the demo needs no database server yet
// produces the database spans a real driver instrumentation (e.g. pg) would: CLIENT spans named
// `{operation} {table}` with db.system.name, db.namespace, db.query.text (parameterised, never
// with values) and server.address, including the occasional slow query and timeout.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { sleep } from './http-json.js';

const tracer = trace.getTracer('shop-fake-db');

export interface QueryOptions {
  /** Probability (0..1) that this query is slow (~1.2 s, past tracehouse's default latency threshold). */
  slowRate?: number;
  /** Probability (0..1) that this query times out. */
  failRate?: number;
}

export class FakeDb {
  constructor(private readonly namespace: string) {}

  async query<T>(operation: string, table: string, text: string, run: () => T, options: QueryOptions = {}): Promise<T> {
    const span = tracer.startSpan(`${operation} ${table}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': this.namespace,
        'db.collection.name': table,
        'db.operation.name': operation,
        'db.query.text': text,
        'server.address': 'orders-db',
        'server.port': 5432,
      },
    });
    return context.with(trace.setSpan(context.active(), span), async () => {
      try {
        const slow = Math.random() < (options.slowRate ?? 0);
        await sleep(slow ? 1_100 + Math.random() * 300 : 2 + Math.random() * 8);
        if (Math.random() < (options.failRate ?? 0)) throw new Error('canceling statement due to statement timeout');
        return run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        span.setAttribute('error.type', '57014');
        throw error;
      } finally {
        span.end();
      }
    });
  }
}
