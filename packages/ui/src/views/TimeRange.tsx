// The time range of a page lives in the URL: `since=1h` (relative, moves with now) or
// `start`/`end` in Unix seconds (absolute: a link shows the same data later). `refresh=30s`
// re-reads a relative range on a timer.
import { useEffect, useMemo, useState } from 'react';
import { timeRange } from '../format';
import { setParams, withParams } from '../router';

const CHOICES = ['15m', '1h', '6h', '24h', '7d'];
const REFRESH = ['off', '10s', '30s', '1m', '5m'];

/** Zooms the page (every panel) to an absolute range. */
export function zoomTo(start: number, end: number): void {
  setParams({ since: undefined, start: Math.floor(start), end: Math.ceil(end) }, false);
}

function refreshMs(params: URLSearchParams): number {
  const m = /^(\d+)([sm])$/.exec(params.get('refresh') ?? '');
  return m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000) : 0;
}

/**
 * The page's range in Unix seconds, recomputed on every auto-refresh tick (relative ranges
 * move with now); `tick` changes on each refresh so views can re-fetch.
 */
export function useTimeRange(params: URLSearchParams): { start: number; end: number; tick: number } {
  const every = refreshMs(params);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!every) return;
    const id = setInterval(() => setTick((t) => t + 1), every);
    return () => clearInterval(id);
  }, [every]);
  const key = `${params.get('since')}|${params.get('start')}|${params.get('end')}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the range changes with its URL parameters and the tick
  return useMemo(() => ({ ...timeRange(params), tick }), [key, tick]);
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Unix seconds -> the value of a datetime-local input (local time). */
function toInput(s: number): string {
  const d = new Date(s * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `refresh`: offer auto-refresh (views that read their range with useTimeRange). */
export function TimeRangePicker({
  params,
  refresh: canRefresh = false,
}: {
  params: URLSearchParams;
  refresh?: boolean;
}) {
  const custom = params.get('start') && params.get('end');
  const value = custom ? 'custom' : (params.get('since') ?? '1h');
  const [editing, setEditing] = useState(false);
  const { start, end } = timeRange(params);
  const [from, setFrom] = useState(toInput(start));
  const [to, setTo] = useState(toInput(end));
  const [err, setErr] = useState('');
  const refresh = params.get('refresh') ?? 'off';
  const absolute = withParams({ since: undefined, start: Math.floor(start), end: Math.ceil(end) });
  return (
    <span className="time-range" data-testid="time-range">
      <select
        aria-label="time range"
        value={value}
        onChange={(e) => {
          if (e.target.value === 'custom') {
            setEditing(true);
            return;
          }
          setEditing(false);
          setParams(
            { since: e.target.value === '1h' ? undefined : e.target.value, start: undefined, end: undefined },
            false,
          );
        }}
      >
        <option value="custom">
          {custom ? `${toInput(start).replace('T', ' ')} → ${toInput(end).slice(11)}` : 'custom…'}
        </option>
        {[...CHOICES, ...(value !== 'custom' && !CHOICES.includes(value) ? [value] : [])].map((c) => (
          <option key={c} value={c}>
            last {c}
          </option>
        ))}
      </select>
      <button type="button" className="small-btn" onClick={() => setEditing(!editing)} title="absolute range">
        range…
      </button>
      {editing ? (
        <form
          className="range-form"
          data-testid="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            const s = Date.parse(from) / 1000;
            const t = Date.parse(to) / 1000;
            if (!(s < t)) return setErr('the start must be before the end');
            setErr('');
            setEditing(false);
            zoomTo(s, t);
          }}
        >
          <input type="datetime-local" aria-label="from" value={from} onChange={(e) => setFrom(e.target.value)} />
          <input type="datetime-local" aria-label="to" value={to} onChange={(e) => setTo(e.target.value)} />
          <button type="submit">Apply</button>
          {err ? <span className="err small">{err}</span> : null}
        </form>
      ) : null}
      {!custom ? (
        <a href={absolute} className="small" title="a link to this exact range (shows the same data later)">
          pin range
        </a>
      ) : (
        <button type="button" className="small-btn" onClick={() => zoomOut(start, end)} title="zoom out 2x">
          zoom out
        </button>
      )}
      {canRefresh ? (
        <select
          aria-label="auto refresh"
          value={refresh}
          onChange={(e) => setParams({ refresh: e.target.value === 'off' ? undefined : e.target.value })}
        >
          {REFRESH.map((r) => (
            <option key={r} value={r}>
              {r === 'off' ? 'refresh off' : `every ${r}`}
            </option>
          ))}
        </select>
      ) : null}
    </span>
  );
}

function zoomOut(start: number, end: number): void {
  const w = end - start;
  zoomTo(start - w / 2, Math.min(Date.now() / 1000, end + w / 2));
}
