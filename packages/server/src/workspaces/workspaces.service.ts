// Workspaces (tenants), their users, tokens and sources.
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { newSecret, uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import { hashSecret } from './auth.service.ts';
import type { SignupBody, SigninBody, SourceBody, UserRole } from './workspaces.schema.ts';

const SESSION_DAYS = 30;

export type Session = { token: string; workspaceId: string; userId: string; role: UserRole };

async function issueSession(tx: Tx, workspaceId: string, userId: string, role: UserRole): Promise<Session> {
  const token = newSecret('psk');
  await tx.query(
    `INSERT INTO api_tokens (workspace_id, id, user_id, token_hash, kind, expires_at)
     VALUES ($1, $2, $3, $4, 'session', now() + make_interval(days => $5))`,
    [workspaceId, uuidv7(), userId, hashSecret(token), SESSION_DAYS],
  );
  return { token, workspaceId, userId, role };
}

/**
 * The first person on an instance creates its workspace and becomes its owner; everyone after
 * joins by invitation. Demo workspaces do not count, so `--demo` never closes sign-up.
 */
export async function signup(db: Database, body: SignupBody): Promise<Result<Session, AppError>> {
  const passwordHash = await argonHash(body.password);
  return db.asSystem(async (tx) => {
    const taken = await tx.query('SELECT 1 FROM users WHERE lower(email) = $1', [body.email]);
    if (taken.length > 0) return err(appError('PSK_EMAIL_TAKEN', { field: 'email' }));
    if (body.invitation) {
      const [invite] = await tx.query<{ workspace_id: string; id: string; email: string; role: UserRole }>(
        'SELECT workspace_id, id, email, role FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL',
        [hashSecret(body.invitation)],
      );
      if (!invite || invite.email !== body.email)
        return err(appError('PSK_INVITATION_INVALID', { field: 'invitation' }));
      const userId = uuidv7();
      await tx.query(
        'INSERT INTO users (workspace_id, id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6)',
        [invite.workspace_id, userId, body.email, body.name ?? null, passwordHash, invite.role],
      );
      await tx.query('UPDATE invitations SET accepted_at = now() WHERE workspace_id = $1 AND id = $2', [
        invite.workspace_id,
        invite.id,
      ]);
      return ok(await issueSession(tx, invite.workspace_id, userId, invite.role));
    }
    const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM users u JOIN workspaces w ON w.id = u.workspace_id WHERE NOT w.is_demo',
    );
    if (n > 0) return err(appError('PSK_SIGNUP_CLOSED'));
    if (!body.workspace)
      return err(
        appError('PSK_VALIDATION', {
          field: 'workspace',
          message: 'workspace is required for the first sign-up (field: workspace)',
        }),
      );
    const { workspaceId, userId } = await createWorkspaceWithOwner(tx, {
      workspace: body.workspace,
      email: body.email,
      name: body.name ?? null,
      passwordHash,
      isDemo: false,
    });
    return ok(await issueSession(tx, workspaceId, userId, 'owner'));
  });
}

export async function createWorkspaceWithOwner(
  tx: Tx,
  input: { workspace: string; email: string; name: string | null; passwordHash: string; isDemo: boolean },
): Promise<{ workspaceId: string; userId: string }> {
  const workspaceId = uuidv7();
  const userId = uuidv7();
  await tx.query('INSERT INTO workspaces (id, name, is_demo) VALUES ($1, $2, $3)', [
    workspaceId,
    input.workspace,
    input.isDemo,
  ]);
  await tx.query(
    "INSERT INTO users (workspace_id, id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5, 'owner')",
    [workspaceId, userId, input.email, input.name, input.passwordHash],
  );
  return { workspaceId, userId };
}

