// Where the answer bot answers: per inbox, as Chatwoot connects a bot to an inbox, with a default
// by channel — on for chat and messenger channels (customers there expect an instant answer),
// off for e-mail, SMS and calls (slow or paid channels where a wrong automatic answer costs more),
// off for X and the API channel (public-first network; integrations decide for themselves).
import { z } from 'zod';
import type { ChannelKind } from '../channels/channel-adapter.ts';
import { keptBriefly } from '../core/kept-briefly.ts';
import type { Tx } from '../db/database.ts';

export const BOT_CHANNEL_DEFAULTS = {
  webchat: true,
  whatsapp: true,
  telegram: true,
  bale: true,
  messenger: true,
  instagram: true,
  email: false,
  sms_twilio: false,
  sms_kavenegar: false,
  voice: false,
  x: false,
  api: false,
} as const satisfies Record<ChannelKind, boolean>;

/**
 * Where customers read an article: `{id}`, `{slug}` and `{language}` are filled in, e.g.
 * `https://help.example.ir/{language}/articles/{id}-{slug}`. Without it the bot cites the title only.
 */
export const ArticleUrlTemplate = z
  .string()
  .url()
  .max(500)
  .refine((url) => url.includes('{id}') || url.includes('{slug}'), 'must contain {id} or {slug}');

export const BotSettings = z.object({
  /** Inbox id → on/off; an inbox not listed follows its channel's default. */
  inboxes: z.record(z.string().uuid(), z.boolean()).default({}),
  articleUrl: ArticleUrlTemplate.nullable().default(null),
});
export type BotSettings = z.infer<typeof BotSettings>;

export async function readBotSettings(tx: Tx, input: { workspaceId: string }): Promise<BotSettings> {
  const [row] = await tx.query<{ settings: unknown }>(
    'SELECT settings FROM bot_settings WHERE workspace_id = $1',
    [input.workspaceId],
  );
  const parsed = BotSettings.safeParse(row?.settings ?? {});
  const settings = parsed.success ? parsed.data : BotSettings.parse({});
  recentSettings.set(input.workspaceId, settings);
  return settings;
}

// The desk asks the bot about every inbound message and every new conversation, and most
// inboxes have no bot (core/kept-briefly.ts).
const recentSettings = keptBriefly<BotSettings>(5_000);

/** The settings read within the last few seconds, if any. */
export function recentBotSettings(workspaceId: string): BotSettings | null {
  return recentSettings.get(workspaceId);
}

/** The settings for deciding whether the bot acts: recently read, else read now. */
export async function currentBotSettings(tx: Tx, input: { workspaceId: string }): Promise<BotSettings> {
  return recentBotSettings(input.workspaceId) ?? readBotSettings(tx, input);
}

/** Called once a change of the settings has committed. */
export function forgetBotSettings(workspaceId: string): void {
  recentSettings.forget(workspaceId);
}

export async function writeBotSettings(
  tx: Tx,
  input: { workspaceId: string; settings: BotSettings },
): Promise<void> {
  await tx.query(
    `INSERT INTO bot_settings (workspace_id, settings) VALUES ($1, $2)
     ON CONFLICT (workspace_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [input.workspaceId, JSON.stringify(input.settings)],
  );
}

export function channelDefault(channel: string): boolean {
  return Object.hasOwn(BOT_CHANNEL_DEFAULTS, channel) ? BOT_CHANNEL_DEFAULTS[channel as ChannelKind] : false;
}

/** Whether the bot answers messages arriving in this inbox (before the knowledge base is checked). */
export function botEnabledFor(settings: BotSettings, inbox: { inboxId: string; channel: string }): boolean {
  return settings.inboxes[inbox.inboxId] ?? channelDefault(inbox.channel);
}

/**
 * The bot only acts with something to answer from: a workspace without published articles
 * keeps its desk exactly as before (no held conversations, no hand-over notes).
 */
export async function hasPublishedArticles(tx: Tx, input: { workspaceId: string }): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM knowledge_articles WHERE workspace_id = $1 AND status = 'published' LIMIT 1`,
    [input.workspaceId],
  );
  return rows.length > 0;
}
