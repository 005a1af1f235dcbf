// The web chat channel, server side. A visitor opens a session (pre-chat name/e-mail), gets a
// signed session token, and talks over a WebSocket; their messages enter through the one
// receive path like any channel's. Replies go to the visitor's open sockets, or — when they are
// gone and left an e-mail — by e-mail through the inbox named as the fallback.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { err, ok } from 'neverthrow';
import { z } from 'zod';
import type { ChannelAdapter } from '../channels/channel-adapter.ts';
import type { Identifier } from '../core/identifiers.ts';
import { normalizeEmail, normalizePhone } from '../core/identifiers.ts';
import { isOpenAt } from '../inbox/business-hours.ts';
import type { DeskContext } from '../inbox/desk-context.ts';
import { readDeskSettings } from '../inbox/desk-settings.ts';
import { findInboxForWebhook, readInbox, type Inbox } from '../inbox/inboxes.service.ts';

export const WebchatConfig = z.object({
  webhookSecret: z.string().min(16),
  title: z.string().max(80).default('پشتیبانی'),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .default('#0b7285'),
  /** fa: right-to-left Persian texts; en: left-to-right English. */
  lang: z.enum(['fa', 'en']).default('fa'),
  /** Pages allowed to open the chat (origins); empty: any page. */
  allowedOrigins: z.array(z.string().url()).max(50).default([]),
  /** An e-mail inbox that carries replies to visitors who left (and gave their e-mail). */
  fallbackEmailInboxId: z.string().uuid().optional(),
});
export type WebchatConfig = z.infer<typeof WebchatConfig>;

export type VisitorSession = {
  inboxId: string;
  visitorId: string;
  name?: string;
  email?: string;
  phone?: string;
};

export function signSession(session: VisitorSession, secret: string): string {
  const body = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function readSession(token: string, secret: string): VisitorSession | null {
  const [body, mac] = token.split('.');
  if (!body || !mac) return null;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as VisitorSession;
  } catch {
    return null;
  }
}

export function identifiersOf(session: VisitorSession): Identifier[] {
  const ids: Identifier[] = [{ type: 'webchat', value: session.visitorId }];
  if (session.email) ids.push({ type: 'email', value: session.email });
  if (session.phone) ids.push({ type: 'phone', value: session.phone });
  return ids;
}

type VisitorSocket = { send(data: string): void };

/** Open visitor sockets by inbox and visitor (one process; see docs/service-desk.md). */
export type VisitorSockets = {
  add(inboxId: string, visitorId: string, socket: VisitorSocket): () => void;
  sendTo(inboxId: string, visitorId: string, frame: unknown): number;
};

export function createVisitorSockets(): VisitorSockets {
  const sockets = new Map<string, Set<VisitorSocket>>();
  return {
    add(inboxId, visitorId, socket) {
      const key = `${inboxId}:${visitorId}`;
      let set = sockets.get(key);
      if (!set) sockets.set(key, (set = new Set()));
      set.add(socket);
      return () => {
        set.delete(socket);
        if (set.size === 0) sockets.delete(key);
      };
    },
    sendTo(inboxId, visitorId, frame) {
      const set = sockets.get(`${inboxId}:${visitorId}`);
      const data = JSON.stringify(frame);
      set?.forEach((s) => s.send(data));
      return set?.size ?? 0;
    },
  };
}

export async function openSession(
  desk: DeskContext,
  input: { inboxId: string; name?: string; email?: string; phone?: string; origin?: string },
): Promise<
  | {
      type: 'ok';
      session: string;
      visitorId: string;
      online: boolean;
      config: Pick<WebchatConfig, 'title' | 'color' | 'lang'>;
    }
  | { type: 'not_found' }
  | { type: 'invalid'; field: string; message: string }
