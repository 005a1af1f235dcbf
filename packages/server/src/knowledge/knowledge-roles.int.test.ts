import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
const tokens: Record<string, string> = {};
const ZERO = '00000000-0000-7000-8000-000000000000';

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
  for (const role of ['partner', 'seller', 'analyst', 'marketer', 'agent']) {
    tokens[role] = (await inviteMember(hub, ws.token, { name: role, role })).token;
  }
});
afterAll(() => hub.stop());

const call = (role: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  hub.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[role] ?? ws.token}` },
    ...(payload ? { payload } : {}),
  });

const ARTICLE = {
  title: 'Opening hours',
  body: 'We are open every day.',
  language: 'en',
  status: 'published',
};

describe('who may use the knowledge base and the answer bot', () => {
  it.each([
    ['partner', 'GET', '/api/knowledge/articles'],
    ['partner', 'GET', '/api/knowledge/search?q=hours'],
    ['partner', 'POST', '/api/knowledge/answer', { question: 'When are you open?' }],
    ['partner', 'POST', '/api/knowledge/articles', ARTICLE],
    ['seller', 'POST', '/api/knowledge/articles', ARTICLE],
    ['analyst', 'POST', '/api/knowledge/articles', ARTICLE],
    ['marketer', 'POST', '/api/knowledge/articles', ARTICLE],
    ['seller', 'PATCH', `/api/knowledge/articles/${ZERO}`, { status: 'draft' }],
    ['seller', 'DELETE', `/api/knowledge/articles/${ZERO}`],
    ['partner', 'GET', '/api/knowledge/bot/settings'],
    ['agent', 'PATCH', '/api/knowledge/bot/settings', { articleUrl: null }],
    ['seller', 'PATCH', '/api/knowledge/bot/settings', { articleUrl: null }],
    ['partner', 'GET', `/api/conversations/${ZERO}/suggested-articles`],
    ['partner', 'GET', `/api/knowledge/articles/${ZERO}/render`],
  ] as const)('refuses a %s: %s %s (403)', async (role, method, url, payload?: object) => {
    const res = await call(role, method, url, payload);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('PSK_FORBIDDEN_ROLE');
  });

  it('lets an agent write articles and a seller read them and ask the bot', async () => {
    const created = await call('agent', 'POST', '/api/knowledge/articles', ARTICLE);
    expect(created.statusCode).toBe(201);
    expect((await call('seller', 'GET', '/api/knowledge/articles')).statusCode).toBe(200);
    const answer = await call('seller', 'POST', '/api/knowledge/answer', {
      question: 'When are you open every day?',
    });
    expect(answer.statusCode).toBe(200);
  });
});
