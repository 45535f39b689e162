import type { LogRecord, SpanRecord } from '@tracehouse/otlp';
import { injectError, injectSlow, slowCandidates } from './faults';
import { IdSequence, spanIdHex, traceIdHex } from './ids';
import { logsForSpan } from './logs';
import { Random, seedWords } from './random';
import { spanRecord } from './records';
import { createInstances, type ServiceInstance } from './resources';
import { flatten } from './span-node';
import { layoutTrace } from './timing';
import { BACKGROUND_TOPIC, BIG_TRACE_ENTRY, ENTRY_POINTS } from './topology';
import { newTraceContext, TraceBuilder } from './trace-builder';

export interface WorkloadOptions {
  /** Same seed, same sequence of start times: the same traces, ids included. */
  seed: number | string;
  /** Share of traces with an error (default 0.01). */
  errorFraction: number;
  /** Share of traces with one span of 1.5-4 s (default 0.01). */
  slowFraction: number;
  /** Average log records per span (default 0.5); 0 turns logs off. */
  logsPerSpan: number;
  /** Size of the user pool behind enduser.id (default 1000). */
  users: number;
  /** Multiplier on repeated calls (order items, stock updates, ...) (default 1). */
  fanout: number;
  /** Share of big traces (a bulk import) (default 0.002). */
  bigTraceFraction: number;
  /** Span count range of big traces (default [300, 3000]). */
  bigTraceSpans: readonly [number, number];
  /** deployment.environment.name (default 'production'). */
  environment: string;
}

export const DEFAULT_WORKLOAD_OPTIONS: Omit<WorkloadOptions, 'seed'> = {
  errorFraction: 0.01,
  slowFraction: 0.01,
  logsPerSpan: 0.5,
  users: 1000,
  fanout: 1,
  bigTraceFraction: 0.002,
  bigTraceSpans: [300, 3000],
  environment: 'production',
};

/** One generated trace with its correlated logs, and the truth about it. */
export interface GeneratedTrace {
  traceId: string;
  spans: SpanRecord[];
  logs: LogRecord[];
  hasError: boolean;
  isSlow: boolean;
  rootService: string;
  rootSpanName: string;
  startTimeUnixNano: bigint;
  /** The latest end of any span or log time (async consumers can end after the root). */
  endTimeUnixNano: bigint;
}

export interface Workload {
  readonly options: Readonly<WorkloadOptions>;
  /** The running instances of each service (their resources), for signals beside traces. */
  readonly instances: ReadonlyMap<string, readonly ServiceInstance[]>;
  /** The next trace, starting at the given time (time comes from the caller, never a clock). */
  nextTrace(startTimeUnixNano: bigint): GeneratedTrace;
}

// Independent random streams, so that one option never shifts the draws of another.
const STREAM_SHAPE = 1;
const STREAM_LOGS = 2;
const STREAM_TRACE_IDS = 3;
const STREAM_SPAN_IDS = 4;
const STREAM_RESOURCES = 5;

/** Spans per repeat of the bulk-import step, and around it. */
const BIG_SPANS_PER_ROW = 3;
const BIG_OVERHEAD_SPANS = 12;

export function createWorkload(options: Partial<WorkloadOptions> & { seed: number | string }): Workload {
  const o: WorkloadOptions = { ...DEFAULT_WORKLOAD_OPTIONS, ...options };
  const words = seedWords(o.seed);
  const instances = createInstances(Random.derive(words, STREAM_RESOURCES, 0), o.environment);
  const traceIds = new IdSequence(words, STREAM_TRACE_IDS);
  const spanIds = new IdSequence(words, STREAM_SPAN_IDS);
  let index = 0;
  return {
    options: o,
    instances,
    nextTrace(start: bigint): GeneratedTrace {
      const rng = Random.derive(words, STREAM_SHAPE, index);
      const logRng = Random.derive(words, STREAM_LOGS, index);
      index++;
      return generate(
        o,
        rng,
        logRng,
        instances,
        traceIdHex(traceIds.next128()),
        () => spanIdHex(spanIds.next64()),
        start,
      );
    },
  };
}

function generate(
  o: WorkloadOptions,
  rng: Random,
  logRng: Random,
  instances: Map<string, ServiceInstance[]>,
  traceId: string,
  nextSpanId: () => string,
  start: bigint,
): GeneratedTrace {
  const hasError = rng.chance(o.errorFraction);
  const isSlow = rng.chance(o.slowFraction);
  const big = rng.chance(o.bigTraceFraction);
  const entry = big ? BIG_TRACE_ENTRY : rng.pickWeighted(ENTRY_POINTS);
  const bigSpans = rng.int(o.bigTraceSpans[0], o.bigTraceSpans[1]);
  const bigRepeat = Math.max(1, Math.round((bigSpans - BIG_OVERHEAD_SPANS) / BIG_SPANS_PER_ROW));
  const builder = new TraceBuilder(rng, instances, newTraceContext(rng, o.users, entry, bigRepeat, o.fanout));
  const root = builder.build(entry);

  if (isSlow) {
    // Three times in ten only a span the root does not wait for is slow: the root stays
    // fast, and only a sampler that looks at every span keeps the trace.
    const childOnly = rng.chance(0.3);
    let candidates = slowCandidates(root, childOnly);
    if (candidates.length === 0 && childOnly) {
      builder.publishBackground(root, BACKGROUND_TOPIC);
      candidates = slowCandidates(root, true);
    }
    injectSlow(rng.pick(candidates), rng);
  }
  layoutTrace(root);
  if (hasError) injectError(root, rng);

  const nodes = flatten(root);
  for (const node of nodes) node.spanId = nextSpanId();
  const spans: SpanRecord[] = new Array(nodes.length);
  const logs: LogRecord[] = [];
  let end = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    spans[i] = spanRecord(node, traceId, start);
    if (node.end > end) end = node.end;
    if (o.logsPerSpan > 0) logsForSpan(node, traceId, start, o.logsPerSpan, logRng, logs);
  }
  let endTime = start + BigInt(end);
  for (const log of logs) {
    const observed = BigInt(log.ObservedTimestamp);
    if (observed > endTime) endTime = observed;
  }
  return {
    traceId,
    spans,
    logs,
    hasError,
    isSlow,
    rootService: root.instance.def.name,
    rootSpanName: root.name,
    startTimeUnixNano: start,
    endTimeUnixNano: endTime,
  };
}
