// The one public webhook route for every channel: POST /api/webhooks/:inboxId. The adapter
// checks the signature on the raw bytes (401 and a log line when it is bad), the request and its
// processing job are stored in one transaction, and the provider gets its 200 at once; the
// request is processed right after (inbox/webhook-intake.ts). GET answers providers'
// subscription challenges (Meta hub.challenge, X CRC); any other GET is a webhook too
// (Kavenegar delivers inbound SMS by GET).
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import type { ServiceDesk } from '../inbox/service-desk.ts';
import { acceptWebhook, receiveWebhookGet } from '../inbox/webhook-intake.ts';
import type { RawWebhook } from './channel-adapter.ts';

const Params = z.object({ inboxId: z.string().min(1).max(64) });

export const webhookRoutes: FastifyPluginAsyncZod<{ hub: Hub; desk: ServiceDesk }> = async (
  app,
  { desk },
) => {
  // Signatures are computed over the exact bytes: keep every body raw in this plugin.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  const rawOf = (request: FastifyRequest): RawWebhook => ({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
    ),
    query: Object.fromEntries(
      Object.entries(request.query as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : undefined,
      ]),
    ),
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  });

  app.post('/api/webhooks/:inboxId', {
    schema: {
      tags: ['webhooks'],
      summary:
        "A provider's webhook for an inbox (signature checked on the raw body; answered before processing)",
      params: Params,
      response: { 200: z.object({ received: z.literal(true) }) },
    },
    handler: async (request, reply) => {
      const result = await acceptWebhook(desk, { inboxId: request.params.inboxId, raw: rawOf(request) });
      return result.isErr() ? sendError(reply, result.error) : { received: true as const };
    },
  });
  app.get('/api/webhooks/:inboxId', {
    schema: {
      tags: ['webhooks'],
      summary:
        "A provider's subscription check (Meta hub.challenge, X crc_token), or a webhook delivered by GET (Kavenegar)",
      params: Params,
      querystring: z.record(z.string(), z.string()),
    },
    handler: async (request, reply) => {
      const result = await receiveWebhookGet(desk, { inboxId: request.params.inboxId, raw: rawOf(request) });
      if (result.isErr()) return sendError(reply, result.error);
      if (result.value.type === 'accepted') return { received: true as const };
      const { status, contentType, body } = result.value.reply;
      return reply.code(status).type(contentType).send(body);
    },
  });
};
