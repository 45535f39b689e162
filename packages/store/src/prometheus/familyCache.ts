import type { Sql } from '../client';
import { familyKey, otlpFamilies, type TimedFamily } from './families';

/** Tenants whose families are kept (the least recently read go first). */
const MAX_TENANTS = 1_000;
/**
 * How long a tenant's families are answered from memory before they are read again (in the
 * background: the reads meanwhile are answered from what is kept). This process's own writes
 * update them at once; the re-read catches what other processes write to a shared ClickHouse
 * server, and what retention drops.
 */
const MAX_AGE_MS = 60_000;

interface Entry {
  startMs: number;
  /** When the read the families come from began (Unix ms). */
  readAtMs: number;
  families: Promise<TimedFamily[]>;
  /** While a re-read runs: the families written since it began, to be added to what it reads. */
  writtenDuringRead?: TimedFamily[][];
}

/**
 * Which OTLP metrics a tenant holds, kept between requests: every PromQL, /labels and
 * /metadata request needs them, and reading them scans the metric tables' name columns over
 * the whole range (~135 ms over 24 h of 1,000 series). A read after the start of a kept one is
 * answered from it; one that reaches further back reads again. Each metric write of this
 * process adds its families and times to the tenant's (written): before, any write dropped
 * them, so with metrics arriving every few seconds nearly every query read them again.
 */
export class FamilyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  /** The families with points in (startMs, endMs], each with its first and last time after startMs. */
  async get(sql: Sql, tenant: string, startMs: number, endMs: number): Promise<TimedFamily[]> {
    let e = this.entries.get(tenant);
    if (!e || e.startMs > startMs) e = this.read(sql, tenant, startMs);
    else if (this.now() - e.readAtMs > this.maxAgeMs && !e.writtenDuringRead) this.reread(sql, tenant, e);
    this.entries.delete(tenant);
    this.entries.set(tenant, e);
    if (this.entries.size > MAX_TENANTS) this.entries.delete(this.entries.keys().next().value!);
    // Families read from an earlier start: only those with points after this one's start. One
    // with points on both sides of the range but none in it is kept too; its reads find nothing.
    return (await e.families).filter((f) => f.lastMs > startMs && f.firstMs <= endMs);
  }

  /** A metric write of `tenant` is visible: its families (writtenFamilies) join the tenant's. */
  written(tenant: string, families: readonly TimedFamily[]): void {
    const e = this.entries.get(tenant);
    if (!e || families.length === 0) return;
    const added = families.filter((f) => f.lastMs > e.startMs);
    e.families = e.families.then((kept) => merged(kept, added, e.startMs));
    e.families.catch(() => {});
    e.writtenDuringRead?.push(added);
  }

  private read(sql: Sql, tenant: string, startMs: number): Entry {
    const entry: Entry = { startMs, readAtMs: this.now(), families: otlpFamilies(sql, tenant, startMs) };
    // A failed read is not kept: the next request reads again.
    entry.families.catch(() => {
      if (this.entries.get(tenant) === entry) this.entries.delete(tenant);
    });
    return entry;
  }

  /** Reads a kept entry's families again, answering from the kept ones meanwhile. */
  private reread(sql: Sql, tenant: string, e: Entry): void {
    const written: TimedFamily[][] = [];
    e.writtenDuringRead = written;
    const readAtMs = this.now();
    otlpFamilies(sql, tenant, e.startMs).then(
      (families) => {
        e.families = Promise.resolve(written.reduce((all, added) => merged(all, added, e.startMs), families));
        e.readAtMs = readAtMs;
        e.writtenDuringRead = undefined;
      },
      () => {
        // Tried again on a later request.
        e.writtenDuringRead = undefined;
      },
    );
  }
}

/** `kept` with the families of a write: new ones added, known ones' times widened (points after startMs only). */
function merged(kept: readonly TimedFamily[], added: readonly TimedFamily[], startMs: number): TimedFamily[] {
  if (added.length === 0) return kept as TimedFamily[];
  const byKey = new Map(kept.map((f) => [familyKey(f), f]));
  for (const f of added) {
    const key = familyKey(f);
    const known = byKey.get(key);
    const firstMs = Math.max(f.firstMs, startMs + 1);
    byKey.set(
      key,
      known
        ? { ...known, firstMs: Math.min(known.firstMs, firstMs), lastMs: Math.max(known.lastMs, f.lastMs) }
        : { ...f, firstMs },
    );
  }
  return [...byKey.values()];
}
