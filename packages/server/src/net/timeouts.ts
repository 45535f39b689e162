import type { ServerOptions } from 'node:http';

export interface ListenerTimeouts {
  /** Time to receive a request's headers (and to finish a TLS handshake). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a trickled body is cut off here). */
  requestTimeoutMs: number;
  /** A keep-alive connection with no request in flight is closed after this long. */
  idleTimeoutMs: number;
}

/**
 * node:http(s) options for every HTTP listener (a connection that sends nothing is closed at
 * the header deadline). Node checks the header and request deadlines on
 * a timer; it runs at a tenth of the shortest deadline (at most every second) so a slow
 * request is cut off close to its deadline, not up to 30 s (Node's default period) later.
 */
export function httpServerOptions(t: ListenerTimeouts): ServerOptions & { handshakeTimeout: number } {
  return {
    headersTimeout: t.headersTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.idleTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(t.headersTimeoutMs / 10))),
    handshakeTimeout: t.headersTimeoutMs,
  };
}
