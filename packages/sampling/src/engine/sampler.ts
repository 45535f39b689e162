import {
  type ProcessorState,
  type QueryParams,
  type Sql,
  type Store,
  spanColumns,
  type Watermarks,
} from '@tracehouse/store';
import { compileRules } from '../rules/compile';
import type { Rule } from '../rules/rules';
import { governs, type Horizon, horizon } from './horizon';

export interface SamplerOptions {
  /** The whole ordered policy (samplingPolicy(): the user's rules, then the defaults). */
  rules: readonly Rule[];
  rootGraceMs: number;
  decisionWaitMs: number;
  maxSpans: number;
  /**
   * How long after its IngestTime an insert may still become visible (the row's DEFAULT
   * now64() is taken when the insert starts, the part is committed later). Windows over
   * IngestTime overlap by this much and trail the clock by it.
   */
  visibilityLagMs?: number;
  /** Decisions per tick at most (default 100,000): bounds a tick working off a backlog. */
  maxDecisionsPerTick?: number;
  /** Fault injection for tests: fail right after this step's insert, before its watermark. */
  failAfterInsert?: 'decide' | 'copy' | 'late';
}

export interface DecidedTrace {
  traceId: string;
  decision: 'keep' | 'drop';
  rule: string;
  trigger: 'root' | 'wait' | 'maxSpans';
  spanCount: number;
  /** ms from the trace's newest span (IngestTime) to the decision. */
  lagMs: number;
}

export interface SamplingTick {
  decided: DecidedTrace[];
  /** Spans arrived after their trace was decided, by that decision. */
  lateSpans: { keep: number; drop: number };
}

interface DecisionRow {
  TraceId: string;
  Decision: 'keep' | 'drop';
  Rule: string;
  Reason: string;
  AdjustedCount: number;
  Threshold: string;
  SpanCount: number;
  RootServiceName: string;
  RootSpanName: string;
  TraceStart: string;
  TraceEnd: string;
  LastIngest: string;
  FirstIngest: string;
  Trigger: 'root' | 'wait' | 'maxSpans';
  Tenants: string[];
}

const WATERMARKS = {
  root: 'sampling.root',
  wait: 'sampling.wait',
  copy: 'sampling.copy',
  late: 'sampling.late',
} as const;

const ms = (name: string) => `fromUnixTimestamp64Milli({${name}:Int64})`;
const ns = (name: string) => `fromUnixTimestamp64Nano({${name}:Int64})`;

/**
 * Store-first tail sampling, one bounded step per tick, all work done by ClickHouse:
 * 1. decide: traces that went quiet (root seen and nothing new for rootGrace, or nothing
 *    new for decisionWait, or past maxSpans) and have no decision yet are aggregated per
 *    TraceId and matched against the compiled rules; the decisions are inserted with
 *    DecidedAt = the tick's time (strictly increasing from tick to tick);
 * 2. copy: the spans of traces kept since the copy watermark (up to each decision's
 *    LastIngest) go to `spans` with their adjusted count and `ot=th`;
 * 3. late: spans that arrived after their trace's decision follow it.
 * Every read is bounded by the tick's horizon (horizon.ts): spans and decisions of the recent
 * window, from recent_traces and recent_decisions, whatever the store's age.
 * Each step resumes from its watermark in processor_state. A step re-run after a crash
 * (or a failed tick) skips the spans `spans` already holds, so nothing is copied twice;
 * decisions are only made for traces that have none, so nothing is decided twice.
 */
export class TraceSampler {
  private watermarks: Watermarks | undefined;
  private lastDecidedAtNs = 0n;
  /** Until a tick succeeds after a start or a failure, copies check `spans` for duplicates. */
  private recovering = true;
  private readonly compiled;
  private readonly lagMs: number;
  private readonly maxDecisions: number;
  /** retention.spansRecent: what spans_recent holds, and the late-span window (horizon.ts). */
  private readonly recentMs: number;

  private readonly sql: Sql;
  private readonly state: ProcessorState;

  constructor(
    store: Store,
    private readonly options: SamplerOptions,
  ) {
    this.sql = store.sql;
    this.state = store.state;
    this.compiled = compileRules(options.rules);
    this.lagMs = options.visibilityLagMs ?? 2000;
    this.maxDecisions = options.maxDecisionsPerTick ?? 100_000;
    this.recentMs = store.recentSeconds * 1000;
  }

