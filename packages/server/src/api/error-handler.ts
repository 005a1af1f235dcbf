// Every error leaves as JSON from the one catalogue: {error: {code, message, field?}}. Stack
// traces and database messages never reach the client.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { appError, AppErrorException, type AppError } from '../core/errors.ts';

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  return reply.code(error.status).send({
    error: {
      code: error.type,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  });
}

/** `batch[3].traits.email` from a Zod issue path. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    prefix,
  );
}

export function validationError(
  issues: readonly z.core.$ZodIssue[],
  prefix = '',
  type: 'PSK_VALIDATION' | 'PSK_INGEST_INVALID_EVENT' = 'PSK_VALIDATION',
): AppError {
  const first = issues[0];
  const field = first ? fieldPath(first.path, prefix) || prefix || 'body' : prefix || 'body';
  return appError(type, {
    field,
    message: `${field}: ${first?.message ?? 'invalid'}`,
    details: issues.slice(0, 20).map((i) => ({ field: fieldPath(i.path, prefix), message: i.message })),
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      appError('PSK_ROUTE_NOT_FOUND', {
        message: `No endpoint ${request.method} ${request.url.split('?')[0]}`,
      }),
    ),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppErrorException) return sendError(reply, error.error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const where = error.validationContext ?? 'body';
      const field = first
        ? `${where === 'querystring' ? 'query' : where}${first.instancePath.replace(/\//g, '.')}`
        : where;
      return sendError(
        reply,
        appError('PSK_VALIDATION', {
          field,
          message: `${field}: ${first?.message ?? 'invalid'}`,
          details: error.validation
            .slice(0, 20)
            .map((v) => ({ field: `${where}${v.instancePath.replace(/\//g, '.')}`, message: v.message })),
        }),
      );
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, appError('PSK_BODY_TOO_LARGE'));
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)
      return sendError(reply, appError('PSK_BODY_NOT_JSON'));
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return sendError(
        reply,
        appError('PSK_BODY_NOT_JSON', { message: 'The request body is empty; send a JSON object' }),
      );
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendError(
        reply,
        appError('PSK_VALIDATION', {
          field: 'content-type',
          message: 'Send the body as application/json (field: content-type)',
        }),
      );
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, appError('PSK_VALIDATION', { message: error.message }));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, appError('PSK_INTERNAL'));
  });
}
