// Mail that reaches the hub's own SMTP listener takes the webhooks' road: the raw message and
// its processing job are stored in one transaction (per inbox the envelope names) before the
// sending server is told 250, and the e-mail adapter parses it in the job. Mail the IMAP poller
// fetches (inbox/mail-polling.ts) is stored the same way.
import { emailRawWebhook, type SmtpEnvelope } from '../channels/email/email-adapter.ts';
import type { EmailTransport } from '../channels/email/email-envelope.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { DeskContext } from './desk-context.ts';
import { WEBHOOK_JOB } from './webhook-intake.ts';

type MailInbox = { workspace_id: string; id: string; address: string };

async function inboxesFor(desk: DeskContext, addresses: string[]): Promise<MailInbox[]> {
  if (addresses.length === 0) return [];
  // The envelope names only addresses: one cross-workspace look-up, as for webhooks by inbox id.
  return desk.db.asSystem((tx) =>
    tx.query<MailInbox>(
      `SELECT workspace_id, id, lower(config->>'address') AS address FROM inboxes
       WHERE channel = 'email' AND status = 'active' AND lower(config->>'address') = ANY($1::text[])`,
      [addresses.map((a) => a.toLowerCase())],
    ),
  );
}

export async function acceptsMailFor(desk: DeskContext, address: string): Promise<boolean> {
  return (await inboxesFor(desk, [address])).length > 0;
}

/**
 * Stores one received mail for one inbox with its processing job, in the caller's transaction:
 * once it commits the mail is durable (SMTP answers 250, IMAP flags it \Seen and moves its cursor).
 */
export async function storeInboundMail(
  tx: Tx,
  input: {
    workspaceId: string;
    inboxId: string;
    transport: EmailTransport;
    raw: Buffer;
    envelope: SmtpEnvelope;
    receivedAt: Date;
  },
): Promise<string> {
  const request = emailRawWebhook(input);
  const requestId = uuidv7();
  await tx.query(
    `INSERT INTO webhook_requests (workspace_id, id, inbox_id, method, url, headers, query, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      input.workspaceId,
      requestId,
      input.inboxId,
      request.method,
      request.url,
      JSON.stringify(request.headers),
      '{}',
      request.rawBody,
    ],
  );
  await enqueueJob(tx, {
    workspaceId: input.workspaceId,
    kind: WEBHOOK_JOB,
    payload: { requestId },
    maxAttempts: 8,
  });
  return requestId;
}

export async function acceptInboundMail(
  desk: DeskContext,
  input: { raw: Buffer; envelope: SmtpEnvelope },
): Promise<number> {
  const inboxes = await inboxesFor(desk, input.envelope.to);
  const receivedAt = new Date();
  for (const inbox of inboxes) {
    await desk.db.inWorkspace(inbox.workspace_id, (tx) =>
      storeInboundMail(tx, {
        workspaceId: inbox.workspace_id,
        inboxId: inbox.id,
        transport: 'SMTP',
        raw: input.raw,
        envelope: { ...input.envelope, to: [inbox.address] },
        receivedAt,
      }),
    );
  }
  if (inboxes.length > 0) desk.kickJobs();
  return inboxes.length;
}
