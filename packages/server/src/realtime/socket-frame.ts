// What a client sends over a WebSocket (the agents' socket, the web chat visitor's): JSON checked
// against the socket's schema. A frame that is neither is ignored, as the sockets promise.
import type { z } from 'zod';

/** The frame as `schema` reads it; null when it is not JSON or not of that shape. */
export function readSocketFrame<T extends z.ZodType>(schema: T, data: unknown): z.output<T> | null {
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
