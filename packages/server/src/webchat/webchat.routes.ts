// Web chat: the widget script (one <script> tag on any page), the visitor's session and history,
// and the visitor's WebSocket. Public routes: a visitor proves who they are with the session
// token the hub signed for them.
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import { appError } from '../core/errors.ts';
import { findInboxForWebhook, type Inbox } from '../inbox/inboxes.service.ts';
import { receiveInbound } from '../inbox/receive.ts';
import type { ServiceDesk } from '../inbox/service-desk.ts';
import type { FeedItem, Signal } from '../realtime/feed.ts';
import { readSocketFrame } from '../realtime/socket-frame.ts';
import {
  agentsOnline,
  createVisitorSockets,
  identifiersOf,
  openSession,
  readSession,
  visitorHistory,
  visitorMessageId,
  WebchatConfig,
  webchatAdapter,
  type VisitorSession,
} from './webchat.service.ts';

const WIDGET = readFileSync(new URL('./widget.js', import.meta.url), 'utf8');

const InboxParams = z.object({ inboxId: z.string().uuid('must be an inbox id (UUID)') });
const SessionQuery = z.object({ session: z.string().min(10).max(4000) });

const ClientId = z.string().min(1).max(100);
const VisitorFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    text: z.string().trim().min(1).max(5000),
    clientId: ClientId,
  }),
  z.object({ type: z.literal('typing'), on: z.boolean() }),
]);

