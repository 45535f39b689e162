// A trace's logs: the range they are read from, the cap, and the header's link to them.
import type { LogLine } from '../api';
import { linkClick } from '../router';
import type { Trace } from './model';

/** Logs read with a trace; beyond this the header says so and links to the Logs page. */
export const MAX_TRACE_LOGS = 10_000;

/** The time range of a trace's logs: the trace with five minutes either side. */
export function traceLogRange(t: Trace): { start: number; end: number } {
  const startS = Number(t.startNs / 1_000_000_000n);
  return { start: startS - 300, end: Math.ceil(startS + t.duration / 1e9) + 300 };
}

/** "N logs" in the trace header, a link to them on the Logs page. */
export function TraceLogCount({ trace, logs, complete }: { trace: Trace; logs: LogLine[] | null; complete: boolean }) {
  if (!logs) return <>logs…</>;
  if (!logs.length) return <span data-testid="trace-log-count">no logs</span>;
  const { start, end } = traceLogRange(trace);
  return (
    <a
      href={`/logs?traceId=${trace.traceId}&start=${start}&end=${end}`}
      onClick={linkClick}
      data-testid="trace-log-count"
      title={complete ? 'open these logs in Logs' : `the first ${MAX_TRACE_LOGS} are shown on spans; open all in Logs`}
    >
      {complete ? `${logs.length} logs` : `${logs.length}+ logs (first ${MAX_TRACE_LOGS} read)`}
    </a>
  );
}
