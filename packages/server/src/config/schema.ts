import { parseRules } from '@tracehouse/sampling';
import { MAX_INTERVAL_MS } from '@tracehouse/store';
import { parseForwardHeaders, parseTenantHeader } from '../forward/headers';
import { parseTenantRates } from '../ingest/quota';
import { parseBytes, parseDuration } from './units';

/** How a configuration value is written and parsed. */
type Kind =
  | 'string'
  | 'port'
  | 'int'
  | 'bool'
  | 'duration'
  | 'bytes'
  | 'percent'
  | 'samplingRules'
  | 'headers'
  | 'headerName'
  | 'tenantRates'
  | 'slos';

interface KeyDef {
  kind: Kind;
  default: string | number | boolean;
  doc: string;
  /** The value may hold a credential: error messages never repeat it. */
  secret?: true;
  /** Durations: the longest accepted (ms). */
  max?: number;
}

/**
 * Every configuration key, its default and meaning. docs/configuration.md is the
 * reader's copy of this table; keep them together.
 */
export const configKeys = {
  'server.host': { kind: 'string', default: '127.0.0.1', doc: 'interface the UI/API and OTLP listeners bind to' },
  'server.port': { kind: 'port', default: 3200, doc: 'UI + API port' },
  'server.headersTimeout': {
    kind: 'duration',
    default: 10_000,
    doc: "time to receive a request's headers on the HTTP listeners (API/UI, OTLP/HTTP)",
  },
  'server.requestTimeout': {
    kind: 'duration',
    default: 60_000,
    doc: 'time to receive a whole request, body included (HTTP listeners; the gRPC go-away grace)',
  },
  'server.idleTimeout': {
    kind: 'duration',
    default: 65_000,
    doc: 'an idle keep-alive connection is closed after this',
  },
  'server.maxConnections': {
    kind: 'int',
    default: 4096,
    doc: 'open connections across all listeners; more are closed at accept',
  },
  'server.maxConnectionsPerAddress': {
    kind: 'int',
    default: 512,
    doc: 'open connections from one client address across all listeners',
  },
  'otlp.httpPort': { kind: 'port', default: 4318, doc: 'OTLP/HTTP port' },
  'otlp.grpcPort': { kind: 'port', default: 4317, doc: 'OTLP/gRPC port' },
  'otlp.grpcMaxConcurrentStreams': {
    kind: 'int',
    default: 32,
    doc: 'gRPC calls in flight on one connection',
  },
  'otlp.grpcMaxConnectionAge': {
    kind: 'duration',
    default: 600_000,
    doc: 'a gRPC connection is asked to reconnect after this; server.requestTimeout later it is closed',
  },
  'storage.dataDir': { kind: 'string', default: './data', doc: 'embedded store directory' },
  'storage.clickhouseUrl': { kind: 'string', default: '', doc: 'ClickHouse server URL; empty = embedded chDB' },
  'ingest.maxBodyBytes': {
    kind: 'bytes',
    default: 16 * 1024 ** 2,
    doc: 'request body limit after decompression (413)',
  },
  'ingest.maxInflightBytes': {
    kind: 'bytes',
    default: 256 * 1024 ** 2,
    doc: 'request bodies held at once (429 past it)',
  },
  'ingest.maxQueuedBytes': {
    kind: 'bytes',
    default: 128 * 1024 ** 2,
    doc: 'serialised rows waiting per table (429 past it)',
  },
  'ingest.tenantRateBytes': {
    kind: 'bytes',
    default: 0,
    doc: 'per-tenant ingest rate in bytes/s of request bodies, all signals (429 past it); 0 = no limit',
  },
  'ingest.tenantBurstBytes': {
    kind: 'bytes',
    default: 0,
    doc: 'bytes a tenant may send at once after being idle; 0 = twice ingest.tenantRateBytes',
  },
  'ingest.tenantRateOverrides': {
    kind: 'tenantRates',
    default: '',
    doc: 'per-tenant rates instead of ingest.tenantRateBytes, tenant=rate,… (0 = unlimited); burst twice the rate',
  },
  'ingest.maxClockSkew': {
    kind: 'duration',
    default: 3_600_000,
    doc: 'records dated further ahead than this are rejected (partial success); older than their retention too',
  },
  'ingest.batchRows': { kind: 'int', default: 5000, doc: 'without the journal: insert once this many rows wait' },
  'ingest.flushInterval': {
    kind: 'duration',
    default: 200,
    doc: 'without the journal: or once the oldest row waited this long',
  },
  'ingest.journal': {
    kind: 'bool',
    default: true,
    doc: 'embedded store: acknowledge rows once in the write-ahead journal (<dataDir>/journal), insert them in one batch per ingest.journalInterval; ignored with storage.clickhouseUrl',
  },
  'ingest.journalInterval': {
    kind: 'duration',
    default: 1000,
    doc: 'how long rows wait in the journal before their insert (at most ingest.maxInsertRows rows); reads see them at once',
  },
  'ingest.maxInsertRows': { kind: 'int', default: 100_000, doc: 'largest single insert' },
  'retention.spansRecent': { kind: 'duration', default: 3_600_000, doc: 'all spans, full fidelity' },
  'retention.spans': { kind: 'duration', default: 14 * 86_400_000, doc: 'kept traces' },
  'retention.logs': { kind: 'duration', default: 30 * 86_400_000, doc: 'log records' },
  'retention.metrics': { kind: 'duration', default: 30 * 86_400_000, doc: 'metric data points' },
  'sampling.enabled': { kind: 'bool', default: true, doc: 'tail sampling: decide traces, copy kept ones to spans' },
  'sampling.decisionWait': { kind: 'duration', default: 30_000, doc: 'decide a trace when no span arrived this long' },
  'sampling.rootGrace': {
    kind: 'duration',
    default: 2000,
    doc: 'once the root span arrived, decide when no span arrived this long',
  },
  'sampling.latencyThreshold': { kind: 'duration', default: 1000, doc: 'a trace with a span this long is kept' },
  'sampling.baselinePercent': { kind: 'percent', default: 5, doc: 'share of the remaining traces kept, by trace id' },
  'sampling.maxSpans': { kind: 'int', default: 32_000, doc: 'decide at once past this many spans' },
  'sampling.rules': {
    kind: 'samplingRules',
    default: '',
    doc: 'ordered rules before the defaults (YAML list or JSON; docs/sampling.md)',
  },
  'forward.otlpEndpoint': {
    kind: 'string',
    default: '',
    doc: 'gateway mode: also export kept traces to this OTLP/HTTP base URL',
  },
  'forward.headers': {
    kind: 'headers',
    default: '',
    doc: 'headers on every forward request, name=value,… as in OTEL_EXPORTER_OTLP_HEADERS',
    secret: true,
  },
  'forward.tenantHeader': {
    kind: 'headerName',
    default: '',
    doc: "one request per tenant, carrying the tenant's name in this header (e.g. X-Scope-OrgID)",
  },
  'search.tagSampleRate': {
    kind: 'int',
    default: 16,
    doc: 'one span in this many feeds tag autocomplete (1 = every span; costs ingest throughput)',
  },
  'query.maxTraceSpans': {
    kind: 'int',
    default: 10_000,
    doc: 'spans in one trace-by-id response; the total is stated and the rest read with offset',
  },
  'query.maxConcurrentTraceReads': {
    kind: 'int',
    default: 4,
    doc: 'trace-by-id reads (query and response) at once; up to 64 more wait, past that 503',
  },
  'query.traceCacheSpans': {
    kind: 'int',
    default: 20_000,
    doc: 'spans of settled traces (kept, out of the recent window) held in memory for trace by id; 0 = off',
  },
  'query.traceCacheTtl': {
    kind: 'duration',
    default: 600_000,
    doc: 'how long a cached trace, decision or finished RED interval is served at most (retention may delete it meanwhile)',
  },
  'query.decisionCacheSize': {
    kind: 'int',
    default: 100_000,
    doc: 'sampling decisions (keep/drop, which never change) held in memory; 0 = off',
  },
  'query.redCacheCells': {
    kind: 'int',
    default: 100_000,
    doc: 'RED cells (a series at a step) of finished span-metric intervals held in memory for /api/v1/red; 0 = off',
  },
  'query.tagCacheTtl': {
    kind: 'duration',
    default: 10_000,
    doc: 'how long tag names and values (autocomplete) are served from memory; 0 = not cached',
  },
  'processor.interval': {
    kind: 'duration',
    default: 1000,
    doc: 'how often the background processors (sampling, derived metrics) run',
  },
  'contract.enabled': { kind: 'bool', default: true, doc: 'check the telemetry contract (GET /api/v1/contract)' },
  'contract.interval': { kind: 'duration', default: 60_000, doc: 'how often the contract report is recomputed' },
  'contract.window': { kind: 'duration', default: 3_600_000, doc: 'the stored telemetry each report looks at' },
  'contract.requiredResourceAttributes': {
    kind: 'string',
    default: 'service.name,service.version,deployment.environment.name',
    doc: 'resource attributes every span must carry (comma separated)',
  },
  'contract.correlationAttribute': {
    kind: 'string',
    default: 'correlation_id',
    doc: 'attribute required on server spans and logs (empty = not checked)',
  },
  'contract.maxDistinctValues': {
    kind: 'int',
    default: 100,
    doc: 'distinct values of a metric label, or span names of a service, above which they are high-cardinality',
  },
  'promql.timeout': {
    kind: 'duration',
    default: 120_000,
    doc: "longest a PromQL query may run (a request's `timeout` may only shorten it)",
  },
  'promql.maxSamples': {
    kind: 'int',
    default: 50_000_000,
    doc: 'samples one PromQL query may hold in memory (read and computed)',
  },
  'promql.maxSeries': {
    kind: 'int',
    default: 100_000,
    doc: 'series one PromQL selector (or /series request) may select',
  },
  'promql.lookbackDelta': {
    kind: 'duration',
    default: 300_000,
    doc: 'how far back a PromQL instant selector looks for a sample',
  },
  'promql.resultsCacheSize': {
    kind: 'bytes',
    default: 64 * 1024 ** 2,
    doc: 'bytes of PromQL range results kept between requests, so a refreshed dashboard evaluates only its new steps (0: off)',
  },
  'promql.resultsCacheFreshness': {
    kind: 'duration',
    default: 600_000,
    doc: 'steps of a PromQL range result newer than this are never kept (samples may still arrive for them)',
  },
  'derived.enabled': { kind: 'bool', default: true, doc: 'compute span metrics and the service graph' },
  'derived.interval': {
    kind: 'duration',
    default: 15_000,
    // PromQL finds the hourly sums' intervals through their start (store/src/schema/derivedHourly.ts).
    max: MAX_INTERVAL_MS,
    doc: 'one interval of the derived metrics (stored rows, finest API step, exemplars; at most 1h)',
  },
  'derived.lag': {
    kind: 'duration',
    default: 5000,
    doc: 'an interval is computed this long after it ends, so inserts in flight land first',
  },
  'derived.dimensions': {
    kind: 'string',
    default: '',
    doc: 'extra span-metric labels from resource/span attributes, comma separated',
  },
  'derived.staleAfter': {
    kind: 'duration',
    default: 15 * 60_000,
    doc: 'a derived series with no data this long leaves /metrics (0 = never)',
  },
  'derived.remoteWriteUrl': {
    kind: 'string',
    default: '',
    doc: 'push the derived metrics with exemplars to this Prometheus remote-write URL every interval',
  },
  'derived.cardinalityLimit': {
    kind: 'int',
    default: 2000,
    doc: 'label sets per derived metric and tenant; new ones past it fold into otel_metric_overflow="true"',
  },
  'auth.allowAnonymous': {
    kind: 'bool',
    default: false,
    doc: 'turn access control off (local development; refused unless server.host is loopback)',
  },
  'auth.adminToken': {
    kind: 'string',
    default: '',
    doc: 'an admin API token (also TRACEHOUSE_ADMIN_TOKEN); >= 16 chars',
  },
  'auth.publicMetrics': { kind: 'bool', default: false, doc: 'serve /metrics without a token' },
  'auth.sessionTtl': { kind: 'duration', default: 12 * 3_600_000, doc: 'browser session lifetime' },
  'auth.loginMaxFailures': {
    kind: 'int',
    default: 5,
    doc: 'failed logins per client address, and per username from one address...',
  },
  'auth.loginWindow': {
    kind: 'duration',
    default: 15 * 60_000,
    doc: '...within this window before logins are refused',
  },
  'redaction.enabled': { kind: 'bool', default: true, doc: 'redact secrets at ingest, before anything is written' },
  'redaction.disabledRules': { kind: 'string', default: '', doc: 'comma-separated built-in rules to turn off' },
  'redaction.keyPattern': {
    kind: 'string',
    default: '',
    doc: 'extra regex: attributes whose key matches are redacted',
  },
  'redaction.valuePattern': { kind: 'string', default: '', doc: 'extra regex: matching parts of values are redacted' },
  'redaction.replacement': { kind: 'string', default: '[REDACTED]', doc: 'what a redacted value becomes' },
  'alerting.ruleFiles': {
    kind: 'string',
    default: '',
    doc: 'Prometheus rule files evaluated by tracehouse: paths or globs, comma separated',
  },
  'alerting.evaluationInterval': { kind: 'duration', default: 15_000, doc: 'default rule-group interval' },
  'alerting.alertmanagerUrl': {
    kind: 'string',
    default: '',
    doc: 'Alertmanager base URL(s), comma separated; alerts are posted to its v2 API',
    secret: true,
  },
  'alerting.webhookUrl': {
    kind: 'string',
    default: '',
    doc: "URL(s) that receive alerts as Alertmanager's webhook JSON (POST), comma separated; for users without Alertmanager",
    secret: true,
  },
  'alerting.externalUrl': {
    kind: 'string',
    default: '',
    doc: 'base URL put into alert links (generatorURL, trace links); default: the API URL',
  },
  'alerting.resendDelay': {
    kind: 'duration',
    default: 60_000,
    doc: 'a firing alert is sent again this often (Prometheus: --rules.alert.resend-delay)',
  },
  slos: {
    kind: 'slos',
    default: '',
    doc: 'SLOs (YAML list, or JSON with --set): name, service, spanName or filter, objective, window, latencyThreshold',
  },
  'tls.certFile': { kind: 'string', default: '', doc: 'PEM certificate (chain): serve API/UI and OTLP over TLS' },
  'tls.keyFile': { kind: 'string', default: '', doc: 'PEM private key for tls.certFile' },
} satisfies Record<string, KeyDef>;