  async tick(nowMs: number): Promise<SamplingTick> {
    try {
      const wm = await this.load();
      const dbNowMs = await this.state.nowMs();
      const h = horizon(this.recentMs, dbNowMs);
      const decided = await this.decide(wm, nowMs, dbNowMs, h);
      await this.copyKept(wm, h);
      // IngestTime is the database's clock; windows over it never run ahead of it.
      const lateSpans = await this.followLate(wm, Math.min(nowMs, dbNowMs) - this.lagMs, h);
      this.recovering = false;
      return { decided, lateSpans };
    } catch (err) {
      this.recovering = true;
      // Reload the watermarks: an insert may have landed before the failure.
      this.watermarks = undefined;
      throw err;
    }
  }

  /** Traces with a span in the last decisionWait and no decision yet (a gauge, not a step). */
  async undecided(nowMs: number): Promise<number> {
    const from = Math.floor(nowMs - this.options.decisionWaitMs - this.lagMs);
    const active = `SELECT TraceId FROM recent_traces WHERE IngestEnd > ${ms('from')} GROUP BY TraceId`;
    // Decided: a decision within the late-span window of the trace's newest spans.
    const [row] = await this.sql.query<{ n: string }>(
      `SELECT count() AS n FROM (${active})
WHERE TraceId NOT IN (SELECT TraceId FROM recent_decisions WHERE DecidedAt > ${ms('decidedFrom')} AND TraceId IN (${active}))`,
      { from, decidedFrom: from - this.recentMs },
      // Every active trace is looked up: the ids touch most granules of the window anyway.
      { primaryKeyForInSubqueries: false },
    );
    return Number(row?.n ?? 0);
  }

  private horizonParams(h: Horizon): QueryParams {
    return { spansFrom: Math.floor(h.spansMs), decisionsFrom: Math.floor(h.decisionsMs), recentMs: this.recentMs };
  }

  private fault(step: SamplerOptions['failAfterInsert']): void {
    if (this.options.failAfterInsert === step) throw new Error(`injected failure after the ${step} insert`);
  }

  private async load(): Promise<Watermarks> {
    if (this.watermarks) return this.watermarks;
    const wm = await this.state.readWatermarks(Object.values(WATERMARKS));
    // Decisions may have been inserted past the copy watermark before a crash.
    const [row] = await this.sql.query<{ t: string }>(
      `SELECT toString(max(toUnixTimestamp64Nano(DecidedAt))) AS t FROM recent_decisions
WHERE DecidedAt > ${ns('from')}`,
      { from: (wm[WATERMARKS.copy] ?? 0n).toString() },
    );
    const maxDecided = BigInt(row?.t ?? '0');
    this.lastDecidedAtNs = maxDecided > this.lastDecidedAtNs ? maxDecided : this.lastDecidedAtNs;
    this.watermarks = wm;
    return wm;
  }

