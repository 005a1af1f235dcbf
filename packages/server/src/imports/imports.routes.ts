// POST /api/imports/customers and /api/imports/events take a CSV body. Row errors answer 400 with
// every faulty row; a valid file streams progress as NDJSON lines and ends with the totals.
import type { FastifyPluginAsync } from 'fastify';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import { checkImport, runImport } from './imports.service.ts';

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

export const importRoutes: FastifyPluginAsync<{ hub: Hub }> = async (app, { hub }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  for (const kind of ['customers', 'events'] as const) {
    app.post(`/api/imports/${kind}`, {
      schema: {
        tags: ['imports'],
        summary: `Import ${kind} from CSV (all rows or none)`,
        description:
          kind === 'customers'
            ? 'Columns: userId, anonymousId, email, phone, and any trait. Answers NDJSON progress lines, then {"done":true,"imported":n}.'
            : 'Columns: userId|anonymousId|email|phone, event, type (default track), timestamp, channel, properties (JSON) or properties.<name>. Answers NDJSON progress lines.',
      },
      preHandler: requireUser(hub.auth, ROLES.manageWorkspace),
      handler: async (request, reply) => {
        const checked = checkImport({ kind, csv: typeof request.body === 'string' ? request.body : '' });
        if (checked.isErr()) return sendError(reply, checked.error);
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const write = (line: object) => reply.raw.write(`${JSON.stringify(line)}\n`);
        try {
          const totals = await runImport(hub.db, {
            workspaceId: principalOf(request).workspaceId,
            calls: checked.value,
            onProgress: (done, total) => write({ done: false, processed: done, total }),
          });
          write({ done: true, ...totals });
        } catch (error) {
          request.log.error({ err: error }, 'import failed');
          write({
            done: true,
            error: {
              code: 'PSK_INTERNAL',
              message: 'The import failed and was rolled back; nothing was imported',
            },
          });
        }
        reply.raw.end();
      },
    });
  }
};
