import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { Store } from '@tracehouse/store';
import type { FastifyInstance } from 'fastify';
import { loadRules } from './alerting/load';
import { recordedSeries } from './alerting/querier';
import { type Alerting, startAlerting } from './alerting/setup';
import { createApi } from './api/app';
import { DecisionCache } from './api/decisionCache';
import { Gate } from './api/gate';
import { createPrometheusApi } from './api/prometheus/api';
import { RedCache } from './api/redCache';
import { AuthService, isLoopback } from './auth/service';
import type { Config } from './config/schema';
import { retentionSeconds, storeOptions } from './config/storeOptions';
import { ContractMonitor } from './contract';
import { ForwardProcessor } from './forward/forwarder';
import { parseForwardHeaders } from './forward/headers';
import { Admission } from './ingest/admission';
import { InflightBudget } from './ingest/budget';
import { bindGrpc, createOtlpGrpcServer } from './ingest/grpc';
import { createOtlpHttpServer } from './ingest/http';
import { parseTenantRates, TenantRateLimiter } from './ingest/quota';
import { Receiver } from './ingest/receiver';
import { IngestRedaction } from './ingest/redaction/ingest';
import { ConnectionLimiter } from './net/connectionLimit';
import type { ListenerTimeouts } from './net/timeouts';
import { createDerived } from './processor/derived';
import { type Clock, type Processor, ProcessorLoop } from './processor/loop';
import { metricsHourlyProcessor } from './processor/metricsHourly';
import { SamplingProcessor, samplerOptions } from './processor/sampling';
import { SamplingMetrics } from './processor/samplingMetrics';
import { registerQueryMetrics } from './telemetry/queryMetrics';
import { SelfMetrics } from './telemetry/selfMetrics';
import { WriteHealth } from './telemetry/writeHealth';
import { grpcCredentials, loadTls } from './tls';
import { VERSION } from './version';

export interface RunningServer {
  store: Store;
  urls: { api: string; otlpHttp: string; otlpGrpc: string };
  /** How to log in, for the start banner (a one-time link on a first start). */
  access: string;
  /** The one loop of background processors (sampling, derived metrics); tests call `runOnce()` with a fake clock. */
  processors: ProcessorLoop;
  /** Rule evaluation and alert delivery (absent when no rules or SLOs are configured). */
  alerting?: Alerting;
  /** Stop accepting, flush what was acknowledged, close the store. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** The processors' and rule evaluation's clock (default Date.now). */
  clock?: Clock;
  /** false: rule groups are not evaluated on timers (tests call alerting.manager.evaluateAll()). */
  alertingTimers?: boolean;
}

