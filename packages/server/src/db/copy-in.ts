// COPY … FROM STDIN in one round trip. The statement and its data leave without waiting for the
// server's CopyInResponse: the protocol lets a client send its data ahead, and a server that
// refused the statement ignores data it was not waiting for. A stream (pg-copy-streams) waits for
// the response first, writes each chunk's header and body and the end apart, and its pipeline's
// clean-up built an AbortError per COPY: at 120 ingest groups a second that was 3 writes and ~1 ms
// of the hub's thread per group (docs/benchmarks.md, seventh session).
import type pg from 'pg';

const COPY_DATA = 0x64;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/** What node-postgres' connection offers a query object (`client.query(object)` calls `submit`). */
type Connection = {
  stream: NodeJS.WritableStream & { cork(): void; uncork(): void };
  query(text: string): void;
};

/**
 * Runs `sql`, a simple query whose one COPY … FROM STDIN takes `chunks` (COPY text). Other
 * statements may come before and after it in `sql`; rows they return are dropped.
 */
export function copyIn(client: pg.ClientBase, sql: string, chunks: Iterable<Buffer>): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = {
      text: sql,
      submit(connection: Connection) {
        const { stream } = connection;
        const writeData = (chunk: Buffer) => {
          const header = Buffer.allocUnsafe(5);
          header[0] = COPY_DATA;
          header.writeUInt32BE(chunk.length + 4, 1);
          stream.write(header);
          stream.write(chunk);
        };
        // Corked, writes wait and leave together in one system call. Each chunk but the last goes
        // once the next one is encoded, so the server reads it while the hub encodes the rest; the
        // last goes with the end of the data, so a small COPY is one write in all. The ingest
        // bench's raw COPY (500 rows at a time) took 54,000–56,000 rows/s when every chunk waited
        // for the last, 60,000–68,000 by pg-copy-streams and 64,000–79,000 this way, in one run.
        stream.cork();
        connection.query(sql);
        let held: Buffer | null = null;
        for (const chunk of chunks) {
          if (held) {
            writeData(held);
            stream.uncork();
            stream.cork();
          }
          held = chunk;
        }
        if (held) writeData(held);
        stream.write(COPY_DONE);
        stream.uncork();
      },
      handleCopyInResponse: () => undefined,
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleCommandComplete: () => undefined,
      handleEmptyQuery: () => undefined,
      handlePortalSuspended: () => undefined,
      handleCopyData: () => undefined,
      // node-postgres forgets the query on an error: the ReadyForQuery that follows is not passed on.
      handleError: (error: Error) => reject(error),
      handleReadyForQuery: () => resolve(),
    };
    // node-postgres takes any object with `submit` as a query: its types only know its own.
    client.query(query as unknown as pg.QueryConfig);
  });
}
