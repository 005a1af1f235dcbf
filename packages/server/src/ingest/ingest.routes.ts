// The Segment-compatible HTTP API: /v1/identify, track, page, screen, group, alias and batch.
import type { FastifyPluginAsync } from 'fastify';
import { sourceFromRequest } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import { normalizeEvent } from './normalize-event.ts';
import { parseIngestBody } from './parse-ingest-body.ts';
import { EVENT_TYPES, IngestReply } from './segment.schema.ts';

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
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const parsed = parseIngestBody({
          raw,
          gzip: request.headers['content-encoding'] === 'gzip',
          endpoint,
        });
        const writeKey = parsed.isOk() ? parsed.value.writeKey : undefined;
        const source = await sourceFromRequest(hub.auth, request, writeKey);
        if (parsed.isErr()) return sendError(reply, parsed.error);
        const receivedAt = new Date();
        const { calls, texts } = parsed.value;
        const events = calls.map((call) => normalizeEvent(call, receivedAt, source, texts));
        const outcome = await hub.ingest.ingest({ workspaceId: source.workspaceId, events });
        return { success: true as const, accepted: outcome.accepted, duplicates: outcome.duplicates };
      },
    });
  }
};
