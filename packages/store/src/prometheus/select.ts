import { QueryLimitError, type Sql } from '../client';
import { tenantKey } from '../tenant';
import { type Component, OVERFLOW_LABELS } from './components';

export interface PromMatcher {
  name: string;
  type: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface PromSelect {
  tenant: string;
  /** Label matchers other than the metric name (the caller picks components by name). */
  matchers: readonly PromMatcher[];
  /** Samples with startMs < t <= endMs. */
  startMs: number;
  endMs: number;
  /** The derived metrics are filled up to here at most (now): /metrics has not been scraped later. */
  nowMs: number;
  maxSeries: number;
  maxSamples: number;
  timeoutMs: number;
}

export interface PromSeries {
  labels: Record<string, string>;
  t: Float64Array;
  v: Float64Array;
}

/** Prometheus anchors label regexes and lets `.` match newlines; ClickHouse's match() is RE2 too. */
const anchored = (re: string) => `^(?s:${re})$`;

export function matcherSql(matchers: readonly PromMatcher[], params: Record<string, unknown>): string[] {
  return matchers.map((m, i) => {
    params[`mn${i}`] = m.name;
    params[`mv${i}`] = m.type === '=~' || m.type === '!~' ? anchored(m.value) : m.value;
    const label = `lm[{mn${i}:String}]`;
    const ops: Record<PromMatcher['type'], string> = {
      '=': `${label} = {mv${i}:String}`,
      '!=': `${label} != {mv${i}:String}`,
      '=~': `match(${label}, {mv${i}:String})`,
      '!~': `NOT match(${label}, {mv${i}:String})`,
    };
    return ops[m.type];
  });
}

/** Whether a label value passes a matcher, judged in JS; undefined for a regex JS cannot read as RE2 does. */
function passes(m: PromMatcher, value: string): boolean | undefined {
  if (m.type === '=') return value === m.value;
  if (m.type === '!=') return value !== m.value;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.value})$`, 's');
  } catch {
    return undefined;
  }
  return re.test(value) === (m.type === '=~');
}

/**
 * Row conditions for the matchers on labels that are one column each (`service`: `ServiceName`),
 * so a read skips other series' rows through the primary key before it builds labels. Exact: a
 * series' labels are a function of its row's label columns, and an overflow row's labels are
 * known here (a matcher either passes them all or none). The label-level filter stays as well.
 */
export function matcherPrefilter(
  c: Component,
  matchers: readonly PromMatcher[],
  params: Record<string, unknown>,
): string[] {
  if (!c.columnLabels) return [];
  const { labels, overflow } = c.columnLabels;
  const out: string[] = [];
  matchers.forEach((m, i) => {
    const column = labels[m.name];
    if (column === undefined) return;
    const onOverflow = passes(m, OVERFLOW_LABELS[m.name] ?? '');
    if (onOverflow === undefined) return;
    params[`pv${i}`] = m.type === '=~' || m.type === '!~' ? anchored(m.value) : m.value;
    const ops: Record<PromMatcher['type'], string> = {
      '=': `${column} = {pv${i}:String}`,
      '!=': `${column} != {pv${i}:String}`,
      '=~': `match(${column}, {pv${i}:String})`,
      '!~': `NOT match(${column}, {pv${i}:String})`,
    };
    out.push(onOverflow ? `(${overflow} OR ${ops[m.type]})` : `(NOT ${overflow} AND ${ops[m.type]})`);
  });
  return out;
}

/**
 * The row filter of a component's reads: the tenant, the component's own conditions and rows
 * up to `{to}`, after `{from}` too unless the history before the range is needed (increments).
 */
export function componentWhere(c: Component, from: string, to: string, withHistory: boolean): string[] {
  const timeCol = c.final ? 'WindowEnd' : 'TimeUnix';
  return [
    'Tenant = {tenant:String}',
    ...c.where,
    `${timeCol} <= fromUnixTimestamp64Milli({${to}:Int64})`,
    ...(withHistory ? [] : [`${timeCol} > fromUnixTimestamp64Milli({${from}:Int64})`]),
  ];
}

/** Binds the tenant and range (startMs, endMs] of a read and returns its row filter. */
function rangeWhere(
  c: Component,
  q: Pick<PromSelect, 'tenant' | 'matchers' | 'startMs' | 'endMs'>,
  params: Record<string, unknown>,
  withHistory: boolean,
): string[] {
  Object.assign(params, c.params, {
    tenant: tenantKey(q.tenant),
    startMs: Math.floor(q.startMs),
    endMs: Math.floor(q.endMs),
  });
  return [...componentWhere(c, 'startMs', 'endMs', withHistory), ...matcherPrefilter(c, q.matchers, params)];
}

/**
 * One component's rows as (lbl, t, ts, val): labels as sorted (name, value) pairs, time (ms),
 * interval start (ms) and value, filtered by the matchers. Rows before the range are included
 * for increments (`withHistory`): a counter's value at the start is the sum of everything before.
 */
export function componentRowsSql(
  c: Component,
  q: Pick<PromSelect, 'tenant' | 'matchers' | 'startMs' | 'endMs'>,
  params: Record<string, unknown>,
  withHistory: boolean,
): string {
  const where = rangeWhere(c, q, params, withHistory);
  const labels = c.expand ? `mapUpdate(${c.labels}, map('${c.expand.label}', ${c.expand.value}))` : c.labels;
  const inner = `SELECT mapFilter((k, v) -> v != '', CAST(${labels}, 'Map(String, String)')) AS lm,
    ${c.time} AS t, ${c.intervalStart ?? c.time} AS ts, ${c.value} AS val
  FROM ${c.table}${c.final ? ' FINAL' : ''}${c.expand ? ` ARRAY JOIN ${c.expand.array} AS i` : ''}
  WHERE ${where.join(' AND ')}`;
  const filters = matcherSql(q.matchers, params);
  return `SELECT arraySort(arrayZip(mapKeys(lm), mapValues(lm))) AS lbl, t, ts, val FROM (${inner})${
    filters.length ? `\n  WHERE ${filters.join(' AND ')}` : ''
  }`;
}

/**
 * One row per series with its samples in the range and, for increments, the sum of everything
 * before it (the counter's value at the start), the last time before it and when it first began.
 * Rows are grouped by a hash of the columns their labels come from first, so labels are built
 * once per stored series rather than once per row. Stored series with equal labels are merged.
 */
function componentSql(c: Component, q: PromSelect, params: Record<string, unknown>, labelsOnly: boolean): string {
  if (labelsOnly) return `SELECT DISTINCT lbl FROM (${componentRowsSql(c, q, params, false)}) LIMIT ${q.maxSeries + 1}`;
  const where = rangeWhere(c, q, params, c.increments);
  const columns = c.labelColumns.join(', ');
  const table = `${c.table}${c.final ? ' FINAL' : ''} WHERE ${where.join(' AND ')}`;
  const aggregates = `sumIf(val, t <= {startMs:Int64}) AS base,
      maxIf(t, t <= {startMs:Int64}) AS lastBefore, max(t - ts) AS step, min(ts) AS firstStart,
      groupArrayIf((t, ts, val), t > {startMs:Int64}) AS pts`;
  const anyColumns = c.labelColumns.map((col) => `any(${col}) AS ${col}`).join(', ');
  const rowTimes = `cityHash64(${columns}) AS rsid, ${c.time} AS t, ${c.intervalStart ?? c.time} AS ts`;
  // An expanded component's samples (element i of each row's values) are grouped apart from the
  // labels and joined to them: carrying the label columns or whole rows through the expansion
  // would copy them once per element.
  const perSeries = c.expand
    ? `SELECT ${columns}, i, base, lastBefore, step, firstStart, pts FROM (
      SELECT rsid, i, ${aggregates}
      FROM (SELECT ${rowTimes}, ${c.expand.values} AS vals FROM ${table})
      ARRAY JOIN vals AS val, arrayEnumerate(vals) AS i
      GROUP BY rsid, i) AS d
    INNER JOIN (SELECT cityHash64(${columns}) AS rsid, ${anyColumns} FROM ${table} GROUP BY rsid) AS l USING rsid`
    : `SELECT ${anyColumns}, ${aggregates}
    FROM (SELECT ${rowTimes}, ${columns}, ${c.value} AS val FROM ${table})
    GROUP BY rsid`;
  const labels = c.expand ? `mapUpdate(${c.labels}, map('${c.expand.label}', ${c.expand.value}))` : c.labels;
  const filters = matcherSql(q.matchers, params);
  // Outer names differ from the inner ones: with prefer_column_name_to_alias, HAVING would read the inner column.
  return `SELECT lbl, sum(b) AS base, max(lb) AS lastBefore, max(st) AS step, min(fs) AS firstStart,
  arraySort(p -> p.1, arrayFlatten(groupArray(ps))) AS pts
