/**
 * Errors of the engine, typed as Prometheus's HTTP API types them, so the routes can answer
 * with Prometheus's `errorType` and status code.
 */
export type PromErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable';

export class PromQLError extends Error {
  override readonly name = 'PromQLError';
  constructor(
    readonly type: PromErrorType,
    message: string,
    /** Offset in the query text, for parse errors. */
    readonly position?: number,
  ) {
    super(message);
  }
}

/** A query the grammar refuses or the engine cannot evaluate (bad_data, 400). */
export const badData = (message: string, position?: number): PromQLError =>
  new PromQLError('bad_data', message, position);

/** A query that is valid but fails while evaluating (execution, 422). */
export const execution = (message: string): PromQLError => new PromQLError('execution', message);
