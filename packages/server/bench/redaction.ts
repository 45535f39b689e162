// Cost of redaction on the ingest path: decode realistic OTLP/protobuf batches, then redact
// them, timing both in the same round (the ratio is what matters on a shared machine).
//   node --import tsx packages/server/bench/redaction.ts [--seconds 3]
// Prints:
//   bench redaction signal=traces rounds=... items_per_round=... decode_per_s=... redact_per_s=... decode_redact_per_s=... ratio=...
// ratio = throughput of decode + redaction / throughput of decode alone.
import { parseArgs } from 'node:util';
import { createWorkload } from '@tracehouse/loadgen';
import {
  decodeLogs,
  decodeTraces,
  encodeLogsData,
  encodeTracesData,
  type LogRecord,
  type SpanRecord,
} from '@tracehouse/otlp';
import { Redactor } from '../src/ingest/redaction/index';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);

// 20 different batches of ~2000 spans (and their logs), cycled: values repeat across batches
// as much as the workload makes them repeat, no more.
const workload = createWorkload({ seed: 42 });
const spanBatches: Uint8Array[] = [];
const logBatches: Uint8Array[] = [];
let t = 1_732_000_000_000_000_000n;
for (let b = 0; b < 20; b++) {
  const spans: SpanRecord[] = [];
  const logs: LogRecord[] = [];
  while (spans.length < 2000) {
    const trace = workload.nextTrace(t);
    spans.push(...trace.spans);
    logs.push(...trace.logs);
    t += 10_000_000n;
  }
  spanBatches.push(encodeTracesData(spans));
  logBatches.push(encodeLogsData(logs));
}
const redactor = new Redactor();

/**
 * Each round decodes every batch (timed), then redacts the fresh records (timed): the two
 * times come from the same moment of a shared machine. The median round is reported.
 */
function bench(
  signal: string,
  bodies: Uint8Array[],
  decode: (b: Uint8Array) => unknown[],
  redact: (r: never[]) => void,
) {
  const rounds: { items: number; decodeS: number; redactS: number }[] = [];
  const until = performance.now() + seconds * 1000;
  let warm = true;
  while (warm || performance.now() < until) {
    let t0 = performance.now();
    const decoded = bodies.map(decode);
    const decodeS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    for (const records of decoded) redact(records as never[]);
    const redactS = (performance.now() - t0) / 1000;
    if (!warm) rounds.push({ items: decoded.reduce((a, r) => a + r.length, 0), decodeS, redactS });
    warm = false;
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const items = rounds[0]!.items;
  const decodeS = median(rounds.map((r) => r.decodeS));
  const redactS = median(rounds.map((r) => r.redactS));
  const ratio = median(rounds.map((r) => r.decodeS / (r.decodeS + r.redactS)));
  console.log(
    `bench redaction signal=${signal} rounds=${rounds.length} items_per_round=${items} decode_per_s=${Math.round(items / decodeS)} redact_per_s=${Math.round(items / redactS)} decode_redact_per_s=${Math.round(items / (decodeS + redactS))} ratio=${ratio.toFixed(3)}`,
  );
}

bench(
  'traces',
  spanBatches,
  (b) => decodeTraces(b, 'protobuf').records,
  (r) => redactor.redactSpans(r as SpanRecord[]),
);
bench(
  'logs',
  logBatches,
  (b) => decodeLogs(b, 'protobuf').records,
  (r) => redactor.redactLogs(r as LogRecord[]),
);
