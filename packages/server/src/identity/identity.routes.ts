import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import {
  getIdentityRules,
  IdentityRules,
  listMerges,
  setIdentityRules,
  undoMerge,
} from './identity.service.ts';

const MergeReply = z.object({
  id: z.string(),
  winnerId: z.string(),
  loserId: z.string(),
  reason: z.string(),
  messageId: z.string().nullable(),
  createdAt: z.date(),
  undoneAt: z.date().nullable(),
});

export const identityRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  app.get('/api/identity-rules', {
    schema: {
      tags: ['identity'],
      summary: 'The merge guards of this workspace',
      response: { 200: IdentityRules },
    },
    preHandler: requireUser(hub.auth, ROLES.manageWorkspace),
    handler: async (request) => getIdentityRules(hub.db, principalOf(request)),
  });
  app.put('/api/identity-rules', {
    schema: {
      tags: ['identity'],
      summary: 'Set identifier limits per type and blocked shared values',
      body: IdentityRules,
      response: { 200: IdentityRules },
    },
    preHandler: requireUser(hub.auth, ROLES.manageWorkspace),
    handler: async (request) =>
      setIdentityRules(hub.db, { workspaceId: principalOf(request).workspaceId, rules: request.body }),
  });
  app.get('/api/customers/:id/merges', {
    schema: {
      tags: ['identity'],
      summary: 'Merges that made or absorbed this profile: what, why, which event',
      params: z.object({ id: z.string().uuid() }),
      response: { 200: z.object({ merges: z.array(MergeReply) }) },
    },
    preHandler: requireUser(hub.auth, ROLES.readCustomers),
    handler: async (request) => ({
      merges: await listMerges(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        customerId: request.params.id,
      }),
    }),
  });
  app.post('/api/merges/:id/undo', {
    schema: {
      tags: ['identity'],
      summary: 'Undo a merge: the absorbed profile comes back with its identities and events',
      params: z.object({ id: z.string().uuid() }),
      response: { 200: z.object({ customerId: z.string() }) },
    },
    preHandler: requireUser(hub.auth, ROLES.undoMerges),
    handler: async (request, reply) => {
      const result = await undoMerge(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        mergeId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
};
