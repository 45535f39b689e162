import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metadata } from '@grpc/grpc-js';
import type { ExportResult } from '../../src/send/exporter';
import { retryDelayMs } from '../../src/send/grpc-exporter';
import { backoffMs, DEFAULT_RETRY_POLICY, parseRetryAfter, sendWithRetry } from '../../src/send/retry';

function hooks() {
  const slept: number[] = [];
  let attempts = 0;
  return {
    slept,
    attempts: () => attempts,
    hooks: {
      sleep: async (ms: number) => {
        slept.push(ms);
      },
      now: () => 0,
      random: () => 0.5,
      onAttempt: () => {
        attempts++;
      },
      aborted: () => false,
    },
  };
}

const refused = (retryAfterMs: number | null, retryable = true): ExportResult => ({
  ok: false,
  retryable,
  retryAfterMs,
  error: 'HTTP 429',
});
const ok: ExportResult = { ok: true, rejected: 0, message: '' };

describe('retries', () => {
  it('reads Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfter('3', 0), 3000);
    assert.equal(parseRetryAfter(['0'], 0), 0);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.equal(parseRetryAfter(undefined, 0), null);
    assert.equal(parseRetryAfter('soon', 0), null);
  });

  it('waits what the server asks, capped, then succeeds', async () => {
    const h = hooks();
    const answers = [refused(2000), refused(120_000), ok];
    const { result, retries } = await sendWithRetry(async () => answers.shift() ?? ok, DEFAULT_RETRY_POLICY, h.hooks);
    assert.equal(result.ok, true);
    assert.equal(retries, 2);
    assert.deepEqual(h.slept, [2000, DEFAULT_RETRY_POLICY.maxRetryAfterMs]);
    assert.equal(h.attempts(), 3);
  });

  it('backs off exponentially without a server delay, and gives up after maxRetries', async () => {
    const h = hooks();
    const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 3 };
    const { result, retries } = await sendWithRetry(async () => refused(null), policy, h.hooks);
    assert.equal(result.ok, false);
    assert.equal(retries, 3);
    assert.deepEqual(
      h.slept,
      [0, 1, 2].map((r) => backoffMs(r, policy, () => 0.5)),
    );
    assert.ok(h.slept[0] < h.slept[1] && h.slept[1] < h.slept[2]);
  });

  it('does not retry a final refusal', async () => {
    const h = hooks();
    const { retries } = await sendWithRetry(async () => refused(null, false), DEFAULT_RETRY_POLICY, h.hooks);
    assert.equal(retries, 0);
    assert.deepEqual(h.slept, []);
  });

  it('reads the gRPC retry delay from RetryInfo, or from grpc-retry-pushback-ms', () => {
    // google.rpc.Status{code=8, details=[Any{type_url, value=RetryInfo{retry_delay=Duration{1 s, 500 ms}}}]}
    const typeUrl = Buffer.from('type.googleapis.com/google.rpc.RetryInfo');
    const duration = Buffer.from([0x08, 0x01, 0x10, 0x80, 0xca, 0xb5, 0xee, 0x01]);
    const retryInfo = Buffer.concat([Buffer.from([0x0a, duration.length]), duration]);
    const any = Buffer.concat([
      Buffer.from([0x0a, typeUrl.length]),
      typeUrl,
      Buffer.from([0x12, retryInfo.length]),
      retryInfo,
    ]);
    const status = Buffer.concat([Buffer.from([0x08, 0x08, 0x1a, any.length]), any]);
    const md = new Metadata();
    md.set('grpc-status-details-bin', status);
    assert.equal(retryDelayMs(md), 1500);
    const pushback = new Metadata();
    pushback.set('grpc-retry-pushback-ms', '250');
    assert.equal(retryDelayMs(pushback), 250);
    assert.equal(retryDelayMs(new Metadata()), null);
  });
});
