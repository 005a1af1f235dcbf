// Small reads the routes need, each in its own workspace transaction.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { readConversation, type Conversation } from './conversations.service.ts';
import type { DeskContext } from './desk-context.ts';
import { listNotifications, markNotificationsRead, type Notification } from './notifications.ts';

export async function readOneConversation(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string },
): Promise<Result<Conversation, AppError>> {
  const conversation = await desk.db.inWorkspace(input.workspaceId, (tx) => readConversation(tx, input));
  return conversation ? ok(conversation) : err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
}

export async function readNotifications(
  desk: DeskContext,
  input: { workspaceId: string; userId: string; unreadOnly: boolean },
): Promise<Notification[]> {
  return desk.db.inWorkspace(input.workspaceId, (tx) => listNotifications(tx, input));
}

export async function readNotificationsMarked(
  desk: DeskContext,
  input: { workspaceId: string; userId: string; ids: string[] },
): Promise<number> {
  return desk.db.inWorkspace(input.workspaceId, (tx) => markNotificationsRead(tx, input));
}
