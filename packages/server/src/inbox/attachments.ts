// The files of messages: what a customer attached (kept from the inbound mail) and what an agent
// sends. The bytes live in message_attachments, by position; messages.attachments keeps the
// metadata so listing a conversation never loads a file.
import { err, ok, type Result } from 'neverthrow';
import type { Attachment, ChannelKind } from '../channels/channel-adapter.ts';
import { appError, type AppError } from '../core/errors.ts';
import type { Database, Tx } from '../db/database.ts';

/** One file, 10 MB at most; one message, 10 files and 15 MB (what most mail servers accept after base64). */
export const ATTACHMENT_LIMITS = { fileBytes: 10 * 1024 * 1024, messageBytes: 15 * 1024 * 1024, files: 10 };

/**
 * The channels whose adapters send a file we hold (not only a link to one): e-mail as MIME parts,
 * the API channel as base64 in its signed JSON. SMS, Telegram, Bale, X and WhatsApp send
 * attachments as public URLs, which the hub does not serve, and web chat, Messenger, Instagram and
 * voice send text only, so a reply with files on them is refused when posted rather than failing
 * in the delivery job (or going out without its files).
 */
const CHANNELS_SENDING_FILES: ReadonlySet<ChannelKind> = new Set<ChannelKind>(['email', 'api']);

export type PostedAttachment = { filename: string; contentType: string; contentBase64: string };
export type HeldFile = { filename: string; contentType: string; content: Buffer };

/** Decodes posted files and checks the limits; errors name the field (`attachments[1].contentBase64`). */
export function decodeAttachments(posted: PostedAttachment[]): Result<HeldFile[], AppError> {
  const files: HeldFile[] = [];
  let total = 0;
  for (const [i, file] of posted.entries()) {
    const content = Buffer.from(file.contentBase64, 'base64');
    total += content.length;
    if (content.length > ATTACHMENT_LIMITS.fileBytes)
      return err(
        appError('PSK_ATTACHMENT_TOO_LARGE', {
          field: `attachments[${i}].contentBase64`,
          message: `"${file.filename}" is ${content.length} bytes; a file may have ${ATTACHMENT_LIMITS.fileBytes} (field: attachments[${i}].contentBase64)`,
        }),
      );
    if (total > ATTACHMENT_LIMITS.messageBytes)
      return err(
        appError('PSK_ATTACHMENT_TOO_LARGE', {
          field: 'attachments',
          message: `the files add up to more than ${ATTACHMENT_LIMITS.messageBytes} bytes (field: attachments)`,
        }),
      );
    files.push({ filename: file.filename, contentType: file.contentType, content });
  }
  return ok(files);
}

/** Whether the conversation's reply channel can carry held files (see CHANNELS_SENDING_FILES). */
export async function replyChannelSendsFiles(
  tx: Tx,
  input: { workspaceId: string; conversationId: string },
): Promise<{ channel: ChannelKind; sendsFiles: boolean } | null> {
  const [row] = await tx.query<{ channel: ChannelKind }>(
    `SELECT i.channel FROM conversations c JOIN inboxes i ON i.workspace_id = c.workspace_id AND i.id = c.reply_inbox_id
     WHERE c.workspace_id = $1 AND c.id = $2`,
    [input.workspaceId, input.conversationId],
  );
  return row ? { channel: row.channel, sendsFiles: CHANNELS_SENDING_FILES.has(row.channel) } : null;
}

/**
 * Keeps the bytes of a message's files (those it holds; links stay links), by their position in
 * the message's attachment list. Inbound messages call this with the list their row already has.
 */
export async function storeAttachmentFiles(
  tx: Tx,
  input: { workspaceId: string; messageId: string; attachments: Attachment[] },
): Promise<void> {
  const rows = input.attachments.flatMap((a, position) =>
    a.content === undefined
      ? []
      : [
          {
            position,
            filename: a.filename,
            content_type: a.contentType,
            size: a.content.length,
            content: a.content,
          },
        ],
  );
  for (const row of rows)
    await tx.query(
      `INSERT INTO message_attachments (workspace_id, message_id, position, filename, content_type, size, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (workspace_id, message_id, position) DO NOTHING`,
      [
        input.workspaceId,
        input.messageId,
        row.position,
        row.filename,
        row.content_type,
        row.size,
        row.content,
      ],
    );
}

/** Attaches files to a message just written (an agent's reply or note): bytes and metadata. */
export async function attachFiles(
  tx: Tx,
  input: { workspaceId: string; messageId: string; files: HeldFile[] },
): Promise<void> {
  if (input.files.length === 0) return;
  const attachments: Attachment[] = input.files.map((f) => ({ ...f, size: f.content.length }));
  await storeAttachmentFiles(tx, { workspaceId: input.workspaceId, messageId: input.messageId, attachments });
  await tx.query(`UPDATE messages SET attachments = $3 WHERE workspace_id = $1 AND id = $2`, [
    input.workspaceId,
    input.messageId,
    JSON.stringify(attachments.map(({ content: _content, ...meta }) => meta)),
  ]);
}

type FileRow = {
  position: number;
  filename: string;
  content_type: string;
  size: number;
  content: Uint8Array;
};

/** A message's held files with their bytes, in order (what the delivery job hands the adapter). */
export async function loadAttachmentFiles(
  tx: Tx,
  input: { workspaceId: string; messageId: string },
): Promise<Attachment[]> {
  const rows = await tx.query<FileRow>(
    `SELECT position, filename, content_type, size, content FROM message_attachments
     WHERE workspace_id = $1 AND message_id = $2 ORDER BY position`,
    [input.workspaceId, input.messageId],
  );
  return rows.map((r) => ({
    filename: r.filename,
    contentType: r.content_type,
    size: r.size,
    content: Buffer.from(r.content),
  }));
}

/** One file of a message of the conversation, for download. */
export async function readAttachment(
  db: Database,
  input: { workspaceId: string; conversationId: string; messageId: string; position: number },
): Promise<Result<HeldFile, AppError>> {
  const [row] = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<FileRow>(
      `SELECT a.position, a.filename, a.content_type, a.size, a.content FROM message_attachments a
       JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
       WHERE a.workspace_id = $1 AND a.message_id = $2 AND m.conversation_id = $3 AND a.position = $4`,
      [input.workspaceId, input.messageId, input.conversationId, input.position],
    ),
  );
  if (!row) return err(appError('PSK_ATTACHMENT_NOT_FOUND', { field: 'n' }));
  return ok({ filename: row.filename, contentType: row.content_type, content: Buffer.from(row.content) });
}

/** `attachment` with the name twice: plain ASCII for old clients, RFC 5987 UTF-8 for Persian names. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
