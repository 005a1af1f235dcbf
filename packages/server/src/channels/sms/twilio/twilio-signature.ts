// X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL Twilio
// called followed by every POST parameter as name+value, sorted by name.
import { hmacDigest, hmacMatches } from '../../signatures.ts';

export type TwilioSignatureInput = {
  authToken: string;
  url: string;
  params: Record<string, string>;
};

export function twilioSigningString(url: string, params: Record<string, string>): string {
  const names = Object.keys(params).sort();
  return url + names.map((name) => `${name}${params[name] ?? ''}`).join('');
}

export function twilioSignature(input: TwilioSignatureInput): string {
  return hmacDigest('sha1', input.authToken, twilioSigningString(input.url, input.params), 'base64');
}

/**
 * Twilio may or may not have included the default port in the URL it signed (its own helpers
 * try both), so both spellings are accepted.
 */
function urlVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/:?#]+)(?::(\d+))?(.*)$/i.exec(url);
  if (match === null) return [url];
  const [, scheme = '', host = '', port, rest = ''] = match;
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  if (port === undefined) return [url, `${scheme}://${host}:${defaultPort}${rest}`];
  return port === defaultPort ? [url, `${scheme}://${host}${rest}`] : [url];
}

export function twilioSignatureMatches(
  input: TwilioSignatureInput & { signature: string | undefined },
): boolean {
  // Each variant is checked in constant time; which variant matched is not secret.
  return urlVariants(input.url).some((url) =>
    hmacMatches({
      algorithm: 'sha1',
      encoding: 'base64',
      secret: input.authToken,
      payload: twilioSigningString(url, input.params),
      signature: input.signature,
    }),
  );
}
