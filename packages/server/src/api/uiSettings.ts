import type { FastifyInstance } from 'fastify';

/** Where this server receives OTLP: filled in once the receivers are bound (ports may be 0 in config). */
export interface OtlpEndpoints {
  httpPort: number;
  grpcPort: number;
  tls: boolean;
}

/** What the web UI shows that only the server knows: the OTLP ports of empty-state instructions. */
export function uiSettingsRoutes(app: FastifyInstance, otlp: OtlpEndpoints | undefined): void {
  app.get(
    '/api/v1/ui/settings',
    {
      schema: {
        summary: 'Settings the web UI shows: the OTLP receiver ports',
        tags: ['ui'],
        response: {
          200: {
            type: 'object',
            properties: {
              otlpHttpPort: { type: ['integer', 'null'] },
              otlpGrpcPort: { type: ['integer', 'null'] },
              tls: { type: 'boolean' },
            },
          },
        },
      },
    },
    async () => ({
      otlpHttpPort: otlp?.httpPort || null,
      otlpGrpcPort: otlp?.grpcPort || null,
      tls: otlp?.tls ?? false,
    }),
  );
}
