import type { Policy } from './roles';

/**
 * The access policy of a route. A route declares its own (`config: { auth: 'viewer' }` next
 * to its schema); routes that do not are looked up here by URL pattern, so areas that
 * predate access control stay reachable with the right role. Anything still unmatched is
 * denied to everyone (`deny`) until its route declares a policy.
 */
const FALLBACK: { pattern: RegExp; methods: 'read' | 'any'; policy: Policy }[] = [
  { pattern: /^\/api\/v1\/admin(\/|$)/, methods: 'any', policy: 'admin' },
  { pattern: /^\/admin(\/|$)/, methods: 'any', policy: 'admin' },
  { pattern: /^\/api\/v1\/ops(\/|$)/, methods: 'read', policy: 'ops' },
  // Telemetry reads: the native API and the Tempo-compatible API.
  { pattern: /^\/api\/v1\//, methods: 'read', policy: 'viewer' },
  { pattern: /^\/tempo(\/|$)/, methods: 'read', policy: 'viewer' },
  // The UI's static shell and assets hold no data; the data comes from the API above.
  { pattern: /^\/(\*?|index\.html|favicon\.[a-z]+|assets\/.*|ui\/.*)$/, methods: 'read', policy: 'public' },
];

const READ = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isStateChanging = (method: string): boolean => !READ.has(method.toUpperCase());

export function resolvePolicy(
  method: string,
  url: string,
  declared: Policy | undefined,
): { policy: Policy | 'deny'; declared: boolean } {
  if (declared) return { policy: declared, declared: true };
  const read = READ.has(method.toUpperCase());
  for (const f of FALLBACK) {
    if (f.pattern.test(url) && (f.methods === 'any' || read)) return { policy: f.policy, declared: false };
  }
  return { policy: 'deny', declared: false };
}

/**
 * Routes about the whole deployment rather than one tenant's telemetry (the ops page and its
 * summary, the audit log, the route table): for the default tenant's principals only, whatever
 * their role in another tenant.
 */
const DEPLOYMENT_ROUTES = [/^\/admin(\/|$)/, /^\/api\/v1\/admin\/(ops|audit|routes)(\/|$)/, /^\/api\/v1\/ops(\/|$)/];

export const isDeploymentRoute = (url: string): boolean => DEPLOYMENT_ROUTES.some((r) => r.test(url));
