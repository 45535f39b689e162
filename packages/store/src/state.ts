import type { Sql } from './client';

/** Processor watermarks by name, as ns since the epoch. */
export type Watermarks = Record<string, bigint>;

/**
 * The background processors' state in `processor_state` (one named watermark each) and the
 * database clock their windows follow: IngestTime is stamped by ClickHouse, not by Node.
 */
export class ProcessorState {
  constructor(private readonly sql: Sql) {}

  /** The database's clock (Unix ms). */
  async nowMs(): Promise<number> {
    const [row] = await this.sql.query<{ t: string }>('SELECT toString(toUnixTimestamp64Milli(now64(3))) AS t');
    return Number(row!.t);
  }

  /**
   * Watermarks only move forward, so the newest is the largest: reading max() needs no
   * FINAL and is right even before the ReplacingMergeTree folds the rows.
   */
  async readWatermarks(names: readonly string[]): Promise<Watermarks> {
    const rows = await this.sql.query<{ Name: string; w: string }>(
      `SELECT Name, toString(max(toUnixTimestamp64Nano(Watermark))) AS w FROM processor_state
WHERE Name IN {names:Array(String)} GROUP BY Name`,
      { names },
    );
    return Object.fromEntries(rows.map((r) => [r.Name, BigInt(r.w)]));
  }

  async writeWatermarks(wm: Watermarks, names: readonly string[]): Promise<void> {
    const body = names
      .filter((n) => wm[n] !== undefined)
      .map((n) => `{"Name":${JSON.stringify(n)},"Watermark":${wm[n]}}`)
      .join('\n');
    if (body) await this.sql.insertJsonEachRow('processor_state', body);
  }

  /** One processor's watermark (Unix ms), or null when it never ran on this database. */
  async readWatermarkMs(name: string): Promise<number | null> {
    const ns = (await this.readWatermarks([name]))[name];
    return ns === undefined ? null : Number(ns / 1_000_000n);
  }

  writeWatermarkMs(name: string, ms: number): Promise<void> {
    return this.writeWatermarks({ [name]: BigInt(Math.round(ms)) * 1_000_000n }, [name]);
  }
}
