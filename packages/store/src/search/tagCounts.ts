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

/** Rows of one tenant, minute, scope and type, by key, then value. */
type Rows = Map<string, Map<string, TagCount>>;

/** Rows of one tenant and minute, by scope, then type. */
type Group = Record<TagCount['scope'], Map<string, Rows>>;

export class TagCounts {
  // Nested maps rather than one map of joined keys: the attribute keys and values are looked up
  // as they are (a string's hash is computed once), where a joined key is a new string to hash
  // for every tag (measured ~3x the CPU).
  private groups = new Map<string, Group>();
  private rowCount = 0;
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
    return this.rowCount;
  }

  /** True when new rows are being dropped: time to flush. */
  get full(): boolean {
    return this.rowCount >= this.maxEntries;
  }

  /** Rows dropped because the bound was reached, since the start. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Counts the sampled spans of one write: stored for `tenant` (tenantKey) in `minute` (unix s). */
  add(spans: readonly SpanRecord[], tenant: string, minute: number): void {
    const group = this.group(tenant, minute);
    const rate = this.sampleRate;
    // The decoders give the spans of one resource the same attribute objects: each resource's
    // attributes are counted once per write, times its sampled spans.
    const resources = new Map<AttributeValues, { types: AttributeTypes; spans: number }>();
    for (const span of spans) {
      if (!spanSampled(span.SpanId, rate)) continue;
      this.addAttributes(group.span, span.SpanAttributes, span.SpanAttributeTypes, rate, tenant, minute, 'span');
      const resource = resources.get(span.ResourceAttributes);
      if (resource && resource.types === span.ResourceAttributeTypes) resource.spans++;
      else if (resource) {
        this.addAttributes(
          group.resource,
          span.ResourceAttributes,
          span.ResourceAttributeTypes,
          rate,
          tenant,
          minute,
          'resource',
        );
      } else resources.set(span.ResourceAttributes, { types: span.ResourceAttributeTypes, spans: 1 });
      if (typeof span.SpanName === 'string') {
        this.count(group.intrinsic, 'name', '', span.SpanName, rate, tenant, minute, 'intrinsic');
      }
    }
    for (const [values, r] of resources) {
      this.addAttributes(group.resource, values, r.types, r.spans * rate, tenant, minute, 'resource');
    }
  }

  /** The rows counted so far; the counts start again from nothing. */
  take(): TagCount[] {
    const out: TagCount[] = [];
    for (const group of this.groups.values()) {
      for (const byType of [group.span, group.resource, group.intrinsic]) {
        for (const byKey of byType.values()) for (const byValue of byKey.values()) out.push(...byValue.values());
      }
    }
    this.groups = new Map();
    this.rowCount = 0;
    return out;
  }

  private group(tenant: string, minute: number): Group {
    // Length-prefixed: no two tenants and minutes make the same id.
    const id = `${tenant.length}:${tenant}${minute}`;
    let group = this.groups.get(id);
    if (!group) {
      group = { span: new Map(), resource: new Map(), intrinsic: new Map() };
      this.groups.set(id, group);
    }
    return group;
  }

  private addAttributes(
    byType: Map<string, Rows>,
    values: AttributeValues,
    types: AttributeTypes,
    n: number,
    tenant: string,
    minute: number,
    scope: TagCount['scope'],
  ): void {
    if (values === null || typeof values !== 'object') return;
    for (const key in values) {
      const value = values[key];
      if (typeof value !== 'string') continue;
      const type = (types as Record<string, string | undefined>)?.[key] ?? '';
      if (UNTYPEABLE.has(type)) continue;
      this.count(byType, key, type, value, n, tenant, minute, scope);
    }
  }

  private count(
    byType: Map<string, Rows>,
    key: string,
    type: string,
    value: string,
    n: number,
    tenant: string,
    minute: number,
    scope: TagCount['scope'],
  ): void {
    let byKey = byType.get(type);
    if (!byKey) {
      byKey = new Map();
      byType.set(type, byKey);
    }
    let byValue = byKey.get(key);
    const row = byValue?.get(value);
    if (row) {
      row.count += n;
      return;
    }
    if (!shortEnough(value)) return;
    if (this.rowCount >= this.maxEntries) {
      this.droppedRows++;
      return;
    }
    if (!byValue) {
      byValue = new Map();
      byKey.set(key, byValue);
    }
    byValue.set(value, { scope, key, type, value, minute, tenant, count: n });
    this.rowCount++;
  }
}