  private async decide(wm: Watermarks, nowMs: number, dbNowMs: number, h: Horizon): Promise<DecidedTrace[]> {
    const lag = BigInt(this.lagMs) * 1_000_000n;
    const rootCut = nowMs - this.options.rootGraceMs;
    const waitCut = nowMs - this.options.decisionWaitMs;
    const rootFrom = (wm[WATERMARKS.root] ?? 0n) - lag;
    const waitFrom = (wm[WATERMARKS.wait] ?? 0n) - lag;
    const c = this.compiled;
    const params: QueryParams = {
      ...c.params,
      rootFrom: rootFrom.toString(),
      waitFrom: waitFrom.toString(),
      rootCut,
      waitCut,
      maxSpans: this.options.maxSpans,
      ...this.horizonParams(h),
    };
    // Candidates come from recent_traces rows written since the watermarks (partitions by
    // IngestEnd): traces whose newest span crossed rootCut or waitCut since the last tick,
    // and traces active since then that grew past maxSpans. A trace's rows older than a
    // watermark cannot change whether its newest span crossed the cut, so only the maxSpans
    // part looks up every row of its traces (by id, within the horizon).
    const recent = `IngestEnd > ${ms('spansFrom')}`;
    const candidates = `
  SELECT TraceId FROM recent_traces WHERE IngestEnd > ${ns('rootFrom')} AND ${recent}
  GROUP BY TraceId HAVING max(IngestEnd) <= ${ms('rootCut')}
  UNION DISTINCT
  SELECT TraceId FROM recent_traces
  WHERE TraceId IN (SELECT TraceId FROM recent_traces WHERE IngestEnd > ${ns('rootFrom')} AND ${recent}) AND ${recent}
  GROUP BY TraceId HAVING sum(SpanCount) >= {maxSpans:UInt64}
  UNION DISTINCT
  SELECT TraceId FROM recent_traces WHERE IngestEnd > ${ns('waitFrom')} AND ${recent}
  GROUP BY TraceId HAVING max(IngestEnd) <= ${ms('waitCut')}`;
    // The candidates' newest decisions that can still govern a span (horizon.ts): the spans
    // they govern are theirs (late spans), the others make the trace's next decision. Such a
    // decision was made less than W before the candidates' first span.
    const prior = `SELECT TraceId AS PriorTraceId, max(DecidedAt) AS PriorAt FROM recent_decisions
  WHERE DecidedAt > greatest(${ms('decisionsFrom')}, ${firstIngestOf('SELECT TraceId FROM candidates')} - toIntervalMillisecond({recentMs:Int64}))
    AND TraceId IN (SELECT TraceId FROM candidates)
  GROUP BY TraceId`;
    const rows = await this.sql.query<DecisionRow>(
      `WITH candidates AS (${candidates})
SELECT
  TraceId,
  ${c.ruleIndex} AS RuleIndex,
  ${c.decision} AS Decision,
  ${c.rule} AS Rule,
  ${c.reason} AS Reason,
  ${c.adjustedCount} AS AdjustedCount,
  ${c.threshold} AS Threshold,
  Spans AS SpanCount,
  RootService AS RootServiceName,
  RootName AS RootSpanName,
  toString(toUnixTimestamp64Nano(Start)) AS TraceStart,
  toString(toUnixTimestamp64Nano(End)) AS TraceEnd,
  toString(toUnixTimestamp64Milli(Newest)) AS LastIngest,
  toString(toUnixTimestamp64Milli(Oldest)) AS FirstIngest,
  Tenants,
  multiIf(Spans >= {maxSpans:UInt64}, 'maxSpans', Roots > 0 AND Newest <= ${ms('rootCut')}, 'root', 'wait') AS Trigger
FROM (
  SELECT
    TraceId,
    count() AS Spans,
    countIf(ParentSpanId = '') AS Roots,
    max(IngestTime) AS Newest,
    min(IngestTime) AS Oldest,
    argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS RootService,
    argMinIf(SpanName, Timestamp, ParentSpanId = '') AS RootName,
    min(Timestamp) AS Start,
    max(addNanoseconds(Timestamp, greatest(Duration, 0))) AS End,
    groupUniqArray(Tenant) AS Tenants${c.aggregates.map((a) => `,\n    ${a}`).join('')}
  FROM spans_recent
  LEFT JOIN (${prior}) AS prior ON TraceId = PriorTraceId
  WHERE TraceId IN (SELECT TraceId FROM candidates)
    AND IngestTime >= ${firstIngestOf('SELECT TraceId FROM candidates')} AND IngestTime > ${ms('spansFrom')}
    AND NOT ${governs('PriorAt', 'IngestTime')}
  GROUP BY TraceId
  HAVING (Roots > 0 AND Newest <= ${ms('rootCut')}) OR Newest <= ${ms('waitCut')} OR Spans >= {maxSpans:UInt64}
)
LIMIT {maxDecisions:UInt32}`,
      { ...params, maxDecisions: this.maxDecisions },
      {
        maxRows: this.maxDecisions,
        maxExecutionSeconds: 120,
        maxMemoryBytes: 2 * 1024 ** 3,
        // The candidates are thousands of random trace ids: in the parts their ingest time
        // leaves, they touch most granules, so planning the read by them cost more than it
        // saved (replayed on 8 minutes at 16,000 spans/s: 312 -> 255 ms of CPU a call).
        primaryKeyForInSubqueries: false,
      },
    );

    let decided: DecidedTrace[] = [];
    if (rows.length > 0) {
      const clockNs = BigInt(Math.floor(nowMs)) * 1_000_000n;
      const decidedAt = clockNs > this.lastDecidedAtNs ? clockNs : this.lastDecidedAtNs + 1n;
      // DateTime64 columns as bare integers: ClickHouse reads them as ticks of their precision.
      const body = rows
        .map((r) => {
          const text = JSON.stringify([
            r.TraceId,
            r.Decision,
            r.Rule,
            `${TRIGGERS[r.Trigger]}; ${r.Reason}`,
            Number(r.AdjustedCount),
            Number(r.SpanCount),
            r.RootServiceName,
            r.RootSpanName,
            r.Threshold,
            r.Tenants,
          ]);
          return `${text.slice(0, -1)},${decidedAt},${BigInt(r.TraceStart)},${BigInt(r.TraceEnd)},${BigInt(r.LastIngest)},${BigInt(r.FirstIngest)}]`;
        })
        .join('\n');
      // recent_decisions feeds sampling_decisions (the API's, kept for retention.spans). A row
      // per trace, thousands a second: handed to the raw insert, not inline in the statement
      // (~40% less time a tick, measured on 5,000 decisions).
      await this.sql.insertRows('recent_decisions', DECISION_COLUMNS, body);
      this.lastDecidedAtNs = decidedAt;
      this.fault('decide');
      decided = rows.map((r) => ({
        traceId: r.TraceId,
        decision: r.Decision,
        rule: r.Rule,
        trigger: r.Trigger,
        spanCount: Number(r.SpanCount),
        lagMs: nowMs - Number(r.LastIngest),
      }));
    }
    // The next scan starts `lag` before these, so it sees every row that was not visible
    // yet (IngestTime > dbNow - lag) and every trace too fresh for this tick. A clock ahead
    // of the database's must not push them past rows the database has not written yet.
    // A full batch (a backlog after downtime) leaves the windows where they are: the next
    // tick finds the rest, the traces decided now no longer being candidates.
    if (rows.length < this.maxDecisions) {
      advance(wm, WATERMARKS.root, Math.min(rootCut, dbNowMs));
      advance(wm, WATERMARKS.wait, Math.min(waitCut, dbNowMs));
      await this.state.writeWatermarks(wm, [WATERMARKS.root, WATERMARKS.wait]);
    }
    return decided;
  }

