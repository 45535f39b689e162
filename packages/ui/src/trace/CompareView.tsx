// Two traces side by side: the union of their call trees (matched by service and operation
// path), with span counts and summed durations of each and the difference.
import { useEffect, useMemo, useState } from 'react';
import { getJson } from '../api';
import { Loading } from '../components';
import { RequestProblem } from '../errors';
import { fmtDurNs } from '../format';
import { linkClick, setParams } from '../router';
import { serviceColor } from './colors';
import { compareTraces } from './compare';
import { buildTrace, type OtlpTracesData, type Trace } from './model';
import './trace-tools.css';

function useTrace(id: string): Trace | Error | null {
  const [t, setT] = useState<Trace | Error | null>(null);
  useEffect(() => {
    if (!id) return setT(null);
    const ac = new AbortController();
    setT(null);
    getJson<OtlpTracesData>(`/api/v1/traces/${encodeURIComponent(id)}`, {}, ac.signal).then(
      (d) => setT(buildTrace(d)),
      (e) => !ac.signal.aborted && setT(e),
    );
    return () => ac.abort();
  }, [id]);
  return t;
}

const isId = (v: string) => /^[0-9a-f]{32}$/.test(v);

export function CompareView({ params }: { params: URLSearchParams }) {
  const a = (params.get('a') ?? '').toLowerCase();
  const b = (params.get('b') ?? '').toLowerCase();
  const [form, setForm] = useState({ a, b });
  useEffect(() => setForm({ a, b }), [a, b]);
  const ta = useTrace(isId(a) ? a : '');
  const tb = useTrace(isId(b) ? b : '');
  return (
    <div className="compare">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ a: form.a.trim(), b: form.b.trim() }, false);
        }}
      >
        <b>Compare traces</b>
        <input
          aria-label="trace A id"
          placeholder="trace A id"
          value={form.a}
          onChange={(e) => setForm({ ...form, a: e.target.value })}
          style={{ width: 290 }}
        />
        <input
          aria-label="trace B id"
          placeholder="trace B id"
          data-testid="compare-b"
          value={form.b}
          onChange={(e) => setForm({ ...form, b: e.target.value })}
          style={{ width: 290 }}
        />
        <button type="submit">Compare</button>
      </form>
      {ta instanceof Error ? (
        <RequestProblem title="Could not load trace A" error={ta} />
      ) : tb instanceof Error ? (
        <RequestProblem title="Could not load trace B" error={tb} />
      ) : !isId(a) || !isId(b) ? (
        <div className="empty">Enter two trace ids (32 hex digits). Each trace view has a "Compare…" link.</div>
      ) : !ta || !tb ? (
        <Loading what="both traces" />
      ) : (
        <CompareTable a={ta} b={tb} />
      )}
    </div>
  );
}

function Delta({ a, b }: { a: number; b: number }) {
  if (!a || !b) return null;
  const r = b / a - 1;
  if (Math.abs(r) < 0.05) return <span className="muted">≈</span>;
  return <span className={r > 0 ? 'err' : 'ok'}>{`${r > 0 ? '+' : ''}${(r * 100).toFixed(0)}%`}</span>;
}

function CompareTable({ a, b }: { a: Trace; b: Trace }) {
  const rows = useMemo(() => compareTraces(a, b), [a, b]);
  const onlyA = rows.filter((r) => !r.countB).length;
  const onlyB = rows.filter((r) => !r.countA).length;
  return (
    <div>
      <div className="muted small" data-testid="compare-summary">
        A:{' '}
        <a href={`/trace/${a.traceId}`} onClick={linkClick}>
          {a.traceId.slice(0, 12)}…
        </a>{' '}
        {a.spans.length} spans, {fmtDurNs(a.duration)} · B:{' '}
        <a href={`/trace/${b.traceId}`} onClick={linkClick}>
          {b.traceId.slice(0, 12)}…
        </a>{' '}
        {b.spans.length} spans, {fmtDurNs(b.duration)} · {onlyA} call paths only in A, {onlyB} only in B
      </div>
      <div className="muted small compare-legend">
        <span className="only-a">only in A</span> <span className="only-b">only in B</span>{' '}
        <span className="changed">different span count</span> · Δ time: B against A (summed durations of the path)
      </div>
      <table className="list compare-table" data-testid="compare-table">
        <thead>
          <tr>
            <th>Call path</th>
            <th>Spans A</th>
            <th>Spans B</th>
            <th>Time A</th>
            <th>Time B</th>
            <th>Δ time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const own = r.path[r.path.length - 1];
            const service = own.slice(0, own.indexOf(':'));
            const cls = !r.countB ? 'only-a' : !r.countA ? 'only-b' : r.countA !== r.countB ? 'changed' : '';
            return (
              <tr key={r.path.join('\u0000')} className={cls} data-kind={cls || 'same'}>
                <td style={{ paddingLeft: 6 + Math.min(r.depth, 30) * 14 }}>
                  <span className="svc-dot" style={{ background: serviceColor(service) }} />
                  {own}
                </td>
                <td>{r.countA || '—'}</td>
                <td>{r.countB || '—'}</td>
                <td>{r.countA ? fmtDurNs(r.durA) : ''}</td>
                <td>{r.countB ? fmtDurNs(r.durB) : ''}</td>
                <td>
                  <Delta a={r.durA} b={r.durB} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
