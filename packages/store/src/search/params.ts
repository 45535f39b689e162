/**
 * Bound parameters for a generated statement: every user value, attribute keys included,
 * becomes a `{pN:Type}` placeholder. Nothing from the query text is spliced into SQL.
 */
export class Params {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  add(value: unknown, type: 'String' | 'Int64' | 'Float64' | 'UInt32' | 'Array(String)'): string {
    const name = `p${++this.n}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}
