import { decidedTraces, oldestDecisionMs } from '@tracehouse/sampling';
import { type ProcessorState, RECENT_DECISIONS_MARGIN_SECONDS, type Sql, type Store } from '@tracehouse/store';
import { type EdgeRow, edgeTotals, graphSpans, insertEdges, producerSpans } from './servicegraph/sql';
import {
  insertSpanMetrics,
  oldestIngestMs,
  queryRed,
  queryRedExemplars,
  type RedQuery,
  type SpanMetricCellQuery,
  type SpanMetricRow,
  spanMetricCells,
  spanMetricTotals,
} from './spanmetrics/sql';

/**
 * The SQL side of the derived metrics (span metrics and service graph): the per-interval
 * aggregation, the stored deltas, the processors' watermarks and the API readers.
 */
export class DerivedStore {
  private readonly sql: Sql;
  private readonly state: ProcessorState;

  constructor(private readonly store: Store) {
    this.sql = store.sql;
    this.state = store.state;
  }

  applyRetention = (seconds: number) => this.store.applyDerivedRetention(seconds);

  readWatermark = (name: string) => this.state.readWatermarkMs(name);
  writeWatermark = (name: string, ms: number) => this.state.writeWatermarkMs(name, ms);
  databaseNowMs = () => this.state.nowMs();
  oldestMs = () => this.store.oldestDerivedMs();
  rollUpHour = (hourStartMs: number) => this.store.rollUpDerivedHour(hourStartMs);

  spanMetricCells = (q: SpanMetricCellQuery) => spanMetricCells(this.sql, q);
  insertSpanMetrics = (rows: readonly SpanMetricRow[]) => insertSpanMetrics(this.sql, rows);
  spanMetricTotals = (beforeMs: number) => spanMetricTotals(this.sql, beforeMs);
  oldestIngestMs = () => oldestIngestMs(this.sql);
  queryRed = (q: RedQuery) => queryRed(this.sql, q);
  queryRedExemplars = (q: Parameters<typeof queryRedExemplars>[1]) => queryRedExemplars(this.store, q);

  decidedTraces = (fromMs: number, toMs: number) => decidedTraces(this.store, fromMs, toMs);
  oldestDecisionMs = () => oldestDecisionMs(this.store);
  /** Spans of traces decided from `decidedFromMs` on: the sampler read no older ones (its horizon). */
  graphSpans = (traceIds: readonly string[], attributes: readonly string[], decidedFromMs: number) =>
    graphSpans(this.sql, traceIds, attributes, this.spansSince(decidedFromMs));
  producerSpans = (
    refs: readonly { traceId: string; spanId: string }[],
    attributes: readonly string[],
    decidedFromMs: number,
  ) => producerSpans(this.sql, refs, attributes, this.spansSince(decidedFromMs));
  insertEdges = (rows: readonly EdgeRow[]) => insertEdges(this.sql, rows);
  edgeTotals = (q: Parameters<typeof edgeTotals>[1]) => edgeTotals(this.sql, q);

  // A decision's clock may trail the database's (IngestTime): a margin as the sampler's.
  private spansSince = (decidedFromMs: number) =>
    decidedFromMs - (this.store.recentSeconds + RECENT_DECISIONS_MARGIN_SECONDS) * 1000;
}
