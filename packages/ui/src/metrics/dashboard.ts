// A dashboard document (stored by /api/v1/dashboards) and how its variables are applied.
import { rateWindow } from './prom';

export interface Panel {
  title: string;
  /** The panel's query: PromQL, or a TraceQL metrics query when `query` is 'traceql'. */
  expr: string;
  /** The query language (PromQL when absent, as in every dashboard saved before TraceQL panels). */
  query?: 'promql' | 'traceql';
  unit?: string;
  legend?: string;
}
export interface Variable {
  name: string;
  /** The label whose values are offered. */
  label?: string;
  /** Values come from this metric's series (all series when absent). */
  metric?: string;
  default?: string;
}
export interface Dashboard {
  title: string;
  panels: Panel[];
  variables: Variable[];
}

/**
 * `$name` / `${name}` -> the variable's value; Grafana's `$__rate_interval` and `$__interval`
 * -> the rate window and the step of the range (so imported dashboards run unchanged).
 */
export function applyVariables(expr: string, values: Record<string, string>, step: number): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, rateWindow(step))
    .replace(/\$__interval|\$\{__interval\}|\$__range/g, `${step}s`)
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a: string | undefined, b: string | undefined) => {
      const v = values[(a ?? b)!];
      return v === undefined ? all : v;
    });
}

/** A URL-safe id from a title: "Checkout API" -> "checkout-api". */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'dashboard'
  );
}
