// Canned responses with variables ({{customer.name}}, {{agent.name}}, {{conversation.subject}}…)
// and macros: a named list of actions applied to a conversation in one go.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import { applyPatch, readConversation, type Conversation } from './conversations.service.ts';
import { queueOutbound } from './deliver.ts';
import { noEffects, publishEffects, type DeskContext } from './desk-context.ts';
import { addNote } from './notes.ts';
import { PRIORITIES } from './routing.ts';

export type CannedResponse = { id: string; shortCode: string; body: string };

export async function createCannedResponse(
  db: Database,
  input: { workspaceId: string; shortCode: string; body: string },
): Promise<CannedResponse> {
  const id = uuidv7();
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      `INSERT INTO canned_responses (workspace_id, id, short_code, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, short_code) DO UPDATE SET body = EXCLUDED.body`,
      [input.workspaceId, id, input.shortCode, input.body],
    ),
  );
  return { id, shortCode: input.shortCode, body: input.body };
}

export async function listCannedResponses(
  db: Database,
  input: { workspaceId: string; q?: string },
): Promise<CannedResponse[]> {
  return db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<CannedResponse>(
      `SELECT id, short_code AS "shortCode", body FROM canned_responses
       WHERE workspace_id = $1 AND ($2::text IS NULL OR short_code ILIKE $2 || '%') ORDER BY short_code LIMIT 200`,
      [input.workspaceId, input.q ?? null],
    ),
  );
}

/** The values a template may use, from the conversation, its customer and the agent. */
async function variablesFor(
  tx: Tx,
  input: { workspaceId: string; conversation: Conversation; agentId: string | null },
): Promise<Record<string, string>> {
  const [customer] = await tx.query<{ traits: Record<string, unknown> }>(
    `SELECT traits FROM customers WHERE workspace_id = $1 AND id = $2`,
    [input.workspaceId, input.conversation.customerId],
  );
  const [agent] = input.agentId
    ? await tx.query<{ name: string | null; email: string }>(
        `SELECT name, email FROM users WHERE workspace_id = $1 AND id = $2`,
        [input.workspaceId, input.agentId],
      )
    : [];
  const traits = customer?.traits ?? {};
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return {
    'customer.name': text(traits.name) || text(traits.firstName),
    'customer.first_name': text(traits.firstName) || text(traits.name).split(' ')[0] || '',
    'customer.email': text(traits.email),
    'customer.phone': text(traits.phone),
    'agent.name': agent?.name ?? agent?.email ?? '',
    'agent.email': agent?.email ?? '',
    'conversation.id': input.conversation.id,
    'conversation.subject': input.conversation.subject ?? '',
    'conversation.channel': input.conversation.channel,
  };
}

export function renderTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(
    /\{\{\s*([a-z_.]+)\s*\}\}/gi,
    (_m, name: string) => variables[name.toLowerCase()] ?? '',
  );
}

export async function renderCannedResponse(
  db: Database,
  input: { workspaceId: string; cannedId: string; conversationId: string; agentId: string },
): Promise<Result<{ body: string }, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const [canned] = await tx.query<{ body: string }>(
      `SELECT body FROM canned_responses WHERE workspace_id = $1 AND id = $2`,
      [input.workspaceId, input.cannedId],
    );
    if (!canned) return err(appError('PSK_DESK_ITEM_NOT_FOUND', { field: 'id' }));
    const conversation = await readConversation(tx, {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
    });
    if (!conversation) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'conversationId' }));
    return ok({ body: renderTemplate(canned.body, await variablesFor(tx, { ...input, conversation })) });
  });
}

export const MacroAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), body: z.string().min(1).max(20_000) }),
  z.object({ type: z.literal('note'), body: z.string().min(1).max(20_000) }),
  z.object({ type: z.literal('status'), status: z.string().min(1).max(60) }),
  z.object({ type: z.literal('priority'), priority: z.enum(PRIORITIES) }),
  z.object({ type: z.literal('labels'), add: z.array(z.string().min(1).max(60)).max(20) }),
  z.object({ type: z.literal('assign'), userId: z.string().uuid().nullable() }),
  z.object({ type: z.literal('team'), teamId: z.string().uuid().nullable() }),
]);
export type MacroAction = z.infer<typeof MacroAction>;
export type Macro = { id: string; name: string; actions: MacroAction[] };

