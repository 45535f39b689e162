// Cost of redaction on the ingest path: decode a realistic OTLP/protobuf batch, with and
// without redaction, in the same run (the ratio is what matters on a shared machine).
//   node --import tsx packages/server/bench/redaction.ts [--seconds 3] [--cold]
// Prints:
//   bench redaction signal=traces decode_spans_per_s=... decode_redact_spans_per_s=... ratio=... redact_only_spans_per_s=...
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
import { Redactor } from '@tracehouse/pipeline';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, cold: { type: 'boolean' } } });
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
let redactor = new Redactor();
const cold = values.cold === true;

function rate(run: () => number): number {
  const warm = performance.now() + 500;
  while (performance.now() < warm) run();
  let items = 0;
  const start = performance.now();
  while (performance.now() < start + seconds * 1000) items += run();
  return items / ((performance.now() - start) / 1000);
}

function bench(
  signal: string,
  bodies: Uint8Array[],
  decodeOne: (b: Uint8Array) => unknown[],
  redact: (r: never[]) => void,
) {
  let i = 0;
  const decode = (_: unknown) => decodeOne(bodies[i++ % bodies.length]!);
  const body = bodies[0];
  // Interleave the two so drift on a shared machine hits both alike.
  const plain: number[] = [];
  const redacted: number[] = [];
  for (let round = 0; round < 3; round++) {
    plain.push(rate(() => decode(body).length));
    redacted.push(
      rate(() => {
        const r = decode(body);
        // --cold: a fresh redactor per batch, so no value is known clean in advance.
        if (cold) redactor = new Redactor();
        redact(r as never[]);
        return r.length;
      }),
    );
  }
  const best = (xs: number[]) => Math.max(...xs);
  const p = best(plain);
  const r = best(redacted);
  // Time per item of redaction alone = (1/r - 1/p).
  const redactOnly = 1 / (1 / r - 1 / p);
  console.log(
    `bench redaction signal=${signal} cache=${cold ? 'cold' : 'warm'} items_per_batch=${decode(body).length} decode_per_s=${Math.round(p)} decode_redact_per_s=${Math.round(r)} ratio=${(r / p).toFixed(3)} redact_only_per_s=${Math.round(redactOnly)}`,
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
