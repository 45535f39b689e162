import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';
import { otlpExporters, PROTOCOLS } from '../support/otlp';
import { SECRET_KEYS, SECRETS } from '../support/secret-corpus';

/** Values planted under secret keys: no value rule would find these, only the key rule. */
const keyed = (i: number) => `keyed-secret-${i}-zq9x`;
/** Planted in a span name (a URL with its query string). */
const IN_NAME = 'name-secret-4471zq';
const planted = [...SECRETS.map((s) => s.secret), ...SECRET_KEYS.map((_, i) => keyed(i)), IN_NAME];

function findSecrets(text: string): string[] {
  return planted.filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
}

describe('redaction at ingest: planted secrets never reach the store or the API', () => {
  let server: TestServer;
  const traceIds: string[] = [];
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  for (const protocol of PROTOCOLS) {
    test(`secrets sent over ${protocol}`, async () => {
      const ex = otlpExporters(server, protocol);
      const resource = resourceFromAttributes({
        'service.name': `secrets-${protocol}`,
        'deployment.note': SECRETS[0]!.text,
        'cloud.credentials': keyed(0),
      });
      const keyedAttrs = Object.fromEntries(SECRET_KEYS.map((k, i) => [k, keyed(i)]));
      const textAttrs = Object.fromEntries(SECRETS.map((s, i) => [`note.${i}`, s.text]));

      const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(ex.traces)] });
      const t = tracer.getTracer('secrets');
      const target = t.startSpan('target');
      target.end();
      const root = t.startSpan(`GET /reset?token=${IN_NAME}`, {
        attributes: {
          ...keyedAttrs,
          ...textAttrs,
          'http.request.header.authorization': [`Bearer ${SECRETS[9]!.secret}`],
        },
        links: [
          { context: target.spanContext(), attributes: { 'link.note': SECRETS[16]!.text, 'link.token': keyed(1) } },
        ],
      });
      root.addEvent('exception', { 'exception.message': SECRETS[7]!.text, 'exception.password': keyed(2) });
      root.setStatus({ code: SpanStatusCode.ERROR, message: SECRETS[14]!.text });
      root.end();
      await tracer.forceFlush();
      await tracer.shutdown();
      traceIds.push(root.spanContext().traceId);

      const logs = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: ex.logs })] });
      const logger = logs.getLogger('secrets');
      const ctx = trace.setSpan(context.active(), root);
      for (const s of SECRETS)
        logger.emit({ body: s.text, severityNumber: SeverityNumber.WARN, attributes: { ...keyedAttrs }, context: ctx });
      logger.emit({ body: { user: 'bob', password: keyed(3), nested: { note: SECRETS[5]!.text } }, context: ctx });
      await logs.forceFlush();
      await logs.shutdown();

      const reader = new PeriodicExportingMetricReader({ exporter: ex.metrics, exportIntervalMillis: 60_000 });
      const meters = new MeterProvider({ resource, readers: [reader] });
      meters
        .getMeter('secrets')
        .createCounter('logins')
        .add(1, { 'user.password': keyed(4), note: SECRETS[17]!.text });
      await meters.forceFlush();
      await meters.shutdown();
    });
  }

  test('no table holds a planted secret (queried directly)', async () => {
    // Wait for the writers' group commit.
    await new Promise((r) => setTimeout(r, 300));
    const tables = await server.store.sql.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT IN ('MaterializedView', 'View')",
    );
    assert.ok(tables.length >= 8);
    let rows = 0;
    for (const { name } of tables) {
      const all = await server.store.sql.query<Record<string, unknown>>(`SELECT * FROM \`${name}\` LIMIT 100000`);
      rows += all.length;
      assert.deepEqual(findSecrets(JSON.stringify(all)), [], `table ${name}`);
    }
    const spans = await server.store.sql.query<{ n: string }>('SELECT count() AS n FROM spans_recent');
    assert.equal(Number(spans[0]!.n), 2 * PROTOCOLS.length, 'every span arrived');
    const logs = await server.store.sql.query<{ n: string }>('SELECT count() AS n FROM logs');
    assert.equal(Number(logs[0]!.n), (SECRETS.length + 1) * PROTOCOLS.length, 'every log arrived');
    assert.ok(rows > 0);
  });

  test('no API response holds a planted secret; the redactions are counted', async () => {
    const paths = [
      ...traceIds.map((id) => `/api/v1/traces/${id}`),
      '/api/v1/logs?limit=1000',
      '/api/v1/metrics?limit=1000',
      '/metrics',
    ];
    for (const p of paths) {
      const res = await server.get(p);
      assert.equal(res.status, 200, p);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      assert.deepEqual(findSecrets(text), [], p);
      if (p.startsWith('/api/v1/traces/')) assert.match(text, /\[REDACTED\]/);
    }
    const metrics = (await server.get('/metrics')).body as string;
    for (const rule of ['sensitive-key', 'jwt', 'pem-private-key', 'card-number', 'aws-access-key', 'azure-key']) {
      assert.match(
        metrics,
        new RegExp(`tracehouse_redacted_total\\{signal="(traces|logs)",rule="${rule}"\\} [1-9]`),
        rule,
      );
    }
  });
});
