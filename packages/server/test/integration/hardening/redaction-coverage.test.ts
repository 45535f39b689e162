import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hex } from '../../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../../helpers';
import { exportJson } from '../../support/responsiveness';

// One planted secret (a fake AWS access key id, in the format the redactor knows) in every
// string a client sends that is stored or served, beyond attribute values and bodies.
const SECRET = 'AKIAIOSFODNN7EXAMPLE';
const text = `key ${SECRET} here`;
const bytes = Buffer.from(`token ${SECRET}`).toString('base64');

describe('redaction covers every client string that is stored (issue 15 item 6)', () => {
  let server: TestServer;
  const traceId = hex(16);
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const post = (signal: 'traces' | 'logs' | 'metrics', doc: unknown) => exportJson(server, signal, doc);
  const now = () => `${Date.now()}000000`;
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'redact-all' } }] };
  const scope = { name: `scope ${SECRET}`, version: `v-${SECRET}` };
  const attributes = [
    { key: text, value: { stringValue: 'under a secret key' } },
    { key: 'blob', value: { bytesValue: bytes } },
  ];

  test('trace state, link trace state, attribute keys, bytes values, scope, schema URLs', async () => {
    const start = now();
    await post('traces', {
      resourceSpans: [
        {
          resource,
          schemaUrl: `https://schemas.example/${SECRET}`,
          scopeSpans: [
            {
              scope,
              schemaUrl: `https://schemas.example/${SECRET}`,
              spans: [
                {
                  traceId,
                  spanId: hex(8),
                  name: 'op',
                  kind: 2,
                  startTimeUnixNano: start,
                  endTimeUnixNano: start,
                  traceState: `vendor=${SECRET}`,
                  attributes,
                  links: [{ traceId: hex(16), spanId: hex(8), traceState: `other=${SECRET}` }],
                },
              ],
            },
          ],
        },
      ],
    });
    await post('logs', {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope,
              logRecords: [
                { timeUnixNano: now(), severityText: text, eventName: text, body: { stringValue: 'x' }, attributes },
              ],
            },
          ],
        },
      ],
    });
    await post('metrics', {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope,
              metrics: [
                {
                  name: `orders.${SECRET}`,
                  unit: text,
                  description: text,
                  gauge: { dataPoints: [{ timeUnixNano: now(), asDouble: 1, attributes }] },
                },
              ],
            },
          ],
        },
      ],
    });

    for (const table of ['spans_recent', 'logs', 'metrics_gauge']) {
      const rows = await server.store.sql.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      assert.ok(rows.length > 0, `${table} has the rows`);
      const dump = JSON.stringify(rows);
      assert.ok(
        !dump.includes(SECRET),
        `${table} holds the secret: ${dump.slice(dump.indexOf(SECRET) - 200, dump.indexOf(SECRET) + 50)}`,
      );
      assert.ok(!dump.includes(bytes), `${table} holds the secret bytes`);
    }
    const served = await server.get(`/api/v1/traces/${traceId}`);
    assert.equal(served.status, 200);
    assert.ok(!JSON.stringify(served.body).includes(SECRET));
  });
});
