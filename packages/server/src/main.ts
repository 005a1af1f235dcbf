// The hub's command line:
//   npm start [-- --demo]        start the hub (embedded PGlite in PISHKHAN_DATA_DIR, or DATABASE_URL)
//   npm run demo                 start with the demo workspace filled
//   npm run import -- customers|events <file.csv>   import into a running hub (PISHKHAN_URL, PISHKHAN_TOKEN)
import 'dotenv/config';
import { buildApp } from './app.ts';
import { startSmtpListener } from './channels/email/smtp-listener.ts';
import { loadConfig } from './core/config.ts';
import { AppErrorException } from './core/errors.ts';
import { createLogger } from './core/logger.ts';
import { keepRequestObjectsYoung } from './core/keep-request-objects-young.ts';
import { openDatabase } from './db/open-database.ts';
import { DEMO_LOGIN, seedDemo } from './demo/seed-demo.ts';
import { importFile } from './imports/import-cli.ts';
import { startIngestWorkers, type IngestWorkers } from './ingest/ingest-workers.ts';
import { acceptInboundMail, acceptsMailFor } from './inbox/mail-intake.ts';

async function start(withDemo: boolean): Promise<void> {
  keepRequestObjectsYoung();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (config.PISHKHAN_INGEST_WORKERS > 0 && !config.DATABASE_URL) {
    throw new Error(
      'PISHKHAN_INGEST_WORKERS needs DATABASE_URL: the embedded PGlite database belongs to one process',
    );
  }
  const opened = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  logger.info(`database: ${opened.description}`);
  if (config.NATS_URL) {
    logger.warn(
      'NATS_URL is set, but this version runs as one process: ingest and work stay in PostgreSQL (scale-out over NATS JetStream comes later)',
    );
  }
  const built = await buildApp({
    db: opened.db,
    logger,
    ingestFlushMs: config.INGEST_FLUSH_MS,
    knownIdentifiers: config.PISHKHAN_KNOWN_IDENTIFIERS,
    parseThreads: config.PISHKHAN_PARSE_THREADS,
    desk: { retention: { days: config.PISHKHAN_JOB_RETENTION_DAYS } },
    analyzeCheckMs: config.PISHKHAN_ANALYZE_CHECK_SECONDS * 1000,
  });
  if (withDemo) {
    const demo = await seedDemo({
      db: opened.db,
      ingest: built.hub.ingest,
      customers: 3000,
      progress: process.stderr.isTTY,
    });
    logger.info(
      demo.created ? `demo workspace filled with ${demo.events} events` : 'demo workspace already present',
    );
    logger.info(`demo sign-in: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password} (POST /api/signin)`);
  }
  // SMTP_PORT turns on the built-in inbound mail server (mail to e-mail inboxes' addresses).
  const smtp = config.SMTP_PORT
    ? await startSmtpListener({
        port: config.SMTP_PORT,
        host: config.HOST,
        maxSizeBytes: 25 * 1024 * 1024,
        acceptsRecipient: (address) => acceptsMailFor(built.desk, address),
        onMessage: async (raw, envelope) => {
          await acceptInboundMail(built.desk, { raw, envelope });
        },
        onError: (error) => logger.debug({ err: error }, 'SMTP connection error'),
      })
    : null;
  if (smtp) logger.info(`SMTP listener on port ${smtp.port}`);
  let stopping = false;
  let ingestWorkers: IngestWorkers | null = null;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing queued events and closing the database`);
    await ingestWorkers?.stop();
    await smtp?.close();
    await built.close();
    await opened.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const address = await built.app.listen({ port: config.PORT, host: config.HOST });
  logger.info(`Pishkhan is up on ${address} — API docs at ${address}/api/docs`);
  if (config.DATABASE_URL && config.PISHKHAN_INGEST_WORKERS > 0) {
    ingestWorkers = await startIngestWorkers({
      count: config.PISHKHAN_INGEST_WORKERS,
      databaseUrl: config.DATABASE_URL,
      port: config.PISHKHAN_INGEST_PORT,
      host: config.HOST,
      logLevel: config.LOG_LEVEL,
      logger,
      metrics: built.hub.metrics,
    });
    logger.info(
      `Segment ingest also on ${ingestWorkers.address}, in ${config.PISHKHAN_INGEST_WORKERS} more processes`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'import') {
    await importFile({ kind: rest[0], file: rest[1] });
    return;
  }
  if (command === 'demo') return start(true);
  if (command === undefined || command === 'start' || command.startsWith('--'))
    return start(argv.includes('--demo'));
  console.error(
    `Unknown command "${command}". Use: start [--demo] | demo | import customers|events <file.csv>`,
  );
  process.exit(2);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof AppErrorException
      ? error.error.message
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`pishkhan: ${message}`);
  if (!(error instanceof AppErrorException) && error instanceof Error && process.env.LOG_LEVEL === 'debug')
    console.error(error.stack);
  process.exit(1);
});
