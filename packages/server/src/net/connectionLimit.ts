import type { Server, Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections across every listener that shares this limiter. */
  maxConnections: number;
  /** Open connections from one client address. */
  maxConnectionsPerAddress: number;
}

/**
 * One budget of sockets for every listener (API/UI, OTLP/HTTP, OTLP/gRPC): a client that
 * opens connections and never finishes a request cannot take the file descriptors the
 * store needs for its parts. A connection past a cap is closed as soon as it is accepted,
 * before a byte is read, so it costs a descriptor for microseconds only.
 */
export class ConnectionLimiter {
  private open = 0;
  private readonly perAddress = new Map<string, number>();
  /** Connections closed at accept because a cap was reached (self-metric). */
  refused = 0;

  constructor(private readonly limits: ConnectionLimits) {}

  get openConnections(): number {
    return this.open;
  }

  /** Polices every connection `server` accepts from now on (before its own listeners). */
  watch(server: Server): void {
    server.prependListener('connection', (socket: Socket) => this.admit(socket));
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.open >= this.limits.maxConnections || fromAddress >= this.limits.maxConnectionsPerAddress) {
      this.refused++;
      socket.destroy();
      return;
    }
    this.open++;
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.open--;
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(address, n);
      else this.perAddress.delete(address);
    });
  }
}
