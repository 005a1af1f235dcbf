// The customer timeline: every event from every channel, newest first, by cursor.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import type { Database } from '../db/database.ts';

export type TimelineEvent = {
  id: string;
  messageId: string;
  type: string;
  event: string | null;
  channel: string;
  timestamp: Date;
  receivedAt: Date;
  sourceId: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
};

export type TimelinePage = { events: TimelineEvent[]; nextCursor: string | null };

export type TimelineQuery = {
  workspaceId: string;
  customerId: string;
  cursor?: string;
  channel?: string;
  type?: string;
  event?: string;
  limit: number;
};

export async function readTimeline(
  db: Database,
  q: TimelineQuery,
): Promise<Result<TimelinePage | { mergedInto: string }, AppError>> {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !after) return err(appError('PSK_CURSOR_INVALID', { field: 'cursor' }));
  return db.inWorkspace(q.workspaceId, async (tx) => {
    const params: unknown[] = [q.workspaceId, q.customerId];
    const where: string[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (q.channel) add((p) => `channel = ${p}`, q.channel.toLowerCase());
    if (q.type) add((p) => `type = ${p}`, q.type);
    if (q.event) add((p) => `event = ${p}`, q.event);
    if (after) {
      params.push(after.ts, after.id);
      where.push(`(ts, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(q.limit + 1);
    const rows = await tx.query<{
      id: string;
      message_id: string;
      type: string;
      event: string | null;
      channel: string;
      ts: Date;
      received_at: Date;
      source_id: string | null;
      properties: Record<string, unknown>;
      context: Record<string, unknown>;
    }>(
      `SELECT id, message_id, type, event, channel, ts, received_at, source_id, properties, context FROM events
       WHERE workspace_id = $1 AND customer_id = $2 ${where.map((w) => `AND ${w}`).join(' ')}
       ORDER BY ts DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    // A merged profile has no events left (they moved to the survivor), so the profile itself is
    // only read when the page is empty: the common read is one query.
    if (rows.length === 0) {
      const [customer] = await tx.query<{ merged_into: string | null }>(
        'SELECT merged_into FROM customers WHERE workspace_id = $1 AND id = $2',
        [q.workspaceId, q.customerId],
      );
      if (!customer) return err(appError('PSK_CUSTOMER_NOT_FOUND', { field: 'id' }));
      if (customer.merged_into) return ok({ mergedInto: customer.merged_into });
    }
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return ok({
      events: page.map((r) => ({
        id: r.id,
        messageId: r.message_id,
        type: r.type,
        event: r.event,
        channel: r.channel,
        timestamp: r.ts,
        receivedAt: r.received_at,
        sourceId: r.source_id,
        properties: r.properties,
        context: r.context,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.ts, last.id) : null,
    });
  });
}

function encodeCursor(ts: Date, id: string): string {
  return Buffer.from(`${ts.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { ts: Date; id: string } | null {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const ts = new Date(iso ?? '');
  if (Number.isNaN(ts.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { ts, id };
}
