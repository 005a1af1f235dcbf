import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import {
  ApiTokenBody,
  ApiTokenReply,
  InvitationBody,
  InvitationReply,
  MeReply,
  SessionReply,
  SigninBody,
  SignupBody,
  SourceBody,
  SourceReply,
} from './workspaces.schema.ts';
import {
  createApiToken,
  createSource,
  describeUser,
  inviteUser,
  listSources,
  signin,
  signup,
} from './workspaces.service.ts';

export const workspaceRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  app.post('/api/signup', {
    schema: {
      tags: ['workspace'],
      summary: 'Create the first workspace and its owner, or join by invitation',
      body: SignupBody,
      response: { 200: SessionReply },
    },
    handler: async (request, reply) => {
      const result = await signup(hub.db, request.body);
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/signin', {
    schema: {
      tags: ['workspace'],
      summary: 'Sign in with email and password',
      body: SigninBody,
      response: { 200: SessionReply },
    },
    handler: async (request, reply) => {
      const result = await signin(hub.db, request.body);
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/me', {
    schema: { tags: ['workspace'], summary: 'The signed-in user and workspace', response: { 200: MeReply } },
    preHandler: requireUser(hub.auth, ROLES.anyone),
    handler: async (request, reply) => {
      const result = await describeUser(hub.db, principalOf(request));
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/invitations', {
    schema: {
      tags: ['workspace'],
      summary: 'Invite a user with a role; they sign up with the invitation',
      body: InvitationBody,
      response: { 200: InvitationReply },
    },
    preHandler: requireUser(hub.auth, ROLES.manageWorkspace),
    handler: async (request, reply) => {
      const result = await inviteUser(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/tokens', {
    schema: {
      tags: ['workspace'],
      summary: 'Create a long-lived API token for the signed-in user',
      body: ApiTokenBody,
      response: { 200: ApiTokenReply },
    },
    preHandler: requireUser(hub.auth, ROLES.anyone),
    handler: async (request) => createApiToken(hub.db, { ...principalOf(request), name: request.body.name }),
  });
  app.post('/api/sources', {
    schema: {
      tags: ['workspace'],
      summary: 'Create a source; its write key is shown only here',
      body: SourceBody,
      response: { 200: SourceReply },
    },
    preHandler: requireUser(hub.auth, ROLES.manageWorkspace),
    handler: async (request) =>
      createSource(hub.db, { workspaceId: principalOf(request).workspaceId, ...request.body }),
  });
  app.get('/api/sources', {
    schema: {
      tags: ['workspace'],
      summary: 'List sources (without write keys)',
      response: { 200: z.object({ sources: z.array(SourceReply) }) },
    },
    preHandler: requireUser(hub.auth, ROLES.manageWorkspace),
    handler: async (request) => ({ sources: await listSources(hub.db, principalOf(request)) }),
  });
};
