// The JSON shapes of tracehouse's HTTP API (docs/api.md): the server builds them, the UI reads
// them. Types only, so the UI bundle takes nothing from the server.

export type DecisionName = 'keep' | 'drop' | 'pending';
export type TraceSource = 'kept' | 'recent';

/** A span of a search result that matched the query. */
export interface MatchedSpanJson {
  spanId: string;
  serviceName: string;
  name: string;
  startTimeUnixNano: string;
  durationNanos: string;
  statusCode: string;
  /** Values asked for with `select(...)`, by attribute. */
  attributes?: Record<string, unknown>;
}

/** One trace of a search result (GET /api/v1/search). */
export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootSpanName: string;
  startTimeUnixNano: string;
  durationNanos: string;
  spanCount: number;
  errorCount: number;
  decision: DecisionName;
  source: TraceSource;
  matchedSpans: MatchedSpanJson[];
}

/** A user as the admin API shows it (GET /api/v1/admin/users): never a password hash. */
export interface UserJson {
  username: string;
  role: string;
  tenant: string;
  createdAtMs: number;
}

/** An API or ingest token as the admin API shows it (GET /api/v1/admin/tokens): never the secret. */
export interface TokenJson {
  id: string;
  name: string;
  kind: 'api' | 'ingest';
  role: string;
  tenant: string;
  createdBy: string;
  createdAtMs: number;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
}
