import type { FastifyInstance } from 'fastify';
import type { RouteEntry } from '../auth/hook';
import { authRoutes } from '../auth/routes';
import { adminOpsRoutes } from './adminOps';
import { adminUserRoutes } from './adminUsers';
import type { ApiDeps } from './deps';

/** Login/logout/me, the /login page, and the admin routes. */
export function securityRoutes(app: FastifyInstance, deps: ApiDeps, routeTable: RouteEntry[]): void {
  const { security } = deps;
  authRoutes(app, security.auth);
  adminUserRoutes(app, security.auth, routeTable);
  adminOpsRoutes(app, deps, security.redacted, security.retentionSeconds);
}
