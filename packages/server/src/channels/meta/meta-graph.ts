// Sending through the Graph API, shared by WhatsApp, Messenger and Instagram, with Meta's own
// error codes taking precedence over the HTTP status (Meta answers an expired token with 400).
import { err, ok, type Result } from 'neverthrow';
import type { SendFailure } from '../channel-adapter.ts';
import { callProvider, failureClass, isSuccess, joinUrl, type ProviderReply } from '../http.ts';

export type GraphTarget = { baseUrl: string; graphVersion: string; accessToken: string };

type GraphError = { message?: string; code?: number; error_subcode?: number; type?: string };

// Token invalid or expired (190, 102), permission missing (10, 200–299): an admin must act.
const AUTH_CODES = new Set([10, 102, 190]);
// Unknown/temporary errors and the many rate limits (app, user, page, WhatsApp pair and account).
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 131056, 133004]);

export function graphErrorOf(json: unknown): GraphError | undefined {
  if (typeof json !== 'object' || json === null || !('error' in json)) return undefined;
  const error = (json as { error: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GraphError) : undefined;
}

export function graphFailure(reply: ProviderReply): SendFailure {
  const error = graphErrorOf(reply.json);
  const code = error?.code;
  const reason = error?.message ?? (reply.text.slice(0, 200) || `HTTP ${reply.status}`);
  const withCode = code === undefined ? reason : `${reason} (code ${code})`;
  if (code !== undefined && (AUTH_CODES.has(code) || (code >= 200 && code <= 299))) {
    return { type: 'auth', reason: withCode };
  }
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { type: 'transient', reason: withCode };
  return { type: failureClass(reply.status), reason: withCode };
}

/** POSTs a JSON body to `/{version}/{path}` with the token as a bearer; a non-2xx answer is a failure. */
export async function graphPost(
  target: GraphTarget,
  path: string,
  body: unknown,
): Promise<Result<ProviderReply, SendFailure>> {
  const reply = await callProvider({
    method: 'POST',
    url: joinUrl(target.baseUrl, `${target.graphVersion}/${path}`),
    headers: { authorization: `Bearer ${target.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (reply.isErr()) return err(reply.error);
  if (!isSuccess(reply.value.status)) return err(graphFailure(reply.value));
  return ok(reply.value);
}

/** The id field of a Graph answer (`message_id` for Send API, `id` for comment replies). */
export function stringField(json: unknown, field: string): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
