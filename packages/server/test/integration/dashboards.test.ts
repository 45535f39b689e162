// Saved dashboards: per tenant, validated, survive a restart; only the creator (or ops) deletes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer } from '../helpers';
import { ADMIN_TOKEN, addUser, call, login } from '../support/auth';

const dashboard = {
  title: 'Checkout',
  definition: {
    variables: [{ name: 'service', label: 'service_name', default: 'checkout' }],
    panels: [
      { title: 'requests', expr: 'sum(rate(http_requests_total{service_name="$service"}[5m]))', unit: 'perSecond' },
    ],
  },
};

test('dashboards are saved per tenant, validated, survive a restart, and deleted by their creator', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-dashboards-'));
  const start = () => startTestServer({ auth: true, dataDir, sets: [`auth.adminToken=${ADMIN_TOKEN}`] });
  try {
    let server = await start();
    await addUser(server, 'vera', 'viewer');
    await addUser(server, 'walt', 'viewer');
    const vera = await login(server, 'vera', 'vera-password-1');
    const walt = await login(server, 'walt', 'walt-password-1');
    const origin = server.urls.api;
    assert.equal((await call(server, 'GET', '/api/v1/dashboards')).status, 401);
    const put = await call(server, 'PUT', '/api/v1/dashboards/checkout', { cookie: vera, origin, body: dashboard });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    // Bad input: a clear 400, nothing stored.
    for (const [id, body] of [
      ['Bad Id', dashboard],
      ['x', { title: 'x', definition: { panels: [{ title: 'p' }] } }],
      ['y', { title: '', definition: { panels: [] } }],
      ['z', { title: 'z', definition: { panels: Array.from({ length: 101 }, () => ({ title: 'p', expr: 'up' })) } }],
    ] as const) {
      const r = await call(server, 'PUT', `/api/v1/dashboards/${encodeURIComponent(id)}`, {
        cookie: vera,
        origin,
        body,
      });
      assert.equal(r.status, 400, `${id}: ${JSON.stringify(r.body)}`);
    }
    const list = await call(server, 'GET', '/api/v1/dashboards', { cookie: walt });
    assert.deepEqual(
      list.body.dashboards.map((d: { id: string }) => d.id),
      ['checkout'],
    );
    await server.stop({ keepData: true });

    server = await start();
    try {
      const got = await call(server, 'GET', '/api/v1/dashboards/checkout', { token: ADMIN_TOKEN });
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.definition, dashboard.definition);
      assert.equal(got.body.createdBy, 'vera');
      const walt2 = await login(server, 'walt', 'walt-password-1');
      const vera2 = await login(server, 'vera', 'vera-password-1');
      const o = server.urls.api;
      assert.equal(
        (await call(server, 'DELETE', '/api/v1/dashboards/checkout', { cookie: walt2, origin: o })).status,
        403,
      );
      assert.equal(
        (await call(server, 'DELETE', '/api/v1/dashboards/checkout', { cookie: vera2, origin: o })).status,
        204,
      );
      assert.equal((await call(server, 'GET', '/api/v1/dashboards/checkout', { token: ADMIN_TOKEN })).status, 404);
    } finally {
      await server.stop({ keepData: true });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