> {
  const inbox = await findInboxForWebhook(desk.db, input.inboxId);
  if (!inbox || inbox.channel !== 'webchat') return { type: 'not_found' };
  const config = WebchatConfig.parse(inbox.config);
  if (config.allowedOrigins.length > 0 && (!input.origin || !config.allowedOrigins.includes(input.origin)))
    return {
      type: 'invalid',
      field: 'origin',
      message: 'origin: this page may not open the chat (field: origin)',
    };
  const email = input.email ? normalizeEmail(input.email) : null;
  if (input.email && !email)
    return { type: 'invalid', field: 'email', message: 'email: not a valid e-mail address (field: email)' };
  const phone = input.phone ? normalizePhone(input.phone) : null;
  if (input.phone && !phone)
    return { type: 'invalid', field: 'phone', message: 'phone: not a valid phone number (field: phone)' };
  const session: VisitorSession = {
    inboxId: inbox.id,
    visitorId: randomUUID(),
    ...(input.name ? { name: input.name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
  };
  return {
    type: 'ok',
    session: signSession(session, inbox.webhookSecret),
    visitorId: session.visitorId,
    online: await agentsOnline(desk, inbox),
    config: { title: config.title, color: config.color, lang: config.lang },
  };
}

/** Open hours and at least one available agent with room: otherwise the widget offers e-mail. */
export async function agentsOnline(desk: DeskContext, inbox: Inbox): Promise<boolean> {
  return desk.db.inWorkspace(inbox.workspaceId, async (tx) => {
    const settings = await readDeskSettings(tx, { workspaceId: inbox.workspaceId });
    if (!isOpenAt(settings, desk.now())) return false;
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u LEFT JOIN agent_settings s ON s.workspace_id = u.workspace_id AND s.user_id = u.id
       WHERE u.workspace_id = $1 AND u.role IN ('agent', 'supervisor', 'admin', 'owner') AND coalesce(s.available, true)`,
      [inbox.workspaceId],
    );
    return (row?.n ?? 0) > 0;
  });
}

/**
 * The provider id a message the widget sent is stored under: its visitor and the widget's own id
 * for it (clientId), so a message sent again is stored once and the history can name it.
 */
export const visitorMessageId = (visitorId: string, clientId: string) => `${visitorId}:${clientId}`;

/** What the visitor sees again when they come back: their latest conversation, notes left out. */
export async function visitorHistory(
  desk: DeskContext,
  input: { inbox: Inbox; visitorId: string },
): Promise<{
  conversationId: string | null;
  messages: { id: string; body: string; from: 'visitor' | 'agent'; at: Date; clientId: string | null }[];
}> {
  return desk.db.inWorkspace(input.inbox.workspaceId, async (tx) => {
    const [conversation] = await tx.query<{ id: string }>(
      `SELECT c.id FROM identities i JOIN conversations c ON c.workspace_id = i.workspace_id AND c.customer_id = i.customer_id
       WHERE i.workspace_id = $1 AND i.type = 'webchat' AND i.value = $2 AND c.merged_into IS NULL
       ORDER BY c.updated_at DESC LIMIT 1`,
      [input.inbox.workspaceId, input.visitorId],
    );
    if (!conversation) return { conversationId: null, messages: [] };
    const rows = await tx.query<{
      id: string;
      body: string;
      direction: string;
      created_at: Date;
      provider_message_id: string | null;
    }>(
      `SELECT id, body, direction, created_at, provider_message_id FROM messages WHERE workspace_id = $1 AND conversation_id = $2 AND NOT private
         AND status <> 'scheduled' ORDER BY created_at, id LIMIT 500`,
      [input.inbox.workspaceId, conversation.id],
    );
    const ownPrefix = visitorMessageId(input.visitorId, '');
    return {
      conversationId: conversation.id,
      messages: rows.map((r) => ({
        id: r.id,
        body: r.body,
        from: r.direction === 'inbound' ? 'visitor' : 'agent',
        at: r.created_at,
        // The widget's own id of a message it sent: one it shows already, acknowledged or not, is
        // not shown twice.
        clientId: r.provider_message_id?.startsWith(ownPrefix)
          ? r.provider_message_id.slice(ownPrefix.length)
          : null,
      })),
    };
  });
}

/**
 * The web chat adapter: there is no provider webhook (visitors talk over the socket), so verify
 * refuses every webhook; send pushes to the visitor's sockets or falls back to e-mail.
 */
export function webchatAdapter(desk: DeskContext, sockets: VisitorSockets): ChannelAdapter<WebchatConfig> {
  return {
    kind: 'webchat',
    config: WebchatConfig,
    verify: () => false,
    parse: () => err({ type: 'unparseable', reason: 'web chat messages arrive over the socket' }),
    async send(message, config) {
      const [where] = await desk.db.asSystem((tx) =>
        tx.query<{ workspace_id: string; inbox_id: string }>(
          `SELECT workspace_id, inbox_id FROM messages WHERE id = $1`,
          [message.messageId],
        ),
      );
      if (!where) return err({ type: 'permanent', reason: 'message not found' });
      const frame = {
        type: 'message',
        id: message.messageId,
        body: message.text,
        from: 'agent',
        at: new Date().toISOString(),
      };
      if (sockets.sendTo(where.inbox_id, message.to.value, frame) > 0)
        return ok({ providerMessageId: message.messageId });
      // The visitor left: their e-mail, if they gave one, through the fallback e-mail inbox.
      if (!config.fallbackEmailInboxId) return ok({ providerMessageId: message.messageId });
      const fallback = await desk.db.inWorkspace(where.workspace_id, async (tx) => {
        const inbox = await readInbox(tx, {
          workspaceId: where.workspace_id,
          inboxId: config.fallbackEmailInboxId!,
        });
        const [email] = await tx.query<{ value: string }>(
          `SELECT e.value FROM identities w JOIN identities e ON e.workspace_id = w.workspace_id AND e.customer_id = w.customer_id AND e.type = 'email'
           WHERE w.workspace_id = $1 AND w.type = 'webchat' AND w.value = $2 LIMIT 1`,
          [where.workspace_id, message.to.value],
        );
        return { inbox, email: email?.value ?? null };
      });
      const emailAdapter = desk.adapters.get('email');
      if (!fallback.inbox || !fallback.email || !emailAdapter)
        return ok({ providerMessageId: message.messageId });
      const emailConfig = emailAdapter.config.safeParse(fallback.inbox.config);
      if (!emailConfig.success)
        return err({ type: 'permanent', reason: 'the fallback e-mail inbox is not configured' });
      return emailAdapter.send(
        {
          ...message,
          to: { type: 'email', value: fallback.email },
          subject: message.subject ?? config.title,
        },
        emailConfig.data,
      );
    },
  };
}
