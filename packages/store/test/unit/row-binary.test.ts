import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column } from '../../src/schema/columns';
import { resourceScopeColumns } from '../../src/schema/columns';
import { ByteSink, rowBinaryTable } from '../../src/write/rowBinary';

test('64-bit integers are written exactly, from small, negative and 19-digit decimal strings', () => {
  const cases = ['0', '1', '-1', '4294967296', '-4294967297', '9007199254740993', '1733400000123456789'];
  cases.push('-9223372036854775808', '18446744073709551615', '-18446744073709551615', '99999999999999999999');
  cases.push('-99999999999999999999', '1000000000', '-1000000000', '4294967295999999999', '00000000000000000042');
  const sink = new ByteSink(4);
  for (const c of cases) sink.i64(c);
  const out = sink.take();
  cases.forEach((c, i) => {
    assert.equal(out.readBigUInt64LE(i * 8), BigInt.asUintN(64, BigInt(c)), c);
  });
});

test('a decimal that is not one is written as 0', () => {
  const sink = new ByteSink(4);
  const bad = ['', '-', '+1', ' 1', '12x', '1.5', '1e9', '123456789012345678901', '--1', '-1-'];
  for (const c of bad) sink.i64(c);
  assert.deepEqual([...sink.take()], [...Buffer.alloc(8 * bad.length)]);
});

test('strings are length-prefixed UTF-8, short ASCII or not, long or not', () => {
  const values = ['', 'GET /api', 'héllo wörld', '🙂', 'x'.repeat(127), 'y'.repeat(128), 'é'.repeat(300)];
  const sink = new ByteSink(1);
  for (const v of values) sink.string(v);
  const out = sink.take();
  let pos = 0;
  for (const v of values) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = out[pos++]!;
      len |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) break;
    }
    assert.equal(out.toString('utf8', pos, pos + len), v);
    pos += len;
  }
  assert.equal(pos, out.length);
});

test('records of one resource and scope get the same bytes as when each is written on its own', () => {
  const columns: Column[] = [
    { name: 'Name', type: 'LowCardinality(String)', kind: 'string' },
    ...resourceScopeColumns,
    { name: 'Count', type: 'UInt32', kind: 'uint' },
  ];
  const table = rowBinaryTable(columns);
  const resource = {
    ServiceName: 'checkout',
    ResourceAttributes: { 'service.name': 'checkout', 'host.name': 'h1' },
    ResourceAttributeTypes: {},
    ResourceDroppedAttributesCount: 0,
    ResourceSchemaUrl: '',
    ScopeName: 'io.opentelemetry.http',
    ScopeVersion: '1.0',
    ScopeAttributes: {},
    ScopeAttributeTypes: {},
    ScopeDroppedAttributesCount: 0,
    ScopeSchemaUrl: '',
  };
  const other = { ...resource, ServiceName: 'cart', ResourceAttributes: { 'service.name': 'cart' } };
  const records = [
    { Name: 'a', Count: 1, ...resource },
    { Name: 'b', Count: 2, ...resource },
    { Name: 'c', Count: 3, ...other },
    { Name: 'd', Count: 4, ...resource },
  ];
  const sink = new ByteSink();
  table.write(sink, records, 'acme');
  const together = sink.take();
  const apart = Buffer.concat(
    records.map((r) => {
      table.write(sink, [r], 'acme');
      return sink.take();
    }),
  );
  assert.deepEqual(together, apart);
});

test('a value of the wrong type becomes its column type’s empty value instead of failing the insert', () => {
  const columns: Column[] = [
    { name: 'T', type: 'DateTime64(9) CODEC(Delta(8), ZSTD(1))', kind: 'decimal' },
    { name: 'N', type: 'UInt32', kind: 'uint' },
    { name: 'M', type: 'Map(LowCardinality(String), String)', kind: 'map' },
    { name: 'V', type: 'Nullable(Int64)', kind: 'nullableDecimal' },
  ];
  const sink = new ByteSink();
  rowBinaryTable(columns).write(sink, [{ T: '12x', N: -5, M: ['not', 'a', 'map'], V: null }], '');
  assert.deepEqual([...sink.take()], [...Buffer.alloc(8), 0, 0, 0, 0, 0, 1, 0]);
  assert.equal(rowBinaryTable(columns).structure.split(', ')[0], '`T` DateTime64(9)');
});

test('the bytes are declared without LowCardinality (ClickHouse reads a String and converts it faster)', () => {
  const columns: Column[] = [
    { name: 'S', type: 'LowCardinality(String)', kind: 'string' },
    { name: 'M', type: 'Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))', kind: 'map' },
    { name: 'A', type: 'Array(LowCardinality(String))', kind: 'array:string' },
  ];
  assert.equal(
    rowBinaryTable(columns).structure,
    '`S` String, `M` Map(String, String), `A` Array(String), `Tenant` String',
  );
});