FROM (
  SELECT arraySort(arrayZip(mapKeys(lm), mapValues(lm))) AS lbl, base AS b, lastBefore AS lb, step AS st,
    firstStart AS fs, pts AS ps FROM (
    SELECT mapFilter((k, v) -> v != '', CAST(${labels}, 'Map(String, String)')) AS lm, base, lastBefore, step, firstStart, pts
    FROM (${perSeries}))${filters.length ? `\n  WHERE ${filters.join(' AND ')}` : ''})
GROUP BY lbl
HAVING length(arrayFlatten(groupArray(ps))) > 0 OR sum(b) != 0
LIMIT ${q.maxSeries + 1}`;
}

interface Row {
  lbl: [string, string][];
  base: number | string;
  lastBefore: number | string;
  step: number | string;
  firstStart: number | string;
  pts: [number | string, number | string, number | string | null][];
}

const num = (v: number | string | null): number =>
  typeof v === 'number'
    ? v
    : v === null
      ? Number.NaN
      : v === 'inf' || v === '+inf'
        ? Infinity
        : v === '-inf'
          ? -Infinity
          : Number(v);

/** Reads one component's series with their samples in (startMs, endMs]. */
export async function selectComponent(sql: Sql, c: Component, q: PromSelect, staleMs: number): Promise<PromSeries[]> {
  const params: Record<string, unknown> = {};
  const rows = await sql.query<Row>(componentSql(c, q, params, false), params, limits(q));
  if (rows.length > q.maxSeries) throw new QueryLimitError(`query selects more than ${q.maxSeries} series`);
  const out: PromSeries[] = [];
  let samples = 0;
  for (const r of rows) {
    const s = c.increments ? accumulate(r, c.fill, q, staleMs) : values(r);
    if (s.t.length === 0) continue;
    samples += s.t.length;
    if (samples > q.maxSamples)
      throw new QueryLimitError('query processing would load too many samples into memory in query execution');
    out.push({ labels: { __name__: c.name, ...Object.fromEntries(r.lbl) }, ...s });
  }
  return out;
}

/** Label sets of one component's series with samples in the range. */
export async function componentLabelSets(sql: Sql, c: Component, q: PromSelect): Promise<Record<string, string>[]> {
  const params: Record<string, unknown> = {};
  const rows = await sql.query<{ lbl: [string, string][] }>(componentSql(c, q, params, true), params, limits(q));
  if (rows.length > q.maxSeries) throw new QueryLimitError(`query selects more than ${q.maxSeries} series`);
  return rows.map((r) => ({ __name__: c.name, ...Object.fromEntries(r.lbl) }));
}

function limits(q: PromSelect) {
  return { maxRows: q.maxSeries + 1, maxExecutionSeconds: Math.max(1, Math.ceil(q.timeoutMs / 1000)) };
}

/** Stored cumulative values as they are; a repeated timestamp keeps its last value. */
function values(r: Row): { t: Float64Array; v: Float64Array } {
  const t: number[] = [];
  const v: number[] = [];
  for (const [pt, , pv] of r.pts) {
    const tt = num(pt);
    if (t.length && t[t.length - 1] === tt) v[v.length - 1] = num(pv);
    else {
      t.push(tt);
      v.push(num(pv));
    }
  }
  return { t: Float64Array.from(t), v: Float64Array.from(v) };
}

/**
 * Increments summed into a counter that starts from everything before the range. The derived
 * metrics (`fill`) are shaped as a scrape of /metrics sees them: a new series shows 0 at the
 * start of its first interval, and the value repeats every interval while the series is live
 * (up to `staleMs` after its last data, when /metrics drops it).
 */
function accumulate(r: Row, fill: boolean, q: PromSelect, staleMs: number): { t: Float64Array; v: Float64Array } {
  const t: number[] = [];
  const v: number[] = [];
  const push = (tt: number, vv: number) => {
    if (tt <= q.startMs || tt > q.endMs) return;
    if (t.length && t[t.length - 1]! >= tt) {
      if (t[t.length - 1] === tt) v[v.length - 1] = vv;
      return;
    }
    t.push(tt);
    v.push(vv);
  };
  const interval = num(r.step);
  const until = Math.min(q.endMs, q.nowMs);
  /** The repeated samples after `from`, before `next`. */
  const repeat = (from: number, next: number, value: number) => {
    if (!fill || interval <= 0) return;
    const last = Math.min(next - 1, until, staleMs > 0 ? from + staleMs : Number.POSITIVE_INFINITY);
    for (let k = Math.max(1, Math.ceil((q.startMs - from) / interval)); from + k * interval <= last; k++)
      push(from + k * interval, value);
  };
  let total = num(r.base);
  let prevT = num(r.lastBefore) > 0 ? num(r.lastBefore) : undefined;
  const firstStart = num(r.firstStart);
  for (const [pt, pts, pv] of r.pts) {
    const tt = num(pt);
    if (prevT !== undefined) repeat(prevT, tt, total);
    else if (fill && num(pts) === firstStart) push(num(pts), 0);
    total += num(pv);
    push(tt, total);
    prevT = tt;
  }
  if (prevT !== undefined) repeat(prevT, Number.POSITIVE_INFINITY, total);
  return { t: Float64Array.from(t), v: Float64Array.from(v) };
}
