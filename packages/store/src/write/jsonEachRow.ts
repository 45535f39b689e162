import type { Column, ColumnKind } from '../schema/columns';

/**
 * JSONEachRow serialisation driven by the column list. Written by hand rather than with
 * JSON.stringify because ns times and 64-bit integers must be bare JSON numbers (ClickHouse
 * reads a quoted small number into DateTime64 as a date and fails), and because one bad
 * value must never make ClickHouse reject a whole group-committed insert: every value is
 * forced into a form ClickHouse accepts.
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

export type RowSerializer = (record: object) => string;

/** Builds a serialiser for one table's columns: record -> one JSONEachRow line (with '\n'). */
export function rowSerializer(columns: readonly Column[]): RowSerializer {
  const parts = columns.map((c) => ({ key: c.name, prefix: `${JSON.stringify(c.name)}:`, encode: encoderFor(c.kind) }));
  return (record) => {
    const r = record as Record<string, unknown>;
    const values = new Array<string>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      values[i] = p.prefix + p.encode(r[p.key]);
    }
    return `{${values.join(',')}}\n`;
  };
}