/** Starts the whole process: store, OTLP receivers (HTTP + gRPC), API, background processors. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const host = config['server.host'];
  if (config['auth.allowAnonymous'] && !isLoopback(host))
    throw new Error(`--allow-anonymous is refused on a non-loopback bind (server.host=${host})`);
  const tls = loadTls(config);
  const metrics = new SelfMetrics();
  // Before the store opens: a bad pattern fails the start without anything to clean up.
  const redaction = IngestRedaction.fromConfig(config, metrics.registry);
  // So is a bad rule file or SLO: the message names the file, line and problem.
  const rules = loadRules(config);
  const writeHealth = new WriteHealth();
  const store = await Store.open(
    storeOptions(config, {
      onInsert: (o) => {
        metrics.observeInsert(o);
        writeHealth.observe(o);
      },
    }),
  );
  metrics.watchStore(store);
  let auth: AuthService;
  try {
    auth = await AuthService.open(store.auth, {
      allowAnonymous: config['auth.allowAnonymous'],
      adminToken: config['auth.adminToken'],
      publicMetrics: config['auth.publicMetrics'],
      sessionTtlMs: config['auth.sessionTtl'],
      loginMaxFailures: config['auth.loginMaxFailures'],
      loginWindowMs: config['auth.loginWindow'],
      refreshIntervalMs: 10_000,
    });
  } catch (err) {
    await store.close();
    throw err;
  }

  const rate = config['ingest.tenantRateBytes'];
  const limiter = new TenantRateLimiter(
    { rate, burst: config['ingest.tenantBurstBytes'] || 2 * rate },
    parseTenantRates(config['ingest.tenantRateOverrides']),
  );
  const quota = limiter.enabled ? limiter : null;
  const admission = new Admission({
    maxAgeMs: {
      traces: Math.max(config['retention.spans'], config['retention.spansRecent']),
      logs: config['retention.logs'],
      metrics: config['retention.metrics'],
    },
    maxClockSkewMs: config['ingest.maxClockSkew'],
  });
  const receiver = new Receiver(store, metrics, redaction, quota, admission);
  // Sampling first: the service graph is built from the traces it has just decided.
  const processors: Processor[] = [];
  const samplingMetrics = new SamplingMetrics(metrics.registry);
  if (config['sampling.enabled']) {
    processors.push(new SamplingProcessor(store, samplerOptions(config), samplingMetrics));
    for (const w of SamplingProcessor.warnings(config)) console.warn(`warning: ${w}`);
  }
  if (config['forward.otlpEndpoint']) {
    const forward = {
      endpoint: config['forward.otlpEndpoint'],
      headers: parseForwardHeaders(config['forward.headers']),
      tenantHeader: config['forward.tenantHeader'],
    };
    processors.push(new ForwardProcessor(store, forward, samplingMetrics));
  }
  const derived = config['derived.enabled'] ? await createDerived(store, config, metrics.registry) : undefined;
  processors.push(...(derived?.processors ?? []));
  processors.push(metricsHourlyProcessor(store, config['retention.metrics'], options.clock ?? Date.now));
  const contract = config['contract.enabled'] ? ContractMonitor.fromConfig(store, config, metrics.registry) : undefined;
  if (contract) processors.push(contract);
  const loop = new ProcessorLoop({
    processors,
    // 0 = no timer: the loop only runs when runOnce() is called (tests).
    intervalMs: config['processor.interval'],
    clock: options.clock,
    onError: (name, err) => console.error(`processor ${name}: ${(err as Error)?.message ?? err}`),
  });
  let ready = false;
  const timeouts: ListenerTimeouts = {
    // Node refuses a header deadline past the request deadline.
    headersTimeoutMs: Math.min(config['server.headersTimeout'], config['server.requestTimeout']),
    requestTimeoutMs: config['server.requestTimeout'],
    idleTimeoutMs: config['server.idleTimeout'],
  };
  const connections = new ConnectionLimiter({
    maxConnections: config['server.maxConnections'],
    maxConnectionsPerAddress: config['server.maxConnectionsPerAddress'],
  });
  const budget = new InflightBudget(config['ingest.maxInflightBytes']);
  const decisions = new DecisionCache(store, config['query.decisionCacheSize'], config['query.traceCacheTtl']);
  const red = derived
    ? new RedCache(derived.store.queryRed, {
        maxCells: config['query.redCacheCells'],
        ttlMs: config['query.traceCacheTtl'],
      })
    : undefined;
  let api: FastifyInstance | undefined;
  let otlpHttp: HttpServer | undefined;
  let grpc: GrpcServer | undefined;
  let alerting: Alerting | undefined;
  // PromQL over the stored and derived metrics, and the recording rules' series.
  const recorded = recordedSeries(store, rules);
  const prometheus = createPrometheusApi(store, config, Date.now, recorded?.wrap, derived?.computedUntilMs);
  registerQueryMetrics(metrics.registry, store, () => {
    const results = prometheus.resultsStats();
    return {
      decision: decisions.stats(),
      promql: prometheus.stats(),
      ...(results ? { promql_results: { ...results, coalesced: 0, size: results.bytes } } : {}),
      ...(red ? { red: red.stats() } : {}),
    };
  });
  try {
    const security = {
      auth,
      redacted: redaction?.counter ?? null,
      retentionSeconds: { ...retentionSeconds(config) },
    };
    const otlp = { httpPort: 0, grpcPort: 0, tls: Boolean(tls) };
    api = await createApi(
      {
        store,
        metrics,
        isReady: () => ready,
        writesFailing: () => writeHealth.failing(),
        version: VERSION,
        derived,
        contract,
        security,
        otlp,
        prometheus,
        alerting: () => alerting,
        traceReads: {
          maxSpans: config['query.maxTraceSpans'],
          gate: new Gate(config['query.maxConcurrentTraceReads'], 64, 'trace reads'),
        },
        decisions,
        red,
      },
      { https: tls ?? undefined, timeouts },
    );
    connections.watch(api.server);
    await api.listen({ host, port: config['server.port'] });
    otlpHttp = createOtlpHttpServer(receiver, metrics, {
      maxBodyBytes: config['ingest.maxBodyBytes'],
      budget,
      tls: tls ?? undefined,
      ingestTenant: (authorization) => auth.ingestTenant(authorization),
      timeouts,
    });
    connections.watch(otlpHttp);
    await new Promise<void>((resolve, reject) => {
      otlpHttp!.once('error', reject);
      otlpHttp!.listen(config['otlp.httpPort'], host, () => resolve());
    });
    grpc = createOtlpGrpcServer(receiver, {
      maxBodyBytes: config['ingest.maxBodyBytes'],
      budget,
      maxConcurrentStreams: config['otlp.grpcMaxConcurrentStreams'],
      maxConnectionAgeMs: config['otlp.grpcMaxConnectionAge'],
      graceMs: config['server.requestTimeout'],
      connections,
      ingestTenant: (authorization, signal) => {
        const tenant = auth.ingestTenant(authorization);
        // OTLP/HTTP counts its refusals itself; gRPC refuses before the receiver sees the call.
        if (tenant === null) metrics.requests.inc({ signal, protocol: 'grpc', outcome: 'unauthenticated' });
        return tenant;
      },
    });
    const grpcPort = await bindGrpc(grpc, `${host}:${config['otlp.grpcPort']}`, grpcCredentials(tls));
    const apiAddress = api.server.address() as AddressInfo;
    if (rules.groups.length > 0)
      alerting = await startAlerting({
        config,
        rules,
        store,
        derived: derived?.store,
        registry: metrics.registry,
        engine: (tenant, decorate) => prometheus.engine(tenant, undefined, decorate),
        apiUrl: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${apiAddress.port}`,
        clock: options.clock,
        start: options.alertingTimers !== false,
      });
    ready = true;
    if (config['processor.interval'] > 0) loop.start();

    const apiPort = (api.server.address() as AddressInfo).port;
    const httpPort = (otlpHttp.address() as AddressInfo).port;
    otlp.httpPort = httpPort;
    otlp.grpcPort = grpcPort;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const scheme = tls ? 'https' : 'http';
    const apiUrl = `${scheme}://${urlHost}:${apiPort}`;
    let closing: Promise<void> | undefined;
    return {
      store,
      processors: loop,
      alerting,
      urls: {
        api: apiUrl,
        otlpHttp: `${scheme}://${urlHost}:${httpPort}`,
        otlpGrpc: `${urlHost}:${grpcPort}`,
      },
      access: accessLine(auth, apiUrl),
      close() {
        closing ??= (async () => {
          ready = false;
          receiver.stop();
          // Requests already being written finish (and are answered) before the store closes.
          await Promise.all([
            new Promise<void>((r) => otlpHttp!.close(() => r())),
            new Promise<void>((r) => grpc!.tryShutdown(() => r())),
            api!.close(),
            loop.stop(),
            alerting?.stop(),
          ]);
          await auth.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await alerting?.stop();
    await loop.stop();
    await auth.close();
    otlpHttp?.close();
    grpc?.forceShutdown();
    await api?.close();
    await store.close();
    throw err;
  }
}

function accessLine(auth: AuthService, apiUrl: string): string {
  if (auth.anonymous) return 'anonymous access (--allow-anonymous): no login, loopback only';
  const link = auth.setupLink();
  if (link)
    return `no users yet. Log in once with this link (valid until used or restart), then add users:\n                ${apiUrl}${link}`;
  if (auth.tokenLoginFirst)
    return `no users yet. Log in at ${apiUrl}/login with TRACEHOUSE_ADMIN_TOKEN (the API token form), then add users under Admin`;
  return `log in at ${apiUrl}/login, or send Authorization: Bearer <token>`;
}
