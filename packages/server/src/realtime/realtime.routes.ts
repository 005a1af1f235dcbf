// The agents' live socket: GET /api/realtime (WebSocket) with the user's token (`?token=` —
// browsers cannot set headers on a WebSocket — or the Authorization header) and, on reconnect,
// `?since=<id of the last item seen>`. The socket listens before it replays, so nothing
// published during the replay is lost; ids already sent are not sent twice.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../api/hub.ts';
import type { ServiceDesk } from '../inbox/service-desk.ts';
import { readFeedSince, type FeedItem, type Signal } from './feed.ts';
import { readSocketFrame } from './socket-frame.ts';

const Query = z.object({
  token: z.string().max(400).optional(),
  since: z.string().uuid().optional(),
});

const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('typing'), conversationId: z.string().uuid(), on: z.boolean().default(true) }),
  z.object({ type: z.literal('ping') }),
]);

/** The socket close code for a refused token (4000–4999 are the application's). */
export const CLOSE_UNAUTHORIZED = 4401;

export const realtimeRoutes: FastifyPluginAsyncZod<{ hub: Hub; desk: ServiceDesk }> = async (
  app,
  { hub, desk },
) => {
  app.get(
    '/api/realtime',
    {
      websocket: true,
      schema: {
        tags: ['service desk'],
        summary:
          'WebSocket: new messages, assignments, notifications, SLA warnings, typing; reconnect with ?since=<last id> to receive what was missed',
        querystring: Query,
      },
    },
    async (socket, request) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const token = request.query.token ?? bearer;
      const checked = token ? hub.auth.userFromToken(token) : Promise.resolve(null);
      const answerFrame = (
        { workspaceId, userId }: { workspaceId: string; userId: string },
        data: unknown,
      ) => {
        const read = readSocketFrame(ClientMessage, data);
        if (!read.ok) return;
        const message = read.frame;
        if (message.type === 'ping') {
          socket.send(JSON.stringify({ type: 'pong' }));
          return;
        }
        const payload = { conversationId: message.conversationId, userId, on: message.on };
        // Other agents see it; so does the customer's web chat (visitors listen apart, per conversation).
        desk.bus.publish([
          { workspaceId, userId: null, type: 'typing', payload },
          { workspaceId: `webchat:${workspaceId}`, userId: message.conversationId, type: 'typing', payload },
        ]);
      };
      // Frames that arrive while the token is checked wait for the check: @fastify/websocket
      // drops frames that come before a listener exists.
      socket.on('message', (data) => {
        checked
          .then((principal) => principal && answerFrame(principal, data))
          .catch((error: unknown) => hub.logger.error({ err: error }, 'realtime frame failed'));
      });
      let unsubscribe = () => {};
      socket.on('close', () => unsubscribe());
      const principal = await checked;
      if (!principal) {
        socket.close(CLOSE_UNAUTHORIZED, 'invalid or missing token');
        return;
      }
      if (socket.readyState !== socket.OPEN) return;
      const { workspaceId, userId } = principal;
      const sent = new Set<string>();
      const remember = (id: string) => {
        sent.add(id);
        if (sent.size > 5_000) sent.delete(sent.values().next().value!);
      };
      const send = (item: FeedItem | Signal) => {
        if (socket.readyState !== socket.OPEN) return;
        if ('id' in item) {
          if (sent.has(item.id)) return;
          remember(item.id);
          socket.send(JSON.stringify({ id: item.id, type: item.type, payload: item.payload, at: item.at }));
        } else if (item.payload.userId !== userId) {
          socket.send(JSON.stringify({ type: item.type, payload: item.payload }));
        }
      };
      let pending: (FeedItem | Signal)[] | null = [];
      unsubscribe = desk.bus.subscribe(workspaceId, userId, (item) =>
        pending ? pending.push(item) : send(item),
      );
      try {
        if (request.query.since) {
          for (const item of await readFeedSince(hub.db, { workspaceId, userId, since: request.query.since }))
            send(item);
        }
      } catch (error) {
        hub.logger.error({ err: error }, 'realtime replay failed');
      }
      const buffered = pending;
      pending = null;
      for (const item of buffered) send(item);
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'ready' }));
    },
  );
};