export type ConfigKey = keyof typeof configKeys;
export type ConfigValue<K extends ConfigKey> = (typeof configKeys)[K]['default'] extends number
  ? number
  : (typeof configKeys)[K]['default'] extends boolean
    ? boolean
    : string;
export type Config = { [K in ConfigKey]: ConfigValue<K> };

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(configKeys, key);
}

/** Parses one value for a key; throws with the key name on a bad value. */
export function parseValue(key: ConfigKey, raw: unknown): string | number | boolean {
  const def: KeyDef = configKeys[key];
  try {
    switch (def.kind) {
      case 'string':
        if (typeof raw === 'object') throw new Error('expected a string');
        return String(raw);
      case 'duration': {
        const ms = parseDuration(raw as string | number);
        if (def.max !== undefined && ms > def.max) throw new Error(`at most ${def.max / 1000}s`);
        return ms;
      }
      case 'bytes':
        return parseBytes(raw as string | number);
      case 'bool':
        if (raw === true || raw === 'true' || raw === '1') return true;
        if (raw === false || raw === 'false' || raw === '0') return false;
        throw new Error('expected true or false');
      case 'percent': {
        const n = Number(raw);
        if (raw === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new Error('expected a number 0..100');
        return n;
      }
      case 'headers':
        if (typeof raw !== 'string') throw new Error('expected name=value,…');
        parseForwardHeaders(raw);
        return raw;
      case 'headerName':
        if (typeof raw !== 'string') throw new Error('expected a header name');
        return parseTenantHeader(raw);
      case 'tenantRates':
        if (typeof raw !== 'string') throw new Error('expected tenant=rate,…');
        parseTenantRates(raw);
        return raw;
      case 'slos': {
        // Kept as canonical JSON; the SLOs are validated against the span-metrics settings at start.
        if (raw === '' || raw === null) return '';
        const list = typeof raw === 'string' ? JSON.parse(raw) : raw;
        if (!Array.isArray(list)) throw new Error('expected a list of SLOs');
        return JSON.stringify(list);
      }
      case 'samplingRules':
        // Kept as canonical JSON; parseRules() explains what is wrong, rule by rule.
        parseRules(raw, key);
        return raw === '' ? '' : JSON.stringify(typeof raw === 'string' ? JSON.parse(raw) : raw);
      case 'port':
      case 'int': {
        const n = Number(raw);
        const max = def.kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
        if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`expected an integer 0..${max}`);
        return n;
      }
    }
  } catch (err) {
    const got = def.secret ? '' : ` (got ${JSON.stringify(raw)})`;
    throw new Error(`config ${key}: ${(err as Error).message}${got}`);
  }
}

/** TRACEHOUSE_<KEY>: dots and camelCase boundaries become '_', upper case. */
export function envName(key: string): string {
  return `TRACEHOUSE_${key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase()}`;
}
