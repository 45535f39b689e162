import type { FastifyInstance } from 'fastify';
import { type AlertingService, sloStatuses } from '../alerting/service';
import { tenantOf } from '../auth/hook';

const nullableNumber = { type: ['number', 'null'] };

export function sloRoutes(app: FastifyInstance, getAlerting: () => AlertingService | undefined): void {
  app.get(
    '/api/v1/slos',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Each SLO: objective, current SLI, error budget remaining and burn rates per window',
        tags: ['alerting'],
        response: {
          200: {
            type: 'object',
            properties: {
              slos: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    service: { type: 'string' },
                    sliKind: { type: 'string', enum: ['availability', 'latency'] },
                    objective: { type: 'number', description: 'percent' },
                    window: { type: 'string' },
                    sli: {
                      ...nullableNumber,
                      description: 'share of good events over the window (0..1); null without traffic',
                    },
                    errorBudgetRemaining: {
                      ...nullableNumber,
                      description: '1 = untouched, 0 = spent, < 0 = overspent',
                    },
                    burnRates: {
                      type: 'object',
                      additionalProperties: nullableNumber,
                      description:
                        'per window (5m, 30m, 1h, 2h, 6h, 1d, 3d, the SLO window): error ratio / error budget',
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const alerting = getAlerting();
      if (!alerting || tenantOf(req) !== alerting.tenant) return { slos: [] };
      return { slos: sloStatuses(alerting) };
    },
  );
}
