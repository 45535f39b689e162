import type { Column, ColumnKind } from '../schema/columns';

/**
 * JSONCompactEachRow serialisation driven by the column list: one JSON array per row, values
 * in column order. Compact rather than JSONEachRow because the column names were ~40% of
 * every row's bytes and ClickHouse had to match each key; measured, ClickHouse parses the
 * compact form about twice as fast. Written by hand rather than with JSON.stringify because
 * ns times and 64-bit integers must be bare JSON numbers (ClickHouse reads a quoted small
 * number into DateTime64 as a date and fails), and because one bad value must never make
 * ClickHouse reject a whole group-committed insert: every value is forced into a form
 * ClickHouse accepts.
 */

const DECIMAL = /^-?\d{1,20}$/;

function decimal(v: unknown): string {
  return typeof v === 'string' && DECIMAL.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) ? `${v}` : '0';
}

function float(v: unknown): string {
  if (typeof v !== 'number') return '0';
  if (Number.isFinite(v)) return `${v}`;
  return Number.isNaN(v) ? '"nan"' : v > 0 ? '"inf"' : '"-inf"';
}

function int(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${Math.trunc(v)}` : '0';
}

function uint(v: unknown): string {
  return typeof v === 'number' && v >= 0 && Number.isFinite(v) ? `${Math.trunc(v)}` : '0';
}

function map(v: unknown): string {
  // Map values are strings by the record contract; ClickHouse also reads JSON numbers and
  // booleans into String, so native JSON.stringify (an order of magnitude faster than a
  // hand-written loop) is safe here. Anything else becomes an empty map.
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : '{}';
}

function string(v: unknown): string {
  return JSON.stringify(typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
}

const scalar: Record<string, (v: unknown) => string> = {
  string,
  uint,
  int,
  decimal,
  nullableDecimal: (v) => (v === null || v === undefined ? 'null' : decimal(v)),
  float,
  nullableFloat: (v) => (v === null || v === undefined ? 'null' : float(v)),
  bool: (v) => (v === true ? 'true' : 'false'),
  map,
};

function encoderFor(kind: ColumnKind): (v: unknown) => string {
  if (kind.startsWith('array:')) {
    const item = scalar[kind.slice(6)]!;
    return (v) => {
      if (!Array.isArray(v) || v.length === 0) return '[]';
      let out = '[';
      for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + item(v[i]);
      return `${out}]`;
    };
  }
  return scalar[kind]!;
}

/** record, then the JSON of the values that follow the record's own columns (e.g. `,"acme"`) -> one line. */
export type RowSerializer = (record: object, tail: string) => string;

/** The insert format the serialiser writes. */
export const ROW_FORMAT = 'JSONCompactEachRow';

/**
 * Builds a serialiser for one table's columns: record -> one JSONCompactEachRow line (with '\n').
 * `tail` holds the serialised values of columns that are the same for every row of a write
 * (the tenant), so they cost one string append per row.
 */
export function rowSerializer(columns: readonly Column[]): RowSerializer {
  const keys = columns.map((c) => c.name);
  const encoders = columns.map((c) => encoderFor(c.kind));
  const n = keys.length;
  return (record, tail) => {
    const r = record as Record<string, unknown>;
    let out = `[${encoders[0]!(r[keys[0]!])}`;
    for (let i = 1; i < n; i++) out += `,${encoders[i]!(r[keys[i]!])}`;
    return `${out}${tail}]\n`;
  };
}
