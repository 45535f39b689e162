import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { Sql } from '../../src/client';
import { migrations, Store } from '../../src/index';
import { bareSpan, hex, storeOptions, tempDir } from '../fixtures';

describe('tenants in the store', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('data written before tenants existed belongs to the default tenant after the upgrade', async () => {
    const dir = tempDir();
    dirs.push(dir);
    // A database as the release before migration 7 left it, holding one span.
    const old = Sql.connect({ dataDir: dir });
    await old.command(
      'CREATE TABLE schema_migrations (version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version',
    );
    for (const m of migrations.filter((m) => m.version < 7)) {
      for (const s of m.statements) await old.command(s);
      await old.command('INSERT INTO schema_migrations (version, name) VALUES ({v:UInt32}, {n:String})', {
        v: m.version,
        n: m.name,
      });
    }
    const traceId = hex(16);
    await old.command(
      "INSERT INTO spans_recent (TraceId, SpanId, ServiceName, Timestamp) VALUES ({t:String}, {s:String}, 'legacy', now64(9))",
      { t: traceId, s: hex(8) },
    );
    await old.close();

    const store = await Store.open(storeOptions(dir));
    try {
      assert.equal((await store.getTrace(traceId, 'default')).length, 1, 'the old span is the default tenant’s');
      assert.equal((await store.getTrace(traceId, 'acme')).length, 0);
      await store.writeSpans([bareSpan({ TraceId: traceId, SpanId: hex(8), ServiceName: 'new' })], 'acme');
      const acme = await store.getTrace(traceId, 'acme');
      assert.deepEqual(
        acme.map((s) => s.ServiceName),
        ['new'],
      );
      assert.equal((await store.getTrace(traceId, 'default')).length, 1);
    } finally {
      await store.close();
    }
  });
});
