// hoodiecrow-imap ships no types: the part of its API the IMAP tests use.
declare module 'hoodiecrow-imap' {
  import type { Server } from 'node:net';

  type HoodiecrowOptions = {
    plugins?: string[];
    users?: Record<string, { password: string }>;
    storage?: Record<string, { messages?: { raw: string; flags?: string[] }[]; separator?: string }>;
  };
  type HoodiecrowServer = {
    server: Server;
    listen(port: number, host: string, callback: () => void): void;
    close(callback: () => void): void;
  };
  export default function hoodiecrow(options?: HoodiecrowOptions): HoodiecrowServer;
}
