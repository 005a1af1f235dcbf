import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import { appError } from '../core/errors.ts';
import {
  cancelScheduled,
  listConversations,
  listMessages,
  postMessage,
  updateConversation,
} from './conversations.service.ts';
import { contentDisposition, readAttachment } from './attachments.ts';
import {
  AttachmentParams,
  ConversationPatchBody,
  ConversationReply,
  ConversationsQuery,
  DeadLettersReply,
  IdParams,
  InboxBody,
  InboxChange,
  InboxReply,
  MessageBody,
  MessageReply,
  NotificationsReply,
  PostedMessageReply,
  ScheduledParams,
  TransferBody,
  TransferReply,
} from './inbox.schema.ts';
import { createInbox, listInboxes, updateInbox, wiringOf } from './inboxes.service.ts';
import { readNotifications, readOneConversation, readNotificationsMarked } from './inbox-reads.service.ts';
import type { ServiceDesk } from './service-desk.ts';
import { transferConversation } from './transfers.ts';
import { linkConversations, listLinks, mergeConversations, splitConversation } from './ticket-links.ts';
import { listDeadLetters } from './webhook-intake.ts';

export const inboxRoutes: FastifyPluginAsyncZod<{ hub: Hub; desk: ServiceDesk }> = async (
  app,
  { hub, desk },
) => {
  const readers = requireUser(hub.auth, ROLES.readCustomers);
  const workers = requireUser(hub.auth, ROLES.serviceDesk);
  const admins = requireUser(hub.auth, ROLES.manageWorkspace);
  const baseUrl = (request: { protocol: string; host: string }) => `${request.protocol}://${request.host}`;

  app.post('/api/inboxes', {
    schema: {
      tags: ['service desk'],
      summary:
        'Create an inbox on a channel; the reply says how to wire it (webhook URL and secret, address)',
      body: InboxBody,
      response: { 200: InboxReply },
    },
    preHandler: admins,
    handler: async (request, reply) => {
      const result = await createInbox(hub.db, desk.adapters, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : wiringOf(result.value, baseUrl(request));
    },
  });
  app.patch('/api/inboxes/:id', {
    schema: {
      tags: ['service desk'],
      summary: 'Rename an inbox, change its settings (only the keys given), or disable and re-enable it',
      params: z.object({ id: z.string().uuid('must be an inbox id (UUID)') }),
      body: InboxChange,
      response: { 200: InboxReply },
    },
    preHandler: admins,
    handler: async (request, reply) => {
      const result = await updateInbox(hub.db, desk.adapters, {
        workspaceId: principalOf(request).workspaceId,
        inboxId: request.params.id,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : wiringOf(result.value, baseUrl(request));
    },
  });
  app.get('/api/inboxes', {
    schema: {
      tags: ['service desk'],
      summary: 'The workspace inboxes',
      response: { 200: z.object({ inboxes: z.array(InboxReply) }) },
    },
    preHandler: admins,
    handler: async (request) => ({
      inboxes: (await listInboxes(hub.db, principalOf(request))).map((i) => wiringOf(i, baseUrl(request))),
    }),
  });

  app.get('/api/conversations', {
    schema: {
      tags: ['service desk'],
      summary:
        'Conversations, newest activity first (status may be a custom status; q searches messages, Persian-normalised)',
      querystring: ConversationsQuery,
      response: { 200: z.object({ conversations: z.array(ConversationReply) }) },
    },
    preHandler: readers,
    handler: async (request) => ({
      conversations: await listConversations(desk, {
        workspaceId: principalOf(request).workspaceId,
        ...request.query,
      }),
    }),
  });
  app.get('/api/conversations/:id', {
    schema: {
      tags: ['service desk'],
      summary: 'One conversation',
      params: IdParams,
      response: { 200: ConversationReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await readOneConversation(desk, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.patch('/api/conversations/:id', {
    schema: {
      tags: ['service desk'],
      summary: 'Change status (built-in or custom), priority, labels, assignee, team, snooze or attributes',
      params: IdParams,
      body: ConversationPatchBody,
      response: { 200: ConversationReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const result = await updateConversation(desk, {
        workspaceId: principal.workspaceId,
        conversationId: request.params.id,
        userId: principal.userId,
        patch: request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/conversations/:id/messages', {
    schema: {
      tags: ['service desk'],
      summary: 'Every message of the conversation, oldest first, notes included',
      params: IdParams,
      response: { 200: z.object({ messages: z.array(MessageReply) }) },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await listMessages(desk, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : { messages: result.value };
    },
  });
  app.post('/api/conversations/:id/messages', {
    schema: {
      tags: ['service desk'],
      summary:
        'Reply on the conversation channel (now, or later with sendAt), or add a private note (private: true) that @mentions users of any department',
      params: IdParams,
      body: MessageBody,
      response: { 200: PostedMessageReply },
    },
    // Room for the files' base64 (ATTACHMENT_LIMITS: 15 MB of files is 20 MB of base64).
    bodyLimit: 21 * 1024 * 1024,
    // Any department can write notes; only the service desk's roles answer customers.
    preHandler: readers,
    handler: async (request, reply) => {
      const principal = principalOf(request);
      if (!request.body.private && !(ROLES.serviceDesk as readonly string[]).includes(principal.role))
        return sendError(
          reply,
          appError('PSK_FORBIDDEN_ROLE', {
            message: `Your role (${principal.role}) may add private notes but not answer customers`,
          }),
        );
      const result = await postMessage(desk, {
        workspaceId: principal.workspaceId,
        conversationId: request.params.id,
        userId: principal.userId,
        body: request.body.body,
        private: request.body.private,
        sendAt: request.body.sendAt ?? null,
        ...(request.body.attachments ? { attachments: request.body.attachments } : {}),
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/conversations/:id/messages/:messageId/attachments/:n', {
    schema: {
      tags: ['service desk'],
      summary: "A message's file (n counts its attachments from 0), with its content type, as a download",
      params: AttachmentParams,
      response: {
        200: z.instanceof(Buffer).describe('the file, as application/octet-stream or its own type'),
      },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await readAttachment(desk.db, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
        messageId: request.params.messageId,
        position: request.params.n,
      });
      if (result.isErr()) return sendError(reply, result.error);
      const file = result.value;
      // Always a download, never rendered in the console's origin (an HTML or SVG file could run script there).
      return reply
        .type(file.contentType)
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.content);
    },
  });
  app.delete('/api/conversations/:id/messages/:messageId', {
    schema: {
      tags: ['service desk'],
      summary: 'Cancel a message scheduled for later',
      params: ScheduledParams,
      response: { 200: z.object({ cancelled: z.literal(true) }) },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const result = await cancelScheduled(desk, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
        messageId: request.params.messageId,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/conversations/:id/transfer', {
    schema: {
      tags: ['service desk'],
      summary:
        'Transfer to an agent or a team with a handover summary (drafted from the conversation when omitted)',
      params: IdParams,
      body: TransferBody,
      response: { 200: TransferReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const result = await transferConversation(desk, {
        workspaceId: principal.workspaceId,
        conversationId: request.params.id,
        fromUserId: principal.userId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });

  const LinksReply = z.object({
    links: z.array(
      z.object({
        conversationId: z.string(),
        linkedId: z.string(),
        kind: z.enum(['related', 'merged', 'split_from']),
        createdAt: z.date(),
      }),
    ),
  });
  app.post('/api/conversations/:id/merge', {
    schema: {
      tags: ['service desk'],
      summary: 'Merge this conversation into another (its messages move; it stays as a pointer)',
      params: IdParams,
      body: z.object({ targetId: z.string().uuid() }),
      response: { 200: ConversationReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const p = principalOf(request);
      const result = await mergeConversations(desk, {
        workspaceId: p.workspaceId,
        userId: p.userId,
        conversationId: request.params.id,
        targetId: request.body.targetId,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/conversations/:id/split', {
    schema: {
      tags: ['service desk'],
      summary: 'Move some messages to a new conversation of the same customer',
      params: IdParams,
      body: z.object({ messageIds: z.array(z.string().uuid()).min(1).max(1000) }),
      response: { 200: ConversationReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const p = principalOf(request);
      const result = await splitConversation(desk, {
        workspaceId: p.workspaceId,
        userId: p.userId,
        conversationId: request.params.id,
        messageIds: request.body.messageIds,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/conversations/:id/links', {
    schema: {
      tags: ['service desk'],
      summary: 'Link two related conversations',
      params: IdParams,
      body: z.object({ targetId: z.string().uuid() }),
      response: { 200: LinksReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const result = await linkConversations(desk, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
        targetId: request.body.targetId,
      });
      return result.isErr() ? sendError(reply, result.error) : { links: result.value };
    },
  });
  app.get('/api/conversations/:id/links', {
    schema: {
      tags: ['service desk'],
      summary: 'Merged, split and related conversations',
      params: IdParams,
      response: { 200: LinksReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await listLinks(desk, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : { links: result.value };
    },
  });

  app.get('/api/notifications', {
    schema: {
      tags: ['service desk'],
      summary: "The signed-in user's notifications (mentions, transfers, SLA, inboxes)",
      querystring: z.object({ unread: z.coerce.boolean().default(false) }),
      response: { 200: NotificationsReply },
    },
    preHandler: requireUser(hub.auth, ROLES.anyone),
    handler: async (request) => ({
      notifications: await readNotifications(desk, {
        ...principalOf(request),
        unreadOnly: request.query.unread,
      }),
    }),
  });
  app.post('/api/notifications/read', {
    schema: {
      tags: ['service desk'],
      summary: 'Mark notifications read',
      body: z.object({ ids: z.array(z.string().uuid()).min(1).max(500) }),
      response: { 200: z.object({ marked: z.number() }) },
    },
    preHandler: requireUser(hub.auth, ROLES.anyone),
    handler: async (request) => ({
      marked: await readNotificationsMarked(desk, { ...principalOf(request), ids: request.body.ids }),
    }),
  });
  app.get('/api/dead-letters', {
    schema: {
      tags: ['service desk'],
      summary: 'Inbound provider requests that could not be parsed, stored raw',
      querystring: z.object({ inboxId: z.string().uuid().optional() }),
      response: { 200: DeadLettersReply },
    },
    preHandler: admins,
    handler: async (request) => ({
      deadLetters: await listDeadLetters(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        inboxId: request.query.inboxId,
      }),
    }),
  });
};
