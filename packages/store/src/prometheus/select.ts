import { QueryLimitError, type Sql } from '../client';
import {
  afterHoursSql,
  DERIVED_HOURLY_WATERMARK,
  HOUR_MS,
  hourIntervalsSql,
  hourLabelsSql,
  hourSumsSql,
  hoursSummedParams,
  hoursThenIntervalsSql,
  hoursWithIntervalsSql,
  MAX_INTERVAL_MS,
  unlabelledRowsSql,
} from '../schema/derivedHourly';
import { INT_WIDTHS } from '../schema/hourValues';
import { METRICS_HOURLY_WATERMARK, metricHoursSql, notRolledUpSql } from '../schema/metricsHourly';
import { metricTimeSql } from '../schema/metricsLayout';
import { ProcessorState } from '../state';
import { tenantKey } from '../tenant';
import { type Component, OVERFLOW_LABELS } from './components';
import { type NativeValues, readNative } from './nativeColumns';
import { type KnownSeries, labelFilter, type PromMatcher, type SeriesIndex } from './seriesIndex';
import { timeOrder } from './timeOrder';

export type { PromMatcher } from './seriesIndex';

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
  /** True: the values never decrease, checked as they were read (see Rows.monotonic). */
  monotonic?: boolean;
}

/** A series as the reads give it: one class, so that the engine's folds see one hidden class. */
class StoredSeries implements PromSeries {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new StoredSeries({}, new Float64Array(0), new Float64Array(0), undefined);

