import type { Sql } from '../client';
import { tenantKey } from '../tenant';
import { recordedSeriesTtlSql } from './tables';

/** An alert as stored: its rule, label set and state-machine times (Unix ms, 0 = never). */
export interface StoredAlert {
  ruleKey: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  value: number;
  activeAtMs: number;
  firedAtMs: number;
  resolvedAtMs: number;
  keepFiringSinceMs: number;
}

export interface RecordedRow {
  metric: string;
  labels: Record<string, string>;
  value: number;
  timeMs: number;
}

export interface LabelMatcher {
  name: string;
  type: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface RecordedSelect {
  tenant: string;
  matchers: readonly LabelMatcher[];
  /** Samples with startMs < t <= endMs. */
  startMs: number;
  endMs: number;
  maxSeries: number;
  maxSamples: number;
}

export interface RecordedSeries {
  labels: Record<string, string>;
  t: Float64Array;
  v: Float64Array;
}

const ALERT_LIMIT = 100_000;

/** Alert state and recorded series; every value is a bound parameter. */
export class AlertingStore {
  /** Versions only grow within a process, and start from the wall clock in microseconds. */
  private version = 0;

  constructor(private readonly sql: Sql) {}

  async applyRetention(metricsSeconds: number): Promise<void> {
    await this.sql.command(recordedSeriesTtlSql(metricsSeconds));
  }

  private nextVersion(): number {
    this.version = Math.max(this.version + 1, Date.now() * 1000);
    return this.version;
  }

  async loadAlerts(tenant: string): Promise<StoredAlert[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT RuleKey, Fingerprint, Labels, Annotations, State, Value, ActiveAtMs, FiredAtMs, ResolvedAtMs, KeepFiringSinceMs
FROM alert_state FINAL WHERE Tenant = {tenant:String} AND Deleted = 0 LIMIT ${ALERT_LIMIT}`,
      { tenant: tenantKey(tenant) },
      { maxRows: ALERT_LIMIT },
    );
    return rows.map((r) => ({
      ruleKey: String(r.RuleKey),
      fingerprint: String(r.Fingerprint),
      labels: r.Labels as Record<string, string>,
      annotations: r.Annotations as Record<string, string>,
      state: String(r.State),
      value: Number(r.Value),
      activeAtMs: Number(r.ActiveAtMs),
      firedAtMs: Number(r.FiredAtMs),
      resolvedAtMs: Number(r.ResolvedAtMs),
      keepFiringSinceMs: Number(r.KeepFiringSinceMs),
    }));
  }

  /** Writes changed alerts and marks gone ones deleted, in one insert. */
  async saveAlerts(
    tenant: string,
    upserted: readonly StoredAlert[],
    removed: readonly { ruleKey: string; fingerprint: string }[],
  ): Promise<void> {
    if (upserted.length === 0 && removed.length === 0) return;
    const t = tenantKey(tenant);
    const rows = [
      ...upserted.map((a) => ({
        Tenant: t,
        RuleKey: a.ruleKey,
        Fingerprint: a.fingerprint,
        Labels: a.labels,
        Annotations: a.annotations,
        State: a.state,
        // NaN and infinities are not JSON; the value is informational once stored.
        Value: Number.isFinite(a.value) ? a.value : 0,
        ActiveAtMs: a.activeAtMs,
        FiredAtMs: a.firedAtMs,
        ResolvedAtMs: a.resolvedAtMs,
        KeepFiringSinceMs: a.keepFiringSinceMs,
        Version: this.nextVersion(),
        Deleted: 0,
      })),
      ...removed.map((r) => ({
        Tenant: t,
        RuleKey: r.ruleKey,
        Fingerprint: r.fingerprint,
        Labels: {},
        Annotations: {},
        State: '',
        Value: 0,
        ActiveAtMs: 0,
        FiredAtMs: 0,
        ResolvedAtMs: 0,
        KeepFiringSinceMs: 0,
        Version: this.nextVersion(),
        Deleted: 1,
      })),
    ];
    await this.sql.insertJsonEachRow('alert_state', rows.map((r) => JSON.stringify(r)).join('\n'));
  }

  async writeRecorded(tenant: string, rows: readonly RecordedRow[]): Promise<void> {
    if (rows.length === 0) return;
    const t = tenantKey(tenant);
    const body = rows
      .map((r) =>
        JSON.stringify({
          Tenant: t,
          MetricName: r.metric,
          SeriesKey: seriesKey(r.labels),
          Labels: r.labels,
          // A Unix-seconds string: read the same whatever the server's time zone.
          TimeUnix: (r.timeMs / 1000).toFixed(3),
          // JSON has no NaN: ClickHouse reads the string form of special floats.
          Value: Number.isFinite(r.value) ? r.value : String(r.value).replace('Infinity', 'inf'),
        }),
      )
      .join('\n');
    await this.sql.insertJsonEachRow('recorded_series', body);
  }

  /** The recorded series the matchers select (`__name__` is the metric name), samples in (start, end]. */
  async selectRecorded(q: RecordedSelect): Promise<RecordedSeries[]> {
    const where = [
      'Tenant = {tenant:String}',
      'TimeUnix > fromUnixTimestamp64Milli({startMs:Int64})',
      'TimeUnix <= fromUnixTimestamp64Milli({endMs:Int64})',
    ];
    const params: Record<string, unknown> = { tenant: tenantKey(q.tenant), startMs: q.startMs, endMs: q.endMs };
    q.matchers.forEach((m, i) => {
      const column = m.name === '__name__' ? 'MetricName' : `Labels[{k${i}:String}]`;
      if (m.name !== '__name__') params[`k${i}`] = m.name;
      params[`v${i}`] = m.type === '=~' || m.type === '!~' ? `^(?:${m.value})$` : m.value;
      const value = `{v${i}:String}`;
      where.push(
        m.type === '='
          ? `${column} = ${value}`
          : m.type === '!='
            ? `${column} != ${value}`
            : `${m.type === '!~' ? 'NOT ' : ''}match(${column}, ${value})`,
      );
    });
    const rows = await this.sql.query<{
      MetricName: string;
      Labels: Record<string, string>;
      points: [number | string, number | string][];
    }>(
      `SELECT MetricName, any(Labels) AS Labels,
  arraySort(x -> x.1, groupArray((toUnixTimestamp64Milli(TimeUnix), Value))) AS points
FROM recorded_series
WHERE ${where.join(' AND ')}
GROUP BY MetricName, SeriesKey
LIMIT {limit:UInt32}`,
      { ...params, limit: q.maxSeries + 1 },
      { maxRows: q.maxSeries + 1 },
    );
    if (rows.length > q.maxSeries) throw new Error(`query selects more than ${q.maxSeries} series`);
    let samples = 0;
    return rows.map((r) => {
      samples += r.points.length;
      if (samples > q.maxSamples) throw new Error(`query would hold more than ${q.maxSamples} samples`);
      return {
        labels: { ...r.Labels, __name__: r.MetricName },
        t: Float64Array.from(r.points, (p) => Number(p[0])),
        v: Float64Array.from(r.points, (p) => Number(p[1])),
      };
    });
  }
}

const seriesKey = (labels: Record<string, string>): string =>
  JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
