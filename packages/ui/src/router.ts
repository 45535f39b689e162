// Every view keeps its state in the URL (path + query), so a copied link reproduces it.
import { useEffect, useState } from 'react';

export interface Loc {
  path: string;
  params: URLSearchParams;
}

function current(): Loc {
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

export function useLocation(): Loc {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const l = () => setLoc(current());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

/** The current path with some query parameters changed (undefined/'' removes one). */
export function withParams(
  changes: Record<string, string | number | boolean | undefined | null>,
  path = location.pathname,
): string {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === '' || v === false) p.delete(k);
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export function setParams(changes: Record<string, string | number | boolean | undefined | null>, replace = true): void {
  navigate(withParams(changes), { replace });
}

/** A plain <a> click handled by the router (modifier clicks open new tabs as usual). */
export function linkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = e.currentTarget.getAttribute('href');
  if (!href?.startsWith('/')) return;
  e.preventDefault();
  navigate(href);
}
