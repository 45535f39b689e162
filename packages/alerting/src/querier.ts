import type { Labels } from './labels';

/** A sample a recording rule produced, to be stored as a series named `metric`. */
export interface RecordedSample {
  metric: string;
  labels: Labels;
  value: number;
  timeMs: number;
}

/** One element of an instant vector (or a scalar, with no labels). */
export interface Sample {
  labels: Labels;
  value: number;
}

/**
 * Evaluates a PromQL expression at one instant for one tenant: the only thing rule evaluation
 * needs from the query engine. A scalar result is one sample without labels; a string result
 * is an error.
 */
export interface InstantQuerier {
  query(expr: string, at: Date, tenant: string): Promise<Sample[]>;
  /**
   * A querier for the rules of one group evaluation (same instant, same tenant), which may
   * share reads between them; it is dropped when the evaluation ends. `recorded` grows as the
   * group's recording rules run: their samples are stored once, after the group, so until then
   * the querier must show them to the later rules itself.
   */
  forEvaluation?(at: Date, tenant: string, recorded: readonly RecordedSample[]): InstantQuerier;
  /**
   * Optional, on a group evaluation's querier: fetch what these expressions will read, together
   * and ahead of them (the rules then run in order from what was fetched). Never throws: a read
   * that fails here is retried by the rule that needs it.
   */
  prefetch?(exprs: readonly string[], at: Date): Promise<void>;
}

/** Checks an expression's syntax at load time; returns the parser's message, or null when it parses. */
export type ExpressionChecker = (expr: string) => string | null;