export async function signin(db: Database, body: SigninBody): Promise<Result<Session, AppError>> {
  const [user] = await db.asSystem((tx) =>
    tx.query<{ workspace_id: string; id: string; role: UserRole; password_hash: string | null }>(
      'SELECT workspace_id, id, role, password_hash FROM users WHERE lower(email) = $1',
      [body.email],
    ),
  );
  // Verify against a dummy hash when the user is unknown so timing does not reveal which emails exist.
  const valid = await argonVerify(user?.password_hash ?? DUMMY_HASH, body.password).catch(() => false);
  if (!user || !valid) return err(appError('PSK_AUTH_BAD_CREDENTIALS'));
  return ok(
    await db.inWorkspace(user.workspace_id, (tx) => issueSession(tx, user.workspace_id, user.id, user.role)),
  );
}
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$1pP9RWUbz4uoIZOzajP+3A$Q4OZsvuhZN3Ui62LdMjLHgwK5NGraXbt7MfMm0VwbNk';

export async function inviteUser(
  db: Database,
  input: { workspaceId: string; email: string; role: UserRole },
): Promise<Result<{ id: string; invitation: string; email: string; role: UserRole }, AppError>> {
  const invitation = newSecret('pskinv');
  const id = uuidv7();
  const taken = await db.asSystem((tx) =>
    tx.query('SELECT 1 FROM users WHERE lower(email) = $1', [input.email]),
  );
  if (taken.length > 0) return err(appError('PSK_EMAIL_TAKEN', { field: 'email' }));
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      'INSERT INTO invitations (workspace_id, id, email, role, token_hash) VALUES ($1, $2, $3, $4, $5)',
      [input.workspaceId, id, input.email, input.role, hashSecret(invitation)],
    ),
  );
  return ok({ id, invitation, email: input.email, role: input.role });
}

export async function createApiToken(
  db: Database,
  input: { workspaceId: string; userId: string; name: string },
): Promise<{ id: string; token: string; name: string }> {
  const token = newSecret('psk');
  const id = uuidv7();
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      "INSERT INTO api_tokens (workspace_id, id, user_id, token_hash, kind, name) VALUES ($1, $2, $3, $4, 'api', $5)",
      [input.workspaceId, id, input.userId, hashSecret(token), input.name],
    ),
  );
  return { id, token, name: input.name };
}

export type Source = { id: string; name: string; channel: string; traitPriority: number; writeKey?: string };

export async function createSource(
  db: Database,
  input: { workspaceId: string } & SourceBody,
): Promise<Source> {
  const writeKey = newSecret('pskw');
  const id = uuidv7();
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      'INSERT INTO sources (workspace_id, id, name, channel, write_key_hash, trait_priority) VALUES ($1, $2, $3, $4, $5, $6)',
      [input.workspaceId, id, input.name, input.channel, hashSecret(writeKey), input.traitPriority],
    ),
  );
  return { id, name: input.name, channel: input.channel, traitPriority: input.traitPriority, writeKey };
}

export async function listSources(db: Database, input: { workspaceId: string }): Promise<Source[]> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ id: string; name: string; channel: string; trait_priority: number }>(
      'SELECT id, name, channel, trait_priority FROM sources WHERE workspace_id = $1 ORDER BY created_at',
      [input.workspaceId],
    ),
  );
  return rows.map((r) => ({ id: r.id, name: r.name, channel: r.channel, traitPriority: r.trait_priority }));
}

export async function describeUser(
  db: Database,
  input: { workspaceId: string; userId: string },
): Promise<
  Result<{ userId: string; email: string; role: UserRole; workspace: { id: string; name: string } }, AppError>
> {
  const [row] = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ email: string; role: UserRole; name: string }>(
      `SELECT u.email, u.role, w.name FROM users u JOIN workspaces w ON w.id = u.workspace_id
       WHERE u.workspace_id = $1 AND u.id = $2`,
      [input.workspaceId, input.userId],
    ),
  );
  if (!row) return err(appError('PSK_USER_NOT_FOUND'));
  return ok({
    userId: input.userId,
    email: row.email,
    role: row.role,
    workspace: { id: input.workspaceId, name: row.name },
  });
}
