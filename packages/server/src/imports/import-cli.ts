// `npm run import -- customers|events <file.csv>`: sends a CSV to the running hub and shows the
// upload and the import's progress. Row errors are listed and nothing is imported.
import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';

export async function importFile(input: {
  kind: string | undefined;
  file: string | undefined;
  baseUrl?: string;
  token?: string;
}): Promise<{ imported: number; duplicates: number }> {
  if ((input.kind !== 'customers' && input.kind !== 'events') || !input.file) {
    throw new Error(
      'usage: npm run import -- customers|events <file.csv>   (env: PISHKHAN_URL, PISHKHAN_TOKEN)',
    );
  }
  const base = input.baseUrl ?? process.env.PISHKHAN_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const token = input.token ?? process.env.PISHKHAN_TOKEN;
  if (!token) throw new Error('set PISHKHAN_TOKEN to an admin token (from /api/signin or /api/tokens)');
  const csv = await readFile(input.file, 'utf8');
  const response = await fetch(`${base}/api/imports/${input.kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: { message?: string; details?: { row: number; field: string; message: string }[] };
    };
    for (const d of body.error?.details ?? []) console.error(`  row ${d.row}: ${d.field}: ${d.message}`);
    throw new Error(body.error?.message ?? `the hub answered ${response.status}`);
  }
  const bar = new cliProgress.SingleBar(
    { format: `import ${input.kind} [{bar}] {percentage}% | {value}/{total} rows` },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, newline)) as {
        done: boolean;
        processed?: number;
        total?: number;
        imported?: number;
        duplicates?: number;
        error?: { message: string };
      };
      buffer = buffer.slice(newline + 1);
      if (!line.done) {
        if (!started) bar.start(line.total ?? 0, 0);
        started = true;
        bar.update(line.processed ?? 0);
        continue;
      }
      if (started) bar.stop();
      if (line.error) throw new Error(line.error.message);
      console.log(`imported ${line.imported} rows (${line.duplicates} already present)`);
      return { imported: line.imported ?? 0, duplicates: line.duplicates ?? 0 };
    }
  }
  throw new Error('the hub closed the import without a result');
}
