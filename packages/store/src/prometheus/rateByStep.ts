import type { Sql } from '../client';
import type { Component } from './components';
import { componentRowsSql, type PromSelect } from './select';

/** `sum by|without (labels) (rate|increase(selector[range] offset o))` at every step of a range. */
export interface RateByStep {
  func: 'rate' | 'increase';
  rangeMs: number;
  offsetMs: number;
  /** First and last evaluation time, and the step between them (ms). */
  startMs: number;
  endMs: number;
  stepMs: number;
  grouping: readonly string[];
  without: boolean;
}

export interface GroupSteps {
  labels: Record<string, string>;
  /** Evaluation times (ms) with a value, and the values. */
  t: number[];
  v: number[];
}

/** Buckets per series the pushed-down query may use (else the engine evaluates in memory). */
const MAX_BUCKETS = 50_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Whether the step, range and offset line up so that every window is a run of whole buckets. */
export function bucketWidth(r: RateByStep): number | undefined {
  if (![r.rangeMs, r.stepMs, r.startMs, r.offsetMs].every(Number.isInteger)) return undefined;
  const g = gcd(r.rangeMs, r.stepMs);
  const buckets = (r.endMs - r.startMs + r.rangeMs) / g;
  return g > 0 && buckets <= MAX_BUCKETS ? g : undefined;
}

/**
 * The samples of a component in (lo, hi] exactly as the in-memory reader builds them (see
 * select.ts): stored values as they are; increments summed into a counter over the whole
 * history; for the derived metrics, a 0 at the start of a series' first interval and the value
 * repeated every interval while the series is live, as /metrics would have been scraped.
 */
function samplesSql(c: Component, rows: string): string {
  if (!c.increments) return `SELECT lbl, t, anyLast(val) AS v FROM (${rows}) WHERE t > {lo:Int64} GROUP BY lbl, t`;
  const fill = c.fill
    ? `arrayConcat(if(rn = 1, [(ts, 0.)], []), [(t, cum)],
        if(step <= 0, [], arrayMap(k -> (t + k * step, cum), range(
          toUInt64(greatest(1, intDiv({lo:Int64} - t + step - 1, step))),
          toUInt64(greatest(0, intDiv(least(nextT - 1, {until:Int64}, if({staleMs:Int64} > 0, t + {staleMs:Int64}, {until:Int64})) - t, step)) + 1)))))`
    : '[(t, cum)]';
  return `SELECT lbl, s.1 AS t, s.2 AS v FROM (
  SELECT lbl, ${fill} AS samples FROM (
    SELECT lbl, t, ts,
      sum(val) OVER w AS cum,
      row_number() OVER w AS rn,
      leadInFrame(t, 1, toInt64(9e15)) OVER whole AS nextT,
      max(t - ts) OVER (PARTITION BY lbl) AS step
    FROM (${rows})
    WINDOW w AS (PARTITION BY lbl ORDER BY t ROWS UNBOUNDED PRECEDING),
      whole AS (PARTITION BY lbl ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  )
) ARRAY JOIN samples AS s
WHERE s.1 > {lo:Int64} AND s.1 <= {hi:Int64}`;
}

/**
 * Prometheus's extrapolatedRate per series and step, and the sum per group, inside ClickHouse:
 * only the grouped values cross into Node. Samples fall into buckets of width g (a divisor of
 * step and range), so each window (T - range, T] is a run of range/g whole buckets; per bucket
 * the first and last sample and the running sum of counter resets are kept, and a window takes
 * the first of its first non-empty bucket and the last of its last. Every step gets one empty
 * anchor row, and the windows are read at the anchors only: once per step, also where the
 * step's own bucket is empty.
 */
