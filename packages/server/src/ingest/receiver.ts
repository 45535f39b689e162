import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeExportResponse,
  OtlpDecodeError,
  type Signal,
  type WireFormat,
} from '@tracehouse/otlp';
import { QueueFullError, type Store } from '@tracehouse/store';
import type { SelfMetrics } from '../telemetry/selfMetrics';
import { type Admission, joinMessages } from './admission';
import type { TenantRateLimiter } from './quota';
import type { IngestRedaction } from './redaction/ingest';

/** What became of one export request; the HTTP and gRPC receivers map it to their statuses. */
export type ExportOutcome =
  | { kind: 'ok'; response: Uint8Array; accepted: number; rejected: number }
  | { kind: 'invalid'; message: string }
  | { kind: 'busy'; message: string }
  /** The tenant is over its ingest rate (ingest.tenantRateBytes); answered like busy. */
  | { kind: 'over_quota'; message: string }
  | { kind: 'unavailable'; message: string };

/**
 * The receive path shared by every protocol: decode, validate, write, and answer only once
 * the rows are durable (in the store's journal, or inserted without one). Never throws:
 * every failure is an outcome.
 */
export class Receiver {
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly metrics: SelfMetrics,
    /** Secrets are removed from decoded records before anything is written; null = off. */
    private readonly redaction: IngestRedaction | null = null,
    /** Per-tenant ingest rate; null = no limit. */
    private readonly quota: TenantRateLimiter | null = null,
    /** What the store can keep faithfully (times, span ids); null = everything decoded is written. */
    private readonly admission: Admission | null = null,
  ) {}

  /** Refuse new exports (during shutdown) while acknowledged ones finish. */
  stop(): void {
    this.closing = true;
  }

  /**
   * `tenant` comes from the ingest token (auth/service.ts ingestTenant); every row written
   * for this export carries it.
   */
  async export(
    signal: Signal,
    body: Uint8Array,
    format: WireFormat,
    protocol: string,
    tenant: string,
  ): Promise<ExportOutcome> {
    const outcome = await this.run(signal, body, format, tenant);
    this.metrics.requests.inc({ signal, protocol, outcome: outcome.kind });
    if (outcome.kind === 'ok') {
      this.metrics.received.inc({ signal, protocol }, outcome.accepted);
      if (outcome.rejected > 0) this.metrics.rejected.inc({ signal }, outcome.rejected);
    }
    return outcome;
  }

  private async run(signal: Signal, body: Uint8Array, format: WireFormat, tenant: string): Promise<ExportOutcome> {
    if (this.closing) return { kind: 'unavailable', message: 'tracehouse is shutting down' };
    if (this.quota && !this.quota.take(tenant, body.length)) {
      this.metrics.overQuota.inc({ tenant, signal });
      return {
        kind: 'over_quota',
        message: `tenant "${tenant}" is over its ingest rate (ingest.tenantRateBytes); retry later`,
      };
    }
    let accepted: number;
    let rejected: number;
    let message: string;
    let write: () => Promise<void>;
    try {
      if (signal === 'traces') {
        const d = decodeTraces(body, format);
        const a = this.admission?.spans(d.records) ?? none(d.records);
        this.redaction?.apply('traces', a.records);
        accepted = a.records.length;
        rejected = d.rejected + a.rejected;
        message = joinMessages(d.rejectionMessage, a.message);
        write = () => this.store.writeSpans(a.records, tenant, 'durable');
      } else if (signal === 'logs') {
        const d = decodeLogs(body, format);
        const a = this.admission?.logs(d.records) ?? none(d.records);
        this.redaction?.apply('logs', a.records);
        accepted = a.records.length;
        rejected = d.rejected + a.rejected;
        message = joinMessages(d.rejectionMessage, a.message);
        write = () => this.store.writeLogs(a.records, tenant, 'durable');
      } else {
        const d = decodeMetrics(body, format);
        const a = this.admission?.metrics(d.records) ?? none(d.records);
        this.redaction?.apply('metrics', a.records);
        const r = a.records;
        accepted = r.gauge.length + r.sum.length + r.histogram.length + r.expHistogram.length + r.summary.length;
        rejected = d.rejected + a.rejected;
        message = joinMessages(d.rejectionMessage, a.message);
        write = () => this.store.writeMetrics(r, tenant, 'durable');
      }
    } catch (err) {
      if (err instanceof OtlpDecodeError) return { kind: 'invalid', message: err.message };
      return { kind: 'invalid', message: `undecodable ${signal} request` };
    }
    try {
      if (accepted > 0) await write();
    } catch (err) {
      if (err instanceof QueueFullError) return { kind: 'busy', message: `${err.message}; retry later` };
      return { kind: 'unavailable', message: 'the store could not write this batch; retry later' };
    }
    return { kind: 'ok', response: encodeExportResponse(signal, format, rejected, message), accepted, rejected };
  }
}

const none = <T>(records: T) => ({ records, rejected: 0, message: '' });
