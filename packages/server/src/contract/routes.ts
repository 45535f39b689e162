import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ContractMonitor } from './monitor';

const violationSchema = {
  type: 'object',
  properties: {
    rule: { type: 'string' },
    detail: { type: 'string' },
    firstSeen: { type: 'string', description: 'Unix nanoseconds' },
    lastSeen: { type: 'string', description: 'Unix nanoseconds' },
    examples: { type: 'array', items: { type: 'string' } },
  },
};

/** GET /api/v1/contract: the telemetry-contract report of the caller's tenant. */
export function contractRoutes(app: FastifyInstance, monitor: ContractMonitor, clock: () => number): void {
  app.get(
    '/api/v1/contract',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Telemetry-contract violations per service over the last contract.window',
        tags: ['contract'],
        response: {
          200: {
            type: 'object',
            properties: {
              services: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { service: { type: 'string' }, violations: { type: 'array', items: violationSchema } },
                },
              },
            },
          },
        },
      },
    },
    async (req) => monitor.report(tenantOf(req), clock()),
  );
}