export async function rateByStep(
  sql: Sql,
  c: Component,
  q: PromSelect,
  r: RateByStep,
  staleMs: number,
): Promise<GroupSteps[] | undefined> {
  const g = bucketWidth(r);
  if (g === undefined) return undefined;
  const lo = r.startMs - r.offsetMs - r.rangeMs;
  const hi = r.endMs - r.offsetMs;
  const params: Record<string, unknown> = {};
  const rows = componentRowsSql(c, { ...q, startMs: lo, endMs: hi }, params, c.increments);
  const steps = Math.floor((r.endMs - r.startMs) / r.stepMs);
  Object.assign(params, {
    lo,
    hi,
    until: Math.min(hi, q.nowMs),
    staleMs,
    g,
    perStep: r.stepMs / g,
    n: r.rangeMs / g,
    steps,
    evalStart: r.startMs,
    stepMs: r.stepMs,
    offsetMs: r.offsetMs,
    rangeS: r.rangeMs / 1000,
    grouping: [...r.grouping],
  });
  const groupLabels = r.without
    ? 'arrayFilter(x -> NOT has({grouping:Array(String)}, x.1), lbl)'
    : 'arrayFilter(x -> has({grouping:Array(String)}, x.1), lbl)';
  const rate = r.func === 'rate' ? ' / {rangeS:Float64}' : '';
  const query = `WITH samples AS (${samplesSql(c, rows)}),
resets AS (
  SELECT lbl, t, v, sum(if(v < prev, prev, 0.)) OVER (PARTITION BY lbl ORDER BY t ROWS UNBOUNDED PRECEDING) AS R
  FROM (SELECT lbl, t, v, lagInFrame(v, 1, v) OVER (PARTITION BY lbl ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS prev FROM samples)
),
buckets AS (
  SELECT lbl, toInt64(ceil((t - ({evalStart:Int64} - {offsetMs:Int64})) / {g:Int64})) AS b,
    min(t) AS firstT, max(t) AS lastT, argMin((v, R), t) AS first, argMax((v, R), t) AS last, count() AS c,
    false AS anchor
  FROM resets GROUP BY lbl, b
  UNION ALL
  SELECT lbl, toInt64(k * {perStep:Int64}) AS b, toInt64(9e15) AS firstT, toInt64(-9e15) AS lastT,
    (0., 0.) AS first, (0., 0.) AS last, toUInt64(0) AS c, true AS anchor
  FROM (SELECT DISTINCT lbl FROM samples) ARRAY JOIN range(0, {steps:Int64} + 1) AS k
),
windows AS (
  SELECT lbl, b, anchor, min(firstT) OVER w AS fT, max(lastT) OVER w AS lT,
    argMin(first, firstT) OVER w AS f, argMax(last, lastT) OVER w AS l, sum(c) OVER w AS cnt
  FROM buckets
  WINDOW w AS (PARTITION BY lbl ORDER BY b RANGE BETWEEN ${r.rangeMs / g - 1} PRECEDING AND CURRENT ROW)
),
rates AS (
  SELECT lbl, intDiv(b, {perStep:Int64}) AS k,
    (l.1 - f.1) + (l.2 - f.2) AS result,
    (lT - fT) / 1000 AS sampled,
    sampled / (cnt - 1) AS avgGap,
    ({evalStart:Int64} + k * {stepMs:Int64} - {offsetMs:Int64}) AS rangeEnd,
    (fT - (rangeEnd - {n:Int64} * {g:Int64})) / 1000 AS toStart0,
    (rangeEnd - lT) / 1000 AS toEnd0,
    if(toStart0 >= avgGap * 1.1, avgGap / 2, toStart0) AS toStart1,
    if(result > 0 AND f.1 >= 0, least(toStart1, sampled * (f.1 / result)), toStart1) AS toStart,
    if(toEnd0 >= avgGap * 1.1, avgGap / 2, toEnd0) AS toEnd,
    result * ((sampled + toStart + toEnd) / sampled${rate}) AS value
  FROM windows
  WHERE anchor AND cnt >= 2
)
SELECT ${groupLabels} AS glbl, k, sumKahan(value) AS v
FROM rates GROUP BY glbl, k ORDER BY glbl, k
LIMIT ${q.maxSamples + 1}`;
  const out = await sql.query<{ glbl: [string, string][]; k: number | string; v: number | string }>(query, params, {
    maxRows: q.maxSamples + 1,
    maxExecutionSeconds: Math.max(1, Math.ceil(q.timeoutMs / 1000)),
  });
  const groups = new Map<string, GroupSteps>();
  for (const row of out) {
    const key = JSON.stringify(row.glbl);
    let grp = groups.get(key);
    if (!grp) {
      grp = { labels: Object.fromEntries(row.glbl.filter(([, v]) => v !== '')), t: [], v: [] };
      groups.set(key, grp);
    }
    grp.t.push(r.startMs + Number(row.k) * r.stepMs);
    grp.v.push(typeof row.v === 'number' ? row.v : Number(row.v === 'nan' ? Number.NaN : row.v));
  }
  return [...groups.values()];
}
