import { labelsKey, type PostableAlert, webhookPayload } from '@tracehouse/alerting';

/** Where alerts go: Alertmanager's v2 API, or a plain webhook (Alertmanager's webhook JSON). */
export interface NotifyTarget {
  kind: 'alertmanager' | 'webhook';
  url: string;
}

export interface NotifierOptions {
  targets: NotifyTarget[];
  externalUrl: string;
  /** Alerts waiting per target; past it the oldest are dropped and counted (Prometheus: 10000). */
  queueCapacity?: number;
  /** Alerts per request (Prometheus: 64). */
  batchSize?: number;
  timeoutMs?: number;
  /** Retry backoff after a failed send: doubles from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  now?: () => number;
  onError?: (target: string, err: unknown) => void;
  onSent?: (target: string, alerts: number) => void;
  onDropped?: (target: string, alerts: number) => void;
}

/**
 * One queue per target. The newest state of an alert replaces a queued older one (a queued
 * firing alert followed by its resolution sends only the resolution), so the queue holds at
 * most one entry per alert. A failed send keeps the batch and retries with backoff while the
 * target is down; the queue's bound drops the oldest alerts, never blocks evaluation.
 */
export class Notifier {
  private readonly queues: TargetQueue[];

  constructor(options: NotifierOptions) {
    this.queues = options.targets.map((t) => new TargetQueue(t, options));
  }

  get enabled(): boolean {
    return this.queues.length > 0;
  }

  send(alerts: readonly PostableAlert[]): void {
    if (alerts.length === 0) return;
    for (const q of this.queues) q.push(alerts);
  }

  /** Alerts waiting, per target URL (for /metrics and tests). */
  pending(): number {
    return this.queues.reduce((n, q) => n + q.size, 0);
  }

  /** Sends what is queued now (tests; shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.drain()));
  }

  stop(): void {
    for (const q of this.queues) q.stop();
  }
}

class TargetQueue {
  private readonly queue = new Map<string, PostableAlert>();
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private stopped = false;
  private readonly capacity: number;

  constructor(
    private readonly target: NotifyTarget,
    private readonly o: NotifierOptions,
  ) {
    this.capacity = o.queueCapacity ?? 10_000;
    this.backoffMs = o.retryMinMs ?? 1000;
  }

  get size(): number {
    return this.queue.size;
  }

  push(alerts: readonly PostableAlert[]): void {
    for (const a of alerts) {
      const key = labelsKey(a.labels);
      this.queue.delete(key);
      this.queue.set(key, a);
    }
    let over = this.queue.size - this.capacity;
    if (over > 0) {
      this.o.onDropped?.(this.target.url, over);
      for (const key of this.queue.keys()) {
        if (over-- <= 0) break;
        this.queue.delete(key);
      }
    }
    if (!this.retryTimer) void this.drain();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  drain(): Promise<void> {
    this.draining ??= this.run().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async run(): Promise<void> {
    while (this.queue.size > 0 && !this.stopped) {
      const batch = [...this.queue.entries()].slice(0, this.o.batchSize ?? 64);
      try {
        await this.post(batch.map(([, a]) => a));
      } catch (err) {
        this.o.onError?.(this.target.url, err);
        this.scheduleRetry();
        return;
      }
      // Only what was sent leaves the queue: a newer state pushed meanwhile stays.
      for (const [key, a] of batch) if (this.queue.get(key) === a) this.queue.delete(key);
      this.o.onSent?.(this.target.url, batch.length);
      this.backoffMs = this.o.retryMinMs ?? 1000;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.drain();
    }, this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.o.retryMaxMs ?? 30_000);
  }

  private async post(alerts: PostableAlert[]): Promise<void> {
    const now = (this.o.now ?? Date.now)();
    const isAm = this.target.kind === 'alertmanager';
    const url = new URL(isAm ? `${this.target.url.replace(/\/$/, '')}/api/v2/alerts` : this.target.url);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tracehouse' };
    // fetch refuses credentials in the URL: user:password@ becomes basic auth.
    if (url.username || url.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const body = isAm ? alerts : webhookPayload(alerts, this.o.externalUrl, now);
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    // Drain the body so the connection is reused.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }
}

/** Targets from the comma-separated URL settings; each must be an http(s) URL. */
export function notifyTargets(alertmanagerUrls: string, webhookUrls: string): NotifyTarget[] {
  const parse = (spec: string, kind: NotifyTarget['kind'], key: string) =>
    spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((url) => {
        let u: URL;
        try {
          u = new URL(url);
        } catch {
          throw new Error(`${key}: not a URL (entry ${url.replace(/\/\/[^@/]*@/, '//***@')})`);
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${key}: expected an http(s) URL`);
        return { kind, url };
      });
  return [
    ...parse(alertmanagerUrls, 'alertmanager', 'alerting.alertmanagerUrl'),
    ...parse(webhookUrls, 'webhook', 'alerting.webhookUrl'),
  ];
}
