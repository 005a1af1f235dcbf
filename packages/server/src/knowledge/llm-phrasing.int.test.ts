// The LLM path against a local peer that speaks OpenAI's /v1/chat/completions JSON.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { chatCompletionsUrl } from './llm-phrasing.ts';

type ChatRequest = {
  path: string;
  authorization: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
};

let peer: Server;
let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
const received: ChatRequest[] = [];
let nextReply: { status: number; content: string } = { status: 200, content: '' };
const saved = { ...process.env };

beforeAll(async () => {
  peer = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        body: JSON.parse(raw),
      });
      response.writeHead(nextReply.status, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          model: 'local-model',
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: nextReply.content } },
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  const { port } = peer.address() as AddressInfo;
  process.env.PISHKHAN_LLM_URL = `http://127.0.0.1:${port}/v1`;
  process.env.PISHKHAN_LLM_MODEL = 'local-model';
  process.env.PISHKHAN_LLM_KEY = 'sk-test';
  hub = await startTestHub();
  ws = await newWorkspace(hub);
  await hub.app.inject({
    method: 'POST',
    url: '/api/knowledge/articles',
    headers: { authorization: `Bearer ${ws.token}` },
    payload: {
      title: 'Cancelling an order',
      body: 'You can cancel an order yourself until it is packed.\n\nOpen **My orders** and press **Cancel order**.',
      language: 'en',
      status: 'published',
    },
  });
});
afterAll(async () => {
  process.env = saved;
  await hub.stop();
  await new Promise((resolve) => peer.close(resolve));
});
beforeEach(() => {
  received.length = 0;
});

const ask = async (question: string) =>
  (
    await hub.app.inject({
      method: 'POST',
      url: '/api/knowledge/answer',
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { question },
    })
  ).json();

describe('answer bot with an OpenAI-compatible endpoint', () => {
  it('has the endpoint phrase the answer from the retrieved article, and still cites it', async () => {
    nextReply = {
      status: 200,
      content: 'Open My orders and press Cancel order, as long as it is not packed yet.',
    };
    const reply = await ask('How do I cancel my order?');
    expect(reply).toMatchObject({
      kind: 'answer',
      phrasedBy: 'llm',
      text: 'Open My orders and press Cancel order, as long as it is not packed yet.',
      citations: [{ title: 'Cancelling an order' }],
    });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.authorization).toBe('Bearer sk-test');
    expect(request!.body.model).toBe('local-model');
    expect(request!.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request!.body.messages[0]!.content).toContain(
      'You can cancel an order yourself until it is packed.',
    );
    expect(request!.body.messages[1]!.content).toBe('How do I cancel my order?');
  });

  it('hands over when the model says the articles do not answer', async () => {
    nextReply = { status: 200, content: 'HANDOVER' };
    expect(await ask('How do I cancel my order?')).toMatchObject({
      kind: 'handover',
      reason: 'llm-declined',
    });
  });

  it('answers by retrieval when the endpoint fails', async () => {
    nextReply = { status: 500, content: '' };
    const reply = await ask('How do I cancel my order?');
    expect(reply).toMatchObject({ kind: 'answer', phrasedBy: 'retrieval' });
    expect(reply.text).toContain('Cancel order');
  });

  it('does not ask the model when retrieval is not confident', async () => {
    nextReply = { status: 200, content: 'Something invented' };
    expect(await ask('What is the weather tomorrow?')).toMatchObject({ kind: 'handover' });
    expect(received).toHaveLength(0);
  });

  it('takes a base URL or a full endpoint URL', () => {
    expect(chatCompletionsUrl('https://api.example.com/v1/')).toBe(
      'https://api.example.com/v1/chat/completions',
    );
    expect(chatCompletionsUrl('http://h/v1/chat/completions')).toBe('http://h/v1/chat/completions');
  });
});
