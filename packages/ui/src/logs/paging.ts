// Reading log pages by cursor (the API pages by time, newest first; never by offset).
import { getJson, type LogLine, type Query } from '../api';

export interface LogPage {
  logs: LogLine[];
  nextCursor: string | null;
}

export function fetchLogPage(filters: Query, limit: number, cursor: string | null, signal?: AbortSignal) {
  return getJson<LogPage>('/api/v1/logs', { ...filters, limit, cursor }, signal);
}

/**
 * Every log line matching the filters, up to `max`, a page of 1,000 at a time. `complete` is
 * false when more remain (the caller says "showing N of M" and offers the rest).
 */
export async function fetchAllLogs(
  filters: Query,
  max: number,
  signal?: AbortSignal,
): Promise<{ logs: LogLine[]; complete: boolean }> {
  const logs: LogLine[] = [];
  let cursor: string | null = null;
  do {
    const page: LogPage = await fetchLogPage(filters, Math.min(1000, max - logs.length), cursor, signal);
    logs.push(...page.logs);
    cursor = page.nextCursor;
  } while (cursor && logs.length < max);
  return { logs, complete: cursor === null };
}

/** A stable React key for a log line (lines have no id). */
export function logKey(l: LogLine): string {
  return `${l.timeUnixNano}|${l.observedTimeUnixNano ?? ''}|${l.serviceName}|${l.spanId}`;
}
