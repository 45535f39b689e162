// The span table (every span, sortable by self time, duration, service...) and the trace
// statistics (per service and per operation: count, total and self time).
import { useMemo, useRef, useState } from 'react';
import { fmtDurNs } from '../format';
import { serviceColor } from './colors';
import type { Trace } from './model';
import { type OperationStats, operationStats, selfTimes, serviceStats } from './stats';

const ROW_H = 24;

type SpanKey = 'service' | 'name' | 'start' | 'duration' | 'self';
const SPAN_COLS: [SpanKey, string][] = [
  ['service', 'Service'],
  ['name', 'Operation'],
  ['start', 'Start'],
  ['duration', 'Duration'],
  ['self', 'Self time'],
];

function SortHeader<K extends string>({
  cols,
  sort,
  onSort,
}: {
  cols: [K, string][];
  sort: { key: K; desc: boolean };
  onSort: (key: K) => void;
}) {
  return (
    <>
      {cols.map(([k, label]) => (
        <th key={k} aria-sort={sort.key === k ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
          <button type="button" className="linkish" onClick={() => onSort(k)} data-testid={`sort-${k}`}>
            {label}
            {sort.key === k ? (sort.desc ? ' ▾' : ' ▴') : ''}
          </button>
        </th>
      ))}
    </>
  );
}

function useSort<K extends string>(initial: K) {
  const [sort, setSort] = useState<{ key: K; desc: boolean }>({ key: initial, desc: true });
  const onSort = (key: K) => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'service' }));
  return [sort, onSort] as const;
}

export function SpanTable({
  trace,
  selected,
  onSelect,
}: {
  trace: Trace;
  selected: number;
  onSelect: (i: number) => void;
}) {
  const self = useMemo(() => selfTimes(trace), [trace]);
  const [sort, onSort] = useSort<SpanKey>('self');
  const order = useMemo(() => {
    const idx = Array.from(trace.spans, (s) => s.index);
    const sp = trace.spans;
    const val: Record<SpanKey, (i: number) => number | string> = {
      service: (i) => sp[i].service,
      name: (i) => sp[i].name,
      start: (i) => sp[i].start,
      duration: (i) => sp[i].duration,
      self: (i) => self[i],
    };
    const v = val[sort.key];
    idx.sort((a, b) => {
      const x = v(a);
      const y = v(b);
      const c = x < y ? -1 : x > y ? 1 : a - b;
      return sort.desc ? -c : c;
    });
    return idx;
  }, [trace, self, sort]);
  // Virtualised like the waterfall: a 100k-span table renders only the rows in view.
  const box = useRef<HTMLElement>(null);
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW_H) - 10);
  const last = Math.min(order.length, first + 60);
  return (
    <section
      className="span-table"
      ref={box}
      onScroll={() => setTop(box.current?.scrollTop ?? 0)}
      data-testid="span-table"
      aria-label="span table"
    >
      <table className="list">
        <thead>
          <tr>
            <SortHeader cols={SPAN_COLS} sort={sort} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          <tr style={{ height: first * ROW_H }} />
          {order.slice(first, last).map((i) => {
            const s = trace.spans[i];
            return (
              <tr
                key={i}
                className={`${i === selected ? 'selected' : ''} ${s.error ? 'error' : ''}`}
                onClick={() => onSelect(i)}
                data-span-id={s.spanId}
                style={{ height: ROW_H }}
              >
                <td>
                  <span className="svc-dot" style={{ background: serviceColor(s.service) }} />
                  {s.service}
                </td>
                <td className={s.error ? 'err' : ''}>{s.name}</td>
                <td>+{fmtDurNs(s.start)}</td>
                <td>{fmtDurNs(s.duration)}</td>
                <td data-testid="self-time">{fmtDurNs(self[i])}</td>
              </tr>
            );
          })}
          <tr style={{ height: (order.length - last) * ROW_H }} />
        </tbody>
      </table>
    </section>
  );
}

type OpKey = 'service' | 'name' | 'count' | 'total' | 'self' | 'avg' | 'max';
const OP_COLS: [OpKey, string][] = [
  ['service', 'Service'],
  ['name', 'Operation'],
  ['count', 'Spans'],
  ['total', 'Total'],
  ['self', 'Self time'],
  ['avg', 'Average'],
  ['max', 'Max'],
];

export function StatsTable({ trace }: { trace: Trace }) {
  const ops = useMemo(() => operationStats(trace), [trace]);
  const services = useMemo(() => serviceStats(ops), [ops]);
  const [sort, onSort] = useSort<OpKey>('self');
  const rows = useMemo(() => {
    const val = (o: OperationStats): number | string =>
      sort.key === 'avg' ? o.total / o.count : (o[sort.key as keyof OperationStats] as number | string);
    return [...ops].sort((a, b) => {
      const x = val(a);
      const y = val(b);
      const c = x < y ? -1 : x > y ? 1 : 0;
      return sort.desc ? -c : c;
    });
  }, [ops, sort]);
  const totalSelf = services.reduce((n, s) => n + s.self, 0) || 1;
  return (
    <div className="span-table" data-testid="trace-stats">
      <h4>Per service</h4>
      <table className="list" data-testid="service-stats">
        <thead>
          <tr>
            <th>Service</th>
            <th>Spans</th>
            <th>Errors</th>
            <th>Self time</th>
            <th>Share</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.service}>
              <td>
                <span className="svc-dot" style={{ background: serviceColor(s.service) }} />
                {s.service}
              </td>
              <td>{s.count}</td>
              <td className={s.errors ? 'err' : ''}>{s.errors}</td>
              <td>{fmtDurNs(s.self)}</td>
              <td>
                <span className="share-bar" style={{ width: `${(s.self / totalSelf) * 100}%` }} />{' '}
                {((s.self / totalSelf) * 100).toFixed(1)}%
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Per operation</h4>
      <table className="list" data-testid="operation-stats">
        <thead>
          <tr>
            <SortHeader cols={OP_COLS} sort={sort} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr key={`${o.service}\u0000${o.name}`}>
              <td>
                <span className="svc-dot" style={{ background: serviceColor(o.service) }} />
                {o.service}
              </td>
              <td>{o.name}</td>
              <td>
                {o.count}
                {o.errors ? <span className="err"> ({o.errors} errors)</span> : null}
              </td>
              <td>{fmtDurNs(o.total)}</td>
              <td>{fmtDurNs(o.self)}</td>
              <td>{fmtDurNs(o.total / o.count)}</td>
              <td>{fmtDurNs(o.max)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
