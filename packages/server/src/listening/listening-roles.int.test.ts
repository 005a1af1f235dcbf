import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
  for (const role of ['partner', 'seller', 'analyst', 'agent', 'marketer']) {
    tokens[role] = (await inviteMember(hub, ws.token, { name: role, role })).token;
  }
});
afterAll(() => hub.stop());

const call = (role: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  hub.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[role]}` },
    ...(payload ? { payload } : {}),
  });

const MENTIONS = {
  mentions: [
    {
      network: 'instagram',
      id: 'c-1',
      author: { handle: 'someone' },
      text: 'پیشخوان عالیه',
      postedAt: '2025-03-01T10:00:00Z',
    },
  ],
};

describe('who may use social listening', () => {
  it.each([
    ['seller', 'POST', '/api/listening/mentions', MENTIONS],
    ['agent', 'POST', '/api/listening/mentions', MENTIONS],
    ['analyst', 'PUT', '/api/listening/keywords', { keywords: ['pishkhan'] }],
    ['partner', 'GET', '/api/listening/mentions'],
    ['partner', 'GET', '/api/listening/alerts'],
    ['agent', 'GET', '/api/listening/alerts'],
    ['seller', 'GET', '/api/listening/keywords'],
  ] as const)('refuses a %s: %s %s (403)', async (role, method, url, payload?: object) => {
    const res = await call(role, method, url, payload);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('PSK_FORBIDDEN_ROLE');
  });

  it('lets a marketer send mentions and an analyst read them', async () => {
    expect((await call('marketer', 'POST', '/api/listening/mentions', MENTIONS)).statusCode).toBe(200);
    const read = await call('analyst', 'GET', '/api/listening/mentions');
    expect(read.statusCode).toBe(200);
    expect(read.json().mentions).toHaveLength(1);
  });
});
