import type { AttributeTypes, AttributeValues, SpanRecord } from '@tracehouse/otlp';

/**
 * The autocomplete rollup's rows, counted in memory from the spans the store has written (see
 * tagRollup.ts): one span in `sampleRate`, chosen by a hash of its span id, contributes each of
 * its span and resource attributes and its name, and counts `sampleRate` (the counts are
 * estimates, scaled back up). Values nobody types into a query are left out: arrays, maps, bytes
 * and values longer than MAX_VALUE_BYTES. Bounded: past `maxEntries` distinct rows, new rows are
 * dropped (counted) until the next flush, while the rows already held keep counting.
 */

/** Longest value kept, in UTF-8 bytes (ClickHouse's `length`): longer ones are ids or payloads. */
export const MAX_VALUE_BYTES = 128;

const UNTYPEABLE = new Set(['array', 'kvlist', 'bytes']);

/** One row of `search_tag_values` before ClickHouse turns its minute into a day. */
export interface TagCount {
  scope: 'span' | 'resource' | 'intrinsic';
  key: string;
  /** The OTLP value type; '' for a string (the types maps are sparse). */
  type: string;
  value: string;
  /**
   * The minute the spans were stored (unix s). ClickHouse takes its Day in its own timezone,
   * as the rollup's readers do; every timezone's offset is whole minutes, so a minute never
   * straddles two days.
   */
  minute: number;
  /** The `Tenant` column's value (tenantKey). */
  tenant: string;
  count: number;
}

/** FNV-1a over the span id's characters: one span is in or out of the sample on every write of it. */
export function spanSampled(spanId: string, sampleRate: number): boolean {
  if (sampleRate <= 1) return true;
  let h = 0x811c9dc5;
  for (let i = 0; i < spanId.length; i++) h = Math.imul(h ^ spanId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % sampleRate === 0;
}

/** ClickHouse's `length(value) <= MAX_VALUE_BYTES` without encoding the common short value. */
function shortEnough(value: string): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair: 4 for 2 units).
  if (value.length <= MAX_VALUE_BYTES / 3) return true;
  return value.length <= MAX_VALUE_BYTES && Buffer.byteLength(value, 'utf8') <= MAX_VALUE_BYTES;
}

export class TagCounts {
  private rows = new Map<string, TagCount>();
  private droppedRows = 0;
  private readonly sampleRate: number;

  constructor(
    sampleRate: number,
    private readonly maxEntries: number,
  ) {
    this.sampleRate = Math.max(1, Math.trunc(sampleRate));
  }

  /** Distinct rows held. */
  get size(): number {
    return this.rows.size;
  }

  /** True when new rows are being dropped: time to flush. */
  get full(): boolean {
    return this.rows.size >= this.maxEntries;
  }

  /** Rows dropped because the bound was reached, since the start. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Counts the sampled spans of one write: stored for `tenant` (tenantKey) in `minute` (unix s). */
  add(spans: readonly SpanRecord[], tenant: string, minute: number): void {
    // Every row's identity starts with its tenant and minute, length-prefixed so no two differ only in where one field ends.
    const group = `${tenant.length}:${tenant}${minute}|`;
    for (const span of spans) {
      if (!spanSampled(span.SpanId, this.sampleRate)) continue;
      this.addAttributes(group, 'span', span.SpanAttributes, span.SpanAttributeTypes, tenant, minute);
      this.addAttributes(group, 'resource', span.ResourceAttributes, span.ResourceAttributeTypes, tenant, minute);
      if (typeof span.SpanName === 'string') this.count(group, 'intrinsic', 'name', '', span.SpanName, tenant, minute);
    }
  }

  /** The rows counted so far; the counts start again from nothing. */
  take(): TagCount[] {
    const out = [...this.rows.values()];
    this.rows = new Map();
    return out;
  }

  private addAttributes(
    group: string,
    scope: TagCount['scope'],
    values: AttributeValues,
    types: AttributeTypes,
    tenant: string,
    minute: number,
  ): void {
    if (values === null || typeof values !== 'object') return;
    for (const key in values) {
      const value = values[key];
      if (typeof value !== 'string') continue;
      const type = (types as Record<string, string | undefined>)?.[key] ?? '';
      if (UNTYPEABLE.has(type)) continue;
      this.count(group, scope, key, type, value, tenant, minute);
    }
  }

  private count(
    group: string,
    scope: TagCount['scope'],
    key: string,
    type: string,
    value: string,
    tenant: string,
    minute: number,
  ): void {
    if (!shortEnough(value)) return;
    // scope is one of three words and is followed by a digit; type and key are length-prefixed.
    const id = `${group}${scope}${type.length}:${key.length}:${type}${key}${value}`;
    const row = this.rows.get(id);
    if (row) row.count += this.sampleRate;
    else if (this.rows.size >= this.maxEntries) this.droppedRows++;
    else this.rows.set(id, { scope, key, type, value, minute, tenant, count: this.sampleRate });
  }
}
