import { encodeTracesData } from '@tracehouse/otlp';
import { type KeptSpan, keptSpansBetween } from '@tracehouse/sampling';
import { type Store, tenantName } from '@tracehouse/store';
import type { Processor } from '../processor/loop';
import type { SamplingMetrics } from '../processor/samplingMetrics';
import { urlWithoutPassword } from '../url';

export interface ForwarderOptions {
  /** OTLP/HTTP base URL of the downstream backend (`/v1/traces` is appended). */
  endpoint: string;
  /** Sent with every request (forward.headers, already parsed). */
  headers?: Record<string, string>;
  /** When set, each request holds one tenant's spans and names the tenant in this header. */
  tenantHeader?: string;
  /** Spans per export request. */
  maxSpansPerRequest?: number;
  /** Trails the database clock like the sampler, so in-flight copies are not skipped. */
  visibilityLagMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
}

const WATERMARK = 'forward.otlp';
const MAX_ROWS = 50_000;
const FIRST_WINDOW_MS = 3_600_000;

/**
 * Gateway mode: exports kept spans (as copied into `spans`, with `ot=th` and the adjusted
 * count) to another OTLP backend. The watermark over spans.IngestTime advances only after
 * the downstream accepted the whole window, so an outage delays forwarding and loses
 * nothing; failures back off exponentially (or as Retry-After says). Delivery is at least
 * once: a window whose later request failed is sent again whole.
 *
 * Tenants: with `tenantHeader` (e.g. X-Scope-OrgID for Tempo or Mimir), each request holds one
 * tenant's spans and says whose they are; without it, all tenants go to the one downstream as one.
 */
export class ForwardProcessor implements Processor {
  readonly name = 'forward';
  private watermark: bigint | undefined;
  private failures = 0;
  private nextAttemptAt = Number.NEGATIVE_INFINITY;
  private readonly o: Required<ForwarderOptions>;
  private readonly url: string;
  /** The URL for messages: a password in it stays out of logs. */
  private readonly shownUrl: string;

  constructor(
    private readonly store: Store,
    options: ForwarderOptions,
    private readonly metrics: SamplingMetrics,
  ) {
    this.o = {
      maxSpansPerRequest: 2000,
      visibilityLagMs: 2000,
      headers: {},
      tenantHeader: '',
      initialBackoffMs: 1000,
      maxBackoffMs: 60_000,
      requestTimeoutMs: 10_000,
      ...options,
    };
    this.url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
    this.shownUrl = urlWithoutPassword(this.url);
  }

  async tick(nowMs: number): Promise<void> {
    const { state } = this.store;
    if (nowMs < this.nextAttemptAt) {
      this.metrics.forwardLag.set(Math.max(0, nowMs - Number((this.watermark ?? 0n) / 1_000_000n)) / 1000);
      return;
    }
    const headMs = Math.min(nowMs, await state.nowMs()) - this.o.visibilityLagMs;
    // A gateway turned on later starts with the last hour of kept traces, not all of them.
    this.watermark ??=
      (await state.readWatermarks([WATERMARK]))[WATERMARK] ?? BigInt(headMs - FIRST_WINDOW_MS) * 1_000_000n;
    const fromNs = this.watermark;
    const fromMs = Number(fromNs / 1_000_000n);
    let toMs = headMs;
    if (toMs <= fromMs) return;
    let spans = await keptSpansBetween(this.store, fromNs, BigInt(toMs) * 1_000_000n, MAX_ROWS);
    // A window over the row cap (catching up after an outage) is narrowed; one copy insert
    // (one IngestTime) larger than the cap is read whole.
    while (spans.length >= MAX_ROWS && toMs - fromMs > 1) {
      toMs = fromMs + Math.floor((toMs - fromMs) / 2);
      spans = await keptSpansBetween(this.store, fromNs, BigInt(toMs) * 1_000_000n, MAX_ROWS);
    }
    if (spans.length >= MAX_ROWS)
      spans = await keptSpansBetween(this.store, fromNs, BigInt(toMs) * 1_000_000n, 20 * MAX_ROWS);
    try {
      for (const [tenant, group] of this.requestGroups(spans)) {
        for (let i = 0; i < group.length; i += this.o.maxSpansPerRequest) {
          const chunk = group.slice(i, i + this.o.maxSpansPerRequest);
          await this.post(encodeTracesData(chunk), tenant);
          this.metrics.forwarded.inc({ outcome: 'ok' }, chunk.length);
        }
      }
    } catch (err) {
      this.failures++;
      const backoff = Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** (this.failures - 1));
      const retryAfter = (err as ForwardError).retryAfterMs ?? 0;
      this.nextAttemptAt = nowMs + Math.max(retryAfter, backoff * (0.5 + Math.random() / 2));
      this.metrics.forwarded.inc({ outcome: 'retry' }, spans.length);
      this.metrics.forwardLag.set(Math.max(0, nowMs - fromMs) / 1000);
      throw err;
    }
    this.failures = 0;
    this.watermark = BigInt(toMs) * 1_000_000n;
    await state.writeWatermarks({ [WATERMARK]: this.watermark }, [WATERMARK]);
    this.metrics.forwardLag.set(Math.max(0, headMs - toMs) / 1000);
  }

  /** The spans by tenant when requests name their tenant; otherwise all of them as one group. */
  private requestGroups(spans: KeptSpan[]): Map<string | undefined, KeptSpan[]> {
    if (!this.o.tenantHeader) return new Map([[undefined, spans]]);
    const groups = new Map<string | undefined, KeptSpan[]>();
    for (const span of spans) {
      const tenant = tenantName(span.Tenant);
      const group = groups.get(tenant);
      if (group) group.push(span);
      else groups.set(tenant, [span]);
    }
    return groups;
  }

  private async post(body: Uint8Array, tenant: string | undefined): Promise<void> {
    const headers: Record<string, string> = { ...this.o.headers, 'content-type': 'application/x-protobuf' };
    if (tenant !== undefined) headers[this.o.tenantHeader] = tenant;
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        body: body as BodyInit,
        headers,
        signal: AbortSignal.timeout(this.o.requestTimeoutMs),
      });
    } catch (err) {
      throw new ForwardError(`forward to ${this.shownUrl} failed: ${(err as Error).message}`);
    }
    await res.arrayBuffer();
    if (res.ok) return;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ForwardError(
      `forward to ${this.shownUrl}: HTTP ${res.status}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

class ForwardError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