export async function createMacro(
  db: Database,
  input: { workspaceId: string; name: string; actions: MacroAction[] },
): Promise<Macro> {
  const id = uuidv7();
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(`INSERT INTO macros (workspace_id, id, name, actions) VALUES ($1, $2, $3, $4)`, [
      input.workspaceId,
      id,
      input.name,
      JSON.stringify(input.actions),
    ]),
  );
  return { id, name: input.name, actions: input.actions };
}

export async function listMacros(db: Database, input: { workspaceId: string }): Promise<Macro[]> {
  return db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<Macro>(`SELECT id, name, actions FROM macros WHERE workspace_id = $1 ORDER BY name`, [
      input.workspaceId,
    ]),
  );
}

/** Runs every action of the macro in one transaction: all of it happens, or none. */
export async function runMacro(
  desk: DeskContext,
  input: { workspaceId: string; macroId: string; conversationId: string; userId: string },
): Promise<Result<Conversation, AppError>> {
  const effects = noEffects();
  const result = await desk.db
    .inWorkspace(input.workspaceId, async (tx): Promise<Result<Conversation, AppError>> => {
      const [macro] = await tx.query<{ actions: MacroAction[] }>(
        `SELECT actions FROM macros WHERE workspace_id = $1 AND id = $2`,
        [input.workspaceId, input.macroId],
      );
      if (!macro) return err(appError('PSK_DESK_ITEM_NOT_FOUND', { field: 'macroId' }));
      const conversation = await readConversation(tx, input);
      if (!conversation) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
      const variables = await variablesFor(tx, {
        workspaceId: input.workspaceId,
        conversation,
        agentId: input.userId,
      });
      const base = {
        workspaceId: input.workspaceId,
        conversationId: input.conversationId,
        userId: input.userId,
      };
      for (const action of macro.actions) {
        let patched: Result<Conversation, AppError> | null = null;
        switch (action.type) {
          case 'reply':
            await queueOutbound(
              tx,
              {
                ...base,
                senderType: 'agent',
                senderId: input.userId,
                body: renderTemplate(action.body, variables),
              },
              effects,
            );
            break;
          case 'note':
            await addNote(
              tx,
              { ...base, author: input.userId, body: renderTemplate(action.body, variables) },
              effects,
            );
            break;
          case 'status':
            patched = await applyPatch(tx, desk, { ...base, patch: { status: action.status } }, effects);
            break;
          case 'priority':
            patched = await applyPatch(tx, desk, { ...base, patch: { priority: action.priority } }, effects);
            break;
          case 'labels': {
            const current = (await readConversation(tx, input))!.labels;
            patched = await applyPatch(
              tx,
              desk,
              { ...base, patch: { labels: [...new Set([...current, ...action.add])] } },
              effects,
            );
            break;
          }
          case 'assign':
            patched = await applyPatch(tx, desk, { ...base, patch: { assigneeId: action.userId } }, effects);
            break;
          case 'team':
            patched = await applyPatch(tx, desk, { ...base, patch: { teamId: action.teamId } }, effects);
            break;
          default: {
            const never: never = action;
            throw new Error(`unknown macro action ${JSON.stringify(never)}`);
          }
        }
        // A failing step undoes the whole macro (the transaction rolls back).
        if (patched?.isErr()) throw new MacroFailed(patched.error);
      }
      return ok((await readConversation(tx, input))!);
    })
    .catch((error: unknown) => {
      if (error instanceof MacroFailed) return err(error.error);
      throw error;
    });
  if (result.isOk()) await publishEffects(desk, effects);
  return result;
}

class MacroFailed extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}
