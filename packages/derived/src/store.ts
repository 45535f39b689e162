import type { Sql } from '../client';
import {
  decidedTraces,
  type EdgeRow,
  edgeTotals,
  graphSpans,
  insertEdges,
  oldestDecisionMs,
  producerSpans,
} from './serviceGraph';
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
} from './spanMetrics';
import { databaseNowMs, readWatermark, writeWatermark } from './state';
import { derivedTables, derivedTtlSql } from './tables';

/**
 * The SQL side of the derived metrics (span metrics and service graph): the per-interval
 * aggregation, the stored deltas, the processors' watermarks and the API readers.
 */
export class DerivedStore {
  constructor(private readonly sql: Sql) {}

  async applyRetention(seconds: number): Promise<void> {
    for (const t of derivedTables) await this.sql.command(derivedTtlSql(t, seconds));
  }

  readWatermark = (name: string) => readWatermark(this.sql, name);
  writeWatermark = (name: string, ms: number) => writeWatermark(this.sql, name, ms);
  databaseNowMs = () => databaseNowMs(this.sql);

  spanMetricCells = (q: SpanMetricCellQuery) => spanMetricCells(this.sql, q);
  insertSpanMetrics = (rows: readonly SpanMetricRow[]) => insertSpanMetrics(this.sql, rows);
  spanMetricTotals = (beforeMs: number) => spanMetricTotals(this.sql, beforeMs);
  oldestIngestMs = () => oldestIngestMs(this.sql);
  queryRed = (q: RedQuery) => queryRed(this.sql, q);
  queryRedExemplars = (q: Parameters<typeof queryRedExemplars>[1]) => queryRedExemplars(this.sql, q);

  decidedTraces = (fromMs: number, toMs: number) => decidedTraces(this.sql, fromMs, toMs);
  oldestDecisionMs = () => oldestDecisionMs(this.sql);
  graphSpans = (traceIds: readonly string[], attributes: readonly string[]) =>
    graphSpans(this.sql, traceIds, attributes);
  producerSpans = (refs: readonly { traceId: string; spanId: string }[], attributes: readonly string[]) =>
    producerSpans(this.sql, refs, attributes);
  insertEdges = (rows: readonly EdgeRow[]) => insertEdges(this.sql, rows);
  edgeTotals = (q: Parameters<typeof edgeTotals>[1]) => edgeTotals(this.sql, q);
}
