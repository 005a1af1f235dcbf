// Auth zones: `app` routes take a user token (Bearer) and check the role; `ingest` routes take a
// source write key (HTTP basic, as Segment does). Provider webhooks check their own signatures.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError, AppErrorException } from '../core/errors.ts';
import type { Authenticator, Principal, SourceKey } from '../workspaces/auth.service.ts';
import type { UserRole } from '../workspaces/workspaces.schema.ts';

declare module 'fastify' {
  // Declaration merging needs an interface: Fastify's request type is one.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const ROLES = {
  manageWorkspace: ['owner', 'admin'],
  readCustomers: ['owner', 'admin', 'agent', 'supervisor', 'marketer', 'seller', 'analyst'],
  recordCosts: ['owner', 'admin', 'marketer', 'analyst'],
  manageAccounts: ['owner', 'admin', 'supervisor', 'seller'],
  undoMerges: ['owner', 'admin', 'supervisor'],
  anyone: ['owner', 'admin', 'agent', 'supervisor', 'marketer', 'seller', 'analyst', 'partner'],
  /** Answer customers and change conversations (status, assignment, transfers). */
  serviceDesk: ['owner', 'admin', 'agent', 'supervisor', 'seller'],
  /** Configure the service desk: teams, routing rules, SLA policies, settings. */
  manageDesk: ['owner', 'admin', 'supervisor'],
  /** Read and search the knowledge base, ask the answer bot. */
  readKnowledge: ['owner', 'admin', 'agent', 'supervisor', 'marketer', 'seller', 'analyst'],
  /** Write, publish and delete knowledge base articles. */
  manageKnowledge: ['owner', 'admin', 'supervisor', 'agent'],
  /** Read brand mentions and spike alerts. */
  readListening: ['owner', 'admin', 'supervisor', 'marketer', 'analyst'],
  /** Send mentions (a listening connector's token) and set brand keywords. */
  manageListening: ['owner', 'admin', 'marketer'],
  /** Retrain or reset the workspace's own models (sentiment). */
  trainModels: ['owner', 'admin', 'analyst'],
} as const satisfies Record<string, readonly UserRole[]>;

export function requireUser(auth: Authenticator, roles: readonly UserRole[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new AppErrorException(
        appError('PSK_AUTH_MISSING', { message: 'Send a token as "Authorization: Bearer <token>"' }),
      );
    const principal = await auth.userFromToken(match[1]!);
    if (!principal) throw new AppErrorException(appError('PSK_AUTH_INVALID_TOKEN'));
    if (!roles.includes(principal.role)) {
      throw new AppErrorException(
        appError('PSK_FORBIDDEN_ROLE', {
          message: `Your role (${principal.role}) does not allow this; it needs one of: ${roles.join(', ')}`,
        }),
      );
    }
    request.principal = principal;
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route registered without requireUser');
  return request.principal;
}

/** Segment clients send the write key as the basic-auth user name with an empty password. */
const BASIC_AUTH = /^Basic\s+(\S+)$/i;

/** Whether the request carries a write key as HTTP basic auth (else it may be in the body). */
export function hasBasicAuth(request: FastifyRequest): boolean {
  return BASIC_AUTH.test(request.headers.authorization ?? '');
}

export async function sourceFromRequest(
  auth: Authenticator,
  request: FastifyRequest,
  bodyWriteKey: unknown,
): Promise<SourceKey> {
  const basic = BASIC_AUTH.exec(request.headers.authorization ?? '');
  const key = basic
    ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0]
    : typeof bodyWriteKey === 'string'
      ? bodyWriteKey
      : '';
  if (!key)
    throw new AppErrorException(
      appError('PSK_AUTH_MISSING', {
        message: 'Send the write key as HTTP basic auth user name (curl -u "<writeKey>:")',
      }),
    );
  const source = await auth.sourceFromWriteKey(key);
  if (!source) throw new AppErrorException(appError('PSK_AUTH_INVALID_WRITE_KEY'));
  return source;
}
