import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SpanRecord } from '@tracehouse/otlp';
import { parse } from '@tracehouse/traceql';
import { findTracesSql, QueryLimitError, Store } from '../../src/index';
import { hex, span, storeOptions, tempDir } from '../fixtures';
import { keepTraces } from '../kept';

const MS = 1_000_000n;
const now = BigInt(Date.now()) * MS - 60_000n * MS;
const at = (offsetMs: number) => String(now + BigInt(offsetMs) * MS);

function node(
  traceId: string,
  name: string,
  over: Partial<SpanRecord> & { service?: string; durationMs?: number; startMs?: number } = {},
): SpanRecord {
  const { service = 'frontend', durationMs = 10, startMs = 0, ...rest } = over;
  return span(traceId, {
    ServiceName: service,
    ResourceAttributes: { 'service.name': service, ...(rest.ResourceAttributes ?? {}) },
    ResourceAttributeTypes: {},
    Timestamp: at(startMs),
    Duration: String(BigInt(durationMs) * MS),
    SpanName: name,
    SpanKind: 'Server',
    StatusCode: 'Unset',
    StatusMessage: '',
    SpanAttributes: {},
    SpanAttributeTypes: {},
    ...rest,
    ...(rest.ResourceAttributes ? { ResourceAttributes: { 'service.name': service, ...rest.ResourceAttributes } } : {}),
  });
}

