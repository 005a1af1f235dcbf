// Who wrote: a channel sender's identifiers as the traits identity resolution joins on, so the
// same person on e-mail, WhatsApp and SMS lands on one profile.
import type { Sender } from '../channels/channel-adapter.ts';
import { normalizeIdentifier, normalizePhone, type Identifier } from '../core/identifiers.ts';
import { toLatinDigits } from '../core/persian-text.ts';
import type { Tx } from '../db/database.ts';

export type SenderIdentity = {
  userId?: string;
  anonymousId?: string;
  traits: Record<string, unknown>;
  /** Where a reply goes: the identifier the sender wrote from. */
  replyTo: Identifier | null;
};

/**
 * A WhatsApp or SMS number is a phone number: it is also given as `phone`, which is what an
 * e-mail signature, a form or a CRM import gives, so the profiles meet. An e-mail's signature
 * phone joins the same way (only when the signature holds exactly one number).
 */
export function senderIdentity(input: { channel: string; from: Sender; text: string }): SenderIdentity {
  const traits: Record<string, unknown> = {};
  const out: SenderIdentity = { traits, replyTo: input.from.identifiers[0] ?? null };
  for (const id of input.from.identifiers) {
    if (id.type === 'userId') out.userId = id.value;
    else if (id.type === 'anonymousId') out.anonymousId = id.value;
    else if (id.type.startsWith('external:')) continue;
    else if (traits[id.type] === undefined) traits[id.type] = id.value;
    if (id.type === 'whatsapp' && traits.phone === undefined) traits.phone = id.value;
  }
  if (input.from.name) traits.name = input.from.name;
  if (input.channel === 'email' && traits.phone === undefined) {
    const phone = phoneFromSignature(input.text);
    if (phone) traits.phone = phone;
  }
  return out;
}

const PHONE_LIKE = /(?:\+|00)?[\d۰-۹٠-٩][\d۰-۹٠-٩\s\-().]{6,18}[\d۰-۹٠-٩]/g;

/** The one phone number in an e-mail's signature (after "-- ", or its last lines), if exactly one. */
export function phoneFromSignature(text: string): string | null {
  const withoutQuotes = text
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('>'))
    .join('\n');
  const marker = withoutQuotes.lastIndexOf('\n-- \n');
  const signature =
    marker >= 0 ? withoutQuotes.slice(marker + 4) : withoutQuotes.trimEnd().split('\n').slice(-6).join('\n');
  const found = new Set<string>();
  for (const candidate of toLatinDigits(signature).match(PHONE_LIKE) ?? []) {
    const phone = normalizePhone(candidate);
    if (phone) found.add(phone);
  }
  return found.size === 1 ? [...found][0]! : null;
}

/** The profile an identifier already points at (used when the event itself was a repeat). */
export async function customerOfSender(
  tx: Tx,
  input: { workspaceId: string; identity: SenderIdentity },
): Promise<string | null> {
  const candidates: Identifier[] = [];
  if (input.identity.userId) candidates.push({ type: 'userId', value: input.identity.userId });
  for (const [type, value] of Object.entries(input.identity.traits)) {
    if (type === 'name') continue;
    const normalized = normalizeIdentifier(type as Identifier['type'], value);
    if (normalized) candidates.push({ type: type as Identifier['type'], value: normalized });
  }
  if (input.identity.anonymousId) candidates.push({ type: 'anonymousId', value: input.identity.anonymousId });
  for (const c of candidates) {
    const [row] = await tx.query<{ customer_id: string }>(
      `SELECT customer_id FROM identities WHERE workspace_id = $1 AND type = $2 AND value = $3`,
      [input.workspaceId, c.type, c.value],
    );
    if (row) return row.customer_id;
  }
  return null;
}