  constructor(
    public labels: Record<string, string>,
    public t: Float64Array,
    public v: Float64Array,
    public monotonic: boolean | undefined,
  ) {}
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

/** The time column of a component's table (`time` is a function of it). */
const timeColumn = (c: Component) => (c.final ? 'WindowEnd' : 'TimeUnix');

/**
 * The row filter of a component's reads: the tenant, the component's own conditions and rows
 * up to `{to}`, after `{from}` too unless the history before the range is needed (increments).
 */
export function componentWhere(c: Component, from: string, to: string, withHistory: boolean): string[] {
  const timeCol = timeColumn(c);
  const bound = (param: string) => `fromUnixTimestamp64Milli({${param}:Int64})`;
  return [
    'Tenant = {tenant:String}',
    ...c.where,
    ...(c.final
      ? [`${timeCol} <= ${bound(to)}`, ...(withHistory ? [] : [`${timeCol} > ${bound(from)}`])]
      : metricTimeSql(withHistory ? undefined : bound(from), bound(to))),
    // The derived tables are sorted and partitioned by WindowStart: bounds on it skip the rest
    // (measured: a 16-minute read of a week of intervals, 403 ms before, FINAL reading it all).
    ...(c.final
      ? [
          `WindowStart < fromUnixTimestamp64Milli({${to}:Int64})`,
          ...(withHistory ? [] : [`WindowStart > fromUnixTimestamp64Milli({${from}:Int64} - ${MAX_INTERVAL_MS})`]),
        ]
      : []),
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

/** A component's table, read FINAL where rows may repeat until merged. */
export const tableSql = (c: Component) => `${c.table}${c.final ? ' FINAL' : ''}`;

/** A row's sample value (Float64), or an expanded row's values (Array(Float64)). */
const valuesSql = (c: Component) => (c.expand ? `CAST(${c.value}, 'Array(Float64)')` : `toFloat64(${c.value})`);

/** The SQL of a stored row's series id (see Component.seriesId). */
export const rowSeriesId = (c: Component) => c.seriesId ?? `cityHash64(${c.labelColumns.join(', ')})`;

/**
 * One row per series (stored series with equal labels merged) with its labels and, for
 * increments, the sum of everything before the range (the counter's value at its start), the
 * last time before it, the interval length and when the series first began; `n` is the number
 * of its rows in the range. Rows are grouped by their stored series id before labels are built,
 * so labels are built once per stored series, not once per row. `ids` are the stored series
 * (and array elements) a series is made of.
 */
function seriesSql(
  c: Component,
  q: PromSelect,
  params: Record<string, unknown>,
  labelsOnly: boolean,
  hours?: HourRows,
  /** More conditions on the rows read (labelsOf). */
  only: readonly string[] = [],
  /** Labels only: of the rows of this FROM clause instead (labelsOf). */
  from?: string,
): string {
  const history = c.increments && !labelsOnly;
  const where = [...rangeWhere(c, q, params, history), ...only];
  const hourly = history && c.hourly && !hours ? hourlySource(c, params, where) : undefined;
  const time = hourly ? '_t' : c.time;
  const start = hourly ? '_s' : (c.intervalStart ?? c.time);
  const values = valuesSql(c);
  const aggregates = history
    ? `, ${c.expand ? 'sumForEachIf' : 'sumIf'}(${values}, ${time} <= {startMs:Int64}) AS b,
      maxIf(${time}, ${time} <= {startMs:Int64}) AS lb, max(${hourly ? '_st' : `${time} - ${start}`}) AS st,
      min(${start}) AS fs, min(${hourly ? '_fe' : time}) AS fe`
    : ', 0 AS b, 0 AS lb, 0 AS st, 0 AS fs, 0 AS fe';
  const sid = rowSeriesId(c);
  const timeCol = timeColumn(c);
  const labelColumns = c.labelColumns.map((col) => `any(${col}) AS ${col}`).join(', ');
  const aggregated = `countIf(${time} > {startMs:Int64}) AS n${aggregates}${
    c.expand ? `, max(length(${c.expand.over})) AS elements` : ''
  }`;
  // Wide labels come from each series' newest row only: attribute maps are most of a row, and
  // reading them for every row cost ~8x the rest of the statement. Narrow ones are read in the
  // same pass (a second pass over a FINAL table costs more than they do).
  const rows = (from: string) =>
    c.wideLabels
      ? `SELECT * FROM (
      SELECT ${sid} AS rsid, ${labelColumns}
      ${from} AND (${sid}, ${timeCol}) IN (SELECT ${sid}, max(${timeCol}) ${from} GROUP BY ${sid})
      GROUP BY rsid) AS l
    INNER JOIN (SELECT ${sid} AS rsid, ${aggregated} ${from} GROUP BY rsid) AS a USING rsid`
      : `SELECT ${sid} AS rsid, ${labelColumns}, ${aggregated} ${from} GROUP BY rsid`;
  let perRow: string;
  if (hours?.labels) {
    // Derived counters: the sums before the range and the counts in it, from the hours and the
    // intervals after, by series id alone; the labels from one row of each series in the hours
    // about the range (reading them with every row of a week's history cost ~40% of the
    // statement). A series without (one that began since, or ended before) is left for labelsOf.
    const sums = `SELECT ${sid} AS rsid, sum(_n) AS n, sum(_b) AS b, max(_lb) AS lb, max(_st) AS st, min(_s) AS fs,
      min(_fe) AS fe FROM ${hours.history} GROUP BY rsid`;
    perRow = `SELECT rsid, ${c.labelColumns.join(', ')}, n, b, lb, st, fs, fe, NOT _l AS _unlabelled
    FROM (${sums}) AS a
    LEFT JOIN (SELECT ${sid} AS rsid, ${labelColumns}, true AS _l FROM ${hours.labels} GROUP BY rsid) AS l USING rsid`;
  } else if (hours?.history)
    // The same, labels read with every row (a stored series without an id column).
    perRow = `SELECT ${sid} AS rsid, ${labelColumns}, sum(_n) AS n, sum(_b) AS b, max(_lb) AS lb, max(_st) AS st,
      min(_s) AS fs, min(_fe) AS fe
    FROM ${hours.history} GROUP BY rsid`;
  else if (hours) {
    // Cumulative points: labels and counts from one row per series and hour rolled up, and counts
    // of the points no hour holds. A series no hour holds (one that began since) comes without
    // its labels, which labelsOf reads from its points: reading the attribute maps of those
    // points here, for the series not in the hours, was a third of the statement.
    const raw = `${notRolledUp(c, where, hours)} WHERE 1`;
    const rawLabels = c.labelColumns.map((col) => `map() AS ${col}`).join(', ');
    perRow = `SELECT rsid, ${c.labelColumns.map((col) => `anyIf(${col}, _l) AS ${col}`).join(', ')}, sum(n) AS n,
      NOT max(_l) AS _unlabelled${aggregates}
    FROM (
      SELECT ${sid} AS rsid, ${labelColumns}, toUInt64(sum(_n)) AS n, true AS _l FROM ${hours.labelled!} GROUP BY rsid
      UNION ALL
      SELECT ${sid} AS rsid, ${rawLabels}, count() AS n, false AS _l FROM ${raw} GROUP BY rsid)
    GROUP BY rsid`;
  } else perRow = rows(from ?? hourly ?? `FROM ${tableSql(c)} WHERE ${where.join(' AND ')}`);
  // Each series without its labels is a group of its own, named by its id (see UNLABELLED).
  const unlabelled = hours && (!hours.history || hours.labels) ? '_unlabelled' : 'false';
  const expanded = c.expand
    ? `SELECT *, i, ${c.increments && !labelsOnly ? 'b[i]' : '0'} AS base FROM (${perRow}) ARRAY JOIN range(1, elements + 1) AS i`
    : `SELECT *, b AS base, 0 AS i FROM (${perRow})`;
  const labels = c.expand ? `mapUpdate(${c.labels}, map('${c.expand.label}', ${c.expand.value}))` : c.labels;
  const filters = matcherSql(q.matchers, params);
  // Outer names differ from the inner ones: with prefer_column_name_to_alias, HAVING would read the inner column.
  return `SELECT lbl, groupArray((toString(rsid), toUInt32(i))) AS ids, sum(base) AS base, max(lb) AS lastBefore,
  max(st) AS step, min(fs) AS firstStart, min(fe) AS firstEnd, sum(n) AS inRange
FROM (
  SELECT if(_u, [('${UNLABELLED}', toString(rsid))], arraySort(arrayZip(mapKeys(lm), mapValues(lm)))) AS lbl,
    rsid, i, n, base, lb, st, fs, fe FROM (
    SELECT mapFilter((k, v) -> v != '', CAST(${labels}, 'Map(String, String)')) AS lm, ${unlabelled} AS _u,
      rsid, i, n, base, lb, st, fs, fe
    FROM (${expanded}))${filters.length ? `\n  WHERE _u OR (${filters.join(' AND ')})` : ''})
GROUP BY lbl
${
  // Derived counters with ids: applied in eachComponentSeries, once the samples are in.
  labelsOnly || hours?.labels ? '' : 'HAVING sum(n) > 0 OR sum(base) != 0\n'
}LIMIT ${q.maxSeries + 1}`;
}

/** The label name of a series the series statement left without labels (no label is named so). */
const UNLABELLED = '';

const isUnlabelled = (s: SeriesRow) => s.lbl.length === 1 && s.lbl[0]![0] === UNLABELLED;

/**
 * The series statement's rows with the labels of the series it left without (see seriesSql),
 * read from their points, then each merged with any series of the same labels; a series the
 * matchers drop once labelled is left out.
 */
async function labelsOf(
  sql: Sql,
  c: Component,
  q: PromSelect,
  series: SeriesRow[],
  hours: HourRows | undefined,
): Promise<SeriesRow[]> {
  const unknown = series.filter(isUnlabelled);
  if (unknown.length === 0) return series;
  const params: Record<string, unknown> = { unlabelled: `[${unknown.map((s) => s.ids[0]![0]).join(',')}]` };
  const only = [`${rowSeriesId(c)} IN {unlabelled:Array(UInt64)}`];
  // A derived series' labels are read from its hours, or its intervals after them (see seriesSql).
  if (hours?.unlabelledRows) params.hoursUntil = hours.untilMs;
  const found = await sql.query<SeriesRow>(
    seriesSql(c, q, params, true, undefined, only, hours?.unlabelledRows),
    params,
    limits(q, q.maxSeries + 1),
  );
  const labelsOfId = new Map(found.flatMap((s) => s.ids.map(([rsid]) => [rsid, s.lbl] as const)));
  const byLabels = new Map<string, SeriesRow>();
  for (const s of series) {
    const lbl = isUnlabelled(s) ? labelsOfId.get(s.ids[0]![0]) : s.lbl;
    if (!lbl) continue;
    const key = JSON.stringify(lbl);
    const same = byLabels.get(key);
    if (!same) byLabels.set(key, { ...s, lbl });
    // Merged as the series statement merges stored series of equal labels (its outer GROUP BY).
    else
      byLabels.set(key, {
        lbl,
        ids: [...same.ids, ...s.ids],
        base: num(same.base) + num(s.base),
        lastBefore: Math.max(num(same.lastBefore), num(s.lastBefore)),
        step: Math.max(num(same.step), num(s.step)),
        firstStart: Math.min(num(same.firstStart), num(s.firstStart)),
        firstEnd: Math.min(num(same.firstEnd), num(s.firstEnd)),
        inRange: num(same.inRange) + num(s.inRange),
      });
  }
  return [...byLabels.values()];
}

/**
 * The rows a derived counter's series statement reads, up to the range's end: the hours summed
 * in the hourly table (up to its watermark, and never past the hour the range starts in), then
 * the intervals after them. Each row brings its time, interval start, first interval end and
 * interval length (`_t`, `_s`, `_fe`, `_st`; an hour's row keeps the last two in columns of its own).
 */
function hourlySource(c: Component, params: Record<string, unknown>, where: string[]): string {
  Object.assign(params, hoursSummedParams);
  const rows = hoursThenIntervalsSql(c.table, '{startMs:Int64}', where);
  return `FROM (SELECT *, ${c.time} AS _t, ${c.intervalStart ?? c.time} AS _s, toUnixTimestamp64Milli(FirstWindowEnd) AS _fe,
  Interval AS _st FROM ${rows})`;
}

/**
 * The hours a read takes from one row per series and hour, their points as arrays: the
 * derived counters' from their hourly tables (derivedHourly.ts), cumulative OTLP points' from
 * `metrics_hourly` (metricsHourly.ts). The rest of the range is read from the rows.
 */
interface HourRows {
  /**
   * Rows of the hours rolled up that the range touches (`_sid`, `_first`, `_step`, `_t`, `_v`:
   * see metricHoursSql), times ascending.
   */
  hours: string;
  /**
   * Cumulative points: the same with the component's label columns instead of `_sid`, and `_n`
   * the points in the range (for the series statement).
   */
  labelled?: string;
  /**
   * The rows of the component's table that no hour's row holds: those for which one of these
   * conditions holds (at most one does), each read on its own so that each narrows the read.
   */
  notRolledUp: string[];
  /** Increments: rows with the history before the range too (see hoursWithIntervalsSql). */
  history?: string;
  /**
   * Increments of stored series with an id column: `history` then holds only the id and the
   * hours' sums before the hour holding the range's start (hourSumsSql; the rest comes from the
   * samples: HourRuns.sumBefore, AfterHours), and the labels come from these rows, the hours
   * that end after `{labelsSince}` (see hourLabelsSql).
   */
  labels?: string;
  /** With `labels`: where labelsOf reads the labels of the series they miss (unlabelledRowsSql). */
  unlabelledRows?: string;
  /** The roll-up's watermark the read found (Unix ms). */
  untilMs: number;
}

/**
 * How a read of a component over the range takes whole hours from one row per series and hour,
 * or undefined when no hour of the range is rolled up, or it cannot: buckets and quantiles (a
 * sample per array element) and OTLP deltas are read from their rows. Reads the roll-up's
 * watermark once, so that both statements split the range at the same hour.
 */
async function hourRows(
  sql: Sql,
  c: Component,
  q: PromSelect,
  staleMs: number,
  params: Record<string, unknown>,
): Promise<HourRows | undefined> {
  const derived = !c.expand && c.hourly && c.hourlyIntervals && c.increments;
  const metrics = !c.expand && c.metricHours && !c.increments;
  // No hour that starts at or after the range's start can have ended by now: nothing to look up
  // (a dashboard's refresh, the last minutes).
  if ((!derived && !metrics) || q.startMs >= Math.floor(q.nowMs / HOUR_MS) * HOUR_MS) return undefined;
  const untilMs = await new ProcessorState(sql).readWatermarkMs(
    derived ? DERIVED_HOURLY_WATERMARK : METRICS_HOURLY_WATERMARK,
  );
  if (untilMs === null || !(untilMs > q.startMs)) return undefined;
  Object.assign(params, c.params, {
    tenant: tenantKey(q.tenant),
    startMs: Math.floor(q.startMs),
    endMs: Math.floor(q.endMs),
    hoursUntil: untilMs,
  });
  const read = {
    start: '{startMs:Int64}',
    end: '{endMs:Int64}',
    until: '{hoursUntil:Int64}',
    where: ['Tenant = {tenant:String}', ...c.where, ...matcherPrefilter(c, q.matchers, params)],
  };
  const sid = rowSeriesId(c);
  const labelled = [...new Set([...c.labelColumns, ...(c.seriesId ? [c.seriesId] : [])])];
  if (derived) {
    const r = { ...read, source: c.table, columns: labelled, value: c.value, intervals: c.hourlyIntervals! };
    // The labels of the series live in or up to staleMs before the range come from the hours
    // about it (hourLabelsSql); the others' (new since, or ended before) from labelsOf.
    const labels = c.seriesId !== undefined;
    if (labels) params.labelsSince = Math.floor(q.startMs) - staleMs;
    return {
      hours: hourIntervalsSql(r, sid),
      notRolledUp: [afterHoursSql(r, read.until)],
      history: labels ? hourSumsSql({ ...r, columns: [c.seriesId!] }) : hoursWithIntervalsSql(r),
      labels: labels ? hourLabelsSql(r, '{labelsSince:Int64}') : undefined,
      unlabelledRows: labels ? unlabelledRowsSql(r, sid) : undefined,
      untilMs,
    };
  }
  const r = { ...read, table: c.table, column: c.metricHours! };
  return {
    hours: metricHoursSql({ ...r, columns: [`${sid} AS _sid`] }),
    labelled: metricHoursSql({ ...r, columns: labelled }),
    notRolledUp: notRolledUpSql(read.until),
    untilMs,
  };
}

/**
 * The samples of the hours of an HourRows read, in Native columns: per row, the
 * stored series (`key`, see samplesSql), the first point's time and the step between times,
 * the times themselves only where they are not that regular (a live series' are: half the
 * bytes out), and the values: as Float32 where they all are (half the bytes again), else as
 * Float64, or where they are kept as integers, the first and the differences (hourValues.ts).
 */
function hourSamplesSql(hours: HourRows): string {
  const key = `transform(_sid, {rsids:Array(UInt64)}, {keys:Array(UInt32)}, toUInt32(0))`;
  return `SELECT toFloat64(k) AS key, toFloat64(_first) AS first, toFloat64(_step) AS step,
  arrayMap(e -> toFloat64(e), _t) AS t, if(_v32, CAST(_v, 'Array(Float32)'), []) AS floats, if(_v32, [], _v) AS doubles,
  toFloat64(_vfirst) AS vfirst, ${INT_WIDTHS.map((w) => `_i${w} AS i${w}`).join(', ')}
FROM ${hours.hours}
WHERE (${key} AS k) != {skipped:UInt32}`;
}

/**
 * The rows in the range of the stored series `keys` names (1-based; others are skipped), in
 * Native columns of Float64 (each reads as one typed array): time and key packed into one
 * exact integer, `(t - start) * K + key` (K = {packing}), where it stays below 2^53, else key
 * and time apart; then the value, or the values of every array element of an expanded component.
 */
function samplesSql(
  c: Component,
  q: PromSelect,
  params: Record<string, unknown>,
  packed: boolean,
  hours: HourRows | undefined,
): string {
  const where = rangeWhere(c, q, params, false);
  const sid = rowSeriesId(c);
  const key = `(transform(${sid}, {rsids:Array(UInt64)}, {keys:Array(UInt32)}, toUInt32(0)) AS k)`;
  // The intervals after a derived counter's hours (see AfterHours): every series' rows, with
  // each interval's length, and the id of a series not in `rsids` (key 0) in two exact halves.
  const afterHours = hours?.labels !== undefined;
  const keyTime = packed
    ? `toFloat64((${c.time} - {startMs:Int64}) * {packing:Int64} + ${afterHours ? key : 'k'}) AS kt`
    : `toFloat64(${afterHours ? key : 'k'}), toFloat64(${c.time}) AS t`;
  const more = afterHours
    ? `, toFloat64(${c.time} - ${c.intervalStart}) AS len, toFloat64(if(k = 0, intDiv(${sid}, 4294967296), 0)) AS hi,
  toFloat64(if(k = 0, ${sid} % 4294967296, 0)) AS lo`
    : '';
  return `SELECT ${keyTime}, ${valuesSql(c)} AS val${more}
FROM ${hours ? `${notRolledUp(c, where, hours)} WHERE 1` : `${tableSql(c)} WHERE ${where.join(' AND ')}`} AND ${afterHours ? `k != ${DROPPED}` : `${key} != {skipped:UInt32}`}`;
}

/** The rows of the component's table that match `where` and no hour's row holds, as a table (see HourRows). */
const notRolledUp = (c: Component, where: string[], hours: HourRows) =>
  `(${hours.notRolledUp
    // (`*` leaves out materialised columns: the series id is one.)
    .map(
      (n) => `SELECT *${c.seriesId ? `, ${c.seriesId}` : ''} FROM ${tableSql(c)} WHERE ${[...where, n].join(' AND ')}`,
    )
    .join('\n  UNION ALL ')})`;

interface SeriesRow {
  lbl: [string, string][];
  ids: [string, number][];
  base: number | string;
  lastBefore: number | string;
  step: number | string;
  firstStart: number | string;
  /** The end of the series' first interval (its first row's time). */
  firstEnd: number | string;
  inRange: number | string;
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

/** The query of the instances kept (`kept`): nothing; times not small integers, as real ones are not. */
const EMPTY_SELECT: PromSelect = {
  tenant: '',
  matchers: [],
  startMs: 2 ** 40,
  endMs: 2 ** 40,
  nowMs: 2 ** 40,
  maxSeries: 0,
  maxSamples: 0,
  timeoutMs: 0,
};

/** One series' rows in the range as read, before they are shaped into samples. */
class Rows {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = Rows.ofSize(0);

  n = 0;
  /** Whether a row came before the one before it (kept as rows arrive: no pass to find out). */
  unordered = false;
  /** Whether a row came at the time of the one before it. */
  repeated = false;
  /**
   * Whether the rows are increments (accumulate sums the rows of one time); else a time's last
   * row is its value (values). How interleave folds a run into the tail's rows of the same times.
   */
  increments = false;
  /**
   * Whether no value is below the one before it, as rows arrive (meaningful while they arrive in
   * time order): known for the appends that look at each value anyway (a row at a time, an
   * hour's integer differences, rows with it known), cleared by the others. rate() then need not
   * look for counter resets in them (that scan was ~12 ms of a 24 h dashboard of 1,000 counters;
   * the counters that do reset still take it).
   */
  monotonic = true;

  constructor(
    public t: Float64Array,
    public v: Float64Array,
  ) {}

  static ofSize(size: number): Rows {
    return new Rows(new Float64Array(size), new Float64Array(size));
  }

  /** Notes how a row at `t` follows one at `before`. */
  private follows(before: number, t: number): void {
    if (t < before) this.unordered = true;
    else if (t === before) this.repeated = true;
  }

  /** Row indexes in time order, or undefined when they already are (the store returns parts' rows in any order). */
  order(): Uint32Array | undefined {
    return this.unordered ? timeOrder(this.t, this.n) : undefined;
  }

  /** Makes room for `more` rows (past the size the series statement counted when rows arrived in between). */
  room(more: number): void {
    if (this.n + more <= this.t.length) return;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(Math.max(8, a.length * 2, this.n + more));
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.t = grow(this.t);
    this.v = grow(this.v);
  }

  clear(): void {
    this.n = 0;
    this.unordered = false;
    this.repeated = false;
    this.monotonic = true;
  }

  /** Appends the rows of another, in time order. */
  pushRows(other: Rows): void {
    if (other.n === 0) return;
    if (!other.unordered && !other.repeated) {
      // Known when the other's rows all come after these (pushAt appends them, no merge).
      const n = this.n;
      const monotonic =
        this.monotonic &&
        other.monotonic &&
        (n === 0 || (other.t[0]! > this.t[n - 1]! && other.v[0]! >= this.v[n - 1]!));
      this.pushAt(other.t.subarray(0, other.n), other.v.subarray(0, other.n));
      // (pushAt clears it: it does not look at the values.)
      this.monotonic = monotonic;
      return;
    }
    // Put in order first (the rows of two stored series of one label set arrive interleaved):
    // a few hundred rows sorted here spare a sort of the whole series when it is shaped.
    const order = other.order();
    for (let j = 0; j < other.n; j++) {
      const i = order ? order[j]! : j;
      this.push(other.t[i]!, other.v[i]!);
    }
  }

  /**
   * push, its common case written out small enough to be inlined: room left and a time after the
   * last (a series' rows come in time order), which a read of 100-bucket histograms takes a
   * million times.
   */
  pushNext(t: number, v: number): void {
    const n = this.n;
    if (n < this.t.length && (n === 0 || this.t[n - 1]! < t)) {
      if (n > 0 && v < this.v[n - 1]!) this.monotonic = false;
      this.t[n] = t;
      this.v[n] = v;
      this.n = n + 1;
    } else this.push(t, v);
  }

  push(t: number, v: number): void {
    this.room(1);
    if (this.n > 0 && v < this.v[this.n - 1]!) this.monotonic = false;
    if (this.n > 0) this.follows(this.t[this.n - 1]!, t);
    this.t[this.n] = t;
    this.v[this.n++] = v;
  }

  /** Appends the values `v` at times `from`, `from + every`, ... (`every` > 0). */
  pushEvery(from: number, every: number, v: Float64Array | Float32Array): void {
    this.monotonic = false;
    const n = this.n;
    if (n > 0 && from <= this.t[n - 1]!) {
      if (!this.interleave(from, every, v)) this.mergeRun((j) => from + j * every, v);
      return;
    }
    this.room(v.length);
    for (let j = 0; j < v.length; j++) this.t[n + j] = from + j * every;
    this.v.set(v, n);
    this.n += v.length;
  }

  /**
   * Merges a run at the very times of the rows' tail (another stored series of the same labels
   * sampled on the same grid: a derived label set's two series, hour by hour); false (nothing
   * done) otherwise. Where the rows would be shaped into what they are with the run folded in,
   * it is folded in place: increments that are all integers summed (they add exactly in any
   * order), other values replaced (a time's last row wins), which spares a row per time to
   * every later step. Else each of its rows goes after the tail's row of the same time, as
   * mergeRun would (a third of the cost of its general merge).
   */
  private interleave(from: number, every: number, v: Float64Array | Float32Array): boolean {
    const len = v.length;
    const at = this.n - len;
    if (at < 0 || (at > 0 && this.t[at - 1]! >= from)) return false;
    for (let j = 0; j < len; j++) if (this.t[at + j] !== from + j * every) return false;
    if (!this.increments) {
      this.v.set(v, at);
      return true;
    }
    if (integers(v, 0, len) && integers(this.v, at, at + len)) {
      for (let j = 0; j < len; j++) this.v[at + j]! += v[j]!;
      return true;
    }
    this.room(len);
    const { t, v: out } = this;
    for (let j = len - 1; j >= 0; j--) {
      t[at + 2 * j + 1] = t[at + j]!;
      out[at + 2 * j + 1] = v[j]!;
      t[at + 2 * j] = t[at + j]!;
      out[at + 2 * j] = out[at + j]!;
    }
    this.n += len;
    this.repeated = true;
    return true;
  }

  /**
   * Takes the samples k0..k1-1 of a run of regular times (first + k * step) whose values are
   * `firstValue` and the differences d[v0 + k] (the first 0), decoded in one pass: appended
   * after the rows' last time, or, at the very times of the rows' tail, added to it as interleave
   * folds increments; false (nothing done) otherwise.
   */
  pushRegularInts(
    d: Int8Array | Int16Array | Int32Array,
    v0: number,
    firstValue: number,
    k0: number,
    k1: number,
    first: number,
    step: number,
  ): boolean {
    const len = k1 - k0;
    const from = first + k0 * step;
    const after = this.n === 0 || from > this.t[this.n - 1]!;
    const at = after ? this.n : this.n - len;
    if (!after) {
      if (!this.increments || at < 0 || (at > 0 && this.t[at - 1]! >= from)) return false;
      for (let j = 0; j < len; j++) if (this.t[at + j] !== from + j * step) return false;
      if (!integers(this.v, at, this.n)) return false;
    } else this.room(len);
    // Integers below 2^53: the sums are exact.
    let x = firstValue;
    for (let k = 1; k <= k0; k++) x += d[v0 + k]!;
    const { t, v } = this;
    let w = at;
    if (after) {
      if (w > 0 && x < v[w - 1]!) this.monotonic = false;
      t[w] = from;
      v[w++] = x;
      // Any difference below 0 leaves the OR of them all below 0 (no branch per sample).
      let signs = 0;
      for (let k = k0 + 1; k < k1; k++, w++) {
        const dk = d[v0 + k]!;
        signs |= dk;
        t[w] = first + k * step;
        v[w] = x += dk;
      }
      if (signs < 0) this.monotonic = false;
      this.n = w;
    } else {
      this.monotonic = false;
      v[w++]! += x;
      for (let k = k0 + 1; k < k1; k++, w++) v[w]! += x += d[v0 + k]!;
    }
    return true;
  }

  /** Appends the values `v` at the times `t`, ascending (times may repeat). */
  pushAt(t: Float64Array | Float32Array, v: Float64Array | Float32Array): void {
    this.monotonic = false;
    const n = this.n;
    if (n > 0 && t[0]! <= this.t[n - 1]!) {
      this.mergeRun((j) => t[j]!, v);
      return;
    }
    this.room(v.length);
    for (let j = 1; j < t.length; j++) if (t[j]! <= t[j - 1]!) this.follows(t[j - 1]!, t[j]!);
    this.t.set(t, n);
    this.v.set(v, n);
    this.n += v.length;
  }

  /**
   * Merges an ascending run into the rows' tail it overlaps: another stored series with the same
   * labels, in the same hour (equal times keep the rows already there first, as timeOrder does).
   * The rows stay in time order, where interleaved hours cost a sort of the whole series (~40 ms
   * for the bench's 200 derived series of two stored series each). A run that goes back further
   * than a few times its length is appended and the rows sorted later instead.
   */
  private mergeRun(at: (j: number) => number, v: Float64Array | Float32Array): void {
    this.monotonic = false;
    const len = v.length;
    let i = this.n;
    while (i > 0 && this.t[i - 1]! > at(0)) i--;
    if (this.n - i > 4 * len) {
      this.room(len);
      for (let j = 0; j < len; j++) this.t[this.n + j] = at(j);
      this.v.set(v, this.n);
      this.n += len;
      this.unordered = true;
      return;
    }
    this.room(len);
    const t = this.t;
    const out = this.v;
    let a = this.n - 1;
    let w = this.n + len - 1;
    for (let j = len - 1; j >= 0; w--) {
      const tj = at(j);
      if (a >= i && t[a]! > tj) {
        t[w] = t[a]!;
        out[w] = out[a--]!;
      } else {
        t[w] = tj;
        out[w] = v[j--]!;
      }
    }
    this.n += len;
    // A time in both (or repeated in the run) is a row at the time before it: shaped later.
    for (let k = Math.max(1, i); k < this.n; k++) if (t[k]! <= t[k - 1]!) this.follows(t[k - 1]!, t[k]!);
  }
}

/** Whether a[from..to) are all integers (below 2^53 in size, as a counter's increments are). */
function integers(a: Float64Array | Float32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!Number.isSafeInteger(a[i]!)) return false;
  return true;
}

/**
 * Reads one component's series with their samples in (startMs, endMs] and gives each, in
 * order, to `visit`. With `reuse`, a series read from whole hours is built in one buffer that
 * the next one reuses (valid only during its visit): a day of 1,000 series is then never all
 * in memory at once, and each is folded while it is still in the CPU's cache. With `index`,
 * a read of cumulative stored OTLP points takes the series it knows from there instead of a
 * series statement (see SeriesIndex).
 */
export async function eachComponentSeries(
  sql: Sql,
  c: Component,
  q: PromSelect,
  staleMs: number,
  visit: (s: PromSeries) => void,
  reuse: boolean,
  index?: SeriesIndex,
): Promise<void> {
  const params: Record<string, unknown> = {};
  const hours = await hourRows(sql, c, q, staleMs, params);
  // Stored series without array elements: cumulative points, or derived counters read from
  // their hours' sums (their labels are a function of the id too).
  const indexed =
    index && c.seriesId && !c.expand && (!c.increments || hours?.labels !== undefined) ? index : undefined;
  const known = indexed?.known(q.tenant, c, q.matchers);
  if (known && known.selected.length <= q.maxSeries) {
    const series = c.increments
      ? await historyRows(sql, c, { ...params }, hours!, known)
      : known.selected.map((s) => indexedRow(s.lbl, s.rsids, []));
    if (series && (await readSamples(sql, c, q, { ...params }, hours, series, visit, reuse, staleMs, known.dropped)))
      return;
    indexed!.missed(q.tenant, c);
  }
  let series: SeriesRow[] | undefined;
  let read = { params, hours };
  // The index learns every series of the component, so that a read with other matchers finds
  // none it does not know: read without the matchers, which then apply here (unless that is
  // more series than a query may select: then read as usual, and learn nothing, now or later).
  const selects = indexed?.learns(q.tenant, c) && labelFilter(q.matchers);
  if (selects) {
    // Hours read with the matchers on label columns hold only those series: read them again without.
    const all = c.columnLabels && q.matchers.length > 0 ? await unfilteredHours(sql, c, q, staleMs) : read;
    const rows = await seriesRows(sql, c, { ...q, matchers: [] }, all.params, all.hours).catch((err) => {
      if (err instanceof QueryLimitError) return undefined;
      throw err;
    });
    if (!rows || rows.length > q.maxSeries) indexed!.tooMany(q.tenant, c);
    else {
      indexed!.learn(
        q.tenant,
        c,
        rows.map((s) => ({ lbl: s.lbl, rsids: s.ids.map(([rsid]) => rsid) })),
      );
      series = rows.filter((s) => selects(s.lbl));
      read = all;
    }
  }
  series ??= await seriesRows(sql, c, q, read.params, read.hours);
  checkLimits(series, q);
  await readSamples(sql, c, q, read.params, read.hours, series, visit, reuse, staleMs);
}

/** The hours of a read without its matchers, with the parameters they bind. */
async function unfilteredHours(
  sql: Sql,
  c: Component,
  q: PromSelect,
  staleMs: number,
): Promise<{ params: Record<string, unknown>; hours: HourRows | undefined }> {
  const params: Record<string, unknown> = {};
  return { params, hours: await hourRows(sql, c, { ...q, matchers: [] }, staleMs, params) };
}

/** A series from the index: its label set, stored series and what the history statement read of them. */
function indexedRow(lbl: [string, string][], rsids: readonly string[], history: readonly HistoryRow[]): SeriesRow {
  return {
    lbl,
    ids: rsids.map((rsid) => [rsid, 0]),
    base: history.reduce((sum, h) => sum + num(h.b), 0),
    lastBefore: history.reduce((last, h) => Math.max(last, num(h.lb)), 0),
    step: history.reduce((step, h) => Math.max(step, num(h.st)), 0),
    firstStart: history.length ? Math.min(...history.map((h) => num(h.fs))) : 0,
    firstEnd: history.length ? Math.min(...history.map((h) => num(h.fe))) : 0,
    inRange: history.reduce((sum, h) => sum + num(h.n), 0),
  };
}

interface HistoryRow {
  rsid: string;
  n: number | string;
  b: number | string;
  lb: number | string;
  st: number | string;
  fs: number | string;
  fe: number | string;
}

/**
 * A derived counter's series from the index: the series statement's sums before the range and
 * counts, per stored series, without building labels (~19 of its ~31 ms), then merged by the
 * index's label sets as the series statement merges them. Its stored series are those of the
 * hours' sums, as the series statement's are (one that began after the hours comes with the
 * samples, see AfterHours); undefined when one of them is unknown to the index.
 */
async function historyRows(
  sql: Sql,
  c: Component,
  params: Record<string, unknown>,
  hours: HourRows,
  known: KnownSeries,
): Promise<SeriesRow[] | undefined> {
  const sid = rowSeriesId(c);
  const rows = await sql
    .query<HistoryRow>(
      `SELECT toString(${sid}) AS rsid, sum(_n) AS n, sum(_b) AS b, max(_lb) AS lb, max(_st) AS st, min(_s) AS fs,
  min(_fe) AS fe FROM ${hours.history} GROUP BY ${sid}`,
      params,
      { maxRows: known.selected.reduce((sum, s) => sum + s.rsids.length, 0) + known.dropped.length + 1 },
    )
    .catch((err) => {
      // More stored series than the index knows: some are new to it.
      if (err instanceof QueryLimitError) return undefined;
      throw err;
    });
  if (!rows) return undefined;
  const history = new Map(rows.map((r) => [r.rsid, r]));
  const dropped = new Set(known.dropped);
  let placed = 0;
  const series: SeriesRow[] = [];
  for (const s of known.selected) {
    const own = s.rsids.filter((rsid) => history.has(rsid));
    placed += own.length;
    if (own.length > 0)
      series.push(
        indexedRow(
          s.lbl,
          own,
          own.map((rsid) => history.get(rsid)!),
        ),
      );
  }
  for (const rsid of history.keys()) if (dropped.has(rsid)) placed++;
  return placed === history.size ? series : undefined;
}

/** The series statement's rows, each labelled (see labelsOf). */
async function seriesRows(
  sql: Sql,
  c: Component,
  q: PromSelect,
  params: Record<string, unknown>,
  hours: HourRows | undefined,
): Promise<SeriesRow[]> {
  const read = await sql.query<SeriesRow>(seriesSql(c, q, params, false, hours), params, limits(q, q.maxSeries + 1));
  return labelsOf(sql, c, q, read, hours);
}

/**
 * The samples of the series and what `visit` gets of them (see eachComponentSeries). With
 * `dropped` (the stored series the index knows that the matchers drop), the series come from the
 * index, without counts: the samples of a series it does not know go aside, and if there are any,
 * nothing is visited and false returned (the caller reads the series statement).
 */
async function readSamples(
  sql: Sql,
  c: Component,
  q: PromSelect,
  params: Record<string, unknown>,
  hours: HourRows | undefined,
  series: SeriesRow[],
  visit: (s: PromSeries) => void,
  reuse: boolean,
  staleMs: number,
  dropped?: readonly string[],
): Promise<boolean> {
  const fromIndex = dropped !== undefined;
  const inRange = series.reduce((sum, s) => sum + num(s.inRange), 0);
  // A derived counter with ids: its series statement reads the hours' sums only, and the
  // samples complete the series (the intervals after the hours: AfterHours; the counts in the
  // hours and the hour holding the start, up to it: HourRuns).
  const afterHours = hours?.labels !== undefined;
  // Each stored series (by key) and array element goes to the rows of its output series; with
  // hours, the rows after them go to a tail of their own, appended once the hours are in.
  const keys = new Map<string, number>();
  const target: (Rows | undefined)[][] = [];
  /** The output series of each stored series (by key). */
  const seriesOf: number[] = [];
  // One allocation for all series (a histogram's 5,000 bucket series each allocating two
  // arrays cost ~12 ms a query, and their collection more).
  const slab = !fromIndex && (!hours || !reuse);
  const allTimes = new Float64Array(slab ? inRange : 0);
  const allValues = new Float64Array(slab ? inRange : 0);
  let offset = 0;
  let largest = 0;
  /** Each series' rows after the hours (with hours), else its rows. */
  const rowsAfter: Rows[] = [];
  const rows = series.map((s, index) => {
    const n = num(s.inRange);
    largest = Math.max(largest, n);
    // (From the index, without counts: rows that grow as they arrive.)
    const r = slab
      ? new Rows(allTimes.subarray(offset, offset + n), allValues.subarray(offset, offset + n))
      : fromIndex && !hours
        ? Rows.ofSize(0)
        : undefined;
    offset += slab ? n : 0;
    rowsAfter[index] = hours ? Rows.ofSize(0) : r!;
    for (const [rsid, i] of s.ids) {
      let k = keys.get(rsid);
      if (k === undefined) {
        k = keys.size + 1;
        keys.set(rsid, k);
        target[k] = [];
        seriesOf[k] = index;
      }
      target[k]![i] = rowsAfter[index]!;
    }
    return r;
  });
  // From the index: the rows of a stored series it does not know (key 0) go to a series of
  // their own after the others, so that they are found; those of one the matchers drop are
  // left out by the statements.
  const unknown = Rows.ofSize(0);
  const unknownSeries = series.length;
  if (fromIndex) {
    target[0] = [unknown];
    seriesOf[0] = unknownSeries;
  }
  let hourRuns: HourRuns | undefined;
  if (inRange > 0 || afterHours || fromIndex) {
    const packing = keys.size + 1;
    const packed = (Math.floor(q.endMs) - Math.floor(q.startMs) + 1) * packing <= Number.MAX_SAFE_INTEGER;
    Object.assign(params, {
      rsids: `[${[...keys.keys(), ...(dropped ?? [])].join(',')}]`,
      keys: `[${[...keys.values(), ...(dropped ?? []).map(() => DROPPED)].join(',')}]`,
      skipped: fromIndex ? DROPPED : 0,
      packing,
    });
    try {
      // Both statements asked at once: one's result is read while the other runs (the rows go
      // to their own places, so the order does not matter). Rows written after the series
      // statement may come too: bounded by the query's samples, not by the count.
      const points = sql.queryNative(samplesSql(c, q, params, packed, hours), params, limits(q, q.maxSamples + 1));
      // One row per stored series and hour of the range.
      const maxRows = keys.size * (Math.ceil((q.endMs - q.startMs) / HOUR_MS) + 1);
      const hourBytes = hours ? sql.queryNative(hourSamplesSql(hours), params, limits(q, maxRows)) : undefined;
      // Whichever fails first is thrown; the other's failure must not go unhandled.
      hourBytes?.catch(() => {});
      const after = afterHours ? new AfterHours(packing) : undefined;
      readRows(await points, target, packed ? Math.floor(q.startMs) : 0, packed ? packing : 0, after);
      const outputs = unknownSeries + (fromIndex ? 1 : 0);
      if (hourBytes) hourRuns = new HourRuns(await hourBytes, q, seriesOf, outputs, afterHours);
      if (after) series = await withAfterHours(sql, c, q, hours!, series, seriesOf, rowsAfter, after, hourRuns!);
    } catch (err) {
      // Over a limit with the rows of series the index does not know among them: the series
      // statement judges the limits.
      if (fromIndex && err instanceof QueryLimitError) return false;
      throw err;
    }
    if (fromIndex) {
      if (unknown.n > 0 || hourRuns?.holds(unknownSeries)) return false;
      series.forEach((s, i) => {
        s.inRange = rowsAfter[i]!.n;
      });
      checkLimits(series, q, hourRuns);
    }
  }
  const buffer = reuse && hours ? Rows.ofSize(largest) : undefined;
  const shapedBuffer = reuse && hours && c.increments ? Rows.ofSize(largest + 2) : undefined;
  series.forEach((s, i) => {
    // (A series that began after the hours has no rows of its own.)
    const r = rows[i] ?? buffer ?? Rows.ofSize(num(s.inRange));
    if (hourRuns) {
      // The hours, then the rows after them (late ones among them put in order when shaped).
      if (r === buffer) r.clear();
      r.increments = c.increments === true;
      hourRuns.pushTo(i, r);
      r.pushRows(rowsAfter[i]!);
    }
    if (afterHours) {
      // The hour holding the range's start, up to it (hourSumsSql leaves it to the samples).
      s.base = num(s.base) + hourRuns!.sumBefore;
      s.lastBefore = Math.max(num(s.lastBefore), hourRuns!.lastBefore);
      // The series statement's HAVING, which it could not apply (see seriesSql).
      if (!(r.n > 0 || s.base !== 0)) return;
    }
    const shaped = c.increments ? accumulate(s, r, c.fill, q, staleMs, shapedBuffer) : values(r);
    if (shaped.t.length > 0)
      visit(new StoredSeries({ __name__: c.name, ...Object.fromEntries(s.lbl) }, shaped.t, shaped.v, shaped.monotonic));
  });
  return true;
}

/** The key of a stored series the index knows whose rows the matchers drop (see samplesSql). */
const DROPPED = 2 ** 32 - 1;

/** `hourRuns`: samples in the range the series do not count (a derived counter's in its hours: hourSumsSql). */
function checkLimits(series: readonly SeriesRow[], q: PromSelect, hourRuns?: HourRuns): void {
  if (series.length > q.maxSeries) throw new QueryLimitError(`query selects more than ${q.maxSeries} series`);
  const counted = series.reduce((sum, s) => sum + num(s.inRange), 0);
  // The hours' whole runs are at least as many samples as they hold in the range, and cheaper to count.
  if (counted + (hourRuns?.samples ?? 0) > q.maxSamples && counted + (hourRuns?.inRange() ?? 0) > q.maxSamples)
    throw new QueryLimitError('query processing would load too many samples into memory in query execution');
}

/**
 * The series with what the samples statement read after the hours (AfterHours): the known
 * series' counts (their rows) and longest intervals; the others labelled (labelsOf, which merges
 * each into a series of the same labels or adds it), their rows put with that series' rows
 * after the hours (`rowsAfter`, extended for the series added).
 */
async function withAfterHours(
  sql: Sql,
  c: Component,
  q: PromSelect,
  hours: HourRows,
  series: SeriesRow[],
  seriesOf: readonly number[],
  rowsAfter: Rows[],
  after: AfterHours,
  /** The samples of the hours (the series do not count them, see hourSumsSql). */
  hourRuns: HourRuns,
): Promise<SeriesRow[]> {
  for (let k = 1; k < after.longest.length; k++) {
    const s = series[seriesOf[k]!]!;
    s.step = Math.max(num(s.step), after.longest[k]!);
  }
  series.forEach((s, i) => {
    s.inRange = num(s.inRange) + rowsAfter[i]!.n;
  });
  if (after.unknown.size === 0) {
    checkLimits(series, q, hourRuns);
    return series;
  }
  const added: SeriesRow[] = [...after.unknown].map(([id, u]) => ({
    lbl: [[UNLABELLED, id]],
    ids: [[id, 0]],
    base: 0,
    lastBefore: 0,
    step: u.longest,
    firstStart: u.firstStart,
    firstEnd: u.firstEnd,
    inRange: u.rows.n,
  }));
  // Every series so far is labelled and its label set its own, so labelsOf keeps them first and
  // in order: a series' index stays its index.
  const merged = await labelsOf(sql, c, q, [...series, ...added], hours);
  checkLimits(merged, q, hourRuns);
  merged.forEach((s, j) => {
    for (const [id] of s.ids) {
      const u = after.unknown.get(id);
      if (!u) continue;
      if (rowsAfter[j]) rowsAfter[j]!.pushRows(u.rows);
      else rowsAfter[j] = u.rows;
    }
  });
  return merged;
}

/**
 * Appends every row to its series' rows (an expanded row's elements each to their own); `packed`
 * unpacks key and time from one column (see samplesSql).
 */
function readRows(
  bytes: Buffer,
  target: (Rows | undefined)[][],
  /** Time and key packed into one number (see samplesSql): the time from, and K; else 0 and 0. */
  startMs: number,
  packing: number,
  after?: AfterHours,
): void {
  const byKey = target.map((elements) => elements[0]);
  for (const columns of readNative(bytes)) {
    const first = columns[0]!.values;
    const n = first.length;
    const packed = packing > 0;
    const valueColumn = packed ? 1 : 2;
    const val = columns[valueColumn]!;
    const values = val.values;
    const ends = val.ends;
    const times = packed ? undefined : columns[1]!.values;
    if (!after && !ends) {
      pushEach(byKey, first, values, times, startMs, packing);
      continue;
    }
    const [len, hi, lo] = after ? columns.slice(valueColumn + 1).map((c) => c.values) : [];
    let from = 0;
    for (let i = 0; i < n; i++) {
      const key = rowKey(first[i]!, packing);
      const time = rowTime(first[i]!, times, i, startMs, packing);
      if (after) {
        if (key === 0) after.addUnknown(hi![i]!, lo![i]!, time, values[i]!, len![i]!);
        else after.add(key, len![i]!);
      }
      if (!ends) {
        byKey[key]?.pushNext(time, values[i]!);
        continue;
      }
      const to = target[key]!;
      // Elements the matchers dropped (e.g. other `le`s) have no rows to go to.
      for (let e = 1; from < ends[i]!; e++, from++) to[e]?.pushNext(time, values[from]!);
    }
  }
}

/**
 * readRows' common case: one value a row, each to its series' rows. A function of its own, whose
 * optimised code depends on typed arrays and Rows only: as a loop inside readRows, its code was
 * thrown away at every other full GC and ran unoptimised (a 24 h dashboard's 88,000 rows after
 * the hours: 11-24 ms, now 6-8; docs/performance.md, PromQL session 21).
 */
function pushEach(
  byKey: readonly (Rows | undefined)[],
  first: NativeValues,
  values: NativeValues,
  times: NativeValues | undefined,
  startMs: number,
  packing: number,
): void {
  for (let i = 0; i < first.length; i++)
    byKey[rowKey(first[i]!, packing)]?.pushNext(rowTime(first[i]!, times, i, startMs, packing), values[i]!);
}

/** A row's stored series (key) from samplesSql's first column: the key, or with `packing` the time and key packed. */
const rowKey = (first: number, packing: number): number =>
  packing > 0 ? first - Math.floor(first / packing) * packing : first;

/** Row i's time: unpacked from the first column (`packing`: the time from startMs), else its own column. */
const rowTime = (
  first: number,
  times: NativeValues | undefined,
  i: number,
  startMs: number,
  packing: number,
): number => (packing > 0 ? startMs + Math.floor(first / packing) : times![i]!);

/** A series the series statement did not know, from its intervals after the hours (AfterHours). */
interface UnknownSeries {
  rows: Rows;
  longest: number;
  firstStart: number;
  firstEnd: number;
}

/**
 * A derived counter with series ids reads the intervals after its hours once, in the samples
 * statement, not also in the series statement (~25 ms of a cold 24 h dashboard's ~75 ms
 * statement): what that statement took from them comes from here. For the series it knows (by
 * key), their longest interval (their first is in their hours, which come before; their count,
 * in their rows); the series it does not (that began after the hours: it reads ids from the
 * hours only) come with their rows, by id. Their values add nothing to the sums before the
 * range: the hours end after the range's start (hourRows).
 */
class AfterHours {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new AfterHours(0);

  /** By key: the longest interval of a known series. */
  readonly longest: Float64Array;
  /** The series not known, by id. */
  readonly unknown = new Map<string, UnknownSeries>();

  /** `keys`: one more than the largest key. */
  constructor(keys: number) {
    this.longest = new Float64Array(keys);
  }

  /** An interval of a known series, `len` long. */
  add(key: number, len: number): void {
    if (len > this.longest[key]!) this.longest[key] = len;
  }

  /** An interval of a series not known, by the two 32-bit halves of its id. */
  addUnknown(hi: number, lo: number, t: number, v: number, len: number): void {
    const id = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
    let u = this.unknown.get(id);
    if (!u) {
      u = { rows: Rows.ofSize(8), longest: 0, firstStart: t - len, firstEnd: t };
      this.unknown.set(id, u);
    }
    u.rows.push(t, v);
    u.longest = Math.max(u.longest, len);
    u.firstStart = Math.min(u.firstStart, t - len);
    u.firstEnd = Math.min(u.firstEnd, t);
  }
}

/** How a run's values are sent (see hourSamplesSql): the column after the times holding them. */
enum Kept {
  None,
  Floats,
  Doubles,
  Ints,
}

/** One block of hourSamplesSql's result, by column. */
interface HourBlock {
  times: Float64Array;
  floats: Float32Array;
  doubles: Float64Array;
  /** The differences, in whichever width each run has them (hourValues.ts). */
  ints: (Int8Array | Int16Array | Int32Array)[];
}

/**
 * hourSamplesSql's rows (runs), each one hour of one stored series, put in order by output
 * series and hour, so that a series' samples are appended in time order (sorting the rows in
 * ClickHouse, arrays and all, cost ~120 ms a day of 1,000 series; here they are counted into
 * their series and hours, as a comparator sort of 24,000 rows cost ~15 ms). Each run's
 * numbers are copied out of the result's columns once, into arrays of one type each: read
 * through the columns, whose arrays are of five types, they cost ~1 us a run.
 */
class HourRuns {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new HourRuns(Buffer.alloc(0), EMPTY_SELECT, [], 0);

  private readonly blocks: HourBlock[] = [];
  private readonly block: Uint32Array;
  private readonly first: Float64Array;
  private readonly step: Float64Array;
  private readonly kept: Uint8Array;
  /** Which of the block's int columns (Kept.Ints). */
  private readonly width: Uint8Array;
  /** The run's values in its column, [from, to); its times (irregular ones) in [timesFrom, timesTo). */
  private readonly from: Float64Array;
  private readonly to: Float64Array;
  private readonly timesFrom: Float64Array;
  private readonly timesTo: Float64Array;
  private readonly firstValue: Float64Array;
  /** Run indexes by output series, then hour. */
  private readonly order: Uint32Array;
  /** Where each output series' runs end in `order` (and the next one's start). */
  private readonly ends: Uint32Array;
  /** The values of a run kept as integers, decoded (where they cannot go straight to the rows). */
  private decoded = new Float64Array(0);
  /** The range, (startMs, endMs] (not read from `q` where it is hot: its hidden class does not last). */
  private readonly startMs: number;
  private readonly endMs: number;

  constructor(
    bytes: Buffer,
    q: PromSelect,
    seriesOf: readonly number[],
    series: number,
    /** Whether pushTo sums the samples before the range (sumBefore). */
    private readonly sumsBefore = false,
  ) {
    this.startMs = q.startMs;
    this.endMs = q.endMs;
    const result = readNative(bytes);
    const runs = result.reduce((sum, b) => sum + b[0]!.values.length, 0);
    this.block = new Uint32Array(runs);
    this.first = new Float64Array(runs);
    this.step = new Float64Array(runs);
    this.kept = new Uint8Array(runs);
    this.width = new Uint8Array(runs);
    this.from = new Float64Array(runs);
    this.to = new Float64Array(runs);
    this.timesFrom = new Float64Array(runs);
    this.timesTo = new Float64Array(runs);
    this.firstValue = new Float64Array(runs);
    const key = new Float64Array(runs);
    let j = 0;
    for (const [b, columns] of result.entries()) {
      const [keys, first, step, times, floats, doubles, vfirst, ...ints] = columns;
      this.blocks.push({
        times: times!.values as Float64Array,
        floats: floats!.values as Float32Array,
        doubles: doubles!.values as Float64Array,
        ints: ints.map((c) => c.values as Int8Array | Int16Array | Int32Array),
      });
      const rows = keys!.values.length;
      this.block.fill(b, j, j + rows);
      key.set(keys!.values, j);
      this.first.set(first!.values, j);
      this.step.set(step!.values, j);
      this.firstValue.set(vfirst!.values, j);
      this.spans(times!.ends!, j, rows, this.timesFrom, this.timesTo, undefined);
      // The values are in one of the columns: floats, doubles or the ints of one width.
      this.spans(floats!.ends!, j, rows, this.from, this.to, Kept.Floats);
      this.spans(doubles!.ends!, j, rows, this.from, this.to, Kept.Doubles);
      for (const [w, c] of ints.entries()) this.spans(c.ends!, j, rows, this.from, this.to, Kept.Ints, w);
      j += rows;
    }
    // An hour holds the times in (start, start + 1 h]: its rows' first times tell it.
    const firstHour = Math.floor(q.startMs / HOUR_MS);
    const hours = Math.max(1, Math.ceil(q.endMs / HOUR_MS) - firstHour + 1);
    const hourOf = (r: number) =>
      Math.min(hours - 1, Math.max(0, Math.floor((this.first[r]! - 1) / HOUR_MS) - firstHour));
    const byHour = countingSort(runs, hours, hourOf, undefined).order;
    const bySeries = countingSort(runs, series, (r) => seriesOf[key[r]!]!, byHour);
    this.order = bySeries.order;
    this.ends = bySeries.ends;
  }

  /** Copies the spans [from, to) of a column's rows out of its end offsets, where they are not empty. */
  private spans(
    ends: Float64Array,
    at: number,
    rows: number,
    from: Float64Array,
    to: Float64Array,
    kept: Kept | undefined,
    width = 0,
  ): void {
    for (let i = 0; i < rows; i++) {
      const start = i > 0 ? ends[i - 1]! : 0;
      if (ends[i]! === start && kept !== undefined) continue;
      from[at + i] = start;
      to[at + i] = ends[i]!;
      if (kept !== undefined) {
        this.kept[at + i] = kept;
        this.width[at + i] = width;
      }
    }
  }

  /**
   * The samples of output series s's runs at or before the range's start (in the hour holding
   * it): their sum and the last one's time (0: none), set by pushTo for its series.
   */
  sumBefore = 0;
  lastBefore = 0;

  /** What clip found: run r's samples in (startMs, endMs] are [k0, k1) of its n. */
  private k0 = 0;
  private k1 = 0;

  /** Finds run r's samples in the range (k0, k1). */
  private clip(r: number): void {
    const { startMs, endMs } = this;
    const n = this.to[r]! - this.from[r]!;
    const first = this.first[r]!;
    const step = this.step[r]!;
    const t0 = this.timesFrom[r]!;
    // A run is in time order: only its ends can fall outside the range.
    let k0: number;
    let k1: number;
    if (this.timesTo[r] === t0) {
      // Regular times (step > 0), sent as the first and the step: the first in range found by
      // arithmetic, then made exact.
      k0 = Math.min(n, Math.max(0, Math.floor((startMs - first) / step)));
      while (k0 > 0 && first + (k0 - 1) * step > startMs) k0--;
      while (k0 < n && first + k0 * step <= startMs) k0++;
      k1 = Math.max(k0, Math.min(n, Math.floor((endMs - first) / step) + 2));
      while (k1 > k0 && first + (k1 - 1) * step > endMs) k1--;
    } else {
      const t = this.blocks[this.block[r]!]!.times;
      k0 = 0;
      k1 = n;
      while (k0 < k1 && t[t0 + k0]! <= startMs) k0++;
      while (k1 > k0 && t[t0 + k1 - 1]! > endMs) k1--;
    }
    this.k0 = k0;
    this.k1 = k1;
  }

  /** Adds run r's samples before k0 (at or before the range's start) to sumBefore and lastBefore. */
  private before(r: number, block: HourBlock, kept: Kept, k0: number): void {
    const v0 = this.from[r]!;
    let sum = 0;
    if (kept === Kept.Ints) {
      const d = block.ints[this.width[r]!]!;
      let x = this.firstValue[r]!;
      sum = x;
      for (let k = 1; k < k0; k++) sum += x += d[v0 + k]!;
    } else {
      const values = kept === Kept.Floats ? block.floats : block.doubles;
      for (let k = 0; k < k0; k++) sum += values[v0 + k]!;
    }
    this.sumBefore += sum;
    const t0 = this.timesFrom[r]!;
    const last = this.timesTo[r] === t0 ? this.first[r]! + (k0 - 1) * this.step[r]! : block.times[t0 + k0 - 1]!;
    if (last > this.lastBefore) this.lastBefore = last;
  }

  /** Whether output series s has runs. */
  holds(s: number): boolean {
    return s < this.ends.length && this.ends[s]! > (s > 0 ? this.ends[s - 1]! : 0);
  }

  /** How many samples the runs hold, in the range or not. */
  get samples(): number {
    let total = 0;
    for (let r = 0; r < this.kept.length; r++) if (this.kept[r] !== Kept.None) total += this.to[r]! - this.from[r]!;
    return total;
  }

  /** How many samples the runs hold in (startMs, endMs]. */
  inRange(): number {
    let total = 0;
    for (let r = 0; r < this.kept.length; r++) {
      if (this.kept[r] === Kept.None) continue;
      this.clip(r);
      total += this.k1 - this.k0;
    }
    return total;
  }

  /** Appends output series s's samples in (startMs, endMs] to `rows`, hour by hour. */
  pushTo(s: number, rows: Rows): void {
    this.sumBefore = 0;
    this.lastBefore = 0;
    // (A series that began after the hours has none.)
    if (s >= this.ends.length) return;
    const { order } = this;
    for (let o = s > 0 ? this.ends[s - 1]! : 0; o < this.ends[s]!; o++) {
      const r = order[o]!;
      const kept = this.kept[r]! as Kept;
      if (kept === Kept.None) continue;
      const block = this.blocks[this.block[r]!]!;
      const v0 = this.from[r]!;
      const first = this.first[r]!;
      const step = this.step[r]!;
      const t0 = this.timesFrom[r]!;
      const regular = this.timesTo[r] === t0;
      const n = this.to[r]! - v0;
      this.clip(r);
      const { k0, k1 } = this;
      if (k0 > 0 && this.sumsBefore) this.before(r, block, kept, k0);
      if (k1 <= k0) continue;
      let values: Float64Array | Float32Array;
      let at = v0;
      if (kept === Kept.Ints) {
        const d = block.ints[this.width[r]!]!;
        // The common case, decoded straight into the rows (or, for the next stored series of the
        // same labels at the same times, added to them): one pass, no copy.
        if (regular && rows.pushRegularInts(d, v0, this.firstValue[r]!, k0, k1, first, step)) continue;
        if (this.decoded.length < n) this.decoded = new Float64Array(Math.max(n, 2 * this.decoded.length));
        values = this.decoded;
        at = 0;
        // Integers below 2^53: the sums are exact.
        let x = this.firstValue[r]!;
        values[0] = x;
        for (let k = 1; k < n; k++) values[k] = x += d[v0 + k]!;
      } else values = kept === Kept.Floats ? block.floats : block.doubles;
      const v = values.subarray(at + k0, at + k1);
      if (regular) rows.pushEvery(first + k0 * step, step, v);
      else rows.pushAt(block.times.subarray(t0 + k0, t0 + k1), v);
    }
  }
}

/**
 * A stable counting sort of items 0..n-1 (in `within`'s order, else their own) by `bucket`
 * (0..buckets-1): the items in order, and the end of each bucket's items in it.
 */
function countingSort(
  n: number,
  buckets: number,
  bucket: (item: number) => number,
  within: Uint32Array | undefined,
): { order: Uint32Array; ends: Uint32Array } {
  const of = new Uint32Array(n);
  const ends = new Uint32Array(buckets);
  for (let j = 0; j < n; j++) {
    of[j] = bucket(j);
    ends[of[j]!]!++;
  }
  for (let b = 1; b < buckets; b++) ends[b]! += ends[b - 1]!;
  // Filled from the back, each bucket from its end down, which keeps the items' order within it.
  const order = new Uint32Array(n);
  const next = ends.slice();
  for (let x = n - 1; x >= 0; x--) {
    const j = within ? within[x]! : x;
    order[--next[of[j]!]!] = j;
  }
  return { order, ends };
}

/** Label sets of one component's series with samples in the range. */
export async function componentLabelSets(sql: Sql, c: Component, q: PromSelect): Promise<Record<string, string>[]> {
  const params: Record<string, unknown> = {};
  const rows = await sql.query<{ lbl: [string, string][] }>(
    seriesSql(c, q, params, true),
    params,
    limits(q, q.maxSeries + 1),
  );
  if (rows.length > q.maxSeries) throw new QueryLimitError(`query selects more than ${q.maxSeries} series`);
  return rows.map((r) => ({ __name__: c.name, ...Object.fromEntries(r.lbl) }));
}

function limits(q: PromSelect, maxRows: number) {
  return { maxRows, maxExecutionSeconds: Math.max(1, Math.ceil(q.timeoutMs / 1000)) };
}

/** Stored cumulative values as they are; a repeated timestamp keeps its last value. */
function values(rows: Rows): { t: Float64Array; v: Float64Array; monotonic?: boolean } {
  // The common case, strictly ascending rows, without copies.
  if (!rows.unordered && !rows.repeated)
    return { t: rows.t.subarray(0, rows.n), v: rows.v.subarray(0, rows.n), monotonic: rows.monotonic };
  const order = rows.order();
  const t = new Float64Array(rows.n);
  const v = new Float64Array(rows.n);
  let n = 0;
  for (let j = 0; j < rows.n; j++) {
    const i = order ? order[j]! : j;
    const tt = rows.t[i]!;
    if (n > 0 && t[n - 1] === tt) v[n - 1] = rows.v[i]!;
    else {
      t[n] = tt;
      v[n++] = rows.v[i]!;
    }
  }
  return { t: t.subarray(0, n), v: v.subarray(0, n) };
}

/**
 * Increments summed into a counter that starts from everything before the range. The derived
 * metrics (`fill`) are shaped as a scrape of /metrics sees them: a new series shows 0 at the
 * start of its first interval, and the value repeats every interval while the series is live
 * (up to `staleMs` after its last data, when /metrics drops it).
 */
function accumulate(
  s: SeriesRow,
  rows: Rows,
  fill: boolean,
  q: PromSelect,
  staleMs: number,
  /** Where to build the samples (a buffer the next series reuses), else new arrays. */
  into?: Rows,
): { t: Float64Array; v: Float64Array; monotonic: boolean } {
  // Typed arrays, grown when repeats add samples: number[] cost ~2x (and its garbage).
  const out = into ?? Rows.ofSize(rows.n + 2);
  out.clear();
  out.room(rows.n + 2);
  const push = (tt: number, vv: number) => {
    if (tt <= q.startMs || tt > q.endMs) return;
    const last = out.n - 1;
    if (last >= 0 && out.t[last]! >= tt) {
      if (out.t[last] === tt) out.v[last] = vv;
      return;
    }
    out.push(tt, vv);
  };
  const interval = num(s.step);
  const until = Math.min(q.endMs, q.nowMs);
  /** The repeated samples after `from`, before `next`. */
  const repeat = (from: number, next: number, value: number) => {
    const last = Math.min(next - 1, until, staleMs > 0 ? from + staleMs : Number.POSITIVE_INFINITY);
    for (let k = Math.max(1, Math.ceil((q.startMs - from) / interval)); from + k * interval <= last; k++)
      push(from + k * interval, value);
  };
  // Only a gap of more than an interval repeats the value before it (rarely: intervals follow each other).
  const repeats = fill && interval > 0;
  let total = num(s.base);
  // A number and a flag, not number | undefined: a variable of both kinds boxes every number put in it.
  let seen = num(s.lastBefore) > 0;
  let prevT = seen ? num(s.lastBefore) : 0;
  const firstStart = num(s.firstStart);
  const firstEnd = num(s.firstEnd);
  const order = rows.order();
  const { t, v } = rows;
  // The samples are running totals (and a 0 before the first, and repeats): they never decrease
  // when nothing added is below 0, nor the total before the range.
  let negative = total < 0;
  for (let j = 0; j < rows.n; j++) {
    const i = order ? order[j]! : j;
    const tt = t[i]!;
    if (seen) {
      if (repeats && tt - prevT > interval) repeat(prevT, tt, total);
    } else if (fill && tt === firstEnd) push(firstStart, 0);
    if (v[i]! < 0) negative = true;
    total += v[i]!;
    prevT = tt;
    seen = true;
    // push(tt, total), written out for the common row (in the room made above, unless repeats took it).
    if (tt <= q.startMs || tt > q.endMs) continue;
    const n = out.n;
    const ot = out.t;
    if (n > 0 && ot[n - 1]! >= tt) {
      if (ot[n - 1] === tt) out.v[n - 1] = total;
    } else if (n < ot.length) {
      ot[n] = tt;
      out.v[n] = total;
      out.n = n + 1;
    } else out.push(tt, total);
  }
  if (seen && repeats) repeat(prevT, Number.POSITIVE_INFINITY, total);
  return { t: out.t.subarray(0, out.n), v: out.v.subarray(0, out.n), monotonic: !negative };
}
