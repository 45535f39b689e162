/** The signals loadgen sends, named as in the OTLP paths (/v1/traces, ...). */
export type Signal = 'traces' | 'logs' | 'metrics';

/**
 * One attempt's outcome. `rejected` is the server's partial_success count; a failure says
 * whether trying again may help and how long the server asked us to wait.
 */
export type ExportResult =
  | { ok: true; rejected: number; message: string }
  | { ok: false; retryable: boolean; retryAfterMs: number | null; error: string };

/** Sends one encoded Export*ServiceRequest; never throws, every outcome is a result. */
export interface Exporter {
  export(signal: Signal, body: Uint8Array): Promise<ExportResult>;
  close(): Promise<void>;
}