describe('TraceQL search over kept and recent spans', () => {
  const dir = tempDir();
  let store: Store;
  const t1 = hex(16);
  const t2 = hex(16);
  const t3 = hex(16);
  const t4 = hex(16);
  let t1Child: SpanRecord;

  before(async () => {
    store = await Store.open(storeOptions(dir));
    const r1 = node(t1, 'GET /cart', {
      durationMs: 3000,
      StatusCode: 'Error',
      StatusMessage: 'connection refused',
      SpanAttributes: { 'http.response.status_code': '500' },
      SpanAttributeTypes: { 'http.response.status_code': 'int' },
    });
    t1Child = node(t1, 'SELECT orders', {
      ParentSpanId: r1.SpanId,
      SpanKind: 'Client',
      startMs: 100,
      durationMs: 2500,
      SpanAttributes: { 'db.system': 'postgres' },
    });
    const r2 = node(t2, 'GET /home', {
      startMs: 1000,
      durationMs: 50,
      StatusCode: 'Ok',
      SpanAttributes: { 'http.response.status_code': '500' },
    });
    const c2 = node(t2, 'cache', {
      ParentSpanId: r2.SpanId,
      SpanKind: 'Internal',
      startMs: 1010,
      durationMs: 5,
      SpanAttributes: { 'cache.hit': 'true' },
      SpanAttributeTypes: { 'cache.hit': 'bool' },
    });
    const r3 = node(t3, 'POST /pay', {
      service: 'checkout',
      startMs: 2000,
      durationMs: 300,
      ResourceAttributes: { 'deployment.environment': 'prod' },
      SpanAttributes: { ratio: '0.75', 'enduser.id': 'u-42' },
      SpanAttributeTypes: { ratio: 'double' },
    });
    const c3 = [1, 2, 3].map((i) =>
      node(t3, 'charge', {
        service: 'checkout',
        ParentSpanId: r3.SpanId,
        SpanKind: 'Client',
        startMs: 2000 + i,
        durationMs: 200,
        ResourceAttributes: { 'deployment.environment': 'prod' },
      }),
    );
    const r4 = node(t4, 'GET /cart', { startMs: 3000, durationMs: 10 });
    await store.writeSpans([r1, t1Child, r2, c2, r3, ...c3, r4]);
    await keepTraces(store.sql, [t1, t2, t3]);
    await store.sql.command(
      `INSERT INTO sampling_decisions (TraceId, Decision, Rule, DecidedAt) VALUES ({a:String}, 'keep', 'error', now64(9)), ({b:String}, 'drop', 'baseline', now64(9))`,
      { a: t1, b: t4 },
    );
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (q: string, recent = false, spansPerTrace = 3) =>
    store.searchTraces({
      tenant: 'default',
      query: parse(q),
      start: Number(now / 1_000_000_000n) - 60,
      end: Number(now / 1_000_000_000n) + 60,
      limit: 20,
      spansPerTrace,
      recent,
    });
  const ids = async (q: string, recent = false) => (await run(q, recent)).map((t) => t.traceId).sort();
  const names = { t1: '', t2: '', t3: '', t4: '' };
  const expect = (...traces: string[]) => traces.sort();
  before(() => Object.assign(names, { t1, t2, t3, t4 }));

  const cases: [string, () => string[], boolean?][] = [
    ['{}', () => expect(t1, t2, t3)],
    ['{}', () => expect(t1, t2, t3, t4), true],
    ['{ name = "GET /cart" }', () => expect(t1)],
    ['{ name = "GET /cart" }', () => expect(t1, t4), true],
    ['{ span.http.response.status_code = 500 }', () => expect(t1)],
    ['{ span.http.response.status_code = "500" }', () => expect(t2)],
    ['{ span.http.response.status_code >= 400 && span.http.response.status_code < 600 }', () => expect(t1)],
    // Unscoped and float literals compare an int attribute numerically.
    ['{ .http.response.status_code = 500 }', () => expect(t1)],
    ['{ span.http.response.status_code = 500.0 }', () => expect(t1)],
    ['{ span.http.response.status_code > 499.5 }', () => expect(t1)],
    ['{ status = error }', () => expect(t1)],
    ['{ status = ok }', () => expect(t2)],
    ['{ status != unset && kind = server }', () => expect(t1, t2)],
    ['{ duration > 2s }', () => expect(t1)],
    ['{ duration <= 5ms }', () => expect(t2)],
    ['{ kind = client }', () => expect(t1, t3)],
    ['{ resource.service.name = "checkout" }', () => expect(t3)],
    ['{ .deployment.environment = "prod" }', () => expect(t3)],
    ['{ .service.name =~ "front.*" }', () => expect(t1, t2)],
    ['{ .service.name =~ "front" }', () => expect()],
    ['{ span.cache.hit = true }', () => expect(t2)],
    ['{ span.cache.hit = false }', () => expect()],
    ['{ span.ratio > 0.5 }', () => expect(t3)],
    ['{ span.ratio > 1 }', () => expect()],
    ['{ statusMessage =~ "conn.*" }', () => expect(t1)],
    ['{ name !~ "GET.*" && kind = server }', () => expect(t3)],
    ['{ name = "GET /cart" || name = "GET /home" }', () => expect(t1, t2)],
    ['{ (name = "GET /cart" || name = "cache") && duration > 1s }', () => expect(t1)],
    ['{ name = "GET /cart" } && { span.db.system = "postgres" }', () => expect(t1)],
    ['{ name = "GET /home" } && { span.db.system = "postgres" }', () => expect()],
    ['{ name = "GET /home" } || { span.db.system = "postgres" }', () => expect(t1, t2)],
    ['({ name = "GET /home" } || { name = "GET /cart" }) && { kind = internal }', () => expect(t2)],
    ['{ kind = client } | count() > 2', () => expect(t3)],
    ['{ kind = client } | count() = 1', () => expect(t1)],
    ['{ kind = client } | avg(duration) > 1s', () => expect(t1)],
    ['{ } | max(duration) >= 300ms', () => expect(t1, t3)],
    ['{ trace:duration > 2s }', () => expect(t1)],
    ['{ trace:rootName = "POST /pay" }', () => expect(t3)],
    ['{ trace:rootService = "checkout" }', () => expect(t3)],
    ['{ trace:rootService = "frontend" && kind = client }', () => expect(t1)],
  ];
  for (const [q, want, recent] of cases) {
    test(`${q}${recent ? ' (recent)' : ''}`, async () => assert.deepEqual(await ids(q, recent), want()));
  }

  test('trace:id and span:id', async () => {
    assert.deepEqual(await ids(`{ trace:id = "${t2.toUpperCase()}" }`), [t2]);
    assert.deepEqual(await ids(`{ span:id = "${t1Child.SpanId}" }`), [t1]);
  });

  test('summaries: root, counts, duration, decision and source', async () => {
    const [t] = await run('{ span.db.system = "postgres" }');
    assert.equal(t!.traceId, t1);
    assert.equal(t!.rootServiceName, 'frontend');
    assert.equal(t!.rootSpanName, 'GET /cart');
    assert.equal(t!.spanCount, 2);
    assert.equal(t!.errorCount, 1);
    assert.equal(t!.durationNanos, String(3000n * MS));
    assert.equal(t!.startTimeUnixNano, at(0));
    assert.equal(t!.decision, 'keep');
    assert.equal(t!.source, 'kept');
    assert.deepEqual(
      t!.matchedSpans.map((s) => [s.spanId, s.name, s.serviceName, s.durationNanos, s.statusCode]),
      [[t1Child.SpanId, 'SELECT orders', 'frontend', String(2500n * MS), 'Unset']],
    );
    const recent = await run('{ name = "GET /cart" }', true);
    const byId = Object.fromEntries(recent.map((r) => [r.traceId, r]));
    assert.equal(byId[t4]!.source, 'recent');
    assert.equal(byId[t4]!.decision, 'drop');
    assert.equal(byId[t1]!.source, 'kept');
    assert.deepEqual(
      (await run('{ name = "GET /home" }')).map((r) => r.decision),
      ['pending'],
    );
  });

  test('a trace without its trace index row is still summarised (bounded fallback)', async () => {
    await store.sql.command('ALTER TABLE trace_index DELETE WHERE TraceId = {id:String} SETTINGS mutations_sync = 2', {
      id: t3,
    });
    const [t] = await run('{ name = "POST /pay" }');
    assert.equal(t!.traceId, t3);
    assert.equal(t!.spanCount, 4);
    assert.equal(t!.rootSpanName, 'POST /pay');
  });

  test('spans per trace and select()', async () => {
    const [t] = await run(
      '{ name = "charge" || name = "POST /pay" } | select(span.ratio, resource.deployment.environment, .enduser.id)',
      false,
      2,
    );
    assert.equal(t!.matchedCount, 4);
    assert.equal(t!.matchedSpans.length, 2);
    const [all] = await run(
      '{ name = "POST /pay" } | select(span.ratio, resource.deployment.environment, .enduser.id, span.nope)',
    );
    assert.deepEqual(all!.matchedSpans[0]!.selected, {
      'span.ratio': ['0.75', 'double'],
      'resource.deployment.environment': ['prod', ''],
      '.enduser.id': ['u-42', ''],
    });
  });

  test('tag names and values come from the rollup', async () => {
    const range = {
      tenant: 'default',
      start: Number(now / 1_000_000_000n) - 86400,
      end: Number(now / 1_000_000_000n) + 60,
    };
    const scopes = await store.searchTags(range);
    const byName = Object.fromEntries(scopes.map((s) => [s.name, s.tags]));
    assert.ok(byName.span!.includes('db.system') && byName.span!.includes('http.response.status_code'));
    assert.ok(byName.resource!.includes('service.name') && byName.resource!.includes('deployment.environment'));
    assert.ok(byName.intrinsic!.includes('duration'));
    assert.deepEqual(await store.searchTags({ ...range, scope: 'intrinsic' }), [
      { name: 'intrinsic', tags: byName.intrinsic },
    ]);
    const values = (tag: string, prefix?: string) => store.tagValues({ ...range, tag, prefix });
    assert.deepEqual(await values('resource.service.name'), [
      { type: 'string', value: 'frontend' },
      { type: 'string', value: 'checkout' },
    ]);
    assert.deepEqual(await values('span.http.response.status_code'), [
      { type: 'string', value: '500' },
      { type: 'int', value: '500' },
    ]);
    assert.deepEqual(await values('.ratio'), [{ type: 'float', value: '0.75' }]);
    assert.deepEqual(await values('name', 'GET'), [
      { type: 'string', value: 'GET /cart' },
      { type: 'string', value: 'GET /home' },
    ]);
    assert.deepEqual(
      await values('status'),
      ['error', 'ok', 'unset'].map((value) => ({ type: 'keyword', value })),
    );
    assert.deepEqual(await values('nope'), []);
  });

  test('a search over its memory limit fails with QueryLimitError (503 at the API)', async () => {
    await assert.rejects(
      store.searchTraces({
        tenant: 'default',
        query: parse('{}'),
        start: Number(now / 1_000_000_000n) - 60,
        end: Number(now / 1_000_000_000n) + 60,
        limit: 20,
        spansPerTrace: 3,
        recent: true,
        limits: { maxMemoryBytes: 1024 },
      }),
      QueryLimitError,
    );
  });

  test('user input never reaches the SQL text', () => {
    const evil = `x'); DROP TABLE spans; --`;
    const { sql, params } = findTracesSql('spans', {
      tenant: 'default',
      query: parse(`{ span."${evil}" = "${evil}" && name =~ "${evil.replace(/[()]/g, '')}" }`),
      start: 0,
      end: 1,
      limit: 1,
      spansPerTrace: 1,
      recent: false,
    });
    assert.ok(!sql.includes('DROP'), sql);
    assert.ok(Object.values(params).includes(evil));
  });
});
