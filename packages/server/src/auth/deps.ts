import type { FastifyInstance } from 'fastify';
import { adminUserRoutes } from '../api/adminUsers';
import type { RouteEntry } from './hook';
import { authRoutes } from './routes';
import type { AuthService } from './service';

/** What the API server needs for access control and the admin pages. */
export interface SecurityDeps {
  auth: AuthService;
  /** Retention per table family, seconds (shown on the ops page). */
  retentionSeconds: Record<string, number>;
}

/** Login/logout/me, the /login page, and the admin routes. */
export function securityRoutes(app: FastifyInstance, security: SecurityDeps, routeTable: RouteEntry[]): void {
  authRoutes(app, security.auth);
  adminUserRoutes(app, security.auth, routeTable);
}
