import type { Random } from './random';
import type { SpanNode } from './span-node';
import { flatten, inAsyncBranch } from './span-node';
import type { Language } from './topology';

/**
 * Errors and slowness, injected into a built trace.
 *
 * Ground truth has to be exact: a trace the generator reports as an error trace has at
 * least one span with status ERROR, and no other trace has any; a trace reported slow has
 * one span of 1.5-4 s, and in no other trace does any span reach 1 s (see timing.ts).
 */

interface Failure {
  type: string;
  message: string;
  /** For HTTP client spans to third parties: the status the peer answered. */
  httpStatus?: number;
}

const FAILURES: Record<'postgresql' | 'redis' | 'internal' | 'server', Record<Language, Failure[]>> = {
  postgresql: {
    nodejs: [
      { type: 'DatabaseError', message: 'canceling statement due to statement timeout' },
      { type: 'DatabaseError', message: 'deadlock detected' },
    ],
    go: [{ type: '*pgconn.PgError', message: 'ERROR: deadlock detected (SQLSTATE 40P01)' }],
    java: [
      { type: 'org.postgresql.util.PSQLException', message: 'ERROR: deadlock detected' },
      {
        type: 'java.sql.SQLTransientConnectionException',
        message: 'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      },
    ],
    python: [{ type: 'psycopg.errors.QueryCanceled', message: 'canceling statement due to statement timeout' }],
  },
  redis: {
    nodejs: [
      { type: 'MaxRetriesPerRequestError', message: 'Reached the max retries per request limit (which is 20).' },
    ],
    go: [{ type: '*net.OpError', message: 'dial tcp 10.42.3.7:6379: connect: connection refused' }],
    java: [{ type: 'io.lettuce.core.RedisCommandTimeoutException', message: 'Command timed out after 1 minute(s)' }],
    python: [
      {
        type: 'redis.exceptions.ConnectionError',
        message: 'Error 111 connecting to cache.shop.internal:6379. Connection refused.',
      },
    ],
  },
  internal: {
    nodejs: [{ type: 'TypeError', message: "Cannot read properties of undefined (reading 'sku')" }],
    go: [{ type: '*errors.errorString', message: 'invalid session token' }],
    java: [{ type: 'java.lang.IllegalStateException', message: 'order total does not match the sum of its items' }],
    python: [{ type: 'ValueError', message: "invalid literal for int() with base 10: 'null'" }],
  },
  server: {
    nodejs: [{ type: 'SyntaxError', message: 'Unexpected end of JSON input' }],
    go: [{ type: '*errors.errorString', message: 'upstream connect error or disconnect/reset before headers' }],
    java: [
      { type: 'java.lang.NullPointerException', message: 'Cannot invoke "Order.getItems()" because "order" is null' },
    ],
    python: [{ type: 'KeyError', message: "'warehouse_id'" }],
  },
};

const EXTERNAL_FAILURES: Failure[] = [
  { type: 'UpstreamError', message: 'upstream answered 502 Bad Gateway', httpStatus: 502 },
  { type: 'UpstreamError', message: 'upstream answered 503 Service Unavailable', httpStatus: 503 },
  { type: 'TimeoutError', message: 'The operation was aborted due to timeout', httpStatus: 504 },
];

function failureFor(node: SpanNode, rng: Random): Failure {
  const language = node.instance.def.language;
  switch (node.role) {
    case 'external':
      return rng.pick(EXTERNAL_FAILURES);
    case 'db':
      return rng.pick(FAILURES[node.scope === 'redis' ? 'redis' : 'postgresql'][language]);
    case 'server':
    case 'consumer':
      return rng.pick(FAILURES.server[language]);
    default:
      return rng.pick(FAILURES.internal[language]);
  }
}

function camel(text: string): string {
  return text.replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase()).replace(/^[^a-zA-Z]+/, '');
}

