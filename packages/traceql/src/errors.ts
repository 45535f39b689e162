/** A query that cannot be parsed: where (0-based character offset) and what was expected there. */
export class TraceQLError extends Error {
  override readonly name = 'TraceQLError';
  constructor(
    readonly reason: string,
    readonly position: number,
    readonly expected: readonly string[] = [],
  ) {
    super(`${reason} at position ${position}${expected.length ? `: expected ${expected.join(' or ')}` : ''}`);
  }
}
