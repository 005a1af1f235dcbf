// Inboxes: one per channel account (a WhatsApp number, a support mailbox, a Telegram bot…),
// holding what the adapter needs and the secret the provider shares with us.
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';
import type { ChannelKind } from '../channels/channel-adapter.ts';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7, UUID_PATTERN } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import type { AdapterRegistry } from './channel-registry.ts';

export type Inbox = {
  id: string;
  workspaceId: string;
  channel: ChannelKind;
  name: string;
  config: Record<string, unknown>;
  webhookSecret: string;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: Date;
};

type InboxRow = {
  id: string;
  workspace_id: string;
  channel: ChannelKind;
  name: string;
  config: Record<string, unknown>;
  webhook_secret: string;
  status: Inbox['status'];
  disabled_reason: string | null;
  created_at: Date;
};

const COLUMNS =
  'id, workspace_id, channel, name, config, webhook_secret, status, disabled_reason, created_at';

const toInbox = (r: InboxRow): Inbox => ({
  id: r.id,
  workspaceId: r.workspace_id,
  channel: r.channel,
  name: r.name,
  config: r.config,
  webhookSecret: r.webhook_secret,
  status: r.status,
  disabledReason: r.disabled_reason,
  createdAt: new Date(r.created_at),
});

/** Keys whose values are credentials: never sent back once stored. */
const SECRET_KEY = /pass|secret|token|key|auth/i;

export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value && typeof value === 'object' && !Array.isArray(value))
      out[key] = redactConfig(value as Record<string, unknown>);
    else out[key] = SECRET_KEY.test(key) && value ? '***' : value;
  }
  return out;
}

