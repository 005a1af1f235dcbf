// What the service desk's functions share: the database, the ingest pipeline (timeline writes),
// the channel adapters, the live feed, the job runner's wake-up and the extension hooks.
import type { Logger } from '../core/logger.ts';
import type { Sender } from '../channels/channel-adapter.ts';
import type { Database, Tx } from '../db/database.ts';
import type { IngestPipeline } from '../ingest/ingest.service.ts';
import type { FeedBus, FeedItem, Signal } from '../realtime/feed.ts';
import type { AdapterRegistry } from './channel-registry.ts';

/** A customer's message has been stored: the seam for the answer bot and other automations. */
export type InboundMessageEvent = {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  customerId: string;
  inboxId: string;
  channel: string;
  text: string;
  assigneeId: string | null;
  conversationCreated: boolean;
  /** The sender as the channel named them (listening records public comments by handle). */
  from?: Sender;
  sentAt?: Date;
  /** Set for a comment on a public post (Instagram/Facebook/X), not a direct message. */
  publicPost?: { postId: string; commentId: string };
};

/** What is known when a customer's first message is about to start a conversation. */
export type NewConversationFacts = {
  workspaceId: string;
  inboxId: string;
  channel: string;
  publicPost: boolean;
};

export type DeskHooks = {
  onInboundMessage: ((event: InboundMessageEvent, desk: DeskContext) => Promise<void> | void)[];
  /**
   * Asked in the receiving transaction before routing a new conversation: true keeps it out of
   * automatic assignment (the answer bot takes it first and routes it when it hands over).
   */
  holdsNewConversation: ((tx: Tx, facts: NewConversationFacts) => Promise<boolean>)[];
};

/** Whether any hook holds a new conversation back from automatic assignment. */
export async function conversationHeld(
  desk: DeskContext,
  tx: Tx,
  facts: NewConversationFacts,
): Promise<boolean> {
  for (const hook of desk.hooks.holdsNewConversation) if (await hook(tx, facts)) return true;
  return false;
}

export type DeskContext = {
  db: Database;
  ingest: IngestPipeline;
  logger: Logger;
  adapters: AdapterRegistry;
  bus: FeedBus;
  hooks: DeskHooks;
  kickJobs(): void;
  /** The clock (tests move it for SLA and business hours). */
  now(): Date;
};

/** What a transaction produced that may only leave once it committed. */
export type Effects = { feed: (FeedItem | Signal)[]; jobs: number; inbound: InboundMessageEvent[] };

export const noEffects = (): Effects => ({ feed: [], jobs: 0, inbound: [] });

export async function publishEffects(desk: DeskContext, effects: Effects): Promise<void> {
  if (effects.feed.length > 0) desk.bus.publish(effects.feed);
  if (effects.jobs > 0) desk.kickJobs();
  for (const event of effects.inbound) {
    for (const hook of desk.hooks.onInboundMessage) {
      try {
        await hook(event, desk);
      } catch (error) {
        desk.logger.error(
          { err: error, conversationId: event.conversationId },
          'inbound-message hook failed',
        );
      }
    }
  }
}
