import {
  type LabelMatcher,
  METRIC_NAME,
  matches,
  PromQLError,
  type SelectRequest,
  type SeriesSource,
} from '@tracehouse/promql';
import { type PromStore, QueryLimitError } from '@tracehouse/store';

/** A metric-name predicate from a selector's `__name__` matchers (every name when there are none). */
export function nameFilter(matchers: readonly LabelMatcher[]): (name: string) => boolean {
  const own = matchers.filter((m) => m.name === METRIC_NAME);
  return (name) => own.every((m) => matches({ [METRIC_NAME]: name }, m));
}

export const labelMatchers = (matchers: readonly LabelMatcher[]) => matchers.filter((m) => m.name !== METRIC_NAME);

/**
 * The engine's view of one tenant's series in the store; store limits become execution errors.
 * It lives for one query or one rule group evaluation: its reads share the store's probes.
 */
export function tenantSource(store: PromStore, tenant: string, now: () => number, timeoutMs: number): SeriesSource {
  const probes = store.probeCache();
  const query = (req: SelectRequest) => ({
    tenant,
    matchers: labelMatchers(req.matchers),
    startMs: req.startMs,
    endMs: req.endMs,
    nowMs: now(),
    maxSeries: req.maxSeries,
    maxSamples: req.maxSamples,
    timeoutMs,
  });
  return {
    select: (req) => limited(() => store.select(query(req), nameFilter(req.matchers), probes)),
    forEachSeries: (req, visit) =>
      limited(() => store.forEachSeries(query(req), nameFilter(req.matchers), visit, probes)),
  };
}

/** Store limits become PromQL execution errors. */
async function limited<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof QueryLimitError) throw new PromQLError('execution', err.message);
    throw err;
  }
}
