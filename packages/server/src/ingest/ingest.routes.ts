// The Segment-compatible HTTP API: /v1/identify, track, page, screen, group, alias and batch.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Result } from 'neverthrow';
import { hasBasicAuth, sourceFromRequest } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import type { AppError } from '../core/errors.ts';
import type { SourceKey } from '../workspaces/auth.service.ts';
import type { HubEvent } from './normalize-event.ts';
import { parseIngestBody } from './parse-ingest-body.ts';
import { eventsOfBody } from './read-segment-body.ts';
import { EVENT_TYPES, IngestReply, type EventType } from './segment.schema.ts';

const ENDPOINTS = [...EVENT_TYPES, 'batch'] as const;

export const ingestRoutes: FastifyPluginAsync<{ hub: Hub }> = async (app, { hub }) => {
  // Bodies are read raw so that size limits, gzip and JSON errors are ours to report.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
    done(null, body),
  );

  for (const endpoint of ENDPOINTS) {
    app.post(`/v1/${endpoint}`, {
      schema: {
        tags: ['ingest'],
        summary: `Segment ${endpoint} call (write key as HTTP basic auth user name)`,
        description:
          endpoint === 'batch'
            ? 'All-or-nothing: an invalid event rejects the batch with every fault listed; nothing is stored.'
            : undefined,
        response: { 200: IngestReply },
      },
      handler: async (request, reply) => {
        const read = await readEvents(hub, request, endpoint);
        if (read.isErr()) return sendError(reply, read.error);
        const { source, events } = read.value;
        const outcome = await hub.ingest.ingest({ workspaceId: source.workspaceId, events });
        return { success: true as const, accepted: outcome.accepted, duplicates: outcome.duplicates };
      },
    });
  }
};

/**
 * The request's source and events. SDKs send the write key as basic auth: the source is then known
 * before the body is read, and the body may go to a parsing thread. Browser libraries send it in
 * the body, which is then read here. An unknown write key is refused before a bad body is reported.
 */
async function readEvents(
  hub: Hub,
  request: FastifyRequest,
  endpoint: EventType | 'batch',
): Promise<Result<{ source: SourceKey; events: HubEvent[] }, AppError>> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const gzip = request.headers['content-encoding'] === 'gzip';
  if (hasBasicAuth(request)) {
    const source = await sourceFromRequest(hub.auth, request, undefined);
    const read = await hub.bodies.read({ raw, gzip, endpoint, receivedAt: Date.now(), source });
    return read.map((events) => ({ source, events }));
  }
  const parsed = parseIngestBody({ raw, gzip, endpoint });
  const source = await sourceFromRequest(
    hub.auth,
    request,
    parsed.isOk() ? parsed.value.writeKey : undefined,
  );
  return parsed.map((body) => ({ source, events: eventsOfBody(body, new Date(), source) }));
}