  /** Copies the spans of the traces kept since the copy watermark into `spans`. */
  private async copyKept(wm: Watermarks, h: Horizon): Promise<void> {
    const from = wm[WATERMARKS.copy] ?? 0n;
    const to = this.lastDecidedAtNs;
    if (to <= from) return;
    const keptDecisions = `FROM recent_decisions
  WHERE DecidedAt > ${ns('from')} AND DecidedAt <= ${ns('to')} AND Decision = 'keep'`;
    const kept = `SELECT TraceId ${keptDecisions}`;
    // A decision copies the spans it was made on: FirstIngest to LastIngest.
    await this.sql.command(
      `${insertKeptSpans}
FROM spans_recent AS s
INNER JOIN (
  SELECT TraceId, any(AdjustedCount) AS Adjusted, any(Rule) AS RuleName, any(Threshold) AS Th, any(LastIngest) AS Last,
    any(FirstIngest) AS First
  ${keptDecisions}
  GROUP BY TraceId
) AS d ON s.TraceId = d.TraceId
WHERE s.TraceId IN (${kept}) AND s.IngestTime >= (SELECT min(FirstIngest) ${keptDecisions})
  AND s.IngestTime > ${ms('spansFrom')} AND s.IngestTime >= d.First AND s.IngestTime <= d.Last${this.recovering ? `\n  AND ${notCopied(kept)}` : ''}
LIMIT 1 BY s.TraceId, s.SpanId`,
      { from: from.toString(), to: to.toString(), ...this.horizonParams(h) },
    );
    this.fault('copy');
    wm[WATERMARKS.copy] = to;
    await this.state.writeWatermarks(wm, [WATERMARKS.copy]);
  }

