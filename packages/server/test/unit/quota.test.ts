import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTenantRates, TenantRateLimiter } from '../../src/ingest/quota';

test('a tenant gets its burst at once, then the rate; other tenants have their own buckets', () => {
  let now = 0;
  const limiter = new TenantRateLimiter({ rate: 1000, burst: 2000 }, new Map(), () => now);
  assert.equal(limiter.take('acme', 1500), true, 'within the burst');
  assert.equal(limiter.take('acme', 1500), true, 'admitted while not in debt, and goes 1000 into debt');
  assert.equal(limiter.take('acme', 1), false, 'in debt: refused');
  assert.equal(limiter.take('globex', 2000), true, 'another tenant is not affected');
  now += 1000; // +1000 tokens: back to 0, still not positive
  assert.equal(limiter.take('acme', 1), false);
  now += 10;
  assert.equal(limiter.take('acme', 5000), true, 'a request larger than the burst is admitted once out of debt');
  now += 60_000; // a long idle period refills only up to the burst
  assert.equal(limiter.take('acme', 2000), true);
  assert.equal(limiter.take('acme', 1), false);
});

test('refused requests are not charged, and rate 0 means no limit', () => {
  let now = 0;
  const limiter = new TenantRateLimiter({ rate: 100, burst: 100 }, new Map(), () => now);
  assert.equal(limiter.take('acme', 150), true);
  for (let i = 0; i < 10; i++) assert.equal(limiter.take('acme', 1000), false);
  now += 600; // 60 tokens: -50 + 60 > 0, so the refusals above cost nothing
  assert.equal(limiter.take('acme', 1), true);
  const off = new TenantRateLimiter({ rate: 0, burst: 0 }, new Map(), () => now);
  assert.equal(off.enabled, false);
  for (let i = 0; i < 5; i++) assert.equal(off.take('acme', 1e9), true);
});

test('per-tenant overrides replace the default rate, 0 lifts the limit, and bad lists are refused', () => {
  const overrides = parseTenantRates('acme=10KB, globex=0,default=1KB');
  assert.deepEqual(overrides.get('acme'), { rate: 10_000, burst: 20_000 });
  assert.deepEqual(overrides.get('default'), { rate: 1000, burst: 2000 }, 'by name, as the receivers pass tenants');
  const now = 0;
  const limiter = new TenantRateLimiter({ rate: 100, burst: 100 }, overrides, () => now);
  assert.equal(limiter.enabled, true);
  assert.equal(limiter.take('acme', 15_000), true);
  assert.equal(limiter.take('acme', 10_000), true, '20 KB of burst: 5 KB left, so admitted into debt');
  assert.equal(limiter.take('acme', 1), false);
  for (let i = 0; i < 5; i++) assert.equal(limiter.take('globex', 1e9), true, 'globex is not limited');
  assert.equal(limiter.take('initech', 150), true, 'the default rate for everyone else');
  assert.equal(limiter.take('initech', 1), false);
  assert.equal(limiter.take('default', 2000), true);
  assert.equal(limiter.take('default', 1), false);
  assert.equal(new TenantRateLimiter({ rate: 0, burst: 0 }, parseTenantRates('acme=0')).enabled, false);
  for (const bad of ['acme', 'Acme=1KB', 'acme=lots', '=1KB']) assert.throws(() => parseTenantRates(bad), bad);
});
