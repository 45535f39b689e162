import {
  errorRatioMetric,
  formatPromDuration,
  type SloDef,
  type SloStatus,
  sloStatus,
  sloWindows,
} from '@tracehouse/alerting';
import type { AlertingManager } from './manager';

/** What the API routes need from alerting: the manager's groups and alerts, the SLOs, the tenant they belong to. */
export interface AlertingService {
  manager: AlertingManager;
  slos: SloDef[];
  tenant: string;
}

/** Each SLO's status from the error ratios its recording rules last recorded. */
export function sloStatuses(service: AlertingService): SloStatus[] {
  return service.slos.map((slo) => {
    const ratios: Record<string, number | undefined> = {};
    for (const w of sloWindows(slo)) {
      const sample = service.manager.recorded(errorRatioMetric(w)).find((s) => s.labels.slo === slo.name);
      ratios[w] = sample?.value;
    }
    return sloStatus(slo, formatPromDuration(slo.windowMs), ratios);
  });
}