  /**
   * Spans that arrived after their trace's decision follow it: the kept ones are copied
   * with the decision's adjusted count and th, a dropped trace's late spans stay dropped
   * (also an ERROR span: the trace is never re-decided on partial data). A span that arrives
   * longer than the late-span window after its trace's decision waits for a new decision.
   */
  private async followLate(wm: Watermarks, toMs: number, h: Horizon): Promise<{ keep: number; drop: number }> {
    const last = wm[WATERMARKS.late] ?? 0n;
    const to = BigInt(Math.floor(toMs)) * 1_000_000n;
    if (to <= last) return { keep: 0, drop: 0 };
    const horizonNs = BigInt(Math.floor(h.spansMs)) * 1_000_000n;
    const from = last > horizonNs ? last : horizonNs;
    const params = { from: from.toString(), to: to.toString(), lag: this.lagMs, ...this.horizonParams(h) };
    const window = `s.IngestTime > ${ns('from')} AND s.IngestTime <= ${ns('to')}`;
    const inWindow = `SELECT TraceId FROM spans_recent AS s WHERE ${window}`;
    // A decision that governs a span of the window was made less than W before the window.
    const decisions = `FROM recent_decisions
  WHERE DecidedAt > ${ns('from')} - toIntervalMillisecond({recentMs:Int64}) AND TraceId IN (${inWindow})`;
    // A span follows its trace's newest decision if that still governs it (horizon.ts) and
    // it was not ingested before the spans that decision was made on (FirstIngest). A span late
    // for an older decision of the trace id, read only once a newer one exists (this window
    // lagging the decide step by more than the decision wait), is skipped.
    const follows = `s.IngestTime >= d.First AND ${governs('d.At', 's.IngestTime')}`;
    // Spans up to LastIngest - lag were visible to the decision copy; spans between that
    // and LastIngest may not have been (an insert in flight), so those are checked.
    const kept = `SELECT TraceId ${decisions} AND Decision = 'keep'`;
    // A copy has its span's Timestamp: the check reads only the days of the window's spans.
    const spanTimes = `SELECT (min(Timestamp), max(Timestamp)) FROM spans_recent AS s WHERE ${window}`;
    const toCopy = (last: string) =>
      `s.IngestTime > ${last} - toIntervalMillisecond({lag:UInt32})
  AND (${this.recovering ? '0' : `s.IngestTime > ${last}`} OR ${notCopied(kept, spanTimes)})`;
    // One read counts the late spans and whether any span is left to copy: nearly every tick
    // has none, and the copy (it reads every column of the window's kept spans) is skipped.
    // The check is looser than the copy (any keep row, the earliest LastIngest), so it never
    // says none where the copy would find one.
    const late = await this.sql.query<{ Decision: 'keep' | 'drop'; n: string; copy: string }>(
      `SELECT d.Decision AS Decision, countIf(s.IngestTime > d.Last) AS n,
  countIf(d.AnyKeep AND ${toCopy('d.FirstLast')}) AS copy
FROM spans_recent AS s
INNER JOIN (
  SELECT TraceId, argMax(Decision, DecidedAt) AS Decision, argMax(LastIngest, DecidedAt) AS Last,
    argMax(FirstIngest, DecidedAt) AS First, max(DecidedAt) AS At,
    max(Decision = 'keep') AS AnyKeep, min(LastIngest) AS FirstLast
  ${decisions} GROUP BY TraceId
) AS d ON s.TraceId = d.TraceId
WHERE ${window} AND s.IngestTime > d.FirstLast - toIntervalMillisecond({lag:UInt32}) AND ${follows}
GROUP BY d.Decision`,
      params,
    );
    const counts = { keep: 0, drop: 0 };
    for (const r of late) counts[r.Decision] = Number(r.n);

    if (late.some((r) => Number(r.copy) > 0))
      await this.sql.command(
        `${insertKeptSpans}
FROM spans_recent AS s
INNER JOIN (
  SELECT TraceId, argMax(AdjustedCount, DecidedAt) AS Adjusted, argMax(Rule, DecidedAt) AS RuleName,
    argMax(Threshold, DecidedAt) AS Th, argMax(LastIngest, DecidedAt) AS Last,
    argMax(FirstIngest, DecidedAt) AS First, max(DecidedAt) AS At
  ${decisions} GROUP BY TraceId
  HAVING argMax(Decision, DecidedAt) = 'keep'
) AS d ON s.TraceId = d.TraceId
WHERE ${window} AND s.TraceId IN (${kept}) AND ${follows}
  AND ${toCopy('d.Last')}
LIMIT 1 BY s.TraceId, s.SpanId`,
        params,
      );
    this.fault('late');
    wm[WATERMARKS.late] = to;
    await this.state.writeWatermarks(wm, [WATERMARKS.late]);
    return counts;
  }
}

function advance(wm: Watermarks, name: string, toMs: number): void {
  const to = BigInt(Math.floor(toMs)) * 1_000_000n;
  if (to > (wm[name] ?? 0n)) wm[name] = to;
}

/** recent_decisions' columns in the order the sampler writes them (its other columns take their defaults). */
const DECISION_COLUMNS = [
  'TraceId',
  'Decision',
  'Rule',
  'Reason',
  'AdjustedCount',
  'SpanCount',
  'RootServiceName',
  'RootSpanName',
  'Threshold',
  'Tenants',
  'DecidedAt',
  'TraceStart',
  'TraceEnd',
  'LastIngest',
  'FirstIngest',
] as const;

