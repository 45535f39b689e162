// The telemetry contract's checks as SQL over stored telemetry (one bounded GROUP BY per rule),
// so checking the contract costs nothing on the ingest path. The server runs them periodically.
import type { QueryLimits, QueryParams, Sql } from '../client';
import { metricTables } from '../schema/tables';
import { tenantKey } from '../tenant';

/** The rules' settings (`contract.*`). */
export interface ContractRules {
  /** Resource attributes every span must carry. */
  requiredResourceAttributes: string[];
  /** The attribute that must be on server spans and on logs. */
  correlationAttribute: string;
  /** Distinct values of one metric attribute, or span names of one service, above which it is a violation. */
  maxDistinctValues: number;
  /** What redaction writes in place of a secret (`redaction.replacement`). */
  redactionReplacement: string;
}

export interface ContractWindow {
  tenant: string;
  /** Unix seconds. */
  start: number;
  end: number;
}

/** One rule broken by one service, with the time range it was seen in and a few examples. */
export interface ContractFinding {
  service: string;
  rule: string;
  detail: string;
  /** Unix nanoseconds, decimal strings. */
  firstSeen: string;
  lastSeen: string;
  /** Trace ids where there are some, else the offending values (names, attribute keys). */
  examples: string[];
  /** How many spans, log records or distinct values break it in the window. */
  count: number;
}

const LIMITS: QueryLimits = { maxExecutionSeconds: 30, maxMemoryBytes: 512 * 1024 ** 2 };
const EXAMPLES = 3;
const SEEN = (column: string) =>
  `toString(toUnixTimestamp64Nano(toDateTime64(min(${column}), 9))) AS firstSeen, toString(toUnixTimestamp64Nano(toDateTime64(max(${column}), 9))) AS lastSeen`;
const WINDOW = (column: string) =>
  `Tenant = {tenant:String} AND ${column} >= toDateTime({start:Int64}) AND ${column} <= toDateTime({end:Int64})`;

interface Row {
  service: string;
  firstSeen: string;
  lastSeen: string;
  examples: string[];
  n: string;
}

