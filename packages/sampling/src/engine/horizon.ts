/**
 * How far back the sampler looks, so that a tick's cost follows the traffic of the recent
 * window and not the age of the store: it reads `recent_traces` and `recent_decisions`
 * (partitioned by time, packages/store/src/schema/recentTraces.ts) and bounds every read in
 * time, never looking ids up in the 14-day `trace_index` or `sampling_decisions`.
 *
 * The window W is `retention.spansRecent`, what spans_recent holds, and it is also the
 * late-span window: a span follows its trace's newest decision when it was ingested less than
 * W after that decision (`DecidedAt > IngestTime - W`), and otherwise starts a new decision
 * of that trace id, made on the spans ingested after that (each decision records the first,
 * FirstIngest, and its copy starts there). The rule depends on the span and the decision
 * only, not on when a step runs, so the decide, copy and late steps agree on every span: a
 * span is covered by one decision, or late for one, or waits for the next, never two. So:
 * - the spans any step reads were ingested after the tick's horizon (now - W);
 * - a decision that can still govern such a span was made less than W before it, so after
 *   now - 2W: the steps look decisions up from W before the first span they read
 *   (recent_decisions keeps them for 2W and a margin).
 * A decision made longer ago than that governs no span that can still be read: for the
 * sampler the trace is new, and deciding it again copies or counts nothing twice.
 */
export interface Horizon {
  /** Spans ingested at or before this (ms, the database's clock) are out of every read. */
  spansMs: number;
  /** Decisions made at or before this (ms) govern no span after spansMs. */
  decisionsMs: number;
}

/** The horizon of a tick, from the database's clock (IngestTime is written by it). */
export function horizon(recentMs: number, dbNowMs: number): Horizon {
  return { spansMs: dbNowMs - recentMs, decisionsMs: dbNowMs - 2 * recentMs };
}

/** SQL: the decision made at `decidedAt` still governs the span ingested at `ingestTime`. */
export const governs = (decidedAt: string, ingestTime: string) =>
  `(${decidedAt} > ${ingestTime} - toIntervalMillisecond({recentMs:Int64}))`;