const TRIGGERS = {
  root: 'root span arrived, then quiet for rootGrace',
  wait: 'quiet for decisionWait',
  maxSpans: 'reached maxSpans',
} as const;

/**
 * The first IngestTime of the given traces within the horizon, from recent_traces: a bound that
 * lets a read of their spans skip the older parts of spans_recent (sorted by trace id, a set of
 * random ids otherwise touches a granule in nearly every part, so each tick read the whole hour).
 */
const firstIngestOf = (traceIds: string) =>
  `(SELECT min(IngestStart) FROM recent_traces WHERE TraceId IN (${traceIds}) AND IngestEnd > ${ms('spansFrom')})`;

function notCopied(traceIds: string, timeRange?: string): string {
  const time = timeRange ? ` AND Timestamp BETWEEN (${timeRange}).1 AND (${timeRange}).2` : '';
  return `(s.TraceId, s.SpanId) NOT IN (SELECT TraceId, SpanId FROM spans WHERE TraceId IN (${traceIds})${time})`;
}

/** A `th` hex string (1-14 digits, trailing zeros removed) as the threshold UInt64. */
const thresholdOf = (th: string) => `reinterpretAsUInt64(reverse(unhex(rightPad(${th}, 14, '0'))))`;
/** An upstream sampler's `th` in the span's tracestate (`ot=...;th:<hex>`), '' when none. */
const upstreamTh = `regexpExtract(s.TraceState, '(^|,) *ot=([^,;]*;)*th:([0-9a-f]{1,14})', 3)`;
/**
 * The span's effective threshold: the stricter of ours and the upstream one. Consistent
 * sampling composes by the larger threshold (R >= both), so a span head-sampled at 50%
 * upstream and kept by an error rule here still stands for 2.
 */
const effectiveT = `greatest(if(${upstreamTh} = '', toUInt64(0), ${thresholdOf(upstreamTh)}), ${thresholdOf('d.Th')})`;
const effectiveTh = `if(${effectiveT} = 0, '0', replaceRegexpOne(leftPad(lower(hex(${effectiveT})), 14, '0'), '0+$', ''))`;
const effectiveAdjusted = `if(${effectiveT} = ${thresholdOf('d.Th')}, d.Adjusted,
    72057594037927936. / toFloat64(toUInt64(72057594037927936) - ${effectiveT}))`;

/**
 * INSERT ... SELECT head shared by the copy steps: the span as stored, with `ot=th:<th>`
 * merged into TraceState (the ot member first, its other sub-keys and other vendors'
 * members kept) and `sampling.adjusted_count` added as a queryable attribute.
 */
const insertKeptSpans = (() => {
  const names = spanColumns.map((c) => `\`${c.name}\``);
  const select = spanColumns.map((c) => {
    switch (c.name) {
      case 'TraceState':
        return `arrayStringConcat(arrayConcat(
    [concat('ot=', arrayStringConcat(arrayConcat([concat('th:', ${effectiveTh})],
      arrayFilter(kv -> kv != '' AND NOT startsWith(kv, 'th:'),
        splitByChar(';', substring(arrayFirst(m -> startsWith(m, 'ot='), arrayMap(m -> trimBoth(m), splitByChar(',', s.TraceState))), 4)))), ';'))],
    arrayFilter(m -> m != '' AND NOT startsWith(m, 'ot='), arrayMap(m -> trimBoth(m), splitByChar(',', s.TraceState)))), ',') AS \`TraceState\``;
      case 'SpanAttributes':
        return `mapUpdate(s.SpanAttributes, map('sampling.adjusted_count', toString(${effectiveAdjusted}))) AS \`SpanAttributes\``;
      case 'SpanAttributeTypes':
        return `mapUpdate(s.SpanAttributeTypes, map('sampling.adjusted_count', 'double')) AS \`SpanAttributeTypes\``;
      default:
        return `s.\`${c.name}\` AS \`${c.name}\``;
    }
  });
  return `INSERT INTO spans (${names.join(', ')}, AdjustedCount, SamplingRule, Tenant)
SELECT ${select.join(',\n  ')},
  ${effectiveAdjusted} AS AdjustedCount, d.RuleName AS SamplingRule, s.Tenant AS Tenant`;
})();
