import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import {
  analyzeAcquisition,
  analyzeOfferRoi,
  recordAcquisitionCosts,
} from './acquisition/acquisition.service.ts';
import { parseCostsCsv } from './acquisition/costs-csv.ts';
import { fitChurnModel } from './churn/churn.service.ts';
import {
  AcquisitionQuery,
  AcquisitionReply,
  ChurnFitBody,
  ChurnFitReply,
  CostBody,
  CostImportBody,
  CostImportReply,
  CostReply,
  OfferParams,
  OfferQuery,
  OfferRoiReply,
  SurvivalQuery,
  SurvivalReply,
} from './retention.schema.ts';
import { analyzeSurvival } from './survival/survival.service.ts';

export const retentionRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  const analysts = requireUser(hub.auth, ROLES.readCustomers);
  app.post('/api/insights/churn/fit', {
    schema: {
      tags: ['insights'],
      summary:
        'Learn churn risk (L2 logistic regression on RFM, tenure, service and engagement), report hold-out AUC, score every buyer',
      body: ChurnFitBody,
      response: { 200: ChurnFitReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await fitChurnModel(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/insights/survival', {
    schema: {
      tags: ['insights'],
      summary:
        'Kaplan–Meier survival of customer lifetimes, median, restricted mean and hazard by tenure month',
      querystring: SurvivalQuery,
      response: { 200: SurvivalReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await analyzeSurvival(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.query,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/insights/costs', {
    schema: {
      tags: ['insights'],
      summary: 'Record an acquisition cost of a channel (and campaign) over a period',
      body: CostBody,
      response: { 201: CostReply },
    },
    preHandler: requireUser(hub.auth, ROLES.recordCosts),
    handler: async (request, reply) => {
      const [cost] = await recordAcquisitionCosts(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        costs: [request.body],
      });
      return reply.code(201).send(cost!);
    },
  });
  app.post('/api/insights/costs/import', {
    schema: {
      tags: ['insights'],
      summary: 'Record acquisition costs from CSV text (every row valid, or none stored)',
      body: CostImportBody,
      response: { 201: CostImportReply },
    },
    preHandler: requireUser(hub.auth, ROLES.recordCosts),
    handler: async (request, reply) => {
      const parsed = parseCostsCsv(request.body.csv);
      if (parsed.isErr()) return sendError(reply, parsed.error);
      const costs = await recordAcquisitionCosts(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        costs: parsed.value,
      });
      return reply.code(201).send({ imported: costs.length, costs });
    },
  });
  app.get('/api/insights/acquisition', {
    schema: {
      tags: ['insights'],
      summary: 'Customers acquired in a period and cost per acquired customer by channel and campaign',
      querystring: AcquisitionQuery,
      response: { 200: AcquisitionReply },
    },
    preHandler: analysts,
    handler: async (request) =>
      analyzeAcquisition(hub.db, { workspaceId: principalOf(request).workspaceId, ...request.query }),
  });
  app.get('/api/insights/offers/:offerId/roi', {
    schema: {
      tags: ['insights'],
      summary: 'Conversion, revenue, uplift, p-value and ROI of an offer against its holdout',
      params: OfferParams,
      querystring: OfferQuery,
      response: { 200: OfferRoiReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await analyzeOfferRoi(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        offerId: request.params.offerId,
        ...request.query,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
};
