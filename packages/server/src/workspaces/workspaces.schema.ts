import { z } from 'zod';

export const USER_ROLES = [
  'owner',
  'admin',
  'agent',
  'supervisor',
  'marketer',
  'seller',
  'analyst',
  'partner',
] as const;
export const UserRole = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof UserRole>;

const Email = z.string().trim().toLowerCase().email().max(254);
const Password = z.string().min(10, 'must be at least 10 characters').max(200);

export const SignupBody = z.object({
  email: Email,
  password: Password,
  workspace: z.string().trim().min(1).max(120).optional(),
  name: z.string().trim().max(120).optional(),
  invitation: z.string().max(200).optional(),
});
export type SignupBody = z.infer<typeof SignupBody>;

export const SigninBody = z.object({ email: Email, password: z.string().min(1).max(200) });
export type SigninBody = z.infer<typeof SigninBody>;

export const SessionReply = z.object({
  token: z.string(),
  workspaceId: z.string().uuid(),
  userId: z.string().uuid(),
  role: UserRole,
});

export const InvitationBody = z.object({ email: Email, role: UserRole.exclude(['owner']) });
export const InvitationReply = z.object({
  id: z.string().uuid(),
  invitation: z.string(),
  email: z.string(),
  role: UserRole,
});

export const SourceBody = z.object({
  name: z.string().trim().min(1).max(120),
  channel: z.string().trim().min(1).max(40).default('web'),
  traitPriority: z.number().int().min(-100).max(100).default(0),
});
export type SourceBody = z.infer<typeof SourceBody>;
export const SourceReply = z.object({
  id: z.string().uuid(),
  name: z.string(),
  channel: z.string(),
  traitPriority: z.number(),
  writeKey: z.string().optional(),
});

export const ApiTokenBody = z.object({ name: z.string().trim().min(1).max(120) });
export const ApiTokenReply = z.object({ id: z.string().uuid(), token: z.string(), name: z.string() });

export const MeReply = z.object({
  userId: z.string().uuid(),
  email: z.string(),
  role: UserRole,
  workspace: z.object({ id: z.string().uuid(), name: z.string() }),
});
