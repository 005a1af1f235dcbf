import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../../api/auth.ts';
import { sendError } from '../../api/error-handler.ts';
import type { Hub } from '../../api/hub.ts';
import { DeleteModelReply, ModelReply, TrainBody, TrainReply } from './sentiment-training.schema.ts';
import { deleteWorkspaceModel, readWorkspaceModelInfo } from './workspace-model.service.ts';
import { trainWorkspaceModel } from './workspace-training.service.ts';

export const sentimentTrainingRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  const readers = requireUser(hub.auth, ROLES.readCustomers);
  const trainers = requireUser(hub.auth, ROLES.trainModels);
  const tags = ['insights'];

  app.post('/api/insights/sentiment/train', {
    schema: {
      tags,
      summary:
        "Retrain the workspace's sentiment model on its own labelled messages; reports k-fold accuracy against the default model on the same examples",
      body: TrainBody,
      response: { 200: TrainReply },
    },
    preHandler: trainers,
    handler: async (request, reply) => {
      const result = await trainWorkspaceModel(hub, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/insights/sentiment/model', {
    schema: {
      tags,
      summary: 'Which sentiment model the workspace uses (its own or the default) and how it scored',
      response: { 200: ModelReply },
    },
    preHandler: readers,
    handler: async (request) =>
      readWorkspaceModelInfo(hub.db, { workspaceId: principalOf(request).workspaceId }),
  });
  app.delete('/api/insights/sentiment/model', {
    schema: {
      tags,
      summary: "Delete the workspace's own sentiment model: the default model is used again",
      response: { 200: DeleteModelReply },
    },
    preHandler: trainers,
    handler: async (request) => ({
      model: 'default' as const,
      deleted: await deleteWorkspaceModel(hub.db, { workspaceId: principalOf(request).workspaceId }),
    }),
  });
};
