import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { waitFor } from '../derivedWorkload';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, call, createToken } from '../support/auth';
import { otlpExporters } from '../support/otlp';

// Two tenants send the same shape of telemetry through their ingest tokens; every name they
// send carries the tenant's name, so "acme" in a response to globex is a leak.
const TENANTS = ['acme', 'globex'] as const;
type Tenant = (typeof TENANTS)[number];
/** A trace id both tenants use (a call that crosses tenants carries one trace context). */
const SHARED_TRACE = '5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed';

const SETS = [
  'derived.interval=1s',
  'derived.lag=300ms',
  'processor.interval=200ms',
  'sampling.rootGrace=300ms',
  'sampling.decisionWait=1s',
];

interface Sent {
  ingest: string;
  viewer: string;
  ops: string;
  admin: string;
  traceId: string;
  user: string;
  logTimeNs: string;
}

async function send(server: TestServer, tenant: Tenant, token: string): Promise<Pick<Sent, 'traceId' | 'logTimeNs'>> {
  const ex = otlpExporters(server, 'http/protobuf', { token });
  const resource = resourceFromAttributes({ 'service.name': `${tenant}-shop` });
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(ex.traces)] });
  const t = tracer.getTracer(`${tenant}-tracer`);
  const root = t.startSpan(`GET /${tenant}/checkout`, {
    kind: SpanKind.SERVER,
    attributes: { 'enduser.id': `u-${tenant.length}`, [`${tenant}.plan`]: `${tenant}-gold` },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  const client = t.startSpan(
    `${tenant}-db SELECT`,
    { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } },
    ctx,
  );
  client.setStatus({ code: SpanStatusCode.ERROR, message: `${tenant} database down` });
  client.end();
  root.end();
  // A span of the trace id the other tenant also uses.
  const shared = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: SHARED_TRACE,
    spanId: tenant === 'acme' ? 'aaaaaaaaaaaaaaaa' : 'bbbbbbbbbbbbbbbb',
    traceFlags: 1,
    isRemote: true,
  });
  const sharedSpan = t.startSpan(`${tenant} shared hop`, { kind: SpanKind.SERVER }, shared);
  sharedSpan.setStatus({ code: SpanStatusCode.ERROR });
  sharedSpan.end();
  await tracer.forceFlush();
  await tracer.shutdown();

  const logs = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: ex.logs })] });
  const logTimeNs = BigInt(Date.now()) * 1_000_000n;
  logs.getLogger(`${tenant}-logger`).emit({
    body: `${tenant} order placed`,
    severityNumber: SeverityNumber.WARN,
    timestamp: [Number(logTimeNs / 1_000_000_000n), Number(logTimeNs % 1_000_000_000n)],
    attributes: { 'enduser.id': `u-${tenant.length}` },
    context: ctx,
  });
  await logs.forceFlush();
  await logs.shutdown();

  const reader = new PeriodicExportingMetricReader({ exporter: ex.metrics, exportIntervalMillis: 60_000 });
  const meters = new MeterProvider({ resource, readers: [reader] });
  meters.getMeter(`${tenant}-meter`).createCounter(`${tenant}_orders`).add(1);
  await meters.forceFlush();
  await meters.shutdown();
  return { traceId: root.spanContext().traceId, logTimeNs: logTimeNs.toString() };
}

/** A TraceQL metrics query whose series are named by the tenant's service. */
const SERVICE_COUNTS = '{} | count_over_time() by (resource.service.name)';

/** A concrete GET path for a route pattern, aimed at `target`'s data. */
function pathFor(url: string, target: Sent, tenant: Tenant): string {
  const now = Math.ceil(Date.now() / 1000);
  const range = `start=${now - 3600}&end=${now + 60}`;
  const path = url
    .replace(':traceId', target.traceId)
    .replace(':enduserId', target.user)
    .replace(':tag', url.startsWith('/tempo') ? 'service.name' : 'resource.service.name');
  const query: Record<string, string> = {
    '/api/v1/search': `q=${encodeURIComponent('{}')}&recent=true&${range}`,
    '/api/v1/logs': range,
    '/api/v1/logs/histogram': range,
    '/api/v1/logs/context': `service=${tenant}-shop&timeUnixNano=${target.logTimeNs}`,
    '/api/v1/metrics': range,
    '/api/v1/red': range,
    '/api/v1/red/exemplars': range,
    '/api/v1/service-graph': range,
    '/api/v1/users/:enduserId/timeline': range,
    '/tempo/api/search': `q=${encodeURIComponent('{}')}&start=${now - 3600}&end=${now + 60}`,
    '/tempo/api/metrics/query_range': `q=${encodeURIComponent(SERVICE_COUNTS)}&${range}`,
    '/tempo/api/metrics/query': `q=${encodeURIComponent(SERVICE_COUNTS)}&${range}`,
  };
  return `${path}${query[url] ? `?${query[url]}` : ''}`;
}

