// What the service desk's functions share: the database, the ingest pipeline (timeline writes),
// the channel adapters, the live feed, the job runner's wake-up and the extension hooks.
import type { Logger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
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
};

export type DeskHooks = {
  onInboundMessage: ((event: InboundMessageEvent, desk: DeskContext) => Promise<void> | void)[];
};

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
