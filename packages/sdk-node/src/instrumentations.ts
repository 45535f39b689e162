// The auto-instrumentation set: everything @opentelemetry/auto-instrumentations-node ships, minus
// fs, dns and pino, plus @fastify/otel (the maintained Fastify instrumentation, which that set no
// longer includes), with health and scrape endpoints left untraced.

import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ResolvedConfig } from './config.js';
import { HttpClientInstrumentation } from './http-client-instrumentation.js';
import { HttpServerInstrumentation } from './http-server-instrumentation.js';
import { isIgnoredPath } from './ignored-paths.js';
import type { TracehouseOptions } from './options.js';
import type { OtelModules } from './otel-modules.js';

const PACKAGE_PREFIX = '@opentelemetry/instrumentation-';
/** Not part of auto-instrumentations-node, so its name must not be passed to it (it would log an error). */
const FASTIFY = 'fastify';

export function createInstrumentations(
  config: ResolvedConfig,
  options: TracehouseOptions,
  { autoInstrumentations, fastifyOtel, core }: Pick<OtelModules, 'autoInstrumentations' | 'fastifyOtel' | 'core'>,
): Instrumentation[] {
  const paths = config.ignoredPaths;
  const user = options.instrumentations ?? {};
  const userHttp = user['@opentelemetry/instrumentation-http'] ?? {};
  const userIgnore = userHttp.ignoreIncomingRequestHook;
  const lean = config.httpInstrumentation === 'lean';
  const map: InstrumentationConfigMap = {
    ...user,
    '@opentelemetry/instrumentation-http': {
      ...userHttp,
      ignoreIncomingRequestHook: (request) => isIgnoredPath(request.url, paths) || (userIgnore?.(request) ?? false),
      // In lean mode our own instrumentations take both directions (see http-server-instrumentation.ts).
      ...(lean ? { enabled: false } : {}),
    },
  };

  const configs = map as Record<string, { enabled?: boolean } | undefined>;
  for (const name of config.disabledInstrumentations) {
    if (name === FASTIFY) continue;
    const key = PACKAGE_PREFIX + name;
    // An explicit `enabled: true` in options is the documented way to bring fs or dns back.
    if (configs[key]?.enabled === true) continue;
    configs[key] = { ...configs[key], enabled: false };
  }

  // The factory constructs (and thereby enables) each instrumentation; this is the moment patching starts.
  const instrumentations: Instrumentation[] = autoInstrumentations.getNodeAutoInstrumentations(map);

  const httpAllowed =
    (config.enabledInstrumentations?.includes('http') ?? true) &&
    !config.disabledInstrumentations.includes('http') &&
    userHttp.enabled !== false;
  if (lean && httpAllowed) {
    instrumentations.push(
      new HttpServerInstrumentation(
        {
          ignoredPaths: paths,
          ignoreIncomingRequestHook: userIgnore,
          requestHeaders: userHttp.headersToSpanAttributes?.server?.requestHeaders,
          responseHeaders: userHttp.headersToSpanAttributes?.server?.responseHeaders,
        },
        core,
      ),
      new HttpClientInstrumentation(
        {
          requestHeaders: userHttp.headersToSpanAttributes?.client?.requestHeaders,
          responseHeaders: userHttp.headersToSpanAttributes?.client?.responseHeaders,
        },
        core,
      ),
    );
  }

  const fastifyAllowed = config.enabledInstrumentations?.includes(FASTIFY) ?? true;
  if (fastifyAllowed && !config.disabledInstrumentations.includes(FASTIFY)) {
    instrumentations.push(
      new fastifyOtel.FastifyOtelInstrumentation({
        // Hooks every Fastify instance through its `fastify.initialization` diagnostics channel,
        // which works for ESM imports without any module patching.
        registerOnInitialization: true,
        // Without this, an ignored health request would still get a (root) route span.
        ignorePaths: (route) => paths.includes(route.url),
      }),
    );
  }
  instrumentations.push(...(options.extraInstrumentations ?? []));
  return instrumentations;
}
