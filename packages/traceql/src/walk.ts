import type { SpanExpr, SpansetExpr } from './ast';

/** The span filters of a spanset expression, left to right. */
export function filters(s: SpansetExpr): SpanExpr[] {
  return s.kind === 'filter' ? [s.expr] : [...filters(s.left), ...filters(s.right)];
}
