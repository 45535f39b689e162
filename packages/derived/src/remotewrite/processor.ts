import type { Family } from '../exposition/format';
import { type DerivedSeries, derivedFamilies } from '../exposition/series';
import { encodeWriteRequest, type RemoteWriteSeries, snappyLiteralBlock } from './encode';

/** Families -> remote-write series: counters as `_total`, histograms as cumulative buckets. */
export function toRemoteWrite(families: readonly Family[], timestampMs: number): RemoteWriteSeries[] {
  const out: RemoteWriteSeries[] = [];
  for (const f of families) {
    if ('plain' in f) continue;
    if (f.type === 'counter') {
      for (const s of f.samples)
        out.push({ labels: [['__name__', `${f.name}_total`], ...s.labels], value: s.value, timestampMs });
      continue;
    }
    for (const s of f.samples) {
      let acc = 0;
      for (let i = 0; i <= f.bounds.length; i++) {
        acc += s.buckets[i] ?? 0;
        const e = s.exemplars?.[i];
        out.push({
          labels: [
            ['__name__', `${f.name}_bucket`],
            ...s.labels,
            ['le', i < f.bounds.length ? String(f.bounds[i]) : '+Inf'],
          ],
          value: acc,
          timestampMs,
          exemplars: e
            ? [
                {
                  labels: [
                    ['trace_id', e.traceId],
                    ['span_id', e.spanId],
                  ],
                  value: e.value,
                  timestampMs: Number(BigInt(e.timeUnixNano) / 1_000_000n),
                },
              ]
            : undefined,
        });
      }
      out.push({ labels: [['__name__', `${f.name}_sum`], ...s.labels], value: s.sum, timestampMs });
      out.push({ labels: [['__name__', `${f.name}_count`], ...s.labels], value: acc, timestampMs });
    }
  }
  return out;
}

/**
 * Pushes the derived metrics (with exemplars) to a Prometheus remote-write endpoint once per
 * interval. It takes the exemplars it sends, so with both a scraper and remote write each
 * exemplar goes to one of them: use one of the two.
 */
export class RemoteWriteProcessor {
  readonly name = 'remote_write';
  private lastPushMs = 0;

  constructor(
    private readonly url: string,
    private readonly series: DerivedSeries,
    private readonly intervalMs: number,
  ) {}

  async tick(nowMs: number): Promise<void> {
    if (nowMs - this.lastPushMs < this.intervalMs) return;
    this.lastPushMs = nowMs;
    const body = snappyLiteralBlock(
      encodeWriteRequest(toRemoteWrite(derivedFamilies(this.series, true, 'all'), nowMs)),
    );
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
        'user-agent': 'tracehouse',
      },
      body: Buffer.from(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`remote write ${res.status}: ${(await res.text()).slice(0, 200)}`);
  }
}
