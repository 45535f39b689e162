import { Engine, type EngineOptions, type MemorySource, type QueryResult } from '../src/index';

/** Samples every `stepS` seconds from 0: value f(i) for the i-th. */
export function every(stepS: number, values: number[]): [number, number][] {
  return values.map((v, i) => [i * stepS * 1000, v]);
}

export function engineOver(source: MemorySource, opts: Partial<EngineOptions> = {}): Engine {
  return new Engine({ source, ...opts });
}

/** An instant query's result as { 'labels': value } for compact assertions. */
export async function instant(e: Engine, q: string, timeS: number): Promise<Record<string, number>> {
  const r = await e.instantQuery(q, timeS * 1000);
  return flatten(r);
}

export function flatten(r: QueryResult): Record<string, number> {
  if (r.resultType === 'scalar') return { scalar: r.v };
  if (r.resultType !== 'vector') throw new Error(`expected a vector, got ${r.resultType}`);
  return Object.fromEntries(r.result.map((s) => [labelText(s.metric), s.v]));
}

export function labelText(l: Record<string, string>): string {
  const { __name__: name, ...rest } = l;
  const inner = Object.keys(rest)
    .sort()
    .map((k) => `${k}="${rest[k]}"`)
    .join(',');
  return `${name ?? ''}{${inner}}`;
}
