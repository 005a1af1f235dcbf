// The hub as a user runs it: `npm start` on a data folder. An acknowledged event survives the
// process being killed, and a second hub on the same folder is refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'pishkhan-durability-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startHub(port: number): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PISHKHAN_DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(base: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the hub did not start');
}

const json = async (r: Response) => (await r.json()) as Record<string, string>;

describe('durability of the embedded database', () => {
  it('keeps acknowledged events after the process is killed, and refuses a second hub on the folder', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const first = startHub(port);
    await waitForHealth(base);
    const { token } = await json(
      await fetch(`${base}/api/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'o@example.com', password: 'a-long-Passw0rd!', workspace: 'W' }),
      }),
    );
    const { writeKey } = await json(
      await fetch(`${base}/api/sources`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: 'web' }),
      }),
    );
    const batch = Array.from({ length: 200 }, (_, i) => ({
      type: 'track',
      userId: 'durable',
      event: `E${i}`,
    }));
    const sent = await fetch(`${base}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch }),
    });
    expect(sent.status).toBe(200);

    const second = startHub(port + 1);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('in use by another Pishkhan process');

    first.child.kill('SIGKILL');
    await first.exited;
    const again = startHub(port);
    await waitForHealth(base);
    const customer = await json(
      await fetch(`${base}/api/customers/lookup?type=userId&value=durable`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    let seen = 0;
    let cursor = '';
    do {
      const page = (await (
        await fetch(`${base}/api/customers/${customer.id}/timeline?limit=200${cursor}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { events: unknown[]; nextCursor: string | null };
      seen += page.events.length;
      cursor = page.nextCursor ? `&cursor=${page.nextCursor}` : '';
    } while (cursor);
    expect(seen).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 120_000);
});
