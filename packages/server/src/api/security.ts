import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import type { RouteEntry } from '../auth/hook';
import { authRoutes } from '../auth/routes';
import type { AuthService } from '../auth/service';
import { adminOpsRoutes } from './adminOps';
import { adminUserRoutes } from './adminUsers';
import type { ApiDeps } from './app';

/** What the API server needs for access control and the admin pages. */
export interface SecurityDeps {
  auth: AuthService;
  /** Retention per table family, seconds (shown on the ops page). */
  retentionSeconds: Record<string, number>;
  /** tracehouse_redacted_total, when redaction is on. */
  redacted: Counter<string> | null;
}

/** Login/logout/me, the /login page, and the admin routes. */
export function securityRoutes(app: FastifyInstance, deps: ApiDeps, routeTable: RouteEntry[]): void {
  const { security } = deps;
  authRoutes(app, security.auth);
  adminUserRoutes(app, security.auth, routeTable);
  adminOpsRoutes(app, deps, security.redacted, security.retentionSeconds);
}
