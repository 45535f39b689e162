// A consumer that names its producer by span link, in another trace decided earlier: the service
// graph reads that producer back from spans_recent (it is in no chunk of the consumer's window)
// and draws the messaging edge, instead of a root edge from "user".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseExposition, QUICK_DERIVED_SETS, waitFor } from '../derivedWorkload';
import { startTestServer, type TestServer } from '../helpers';

let server: TestServer;
before(async () => {
  server = await startTestServer({ sets: QUICK_DERIVED_SETS });
});
after(() => server?.stop());

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

interface Span {
  spanId: string;
  parentSpanId?: string;
  kind: number;
  links?: { traceId: string; spanId: string }[];
}

async function send(service: string, traceId: string, spans: Span[]): Promise<void> {
  const end = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId,
              name: `${service} work`,
              startTimeUnixNano: String(end - 5_000_000n),
              endTimeUnixNano: String(end),
              ...s,
            })),
          },
        ],
      },
    ],
  };
  const res = await fetch(`${server.urls.otlpHttp}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${server.urls.api}/metrics`)).text();
  return parseExposition(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

test('a consumer linked to a producer of an earlier trace pairs with it as messaging_system', async () => {
  const producerTrace = hex(16);
  const root = hex(8);
  const producer = hex(8);
  await send('orders', producerTrace, [
    { spanId: root, kind: 2 },
    { spanId: producer, parentSpanId: root, kind: 4 },
  ]);
  // The producer's trace is decided and graphed on its own first: its producer stays unpaired.
  await waitFor('the producer trace in the graph', async () => {
    const edge = { client: 'user', server: 'orders' };
    return (await metric('traces_service_graph_request_total', edge)) === 1;
  });
  assert.equal(await metric('tracehouse_service_graph_unpaired_spans_total'), 1);

  // A consumer in a trace of its own (no parent), linked to that producer.
  await send('mailer', hex(16), [{ spanId: hex(8), kind: 5, links: [{ traceId: producerTrace, spanId: producer }] }]);
  const messaging = { client: 'orders', server: 'mailer', connection_type: 'messaging_system' };
  await waitFor(
    'the messaging edge',
    async () => (await metric('traces_service_graph_request_total', messaging)) === 1,
  );
  assert.equal(
    await metric('traces_service_graph_request_total', { client: 'user', server: 'mailer' }),
    0,
    'the consumer is not a root entry: its caller is the linked producer',
  );
});