export async function createInbox(
  db: Database,
  adapters: AdapterRegistry,
  input: { workspaceId: string; channel: ChannelKind; name: string; config: Record<string, unknown> },
): Promise<Result<Inbox, AppError>> {
  const adapter = adapters.get(input.channel);
  if (!adapter)
    return err(
      appError('PSK_CHANNEL_NOT_AVAILABLE', {
        field: 'channel',
        message: `channel: this hub has no ${input.channel} adapter yet (field: channel)`,
      }),
    );
  // The hub's own secret is offered to the adapter as `webhookSecret` unless the provider set one.
  const webhookSecret =
    typeof input.config.webhookSecret === 'string' && input.config.webhookSecret
      ? input.config.webhookSecret
      : randomBytes(24).toString('base64url');
  const candidate = { ...input.config, webhookSecret };
  const invalid = configProblem(adapter, candidate);
  if (invalid) return err(invalid);
  // Keep what the user sent (the adapter re-parses it on every use); the schema may strip keys.
  const id = uuidv7();
  const [row] = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<InboxRow>(
      `INSERT INTO inboxes (workspace_id, id, channel, name, config, webhook_secret) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [input.workspaceId, id, input.channel, input.name, JSON.stringify(candidate), webhookSecret],
    ),
  );
  return ok(toInbox(row!));
}

function configProblem(
  adapter: NonNullable<ReturnType<AdapterRegistry['get']>>,
  config: Record<string, unknown>,
): AppError | null {
  const parsed = adapter.config.safeParse(config);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const field = ['config', ...(issue?.path ?? []).map(String)].join('.');
  return appError('PSK_INBOX_CONFIG_INVALID', { field, message: `${field}: ${issue?.message ?? 'invalid'}` });
}

/**
 * Changes given keys of a stored config. Objects merge key by key, and a masked value (`***`, as
 * GET answers credentials) keeps the stored one: a settings form sends back what it showed
 * without erasing passwords.
 */
function mergeConfig(
  stored: Record<string, unknown>,
  change: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...stored };
  for (const [key, value] of Object.entries(change)) {
    const before = stored[key];
    if (value === MASK) continue;
    out[key] = isRecord(value) && isRecord(before) ? mergeConfig(before, value) : value;
  }
  return out;
}

const MASK = '***';
const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Renames an inbox, changes its settings, or turns it off and on again — after the credentials
 * that made a channel disable it were fixed, say.
 */
export async function updateInbox(
  db: Database,
  adapters: AdapterRegistry,
  input: {
    workspaceId: string;
    inboxId: string;
    name?: string;
    config?: Record<string, unknown>;
    status?: Inbox['status'];
  },
): Promise<Result<Inbox, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const [row] = await tx.query<InboxRow>(
      `SELECT ${COLUMNS} FROM inboxes WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [input.workspaceId, input.inboxId],
    );
    if (!row) return err(appError('PSK_INBOX_NOT_FOUND', { field: 'id' }));
    const inbox = toInbox(row);
    const config = input.config ? mergeConfig(inbox.config, input.config) : inbox.config;
    const adapter = adapters.get(inbox.channel);
    if (input.config && adapter) {
      const invalid = configProblem(adapter, config);
      if (invalid) return err(invalid);
    }
    const status = input.status ?? inbox.status;
    const [updated] = await tx.query<InboxRow>(
      `UPDATE inboxes SET name = $3, config = $4, status = $5,
         disabled_reason = CASE WHEN $5 = 'active' THEN NULL ELSE disabled_reason END
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [input.workspaceId, input.inboxId, input.name ?? inbox.name, JSON.stringify(config), status],
    );
    return ok(toInbox(updated!));
  });
}

export async function listInboxes(db: Database, input: { workspaceId: string }): Promise<Inbox[]> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<InboxRow>(`SELECT ${COLUMNS} FROM inboxes WHERE workspace_id = $1 ORDER BY created_at`, [
      input.workspaceId,
    ]),
  );
  return rows.map(toInbox);
}

export async function readInbox(
  tx: Tx,
  input: { workspaceId: string; inboxId: string },
): Promise<Inbox | null> {
  const [row] = await tx.query<InboxRow>(
    `SELECT ${COLUMNS} FROM inboxes WHERE workspace_id = $1 AND id = $2`,
    [input.workspaceId, input.inboxId],
  );
  return row ? toInbox(row) : null;
}

/** A provider request names only the inbox: the one cross-workspace look-up, by its unique id. */
export async function findInboxForWebhook(db: Database, inboxId: string): Promise<Inbox | null> {
  if (!UUID_PATTERN.test(inboxId)) return null;
  const [row] = await db.asSystem((tx) =>
    tx.query<InboxRow>(`SELECT ${COLUMNS} FROM inboxes WHERE id = $1`, [inboxId]),
  );
  return row ? toInbox(row) : null;
}

export async function setInboxStatus(
  tx: Tx,
  input: { workspaceId: string; inboxId: string; status: Inbox['status']; reason: string | null },
): Promise<void> {
  await tx.query(`UPDATE inboxes SET status = $3, disabled_reason = $4 WHERE workspace_id = $1 AND id = $2`, [
    input.workspaceId,
    input.inboxId,
    input.status,
    input.reason,
  ]);
}

/** What the channel needs to be wired: where the provider posts, the shared secret, our address. */
export function wiringOf(inbox: Inbox, baseUrl: string) {
  const address = typeof inbox.config.address === 'string' ? inbox.config.address : null;
  return {
    id: inbox.id,
    channel: inbox.channel,
    name: inbox.name,
    status: inbox.status,
    disabledReason: inbox.disabledReason,
    config: redactConfig(inbox.config),
    webhookUrl: `${baseUrl}/api/webhooks/${inbox.id}`,
    webhookSecret: inbox.webhookSecret,
    receivingAddress: address,
    widgetScript:
      inbox.channel === 'webchat'
        ? `<script src="${baseUrl}/webchat/widget.js" data-inbox="${inbox.id}" async></script>`
        : null,
    createdAt: inbox.createdAt,
  };
}
