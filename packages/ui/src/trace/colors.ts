// A distinct colour per service, stable across views: services take the next unused colour of
// a categorical palette the first time this browser sees them (remembered in localStorage), so
// the services of one system do not share a colour until the palette runs out.

// Tableau-20 style hues without pure reds (red means error).
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#bab0ac',
  '#a0cbe8',
  '#ffbe7d',
  '#8cd17d',
  '#d4a6c8',
  '#499894',
  '#86bcb6',
  '#f1ce63',
  '#d7b5a6',
  '#79706e',
  '#b6992d',
  '#6a51a3',
  '#2c7fb8',
];
const KEY = 'tracehouse.serviceColors';

let assigned: Record<string, number> | null = null;
function load(): Record<string, number> {
  if (assigned) return assigned;
  try {
    assigned = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, number>;
  } catch {
    assigned = {};
  }
  return assigned;
}

function hash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Gives every service in the list a colour now, in sorted order (first views of a system agree). */
export function assignServiceColors(names: string[]): void {
  for (const n of [...names].sort()) serviceColor(n);
}

export function serviceColor(name: string): string {
  const a = load();
  let i = a[name];
  if (i === undefined) {
    const used = new Set(Object.values(a));
    i = used.size < PALETTE.length ? PALETTE.findIndex((_, k) => !used.has(k)) : hash(name) % PALETTE.length;
    a[name] = i;
    try {
      // Bounded: a system with thousands of services reuses colours by hash.
      if (Object.keys(a).length <= 500) localStorage.setItem(KEY, JSON.stringify(a));
    } catch {}
  }
  return PALETTE[i % PALETTE.length];
}