export const webchatRoutes: FastifyPluginAsyncZod<{ hub: Hub; desk: ServiceDesk }> = async (
  app,
  { hub, desk },
) => {
  const sockets = createVisitorSockets();
  desk.registerAdapter(webchatAdapter(desk, sockets));

  // Pages on other sites call these routes: answer CORS, preflights included.
  app.addHook('onSend', async (request, reply) => {
    reply.header('access-control-allow-origin', request.headers.origin ?? '*');
    reply.header('access-control-allow-headers', 'content-type');
    reply.header('vary', 'origin');
  });
  app.options('/webchat/:inboxId/session', { schema: { hide: true } }, async (_request, reply) =>
    reply.code(204).send(),
  );

  app.get('/webchat/widget.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(WIDGET),
  );

  app.post('/webchat/:inboxId/session', {
    schema: {
      tags: ['web chat'],
      summary:
        "A visitor's chat session (pre-chat name, e-mail, phone identify them to the customer profile)",
      params: InboxParams,
      body: z.object({
        name: z.string().trim().max(120).optional(),
        email: z.string().trim().max(254).optional(),
        phone: z.string().trim().max(40).optional(),
      }),
      response: {
        200: z.object({
          session: z.string(),
          visitorId: z.string(),
          online: z.boolean(),
          config: z.object({ title: z.string(), color: z.string(), lang: z.enum(['fa', 'en']) }),
        }),
      },
    },
    handler: async (request, reply) => {
      const opened = await openSession(desk, {
        inboxId: request.params.inboxId,
        ...request.body,
        origin: request.headers.origin,
      });
      if (opened.type === 'not_found')
        return sendError(reply, appError('PSK_INBOX_NOT_FOUND', { field: 'inboxId' }));
      if (opened.type === 'invalid')
        return sendError(reply, appError('PSK_VALIDATION', { field: opened.field, message: opened.message }));
      const { type: _type, ...session } = opened;
      return session;
    },
  });

  app.get('/webchat/:inboxId/status', {
    schema: {
      tags: ['web chat'],
      summary: 'Whether anyone is online (else the widget asks for an e-mail), and how the widget looks',
      params: InboxParams,
      response: {
        200: z.object({
          online: z.boolean(),
          config: z.object({ title: z.string(), color: z.string(), lang: z.enum(['fa', 'en']) }),
        }),
      },
    },
    handler: async (request, reply) => {
      const inbox = await findInboxForWebhook(hub.db, request.params.inboxId);
      if (!inbox || inbox.channel !== 'webchat')
        return sendError(reply, appError('PSK_INBOX_NOT_FOUND', { field: 'inboxId' }));
      const config = WebchatConfig.parse(inbox.config);
      return {
        online: await agentsOnline(desk, inbox),
        config: { title: config.title, color: config.color, lang: config.lang },
      };
    },
  });

  app.get('/webchat/:inboxId/history', {
    schema: {
      tags: ['web chat'],
      summary: "The visitor's conversation so far (what a returning visitor sees)",
      params: InboxParams,
      querystring: SessionQuery,
      response: {
        200: z.object({
          conversationId: z.string().nullable(),
          messages: z.array(
            z.object({
              id: z.string(),
              body: z.string(),
              from: z.enum(['visitor', 'agent']),
              at: z.date(),
              clientId: z.string().nullable(),
            }),
          ),
        }),
      },
    },
    handler: async (request, reply) => {
      const inbox = await findInboxForWebhook(hub.db, request.params.inboxId);
      const session = inbox ? readSession(request.query.session, inbox.webhookSecret) : null;
      if (!inbox || !session || session.inboxId !== inbox.id)
        return sendError(
          reply,
          appError('PSK_AUTH_INVALID_TOKEN', { message: 'The chat session is not valid' }),
        );
      return visitorHistory(desk, { inbox, visitorId: session.visitorId });
    },
  });

  app.get(
    '/webchat/:inboxId/socket',
    {
      websocket: true,
      schema: {
        tags: ['web chat'],
        summary:
          "WebSocket: the visitor's messages and typing; the hub answers each message with ack or rejected (with the reason), by its clientId",
        params: InboxParams,
        querystring: SessionQuery,
      },
    },
    (socket, request) => {
      let conversationId: string | null = null;
      let unsubscribe: (() => void) | null = null;
      let remove: (() => void) | null = null;
      const listen = (inbox: Inbox) => {
        if (!conversationId || unsubscribe) return;
        unsubscribe = desk.bus.subscribe(
          `webchat:${inbox.workspaceId}`,
          conversationId,
          (item: FeedItem | Signal) => {
            if (item.type === 'typing')
              socket.send(JSON.stringify({ type: 'typing', on: item.payload.on === true }));
          },
        );
      };
      socket.on('close', () => {
        remove?.();
        unsubscribe?.();
      });
      // The socket is open for the visitor before the session is checked: frames sent meanwhile
      // would be dropped if the listener went on after the awaits, so each waits for the check.
      const checked = (async () => {
        const inbox = await findInboxForWebhook(hub.db, request.params.inboxId);
        const session = inbox ? readSession(request.query.session, inbox.webhookSecret) : null;
        if (!inbox || !session || session.inboxId !== inbox.id) {
          socket.close(4401, 'invalid chat session');
          return null;
        }
        conversationId = (await visitorHistory(desk, { inbox, visitorId: session.visitorId })).conversationId;
        if (socket.readyState !== socket.OPEN) return null;
        remove = sockets.add(inbox.id, session.visitorId, socket);
        listen(inbox);
        socket.send(JSON.stringify({ type: 'ready', conversationId }));
        return { inbox, session };
      })().catch((error: unknown) => {
        hub.logger.error({ err: error }, 'web chat socket failed');
        socket.close(1011, 'try again');
        return null;
      });
      const reject = (clientId: string, reason: string) =>
        socket.send(JSON.stringify({ type: 'rejected', clientId, reason }));
      const answerFrame = ({ inbox, session }: { inbox: Inbox; session: VisitorSession }, data: unknown) => {
        const read = readSocketFrame(VisitorFrame, data);
        if (!read.ok) {
          // A message the hub will never take is answered, so the widget stops sending it again.
          const clientId = clientIdOf(read.json);
          if (clientId) reject(clientId, read.problem);
          return;
        }
        const message = read.frame;
        if (message.type === 'typing') {
          if (conversationId)
            desk.bus.publish([
              {
                workspaceId: inbox.workspaceId,
                userId: null,
                type: 'typing',
                payload: { conversationId, visitor: true, on: message.on },
              },
            ]);
          return;
        }
        void receiveInbound(desk, {
          inbox,
          items: [
            {
              kind: 'message',
              providerMessageId: visitorMessageId(session.visitorId, message.clientId),
              threadKey: session.visitorId,
              from: { identifiers: identifiersOf(session), ...(session.name ? { name: session.name } : {}) },
              text: message.text,
              attachments: [],
              sentAt: new Date(),
            },
          ],
        })
          .then(([outcome]) => {
            if (outcome?.kind === 'rejected') reject(message.clientId, outcome.reason);
            if (outcome?.kind !== 'message') return;
            if (outcome.conversationId) {
              conversationId = outcome.conversationId;
              listen(inbox);
            }
            socket.send(JSON.stringify({ type: 'ack', clientId: message.clientId, id: outcome.messageId }));
          })
          // Not answered: the widget sends the message again when it reconnects.
          .catch((error: unknown) => hub.logger.error({ err: error }, 'web chat message failed'));
      };
      socket.on('message', (data) => {
        checked
          .then((visitor) => visitor && answerFrame(visitor, data))
          .catch((error: unknown) => hub.logger.error({ err: error }, 'web chat frame failed'));
      });
    },
  );
};

/** The clientId of a message frame the schema refused, when it has a usable one. */
function clientIdOf(json: unknown): string | null {
  if (!json || typeof json !== 'object') return null;
  const { type, clientId } = json as { type?: unknown; clientId?: unknown };
  const read = ClientId.safeParse(clientId);
  return type === 'message' && read.success ? read.data : null;
}