describe('tenant separation', () => {
  let server: TestServer;
  const sent = {} as Record<Tenant, Sent>;
  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`, ...SETS] });
    for (const tenant of TENANTS) {
      const token = async (body: Record<string, unknown>) =>
        (await createToken(server, { name: `${tenant}-${body.kind}-${body.role ?? ''}`, tenant, ...body })).secret;
      const ingest = await token({ kind: 'ingest' });
      sent[tenant] = {
        ingest,
        viewer: await token({ kind: 'api', role: 'viewer' }),
        ops: await token({ kind: 'api', role: 'ops' }),
        admin: await token({ kind: 'api', role: 'admin' }),
        user: `u-${tenant.length}`,
        ...(await send(server, tenant, ingest)),
      };
    }
    // Decided and derived: the kept traces, the RED series and the service graph edge exist.
    for (const tenant of TENANTS) {
      const s = sent[tenant];
      await waitFor(`${tenant}'s decision`, async () => {
        const r = await call(server, 'GET', `/api/v1/traces/${s.traceId}/decision`, { token: s.viewer });
        return r.body.decision === 'keep';
      });
      await waitFor(`${tenant}'s span metrics`, async () => {
        const r = await call(server, 'GET', '/metrics', { token: s.ops });
        return r.status === 200 && String(r.body).includes(`service="${tenant}-shop"`);
      });
    }
  });
  after(() => server?.stop());

  test("each tenant's /metrics holds its own service-graph series, each once; the default tenant none of theirs", async () => {
    const graphLines = async (token: string) =>
      String((await call(server, 'GET', '/metrics', { token })).body)
        .split('\n')
        .filter((l) => l.startsWith('traces_service_graph_request_total{'));
    for (const tenant of TENANTS) {
      await waitFor(`${tenant}'s service graph on /metrics`, async () =>
        (await graphLines(sent[tenant].ops)).some((l) => l.includes(`client="${tenant}-shop"`)),
      );
    }
    for (const tenant of TENANTS) {
      const lines = await graphLines(sent[tenant].ops);
      const other = TENANTS.find((t) => t !== tenant)!;
      assert.ok(
        lines.every((l) => !l.includes(other)),
        `${tenant} sees ${other}'s edges: ${lines.join('\n')}`,
      );
      const series = lines.map((l) => l.slice(0, l.lastIndexOf('}') + 1));
      assert.equal(new Set(series).size, series.length, `duplicate series lines: ${lines.join('\n')}`);
    }
    const ownLines = await graphLines(ADMIN_TOKEN);
    assert.ok(
      ownLines.every((l) => TENANTS.every((t) => !l.includes(t))),
      `the default tenant sees: ${ownLines.join('\n')}`,
    );
  });

  test('rows carry the tenant of the ingest token that sent them', async () => {
    for (const table of ['spans_recent', 'spans', 'logs', 'metrics_sum']) {
      const rows = await server.store.sql.query<{ Tenant: string; ServiceName: string }>(
        `SELECT DISTINCT Tenant, ServiceName FROM ${table} ORDER BY Tenant`,
      );
      assert.deepEqual(
        rows.map((r) => [r.Tenant, r.ServiceName]),
        TENANTS.map((t) => [t, `${t}-shop`]),
        table,
      );
    }
  });

  test("every telemetry route answers one tenant's token with that tenant's data only", async () => {
    const table = await call(server, 'GET', '/api/v1/admin/routes', { token: ADMIN_TOKEN });
    const routes: { method: string; url: string; policy: string }[] = table.body.routes;
    const reads = routes.filter(
      (r) => r.method === 'GET' && ['viewer', 'ops', 'metrics'].includes(r.policy) && !r.url.includes('*'),
    );
    assert.ok(reads.length >= 25, `${reads.length} read routes`);
    const withData: string[] = [];
    for (const r of reads) {
      for (const [reader, other] of [
        ['acme', 'globex'],
        ['globex', 'acme'],
      ] as const) {
        const token = r.policy === 'viewer' ? sent[reader].viewer : sent[reader].ops;
        // Aimed at the other tenant's data: its trace id, user and service.
        const foreign = await call(server, 'GET', pathFor(r.url, sent[other], other), { token });
        assert.ok(foreign.status < 500, `${r.url}: ${foreign.status}`);
        assert.doesNotMatch(JSON.stringify(foreign.body), new RegExp(other), `${reader} reads ${r.url}`);
        // The same request for its own data finds it, so the check above could fail.
        const own = await call(server, 'GET', pathFor(r.url, sent[reader], reader), { token });
        if (new RegExp(`${reader}`).test(JSON.stringify(own.body))) withData.push(`${reader} ${r.url}`);
      }
    }
    for (const url of [
      '/api/v1/traces/:traceId',
      '/api/v1/search',
      '/api/v1/search/tag/:tag/values',
      '/api/v1/logs',
      '/api/v1/logs/context',
      '/api/v1/metrics',
      '/api/v1/red',
      '/api/v1/red/exemplars',
      '/api/v1/service-graph',
      '/api/v1/users/:enduserId/timeline',
      '/tempo/api/traces/:traceId',
      '/tempo/api/search',
      '/tempo/api/search/tag/:tag/values',
      '/tempo/api/metrics/query_range',
      '/tempo/api/metrics/query',
      '/metrics',
    ]) {
      for (const tenant of TENANTS)
        assert.ok(withData.includes(`${tenant} ${url}`), `${tenant} finds its data at ${url}`);
    }
  });

  test('counts and decisions are per tenant too', async () => {
    const now = Math.ceil(Date.now() / 1000);
    for (const tenant of TENANTS) {
      const s = sent[tenant];
      const histogram = await call(server, 'GET', `/api/v1/logs/histogram?start=${now - 3600}&end=${now + 60}`, {
        token: s.viewer,
      });
      const total = histogram.body.buckets.reduce((a: number, b: Record<string, number>) => a + b.warn, 0);
      assert.equal(total, 1, `${tenant} counts its own log only`);
      const other = sent[tenant === 'acme' ? 'globex' : 'acme'];
      const decision = await call(server, 'GET', `/api/v1/traces/${other.traceId}/decision`, { token: s.viewer });
      assert.equal(decision.status, 404, "another tenant's trace is not seen");
      // The shared trace id: each tenant sees its own span of it, and only that.
      const shared = await call(server, 'GET', `/api/v1/traces/${SHARED_TRACE}`, { token: s.viewer });
      assert.equal(shared.status, 200);
      const names = shared.body.resourceSpans.flatMap((rs: { scopeSpans: { spans: { name: string }[] }[] }) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.name)),
      );
      assert.deepEqual(names, [`${tenant} shared hop`]);
    }
  });

  test("an admin of another tenant manages that tenant's users and tokens only, and not the deployment", async () => {
    const globex = sent.globex.admin;
    const tokens = await call(server, 'GET', '/api/v1/admin/tokens', { token: globex });
    assert.equal(tokens.status, 200);
    assert.ok(tokens.body.tokens.length >= 4);
    assert.ok(tokens.body.tokens.every((t: { tenant: string }) => t.tenant === 'globex'));
    const refused = await call(server, 'POST', '/api/v1/admin/tokens', {
      token: globex,
      body: { name: 'sneaky', kind: 'ingest', tenant: 'acme' },
    });
    assert.equal(refused.status, 403);
    const own = await call(server, 'POST', '/api/v1/admin/users', {
      token: globex,
      body: { username: 'gina', role: 'viewer', password: 'gina-password-1' },
    });
    assert.equal(own.status, 200);
    assert.equal(own.body.tenant, 'globex', "a new user gets the admin's tenant");
    const acmeToken = (await call(server, 'GET', '/api/v1/admin/tokens', { token: ADMIN_TOKEN })).body.tokens.find(
      (t: { tenant: string }) => t.tenant === 'acme',
    );
    assert.equal((await call(server, 'DELETE', `/api/v1/admin/tokens/${acmeToken.id}`, { token: globex })).status, 404);
    for (const path of ['/api/v1/admin/ops/summary', '/api/v1/admin/audit', '/api/v1/admin/routes'])
      assert.equal((await call(server, 'GET', path, { token: globex })).status, 403, path);
    assert.equal((await call(server, 'GET', '/api/v1/admin/ops/summary', { token: ADMIN_TOKEN })).status, 200);
    // tracehouse's own metrics describe the whole deployment: the default tenant's only.
    const metrics = await call(server, 'GET', '/metrics', { token: sent.globex.ops });
    assert.doesNotMatch(String(metrics.body), /tracehouse_/);
  });
});
