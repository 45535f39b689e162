/**
 * Identical requests in flight at once share one: a dashboard's panels often repeat a query,
 * and the browser sends only six requests at a time to one host, so the repeats would wait for
 * a connection and then be evaluated again (the server shares only what reaches it together).
 * Each caller keeps its own cancellation: aborting rejects that caller, not the shared request.
 */
export class InFlight {
  private readonly loads = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let shared = this.loads.get(key) as Promise<T> | undefined;
    if (!shared) {
      const started = load().finally(() => {
        if (this.loads.get(key) === started) this.loads.delete(key);
      });
      shared = started;
      this.loads.set(key, started);
    }
    if (!signal) return shared;
    const own = shared;
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const abort = () => reject(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      own.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
    });
  }

  /** Requests in flight now (for tests). */
  get size(): number {
    return this.loads.size;
  }
}
