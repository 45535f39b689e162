import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenantRateLimiter } from '../../src/ingest/quota';

test('a tenant gets its burst at once, then the rate; other tenants have their own buckets', () => {
  let now = 0;
  const limiter = new TenantRateLimiter(1000, 2000, () => now);
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
  const limiter = new TenantRateLimiter(100, 100, () => now);
  assert.equal(limiter.take('acme', 150), true);
  for (let i = 0; i < 10; i++) assert.equal(limiter.take('acme', 1000), false);
  now += 600; // 60 tokens: -50 + 60 > 0, so the refusals above cost nothing
  assert.equal(limiter.take('acme', 1), true);
  const off = new TenantRateLimiter(0, 0, () => now);
  assert.equal(off.enabled, false);
  for (let i = 0; i < 5; i++) assert.equal(off.take('acme', 1e9), true);
});
