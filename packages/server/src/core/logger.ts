import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines for machines; readable, coloured lines when a person watches the terminal. */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    base: { service: 'pishkhan' },
    redact: ['req.headers.authorization'],
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  });
}