export async function contractFindings(
  sql: Sql,
  window: ContractWindow,
  rules: ContractRules,
): Promise<ContractFinding[]> {
  const params: QueryParams = {
    tenant: tenantKey(window.tenant),
    start: Math.floor(window.start),
    end: Math.ceil(window.end),
    required: rules.requiredResourceAttributes,
    correlation: rules.correlationAttribute,
    max: rules.maxDistinctValues,
    replacement: rules.redactionReplacement,
  };
  const run = <T extends Row>(statement: string) => sql.query<T>(statement, params, LIMITS);
  const findings: ContractFinding[] = [];
  const add = <T extends Row>(rows: T[], rule: string, detail: (row: T) => string) => {
    for (const row of rows) {
      const { service, firstSeen, lastSeen, examples, n } = row;
      findings.push({ service, rule, detail: detail(row), firstSeen, lastSeen, examples, count: Number(n) });
    }
  };

  if (rules.requiredResourceAttributes.length > 0) {
    const rows = await run<Row & { key: string }>(`
      SELECT ServiceName AS service, key, ${SEEN('Timestamp')},
        groupUniqArray(${EXAMPLES})(TraceId) AS examples, toString(count()) AS n
      FROM spans_recent ARRAY JOIN {required:Array(String)} AS key
      WHERE ${WINDOW('Timestamp')} AND NOT mapContains(ResourceAttributes, key)
      GROUP BY service, key ORDER BY service, key`);
    add(rows, 'required-resource-attributes', (r) => `resource attribute ${r.key} is missing`);
  }

  if (rules.correlationAttribute !== '') {
    add(
      await run(`
        SELECT ServiceName AS service, ${SEEN('Timestamp')},
          groupUniqArray(${EXAMPLES})(TraceId) AS examples, toString(count()) AS n
        FROM spans_recent
        WHERE ${WINDOW('Timestamp')} AND SpanKind = 'Server' AND NOT mapContains(SpanAttributes, {correlation:String})
        GROUP BY service ORDER BY service`),
      'correlation-id',
      (r) => `${r.n} server spans without ${rules.correlationAttribute}`,
    );
    add(
      await run(`
        SELECT ServiceName AS service, ${SEEN('Timestamp')},
          groupUniqArrayIf(${EXAMPLES})(TraceId, TraceId != '') AS examples, toString(count()) AS n
        FROM logs
        WHERE ${WINDOW('TimestampTime')} AND NOT mapContains(LogAttributes, {correlation:String})
        GROUP BY service ORDER BY service`),
      'correlation-id',
      (r) => `${r.n} log records without ${rules.correlationAttribute}`,
    );
    // A log with the request's correlation id or route belongs to a request, so it should
    // carry that request's trace and span ids.
    add(
      await run(`
        SELECT ServiceName AS service, ${SEEN('TimestampTime')},
          groupUniqArray(${EXAMPLES})(substring(Body, 1, 120)) AS examples, toString(count()) AS n
        FROM logs
        WHERE ${WINDOW('TimestampTime')} AND (TraceId = '' OR SpanId = '')
          AND (mapContains(LogAttributes, {correlation:String}) OR mapContains(LogAttributes, 'http.route'))
        GROUP BY service ORDER BY service`),
      'log-trace-context',
      (r) => `${r.n} log records within a request have no trace and span ids`,
    );
  }

  const metricUnion = (columns: string) =>
    Object.entries(metricTables)
      .map(
        ([type, table]) =>
          `SELECT '${type}' AS type, ${columns.replace('{monotonic}', type === 'sum' ? 'IsMonotonic' : 'false')} FROM ${table.name} WHERE ${WINDOW('TimeUnix')}`,
      )
      .join(' UNION ALL ');
  const metrics = await run<Row & { type: string; name: string; unit: string; monotonic: boolean }>(`
    SELECT service, type, name, unit, monotonic, min(seen) AS firstSeenTime, max(seen) AS lastSeenTime,
      toString(toUnixTimestamp64Nano(toDateTime64(firstSeenTime, 9))) AS firstSeen,
      toString(toUnixTimestamp64Nano(toDateTime64(lastSeenTime, 9))) AS lastSeen,
      [name] AS examples, toString(sum(points)) AS n
    FROM (${metricUnion('ServiceName AS service, MetricName AS name, MetricUnit AS unit, {monotonic} AS monotonic, TimeUnix AS seen, 1 AS points')})
    GROUP BY service, type, name, unit, monotonic ORDER BY service, name`);
  for (const m of metrics) {
    const counterLike = /[._]total$/.test(m.name);
    const counter = m.type === 'sum' && m.monotonic;
    if (counterLike && !counter) {
      add([m], 'metric-naming', () => `${m.name} is named like a counter (_total) but is a ${m.type}`);
    }
    if (counter && /[._](count|counter)$/.test(m.name)) {
      add(
        [m],
        'metric-naming',
        () => `counter ${m.name}: name counters for what they count; _total is added in Prometheus form`,
      );
    }
    if (m.unit === 'ms' || /[._](ms|millis|milliseconds)$/.test(m.name)) {
      add([m], 'metric-units', () => `${m.name} is in milliseconds (unit "${m.unit}"); durations are in seconds`);
    } else if (/duration|latency/.test(m.name) && m.type === 'histogram' && m.unit !== 's') {
      add([m], 'metric-units', () => `duration ${m.name} has unit "${m.unit}"; durations are in seconds`);
    }
  }

  add(
    await run<Row & { name: string; key: string }>(`
      SELECT service, name, key, toString(uniqExact(value)) AS n,
        ${SEEN('seen')}, groupUniqArray(${EXAMPLES})(value) AS examples
      FROM (${metricUnion('ServiceName AS service, MetricName AS name, TimeUnix AS seen, Attributes')})
        ARRAY JOIN mapKeys(Attributes) AS key, mapValues(Attributes) AS value
      GROUP BY service, name, key HAVING uniqExact(value) > {max:Int64}
      ORDER BY service, name, key`),
    'high-cardinality',
    (r) => `metric ${r.name} label ${r.key} has ${r.n} distinct values (more than ${rules.maxDistinctValues})`,
  );
  add(
    await run(`
      SELECT ServiceName AS service, toString(uniqExact(SpanName)) AS n, ${SEEN('Timestamp')},
        groupUniqArray(${EXAMPLES})(toString(SpanName)) AS examples
      FROM spans_recent WHERE ${WINDOW('Timestamp')}
      GROUP BY service HAVING uniqExact(SpanName) > {max:Int64} ORDER BY service`),
    'high-cardinality',
    (r) => `span name (a span-metrics dimension) has ${r.n} distinct values (more than ${rules.maxDistinctValues})`,
  );

  const redacted = (map: string) =>
    `arrayFilter((k, v) -> position(v, {replacement:String}) > 0, mapKeys(${map}), mapValues(${map}))`;
  add(
    await run(`
      SELECT service, ${SEEN('seen')}, groupUniqArray(${EXAMPLES})(key) AS examples, toString(count()) AS n
      FROM (
        SELECT ServiceName AS service, Timestamp AS seen, ${redacted('SpanAttributes')} AS keys
        FROM spans_recent WHERE ${WINDOW('Timestamp')}
        UNION ALL
        SELECT ServiceName, TimestampTime, arrayConcat(${redacted('LogAttributes')},
          if(position(Body, {replacement:String}) > 0, ['body'], []))
        FROM logs WHERE ${WINDOW('TimestampTime')}
      ) ARRAY JOIN keys AS key
      GROUP BY service ORDER BY service`),
    'secrets-redacted',
    (r) => `${r.n} secret values were sent and redacted at ingest`,
  );
  return findings;
}
