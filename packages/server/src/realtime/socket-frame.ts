// What a client sends over a WebSocket (the agents' socket, the web chat visitor's): JSON checked
// against the socket's schema. A frame that is neither is ignored, as the sockets promise; the
// web chat answers one that carries its message's clientId (see `problem`).
import type { z } from 'zod';
import { validationError } from '../api/error-handler.ts';

export type SocketFrame<T> =
  | { ok: true; frame: T }
  /** `json`: the frame as sent (undefined when not JSON); `problem` names the field that is wrong. */
  | { ok: false; json: unknown; problem: string };

/** The frame as `schema` reads it, or what is wrong with it. */
export function readSocketFrame<T extends z.ZodType>(schema: T, data: unknown): SocketFrame<z.output<T>> {
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {
    return { ok: false, json: undefined, problem: 'the frame is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  return { ok: false, json, problem: validationError(parsed.error.issues, '', 'PSK_VALIDATION').message };
}
