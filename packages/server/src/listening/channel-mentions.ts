// Public comments on the brand's Instagram and Facebook posts and X mentions of its account reach
// the desk through the channel adapters as messages with `publicPost`. They are public talk about
// the brand as well: each is also recorded as a listening mention (a `Brand Mentioned` event with
// its sentiment), so the negative-spike detector counts them with the connector's mentions.
import type { Hub } from '../api/hub.ts';
import type { DeskContext, InboundMessageEvent } from '../inbox/desk-context.ts';
import { receiveMentions } from './listening.service.ts';

type ListeningDeps = Pick<Hub, 'db' | 'ingest' | 'logger'>;

/** Channel → the network a mention is filed under (its identifier type follows the network). */
const NETWORK_OF_CHANNEL: Record<string, string> = { instagram: 'instagram', messenger: 'messenger', x: 'x' };
const IDENTIFIER_OF_NETWORK: Record<string, string> = {
  instagram: 'instagram',
  messenger: 'messenger',
  x: 'twitter',
};

export function registerChannelMentions(deps: ListeningDeps, desk: DeskContext): void {
  desk.hooks.onInboundMessage.push((event) => recordChannelMention(deps, event));
}

/**
 * The author as the desk identified them: their first identifier of the network's type (the
 * stable numeric id, which the sender's profile holds), so the mention lands on their timeline.
 */
function handleOf(event: InboundMessageEvent, network: string): string | null {
  const type = IDENTIFIER_OF_NETWORK[network];
  return (event.from?.identifiers ?? []).find((i) => i.type === type)?.value ?? null;
}

export async function recordChannelMention(deps: ListeningDeps, event: InboundMessageEvent): Promise<void> {
  if (!event.publicPost || event.text.trim() === '') return;
  const network = NETWORK_OF_CHANNEL[event.channel];
  if (!network) return;
  const handle = handleOf(event, network);
  if (!handle) return;
  const { commentId } = event.publicPost;
  await receiveMentions(deps, {
    workspaceId: event.workspaceId,
    // Said on the brand's own posts or to its account: about the brand, keyword or not.
    keywordsRequired: false,
    mentions: [
      {
        network,
        id: commentId,
        author: { handle, ...(event.from?.name ? { name: event.from.name } : {}) },
        text: event.text.slice(0, 10_000),
        ...(network === 'x' ? { url: `https://x.com/i/web/status/${commentId}` } : {}),
        postedAt: event.sentAt ?? new Date(),
      },
    ],
  });
}
