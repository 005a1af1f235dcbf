// Calls from a PBX (Asterisk/Issabel style): each state change is an event on the caller's
// timeline, and a ringing call pops the caller's profile on the answering agent's screen.
import type { Inbound } from '../channels/channel-adapter.ts';
import { recordInteraction } from '../ingest/ingest.service.ts';
import { appendFeed } from '../realtime/feed.ts';
import { noEffects, publishEffects, type DeskContext } from './desk-context.ts';
import type { Inbox } from './inboxes.service.ts';
import type { ReceiveOutcome } from './receive.ts';
import { customerOfSender, senderIdentity } from './sender-identity.ts';

type CallItem = Extract<Inbound, { kind: 'call' }>;

const CALL_EVENT: Record<CallItem['state'], string> = {
  ringing: 'Call Started',
  answered: 'Call Answered',
  hangup: 'Call Ended',
};

export async function receiveCall(desk: DeskContext, inbox: Inbox, item: CallItem): Promise<ReceiveOutcome> {
  const workspaceId = inbox.workspaceId;
  const identity = senderIdentity({ channel: inbox.channel, from: item.from, text: '' });
  const recorded = await recordInteraction(desk.ingest, {
    workspaceId,
    channel: inbox.channel,
    event: CALL_EVENT[item.state],
    identifiers: { userId: identity.userId, anonymousId: identity.anonymousId, traits: identity.traits },
    properties: {
      inboxId: inbox.id,
      callId: item.callId,
      state: item.state,
      ...(item.to ? { to: item.to } : {}),
      ...(item.durationSeconds !== undefined ? { durationSeconds: item.durationSeconds } : {}),
      ...(item.recordingUrl ? { recordingUrl: item.recordingUrl } : {}),
      ...(item.agentExtension ? { agentExtension: item.agentExtension } : {}),
    },
    messageId: `inbox:${inbox.id}:call:${item.callId}:${item.state}`,
    timestamp: item.at,
  });
  if (recorded.isErr()) return { kind: 'rejected', reason: recorded.error.message };
  const effects = noEffects();
  const customerId = await desk.db.inWorkspace(workspaceId, async (tx) => {
    const id =
      recorded.value.results[0]?.customerId ?? (await customerOfSender(tx, { workspaceId, identity }));
    if (!id || item.state !== 'ringing') return id;
    const [agent] = item.agentExtension
      ? await tx.query<{ user_id: string }>(
          `SELECT user_id FROM agent_settings WHERE workspace_id = $1 AND extension = $2 LIMIT 1`,
          [workspaceId, item.agentExtension],
        )
      : [];
    effects.feed.push(
      await appendFeed(tx, {
        workspaceId,
        userId: agent?.user_id ?? null,
        type: 'screen_pop',
        payload: {
          customerId: id,
          callId: item.callId,
          inboxId: inbox.id,
          customerUrl: `/api/customers/${id}`,
        },
      }),
    );
    return id;
  });
  await publishEffects(desk, effects);
  return { kind: 'call', customerId };
}
