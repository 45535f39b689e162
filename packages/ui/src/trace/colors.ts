const cache = new Map<string, string>();
/** A stable colour per service name (hue from a string hash). */
export function serviceColor(name: string): string {
  let c = cache.get(name);
  if (!c) {
    let h = 2166136261;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
    // hues 30..330: reds are kept for errors
    c = `hsl(${30 + ((h >>> 0) % 300)} 55% 52%)`;
    cache.set(name, c);
  }
  return c;
}
