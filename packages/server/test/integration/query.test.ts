import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { startTestServer, type TestServer } from '../helpers';

// A small shop, sent with the official OTLP/HTTP protobuf exporters at fixed times, then
// queried through the native and the Tempo-compatible API.
const base = Date.now() - 10 * 60_000;
const at = (ms: number) => new Date(base + ms);
const ns = (ms: number) => String(BigInt(base + ms) * 1_000_000n);

const protoDir = new URL('../../../otlp/testdata/proto/', import.meta.url).pathname;
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => protoDir + target.replace(/^.*\//, '');
root.loadSync(['trace.proto']);
const TracesData = root.lookupType('opentelemetry.proto.trace.v1.TracesData');
// tempopb.TraceByIDResponse, transcribed from Tempo's tempo.proto (trace = 1, status = 3, message = 4).
root.add(
  new protobuf.Type('TraceByIDResponse')
    .add(new protobuf.Field('trace', 1, 'opentelemetry.proto.trace.v1.TracesData'))
    .add(new protobuf.Field('status', 3, 'int32'))
    .add(new protobuf.Field('message', 4, 'string')),
);
const TraceByIDResponse = root.lookupType('TraceByIDResponse');

describe('query: TraceQL search, logs <-> traces, user timeline, Tempo API', () => {
  let server: TestServer;
  let decide: () => Promise<void>;
  const ids: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };
  let aRoot: Span;
  let aDb: Span;
  const start = Math.floor(base / 1000) - 60;
  const end = Math.ceil(base / 1000) + 120;
  const range = `start=${start}&end=${end}`;

  before(async () => {
    // Sampling keeps the slow and failed traces (a, b, c) and drops d; it runs when the test ticks.
    let now = Date.now();
    server = await startTestServer({
      clock: () => now,
      sets: ['processor.interval=0', 'sampling.baselinePercent=0', 'sampling.latencyThreshold=250ms'],
    });
    decide = async () => {
      now = Math.max(now, Date.now()) + 120_000;
      await server.processors.runOnce();
    };
    const url = server.urls.otlpHttp;
    const providers = ['shop-frontend', 'shop-payments'].map(
      (service) =>
        new BasicTracerProvider({
          resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'prod' }),
          spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }))],
        }),
    );
    const frontend = providers[0]!.getTracer('shop');
    const payments = providers[1]!.getTracer('shop');
    const child = (
      tracer: typeof frontend,
      parent: Span,
      name: string,
      kind: SpanKind,
      s: number,
      e: number,
      attrs = {},
    ) => {
      const span = tracer.startSpan(
        name,
        { kind, startTime: at(s), attributes: attrs },
        trace.setSpan(context.active(), parent),
      );
      span.end(at(e));
      return span;
    };

    aRoot = frontend.startSpan('GET /checkout', {
      kind: SpanKind.SERVER,
      startTime: at(0),
      attributes: { 'http.route': '/checkout', 'http.response.status_code': 500, 'enduser.id': 'u-42' },
    });
    aDb = child(frontend, aRoot, 'SELECT cart', SpanKind.CLIENT, 10, 810, { 'db.system': 'postgres' });
    child(frontend, aRoot, 'charge', SpanKind.CLIENT, 900, 1000);
    aRoot.setStatus({ code: SpanStatusCode.ERROR, message: 'card expired' });
    aRoot.end(at(1200));

    const bRoot = frontend.startSpan('GET /home', {
      kind: SpanKind.SERVER,
      startTime: at(1000),
      attributes: { 'http.route': '/', 'http.response.status_code': 200, 'enduser.id': 'u-42' },
    });
    bRoot.end(at(1260));

    const cRoot = payments.startSpan('POST /pay', {
      kind: SpanKind.SERVER,
      startTime: at(2000),
      attributes: { 'payment.amount': 12.5 },
    });
    for (let i = 0; i < 3; i++) child(payments, cRoot, 'ledger', SpanKind.INTERNAL, 2010 + i * 60, 2060 + i * 60);
    cRoot.end(at(2300));

    const dRoot = frontend.startSpan('GET /checkout', { kind: SpanKind.SERVER, startTime: at(3000) });
    dRoot.end(at(3005));

    for (const p of providers) await p.shutdown();
    Object.assign(ids, {
      a: aRoot.spanContext().traceId,
      b: bRoot.spanContext().traceId,
      c: cRoot.spanContext().traceId,
      d: dRoot.spanContext().traceId,
    });

    const logs = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop-frontend' }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${url}/v1/logs` }) })],
    });
    const logger = logs.getLogger('shop');
    const emit = (ms: number, sev: SeverityNumber, text: string, body: string, ctx?: Context, attributes = {}) =>
      logger.emit({ timestamp: at(ms), severityNumber: sev, severityText: text, body, context: ctx, attributes });
    emit(100, SeverityNumber.ERROR, 'ERROR', 'Payment declined: card expired', trace.setSpan(context.active(), aRoot), {
      'enduser.id': 'u-42',
      'order.id': 'o-1',
    });
    emit(500, SeverityNumber.INFO, 'INFO', 'cart loaded with 3 items', trace.setSpan(context.active(), aDb));
    emit(700, SeverityNumber.DEBUG, 'DEBUG', 'cache warmed');
    emit(1010, SeverityNumber.INFO, 'INFO', 'home rendered', trace.setSpan(context.active(), bRoot), {
      'enduser.id': 'u-42',
    });
    await logs.shutdown();

    // Wait until every span is stored, then let sampling decide.
    for (const id of Object.values(ids)) {
      for (let i = 0; i < 100 && (await server.get(`/api/v1/traces/${id}`)).status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (let i = 0; i < 100 && (await server.get(`/api/v1/logs?${range}`)).body.logs?.length !== 4; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await decide();
    for (const id of Object.values(ids)) {
      for (let i = 0; i < 50 && (await server.get(`/api/v1/traces/${id}/decision`)).body.decision === 'pending'; i++) {
        await decide();
      }
    }
  });
  after(() => server.stop());

  const search = async (q: string, extra = '') => {
    const res = await server.get(`/api/v1/search?q=${encodeURIComponent(q)}&${range}${extra}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.traces as { traceId: string; source: string; decision: string }[];
  };
  const found = async (q: string, extra = '') =>
    (await search(q, extra)).map((t) => Object.entries(ids).find(([, id]) => id === t.traceId)?.[0]).sort();

  describe('each TraceQL construct returns exactly the expected traces', () => {
    const cases: [string, string[], string?][] = [
      ['{}', ['a', 'b', 'c']],
      ['{}', ['a', 'b', 'c', 'd'], '&recent=true'],
      ['{ name = "GET /checkout" }', ['a']],
      ['{ name = "GET /checkout" }', ['a', 'd'], '&recent=true'],
      ['{ resource.service.name = "shop-payments" }', ['c']],
      ['{ .deployment.environment = "prod" && status = error }', ['a']],
      ['{ span.http.response.status_code = 500 }', ['a']],
      ['{ span.http.response.status_code = "500" }', []],
      ['{ span.http.response.status_code >= 200 && span.http.response.status_code < 300 }', ['b']],
      ['{ span.payment.amount > 10 }', ['c']],
      ['{ span.http.route =~ "/c.*" }', ['a']],
      ['{ span.http.route !~ "/c.*" }', ['b']],
      ['{ duration > 1s }', ['a']],
      ['{ kind = internal }', ['c']],
      ['{ statusMessage = "card expired" }', ['a']],
      ['{ name = "GET /home" || name = "POST /pay" }', ['b', 'c']],
      ['{ name = "GET /checkout" } && { span.db.system = "postgres" }', ['a']],
      ['{ name = "GET /home" } && { span.db.system = "postgres" }', []],
      ['{ name = "GET /home" } || { span.db.system = "postgres" }', ['a', 'b']],
      ['{ kind = client } | count() > 1', ['a']],
      ['{ trace:rootService = "shop-payments" && name = "ledger" } | avg(duration) < 100ms', ['c']],
      ['{ trace:duration > 1s }', ['a']],
      ['{ trace:rootName = "GET /home" }', ['b']],
    ];
    for (const [q, want, extra] of cases) {
      test(`${q}${extra ?? ''}`, async () => assert.deepEqual(await found(q, extra), want));
    }
    test('trace:id and span:id', async () => {
      assert.deepEqual(await found(`{ trace:id = "${ids.c}" }`), ['c']);
      assert.deepEqual(await found(`{ span:id = "${aDb.spanContext().spanId}" }`), ['a']);
    });
  });

  test('search results carry the summary, the matched spans, source and decision', async () => {
    const [t] = (await search('{ span.db.system = "postgres" } | select(span.db.system)')) as unknown as {
      [k: string]: unknown;
      matchedSpans: Record<string, unknown>[];
    }[];
    assert.deepEqual(
      { ...t, matchedSpans: undefined },
      {
        traceId: ids.a,
        rootServiceName: 'shop-frontend',
        rootSpanName: 'GET /checkout',
        startTimeUnixNano: ns(0),
        durationNanos: String(1200n * 1_000_000n),
        spanCount: 3,
        errorCount: 1,
        decision: 'keep',
        source: 'kept',
        matchedSpans: undefined,
      },
    );
    assert.deepEqual(t!.matchedSpans, [
      {
        spanId: aDb.spanContext().spanId,
        serviceName: 'shop-frontend',
        name: 'SELECT cart',
        startTimeUnixNano: ns(10),
        durationNanos: String(800n * 1_000_000n),
        statusCode: 'Unset',
        attributes: { 'span.db.system': 'postgres' },
      },
    ]);
    const recent = await search('{ name = "GET /checkout" }', '&recent=true');
    assert.deepEqual(Object.fromEntries(recent.map((r) => [r.traceId, [r.source, r.decision]])), {
      [ids.a]: ['kept', 'keep'],
      [ids.d]: ['recent', 'drop'],
    });
  });

  test('bad input answers 400 with the position', async () => {
    const res = await server.get(`/api/v1/search?q=${encodeURIComponent('{ name = }')}`);
    assert.equal(res.status, 400);
    assert.equal(res.body.position, 9);
    assert.match(res.body.error, /expected a quoted string/);
    assert.equal((await server.get('/api/v1/search?limit=0')).status, 400);
    assert.equal((await server.get('/api/v1/search?start=10&end=5')).status, 400);
    assert.equal((await server.get('/api/v1/search?recent=maybe')).status, 400);
    assert.equal((await server.get(`/api/v1/search?q=${encodeURIComponent('{} | avg(name) > 1')}`)).status, 400);
    assert.equal((await server.get('/api/v1/logs?cursor=bm9wZQ')).status, 400);
    assert.equal((await server.get('/api/v1/logs?attr=novalue')).status, 400);
    assert.equal((await server.get('/api/v1/logs/context?service=x')).status, 400);
  });

  test('tags and values for autocomplete', async () => {
    const tags = await server.get('/api/v1/search/tags');
    const scopes = Object.fromEntries(tags.body.scopes.map((s: { name: string; tags: string[] }) => [s.name, s.tags]));
    assert.ok(scopes.span.includes('http.route') && scopes.span.includes('db.system'), JSON.stringify(scopes));
    assert.ok(scopes.resource.includes('deployment.environment'));
    assert.ok(scopes.intrinsic.includes('duration'));
    const values = await server.get('/api/v1/search/tag/resource.service.name/values');
    assert.deepEqual(values.body.tagValues.map((v: { value: string }) => v.value).sort(), [
      'shop-frontend',
      'shop-payments',
    ]);
    const routes = await server.get('/api/v1/search/tag/span.http.route/values?q=%2Fc');
    assert.deepEqual(routes.body.tagValues, [{ type: 'string', value: '/checkout' }]);
    const codes = await server.get('/api/v1/search/tag/span.http.response.status_code/values');
    assert.deepEqual(
      codes.body.tagValues.map((v: { type: string }) => v.type),
      ['int', 'int'],
    );
  });

  describe('logs', () => {
    const logs = async (query: string) => {
      const res = await server.get(`/api/v1/logs?${range}&${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as {
        logs: { body: string; traceId: string; spanId: string; timeUnixNano: string }[];
        nextCursor: string | null;
      };
    };
    const bodies = async (query: string) => (await logs(query)).logs.map((l) => l.body);

    test('trace -> logs: by trace id and by span id, newest first', async () => {
      assert.deepEqual(await bodies(`traceId=${ids.a}`), [
        'cart loaded with 3 items',
        'Payment declined: card expired',
      ]);
      assert.deepEqual(await bodies(`spanId=${aDb.spanContext().spanId}`), ['cart loaded with 3 items']);
    });

    test('log -> trace: the trace id of a log opens its trace', async () => {
      const [log] = (await logs('q=declined')).logs;
      assert.equal(log!.traceId, ids.a);
      assert.equal(log!.spanId, aRoot.spanContext().spanId);
      const t = await server.get(`/api/v1/traces/${log!.traceId}`);
      assert.equal(t.status, 200);
      const names = t.body.resourceSpans.flatMap((rs: { scopeSpans: { spans: { name: string }[] }[] }) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)),
      );
      assert.deepEqual(names.sort(), ['GET /checkout', 'SELECT cart', 'charge']);
    });

    test('full text, severity, service and attributes', async () => {
      assert.deepEqual(await bodies('q=DECLINED%20card'), ['Payment declined: card expired']);
      assert.deepEqual(await bodies('q=declin'), []);
      assert.deepEqual(await bodies('q=warmed'), ['cache warmed']);
      assert.deepEqual(await bodies('severityMin=17'), ['Payment declined: card expired']);
      assert.deepEqual(await bodies('service=shop-payments'), []);
      assert.deepEqual(await bodies('attr=enduser.id%3Du-42'), ['home rendered', 'Payment declined: card expired']);
      assert.deepEqual(await bodies('attr=enduser.id%3Du-42&attr=order.id%3Do-1'), ['Payment declined: card expired']);
    });

    test('cursor pagination walks every record once, newest first', async () => {
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page = await logs(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.logs.map((l) => l.body));
        cursor = page.nextCursor;
      }
      assert.deepEqual(seen, [
        'home rendered',
        'cache warmed',
        'cart loaded with 3 items',
        'Payment declined: card expired',
      ]);
    });

    test('histogram per severity', async () => {
      const res = await server.get(`/api/v1/logs/histogram?${range}&step=60`);
      assert.equal(res.body.step, 60);
      const total = (k: string) => res.body.buckets.reduce((s: number, b: Record<string, number>) => s + b[k]!, 0);
      assert.deepEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map(total), [0, 1, 2, 0, 1, 0]);
      assert.equal(res.body.buckets[0].t % 60, 0);
    });

    test('context: the lines around one record of the same service', async () => {
      const res = await server.get(
        `/api/v1/logs/context?service=shop-frontend&timeUnixNano=${ns(500)}&before=1&after=1`,
      );
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.logs.map((l: { body: string }) => l.body),
        ['Payment declined: card expired', 'cart loaded with 3 items', 'cache warmed'],
      );
      assert.equal(res.body.anchorIndex, 1);
    });
  });

  test("user timeline: a user's traces and logs in time order", async () => {
    const res = await server.get(`/api/v1/users/u-42/timeline?${range}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.userId, 'u-42');
    assert.deepEqual(
      res.body.items.map(
        (i: { kind: string; timeUnixNano: string; trace?: { traceId: string }; log?: { body: string } }) => [
          i.kind,
          i.timeUnixNano,
          i.trace?.traceId ?? i.log?.body,
        ],
      ),
      [
        ['trace', ns(0), ids.a],
        ['log', ns(100), 'Payment declined: card expired'],
        ['trace', ns(1000), ids.b],
        ['log', ns(1010), 'home rendered'],
      ],
    );
    assert.deepEqual((await server.get(`/api/v1/users/nobody/timeline?${range}`)).body.items, []);
  });

  describe('Tempo-compatible API', () => {
    const raw = async (path: string, accept?: string) => {
      const res = await fetch(server.urls.api + path, { headers: accept ? { accept } : {} });
      return {
        status: res.status,
        type: res.headers.get('content-type') ?? '',
        bytes: new Uint8Array(await res.arrayBuffer()),
      };
    };

    test('echo and ready', async () => {
      const echo = await raw('/tempo/api/echo');
      assert.equal(echo.status, 200);
      assert.equal(Buffer.from(echo.bytes).toString(), 'echo');
      assert.equal((await raw('/tempo/ready')).status, 200);
    });

    test('trace by id: protobuf Trace (v1) and TraceByIDResponse (v2), JSON otherwise, 404 when unknown', async () => {
      const spanNames = (td: { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }) =>
        td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))).sort();
      const v1 = await raw(`/tempo/api/traces/${ids.a}`, 'application/protobuf');
      assert.equal(v1.status, 200);
      assert.match(v1.type, /application\/protobuf/);
      const t1 = TracesData.toObject(TracesData.decode(v1.bytes)) as Parameters<typeof spanNames>[0];
      assert.deepEqual(spanNames(t1), ['GET /checkout', 'SELECT cart', 'charge']);

      const v2 = await raw(`/tempo/api/v2/traces/${ids.a}`, 'application/protobuf');
      assert.equal(v2.status, 200);
      const r2 = TraceByIDResponse.toObject(TraceByIDResponse.decode(v2.bytes), { defaults: true }) as {
        trace: Parameters<typeof spanNames>[0];
        status: number;
      };
      assert.equal(r2.status, 0);
      assert.deepEqual(spanNames(r2.trace), ['GET /checkout', 'SELECT cart', 'charge']);

      const j1 = await server.get(`/tempo/api/traces/${ids.a}`);
      assert.deepEqual(spanNames({ resourceSpans: j1.body.batches }), ['GET /checkout', 'SELECT cart', 'charge']);
      const j2 = await server.get(`/tempo/api/v2/traces/${ids.a}`);
      assert.equal(j2.body.status, 'COMPLETE');
      assert.deepEqual(spanNames(j2.body.trace), ['GET /checkout', 'SELECT cart', 'charge']);

      const unknown = 'ab'.repeat(16);
      assert.equal((await raw(`/tempo/api/traces/${unknown}`, 'application/protobuf')).status, 404);
      assert.equal((await raw(`/tempo/api/v2/traces/${unknown}`, 'application/protobuf')).status, 404);
    });

    test('search: the shape Grafana parses, ns as strings, limit and spss', async () => {
      const q = encodeURIComponent('{ resource.service.name = "shop-payments" }');
      const res = await server.get(`/tempo/api/search?q=${q}&${range}&spss=2`);
      assert.equal(res.status, 200);
      const [t] = res.body.traces;
      assert.equal(res.body.traces.length, 1);
      assert.equal(t.traceID, ids.c);
      assert.equal(t.rootServiceName, 'shop-payments');
      assert.equal(t.rootTraceName, 'POST /pay');
      assert.equal(t.startTimeUnixNano, ns(2000));
      assert.equal(t.durationMs, 300);
      assert.equal(t.spanSets.length, 1);
      assert.equal(t.spanSet.matched, 4);
      assert.equal(t.spanSet.spans.length, 2);
      const span = t.spanSet.spans[0];
      assert.equal(typeof span.spanID, 'string');
      assert.equal(typeof span.startTimeUnixNano, 'string');
      assert.equal(typeof span.durationNanos, 'string');
      assert.deepEqual(span.attributes[0], { key: 'service.name', value: { stringValue: 'shop-payments' } });
      assert.equal(typeof res.body.metrics, 'object');

      const all = await server.get(`/tempo/api/search?${range}`);
      assert.equal(all.body.traces.length, 4, 'no q: every trace, recent ones included');
      assert.equal((await server.get(`/tempo/api/search?${range}&limit=2`)).body.traces.length, 2);
      const tags = await server.get(
        `/tempo/api/search?${range}&tags=${encodeURIComponent('http.route=/ service.name=shop-frontend')}`,
      );
      assert.deepEqual(
        tags.body.traces.map((x: { traceID: string }) => x.traceID),
        [ids.b],
      );
      const slow = await server.get(`/tempo/api/search?${range}&minDuration=1s`);
      assert.deepEqual(
        slow.body.traces.map((x: { traceID: string }) => x.traceID),
        [ids.a],
      );
      const fast = await server.get(`/tempo/api/search?${range}&maxDuration=270ms`);
      assert.deepEqual(fast.body.traces.map((x: { traceID: string }) => x.traceID).sort(), [ids.b, ids.d].sort());
      assert.equal((await server.get(`/tempo/api/search?q=${encodeURIComponent('{ name = ')}`)).status, 400);
      assert.equal((await server.get('/tempo/api/search?minDuration=fast')).status, 400);
    });

    test('tags and tag values, v1 and v2; an incomplete q returns the full list', async () => {
      const v1 = await server.get('/tempo/api/search/tags');
      assert.ok(v1.body.tagNames.includes('http.route') && v1.body.tagNames.includes('service.name'));
      const v2 = await server.get('/tempo/api/v2/search/tags?scope=resource');
      assert.deepEqual(
        v2.body.scopes.map((s: { name: string }) => s.name),
        ['resource'],
      );
      assert.ok(v2.body.scopes[0].tags.includes('deployment.environment'));
      const intrinsic = await server.get('/tempo/api/v2/search/tags?scope=intrinsic');
      assert.ok(intrinsic.body.scopes[0].tags.includes('status'));

      const vals1 = await server.get('/tempo/api/search/tag/service.name/values');
      assert.deepEqual(vals1.body.tagValues.sort(), ['shop-frontend', 'shop-payments']);
      const q = encodeURIComponent('{ resource.service.name = ');
      const vals2 = await server.get(`/tempo/api/v2/search/tag/resource.service.name/values?q=${q}`);
      assert.equal(vals2.status, 200);
      assert.deepEqual(
        vals2.body.tagValues.sort((a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value)),
        [
          { type: 'string', value: 'shop-frontend' },
          { type: 'string', value: 'shop-payments' },
        ],
      );
      // A complete q narrows the values to those on spans matching its conditions.
      const values = async (tag: string, traceql: string) =>
        (await server.get(`/tempo/api/v2/search/tag/${tag}/values?q=${encodeURIComponent(traceql)}`)).body.tagValues
          .map((v: { value: string }) => v.value)
          .sort();
      assert.deepEqual(await values('name', '{ resource.service.name = "shop-payments" }'), ['POST /pay', 'ledger']);
      assert.deepEqual(await values('resource.service.name', '{ span.http.route = "/checkout" }'), ['shop-frontend']);
      assert.deepEqual(await values('span.http.route', '{ span.enduser.id = "u-42" && status = error }'), [
        '/checkout',
      ]);
      assert.deepEqual(await values('resource.service.name', '{}'), ['shop-frontend', 'shop-payments']);
      const status = await server.get('/tempo/api/v2/search/tag/status/values');
      assert.deepEqual(status.body.tagValues[0], { type: 'keyword', value: 'error' });
    });

    test('every route is in the OpenAPI document', async () => {
      const doc = (await server.get('/api/v1/openapi.json')).body;
      for (const path of [
        '/api/v1/search',
        '/api/v1/search/tags',
        '/api/v1/search/tag/{tag}/values',
        '/api/v1/logs',
        '/api/v1/logs/histogram',
        '/api/v1/logs/context',
        '/api/v1/users/{enduserId}/timeline',
        '/tempo/api/search',
        '/tempo/api/v2/traces/{traceId}',
        '/tempo/api/v2/search/tag/{tag}/values',
      ]) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
});