/** A stack trace in the format of the service's language, naming a plausible frame. */
export function stacktrace(language: Language, service: string, where: string, type: string, message: string): string {
  const fn = camel(where) || 'handle';
  switch (language) {
    case 'nodejs':
      return [
        `${type}: ${message}`,
        `    at ${fn} (/app/src/${service}/${fn}.js:${42 + (fn.length % 50)}:17)`,
        '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
        `    at async Server.handle (/app/src/server.js:88:5)`,
      ].join('\n');
    case 'java':
      return [
        `${type}: ${message}`,
        `\tat com.shop.${service}.${fn[0].toUpperCase()}${fn.slice(1)}.execute(${fn}.java:${57 + (fn.length % 40)})`,
        `\tat com.shop.${service}.web.Controller.handle(Controller.java:112)`,
        '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)',
      ].join('\n');
    case 'python':
      return [
        'Traceback (most recent call last):',
        `  File "/app/${service}/views.py", line ${31 + (fn.length % 60)}, in ${fn}`,
        '    return handler(request)',
        `  File "/app/${service}/db.py", line 77, in execute`,
        '    cursor.execute(query, params)',
        `${type}: ${message}`,
      ].join('\n');
    case 'go':
      return [
        `goroutine ${18 + (fn.length % 300)} [running]:`,
        `main.(*${service[0].toUpperCase()}${service.slice(1)}Handler).${fn[0].toUpperCase()}${fn.slice(1)}(...)`,
        `\t/app/internal/${service}/handler.go:${64 + (fn.length % 30)} +0x1a4`,
        'net/http.HandlerFunc.ServeHTTP(...)',
        '\t/usr/local/go/src/net/http/server.go:2294 +0x29',
      ].join('\n');
  }
}

function setHttpStatus(node: SpanNode, status: number): void {
  node.attributes['http.response.status_code'] = String(status);
  node.attributes['error.type'] = String(status);
}

/**
 * Makes one span fail and, usually, the failure surface through its callers up to the
 * root as HTTP 500s. One time in five the caller handles it (a retry, a fallback), so
 * the root stays fine: those traces test that sampling looks at every span, not only the
 * root. A failure never crosses a queue: the producer did its job.
 */
export function injectError(root: SpanNode, rng: Random): void {
  const nodes = flatten(root);
  const weighted = nodes.map((node) => ({
    node,
    weight: node.role === 'db' || node.role === 'external' ? 3 : node.role === 'client' ? 0 : 1,
  }));
  const site = rng.pickWeighted(weighted).node;
  const failure = failureFor(site, rng);
  site.status = 'Error';
  site.statusMessage = failure.message;
  if (failure.httpStatus) setHttpStatus(site, failure.httpStatus);
  else site.attributes['error.type'] = failure.type;
  site.exception = {
    at: site.end - Math.round((site.end - site.start) * rng.uniform(0, 0.2)),
    type: failure.type,
    message: failure.message,
    stacktrace: stacktrace(
      site.instance.def.language,
      site.instance.def.name,
      site.name,
      failure.type,
      failure.message,
    ),
  };
  if (rng.chance(0.2)) return;
  for (let child = site, node = site.parent; node; child = node, node = node.parent) {
    if (child.async) break;
    node.status = 'Error';
    if (node.role === 'server' || node.role === 'client') setHttpStatus(node, 500);
    else {
      node.statusMessage = failure.message;
      node.attributes['error.type'] = failure.type;
    }
  }
}

/** Candidate spans to make slow: on the critical path of the root, or in an async branch only. */
export function slowCandidates(root: SpanNode, asyncOnly: boolean): SpanNode[] {
  return flatten(root).filter(
    (n) => n.children.length === 0 && n.role !== 'producer' && inAsyncBranch(n) === asyncOnly && n !== root,
  );
}

/** Picks the span that takes 1.5-4 s; its extra time stretches its synchronous ancestors. */
export function injectSlow(target: SpanNode, rng: Random): void {
  target.slowExtra = Math.round(rng.uniform(1.5e9, 4e9));
}
