// What a click or a brush on a RED chart selects, kept in the URL so the drawer survives a
// reload and a shared link opens it: the range, the series, and what kind of traces to list.
import { setParams } from '../../router';

export type Focus = 'all' | 'errors' | 'slow';

export interface Selection {
  from: number;
  to: number;
  service: string;
  spanName: string | null;
  focus: Focus;
  /** For `slow`: the latency (seconds) at or above which a span is listed. */
  minSeconds: number | null;
}

export function readSelection(params: URLSearchParams): Selection | null {
  const m = /^(\d+)-(\d+)$/.exec(params.get('sel') ?? '');
  if (!m) return null;
  const focus = params.get('selFocus');
  const min = Number(params.get('selMin'));
  return {
    from: Number(m[1]),
    to: Number(m[2]),
    service: params.get('selService') ?? '',
    spanName: params.get('selSpan'),
    focus: focus === 'errors' || focus === 'slow' ? focus : 'all',
    minSeconds: Number.isFinite(min) && min > 0 ? min : null,
  };
}

export function select(s: Selection): void {
  setParams(
    {
      sel: `${Math.floor(s.from)}-${Math.ceil(s.to)}`,
      selService: s.service,
      selSpan: s.spanName ?? undefined,
      selFocus: s.focus === 'all' ? undefined : s.focus,
      selMin: s.minSeconds ?? undefined,
    },
    false,
  );
}

export function clearSelection(): void {
  setParams({ sel: undefined, selService: undefined, selSpan: undefined, selFocus: undefined, selMin: undefined });
}

/** The TraceQL that finds the spans behind a selection. */
export function selectionQuery(s: Selection): string {
  const parts = [`resource.service.name = ${JSON.stringify(s.service)}`];
  if (s.spanName) parts.push(`name = ${JSON.stringify(s.spanName)}`);
  if (s.focus === 'errors') parts.push('status = error');
  if (s.focus === 'slow' && s.minSeconds) parts.push(`duration >= ${Math.max(1, Math.floor(s.minSeconds * 1e6))}us`);
  return `{ ${parts.join(' && ')} }`;
}
