// Mail that reaches the hub's own SMTP listener takes the webhooks' road: the raw message and
// its processing job are stored in one transaction (per inbox the envelope names) before the
// sending server is told 250, and the e-mail adapter parses it in the job.
import { emailRawWebhook, type SmtpEnvelope } from '../channels/email/email-adapter.ts';
import { uuidv7 } from '../core/ids.ts';
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

export async function acceptInboundMail(
  desk: DeskContext,
  input: { raw: Buffer; envelope: SmtpEnvelope },
): Promise<number> {
  const inboxes = await inboxesFor(desk, input.envelope.to);
  const receivedAt = new Date();
  for (const inbox of inboxes) {
    const request = emailRawWebhook({
      transport: 'SMTP',
      raw: input.raw,
      envelope: { ...input.envelope, to: [inbox.address] },
      receivedAt,
    });
    const requestId = uuidv7();
    await desk.db.inWorkspace(inbox.workspace_id, async (tx) => {
      await tx.query(
        `INSERT INTO webhook_requests (workspace_id, id, inbox_id, method, url, headers, query, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          inbox.workspace_id,
          requestId,
          inbox.id,
          request.method,
          request.url,
          JSON.stringify(request.headers),
          '{}',
          request.rawBody,
        ],
      );
      await enqueueJob(tx, {
        workspaceId: inbox.workspace_id,
        kind: WEBHOOK_JOB,
        payload: { requestId },
        maxAttempts: 8,
      });
    });
  }
  if (inboxes.length > 0) desk.kickJobs();
  return inboxes.length;
}
