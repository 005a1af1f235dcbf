// Outbound HTTP to providers, and the one mapping from an HTTP answer to a failure class
// (the class decides the retry policy in inbox/: transient retries, permanent fails the
// message, auth disables the inbox and tells an admin).
import { err, ok, type Result } from 'neverthrow';
import type { SendFailure } from './channel-adapter.ts';

export type ProviderRequest = {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
};

export type ProviderReply = { status: number; text: string; json: unknown };

export type SendResult = Result<{ providerMessageId: string }, SendFailure>;

/** Long enough for a slow provider, short enough that a worker is not stuck on a dead one. */
const TIMEOUT_MS = 20_000;

/** Sends the request; only a request that never got an answer is a failure here. */
export async function callProvider(request: ProviderRequest): Promise<Result<ProviderReply, SendFailure>> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch (cause) {
    // fetch says only "fetch failed"; the underlying error says why (ECONNREFUSED, a timeout).
    const inner = cause instanceof Error && cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    const reason = cause instanceof Error ? `${cause.message}${inner}` : String(cause);
    return err({ type: 'transient', reason: `network error: ${reason}` });
  }
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  try {
    json = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    json = null;
  }
  return ok({ status: response.status, text, json });
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The default class of a non-2xx answer; adapters refine it where a provider says more. */
export function failureClass(status: number): SendFailure['type'] {
  if (status >= 500 || status === 429 || status === 408) return 'transient';
  if (status === 401 || status === 403) return 'auth';
  return 'permanent';
}

export function httpFailure(status: number, providerReason: string | undefined): SendFailure {
  const reason = providerReason && providerReason.trim() !== '' ? providerReason : `HTTP ${status}`;
  return { type: failureClass(status), reason };
}

/** A 2xx answer we cannot read: the provider may have sent it, so retrying could send twice. */
export function unreadableSuccess(provider: string, reply: ProviderReply): SendFailure {
  return {
    type: 'permanent',
    reason: `${provider} answered ${reply.status} without a message id: ${reply.text.slice(0, 200)}`,
  };
}

export function formBody(params: Record<string, string | string[] | undefined>): string {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) body.append(key, one);
  }
  return body.toString();
}

/** Joins a configured base URL and a path without doubling or dropping the slash. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
