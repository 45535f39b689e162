import type { Store } from '@tracehouse/store';
import type { Counter } from 'prom-client';
import type { AlertingService } from '../alerting/service';
import type { AuthService } from '../auth/service';
import type { ContractMonitor } from '../contract';
import type { Derived } from '../processor/derived';
import type { SelfMetrics } from '../telemetry/selfMetrics';
import type { DecisionCache } from './decisionCache';
import type { PrometheusApi } from './prometheus/api';
import type { RedCache } from './redCache';
import type { TraceReadLimits } from './traceRead';
import type { OtlpEndpoints } from './uiSettings';

/** What the route modules of the API need (its own module: app.ts imports the routes). */
export interface ApiDeps {
  store: Store;
  metrics: SelfMetrics;
  /** False while starting or shutting down: /readyz answers 503. */
  isReady: () => boolean;
  /** Why the store's inserts are failing now, or '' (readiness reflects it). */
  writesFailing?: () => string;
  version: string;
  /** Access control (auth/): every route is authorized by the hook registered first. */
  security: SecurityDeps;
  /** Span metrics and service graph (absent when derived.enabled is false). */
  derived?: Derived;
  /** The telemetry-contract report (absent when contract.enabled is false). */
  contract?: ContractMonitor;
  /** The bound OTLP receiver ports, for the UI's empty states. */
  otlp?: OtlpEndpoints;
  /** Rules, alerts and SLOs (started after the API listens; undefined when none are configured). */
  alerting?: () => AlertingService | undefined;
  /** Bounds on trace-by-id responses (native and Tempo routes). */
  traceReads: TraceReadLimits;
  /** Sampling decisions once made (they never change). */
  decisions: DecisionCache;
  /** RED cells of finished intervals (with derived; absent when off). */
  red?: RedCache;
  /** The Prometheus-compatible query API (PromQL over the stored and derived metrics). */
  prometheus?: PrometheusApi;
}

/** What the API server needs for access control and the admin pages. */
export interface SecurityDeps {
  auth: AuthService;
  /** Retention per table family, seconds (shown on the ops page). */
  retentionSeconds: Record<string, number>;
  /** tracehouse_redacted_total, when redaction is on. */
  redacted: Counter<string> | null;
}
