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
