import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import { getAccount, setMemberRoles, upsertAccount } from './accounts.service.ts';
import {
  AccountBody,
  AccountMemberParams,
  AccountWithMembersReply,
  CustomerId,
  CustomerReply,
  LookupQuery,
  MemberRolesBody,
  MergedReply,
  TimelineQuery,
  TimelineReply,
} from './customers.schema.ts';
import { getCustomer, lookupCustomer } from './customers.service.ts';
import { readTimeline } from './timeline.service.ts';

/** A merged profile answers 308 to the profile that absorbed it, keeping the rest of the path. */
function redirectToSurvivor(reply: FastifyReply, url: string, from: string, to: string) {
  const location = url.replace(from, to);
  return reply.code(308).header('location', location).send({ mergedInto: to, location });
}

export const customerRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  const readers = requireUser(hub.auth, ROLES.readCustomers);

  app.get('/api/customers/lookup', {
    schema: {
      tags: ['customers'],
      summary:
        'Find a customer by any identifier (normalised: 09… phones, upper-case emails, Persian digits)',
      querystring: LookupQuery,
      response: { 200: CustomerReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await lookupCustomer(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.query,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/customers/:id', {
    schema: {
      tags: ['customers'],
      summary: 'A customer with identities, traits, accounts and roles',
      params: CustomerId,
      response: { 200: CustomerReply, 308: MergedReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await getCustomer(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        customerId: request.params.id,
      });
      if (result.isErr()) return sendError(reply, result.error);
      if ('mergedInto' in result.value)
        return redirectToSurvivor(reply, request.url, request.params.id, result.value.mergedInto);
      return result.value.customer;
    },
  });
  app.get('/api/customers/:id/timeline', {
    schema: {
      tags: ['customers'],
      summary: 'Every event of the customer from every channel, newest first',
      params: CustomerId,
      querystring: TimelineQuery,
      response: { 200: TimelineReply, 308: MergedReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await readTimeline(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        customerId: request.params.id,
        ...request.query,
      });
      if (result.isErr()) return sendError(reply, result.error);
      if ('mergedInto' in result.value)
        return redirectToSurvivor(reply, request.url, request.params.id, result.value.mergedInto);
      return result.value;
    },
  });

  app.put('/api/accounts', {
    schema: {
      tags: ['accounts'],
      summary: 'Create or update an account by its groupId (tier, kind, account manager)',
      body: AccountBody,
      response: { 200: AccountWithMembersReply },
    },
    preHandler: requireUser(hub.auth, ROLES.manageAccounts),
    handler: async (request, reply) => {
      const result = await upsertAccount(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/accounts/:id', {
    schema: {
      tags: ['accounts'],
      summary: 'An account with its members and their roles',
      params: CustomerId,
      response: { 200: AccountWithMembersReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await getAccount(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        accountId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.put('/api/accounts/:id/members/:customerId', {
    schema: {
      tags: ['accounts'],
      summary: "Set a member's buying-committee roles",
      params: AccountMemberParams,
      body: MemberRolesBody,
      response: { 200: AccountWithMembersReply },
    },
    preHandler: requireUser(hub.auth, ROLES.manageAccounts),
    handler: async (request, reply) => {
      const result = await setMemberRoles(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        accountId: request.params.id,
        customerId: request.params.customerId,
        roles: request.body.roles,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
};
