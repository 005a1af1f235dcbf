// Reading and changing where the answer bot answers, with every inbox of the workspace listed
// as it stands (its own setting or its channel's default).
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import type { Database } from '../db/database.ts';
import { listInboxes } from '../inbox/inboxes.service.ts';
import {
  BOT_CHANNEL_DEFAULTS,
  BotSettings,
  botEnabledFor,
  forgetBotSettings,
  hasPublishedArticles,
  readBotSettings,
  writeBotSettings,
} from './bot-settings.ts';

export type BotSettingsView = {
  articleUrl: string | null;
  /** False until the workspace publishes an article: the bot stays out of the desk until then. */
  knowledgeBaseReady: boolean;
  channelDefaults: Record<string, boolean>;
  inboxes: {
    inboxId: string;
    name: string;
    channel: string;
    enabled: boolean;
    setBy: 'inbox' | 'channel-default';
  }[];
};

export type BotSettingsPatch = {
  articleUrl?: string | null;
  /** true/false sets an inbox; null goes back to its channel's default. */
  inboxes?: Record<string, boolean | null>;
};

export async function describeBotSettings(
  db: Database,
  input: { workspaceId: string },
): Promise<BotSettingsView> {
  const { workspaceId } = input;
  const inboxes = await listInboxes(db, { workspaceId });
  const { settings, ready } = await db.inWorkspace(workspaceId, async (tx) => ({
    settings: await readBotSettings(tx, { workspaceId }),
    ready: await hasPublishedArticles(tx, { workspaceId }),
  }));
  return {
    articleUrl: settings.articleUrl,
    knowledgeBaseReady: ready,
    channelDefaults: { ...BOT_CHANNEL_DEFAULTS },
    inboxes: inboxes.map((inbox) => ({
      inboxId: inbox.id,
      name: inbox.name,
      channel: inbox.channel,
      enabled: botEnabledFor(settings, { inboxId: inbox.id, channel: inbox.channel }),
      setBy: inbox.id in settings.inboxes ? 'inbox' : 'channel-default',
    })),
  };
}

export async function changeBotSettings(
  db: Database,
  input: { workspaceId: string; patch: BotSettingsPatch },
): Promise<Result<BotSettingsView, AppError>> {
  const { workspaceId, patch } = input;
  const known = new Set((await listInboxes(db, { workspaceId })).map((inbox) => inbox.id));
  const unknown = Object.keys(patch.inboxes ?? {}).find((id) => !known.has(id));
  if (unknown)
    return err(
      appError('PSK_INBOX_NOT_FOUND', {
        field: `inboxes.${unknown}`,
        message: `No inbox ${unknown} in this workspace (field: inboxes.${unknown})`,
      }),
    );
  await db.inWorkspace(workspaceId, async (tx) => {
    const current = await readBotSettings(tx, { workspaceId });
    const inboxes = { ...current.inboxes };
    for (const [id, enabled] of Object.entries(patch.inboxes ?? {}))
      if (enabled === null) delete inboxes[id];
      else inboxes[id] = enabled;
    const settings = BotSettings.parse({
      inboxes,
      articleUrl: patch.articleUrl === undefined ? current.articleUrl : patch.articleUrl,
    });
    await writeBotSettings(tx, { workspaceId, settings });
  });
  forgetBotSettings(workspaceId);
  return ok(await describeBotSettings(db, { workspaceId }));
}
